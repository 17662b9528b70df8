"""A copy of the course as a fresh clone would have it, for tests that must not touch this checkout.

The copy holds every file git tracks plus the new files git does not ignore (so uncommitted work
is tested too), with their modification times kept (so `make` sees the same stamps).
"""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def course_files(root=ROOT):
    """Paths, relative to ``root``, that a fresh clone of the working tree would have."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listing.split("\0") if name and (root / name).is_file()]


def copy_course(destination, root=ROOT):
    """Copy the working tree's files to ``destination`` (created) and return it as a Path."""
    destination = Path(destination)
    for name in course_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    return destination


def git_snapshot(destination, root=ROOT):
    """Copy the working tree to ``destination`` and commit it there on branch main, as one commit."""
    destination = copy_course(destination, root)
    identity = ["-c", "user.name=Course tests", "-c", "user.email=tests@course.invalid"]
    for command in (
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", *identity, "commit", "--quiet", "--no-verify", "-m", "Snapshot of the working tree"],
    ):
        subprocess.run(command, cwd=destination, check=True, capture_output=True)
    return destination
