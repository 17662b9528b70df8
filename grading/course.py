"""The grading verbs of grading.mk: release, autograde, feedback, grades, collect-zip.

Each verb runs nbgrader in a course directory (the repository root, or a copy of it in the
tests) and first says plainly what is missing when its input is not there. Run them as
``python -m grading VERB [ASSIGNMENT]`` from the course directory (``make VERB``).
"""

import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from traitlets.config import Config

SECRET_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


class GradingError(Exception):
    """A verb cannot do its work; the message says what to do."""


def read_config(root):
    """The names nbgrader_config.py defines (ASSIGNMENTS, c, ...)."""
    path = Path(root) / "nbgrader_config.py"
    if not path.is_file():
        raise GradingError(f"{path} does not exist: run this from the course directory")
    return runpy.run_path(str(path), init_globals={"get_config": Config})


def assignments(root):
    """The assignments listed in nbgrader_config.py, in order."""
    return list(read_config(root)["ASSIGNMENTS"])


def nbgrader(root, *args, quiet=False):
    """Run ``nbgrader ARGS`` in the course directory; return its exit status."""
    bin_dir = os.path.dirname(sys.executable)  # nbgrader runs `alembic` from the same venv
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    output = subprocess.DEVNULL if quiet else None
    command = [sys.executable, "-m", "nbgrader", *args]
    return subprocess.run(command, cwd=root, env=env, stdout=output, stderr=output).returncode


def released(root):
    """Assignments listed in the config that have a source notebook in solutions/."""
    return [name for name in assignments(root) if (Path(root) / "solutions" / name).is_dir()]


def release(root="."):
    """Regenerate exercises/ from solutions/ for every listed assignment; check for leaks."""
    root = Path(root)
    listed = assignments(root)
    sources = {path.name for path in (root / "solutions").iterdir() if path.is_dir()}
    for name in sorted(sources - set(listed)):
        print(f"solutions/{name} is not in ASSIGNMENTS of nbgrader_config.py: not released")
    for name in listed:
        if name not in sources:
            print(f"{name} is listed in nbgrader_config.py but solutions/{name}/ does not exist")
    keep = [name for name in listed if name in sources]
    (root / "exercises").mkdir(exist_ok=True)
    for path in sorted((root / "exercises").iterdir()):
        if path.is_dir() and path.name not in keep:
            print(f"removing exercises/{path.name}: it has no source in solutions/ any more")
            shutil.rmtree(path)
    for name in keep:
        if nbgrader(root, "generate_assignment", name, "--force") != 0:
            raise GradingError(f"nbgrader could not generate {name}; see its messages above")
        leaks = find_leaks(root, name)
        if leaks:
            raise GradingError(f"exercises/{name} gives away the answers:\n" + "\n".join(leaks))
        print(f"exercises/{name} regenerated from solutions/{name}; nothing secret in it")
    return keep


def secret_lines(notebook):
    """Lines of solutions and hidden tests that appear nowhere else in the source notebook."""
    secret, public = set(), set()
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        whole_cell_secret = (
            meta.get("solution") and "BEGIN SOLUTION" not in cell.source
        )  # a solution cell without markers is replaced entirely
        inside = whole_cell_secret
        for line in cell.source.splitlines():
            text = line.strip()
            if "BEGIN SOLUTION" in text or "BEGIN HIDDEN TESTS" in text:
                inside = True
            elif "END SOLUTION" in text or "END HIDDEN TESTS" in text:
                inside = whole_cell_secret
            elif text:
                (secret if inside else public).add(text)
    return secret - public


def find_leaks(root, name):
    """Sentences describing secret text found in exercises/NAME (empty when clean)."""
    root = Path(root)
    leaks = []
    for source_path in sorted((root / "solutions" / name).glob("*.ipynb")):
        release_path = root / "exercises" / name / source_path.name
        if not release_path.is_file():
            leaks.append(f"{release_path} is missing")
            continue
        secret = secret_lines(nbformat.read(source_path, as_version=4))
        for number, cell in enumerate(nbformat.read(release_path, as_version=4).cells, 1):
            for line in cell.source.splitlines():
                text = line.strip()
                if any(marker in text for marker in SECRET_MARKERS) or text in secret:
                    leaks.append(f"{release_path.name}, cell {number}: {text}")
    return leaks


def sync_gradebook(root, name):
    """Record the assignment's cells and tests in gradebook.db (the release stays as it is).

    Skipped when gradebook.db is newer than every file of solutions/NAME (a release or an
    earlier autograde has just recorded them)."""
    database = Path(root) / "gradebook.db"
    sources = [path for path in (Path(root) / "solutions" / name).rglob("*") if path.is_file()]
    if (
        database.is_file()
        and all(path.stat().st_mtime < database.stat().st_mtime for path in sources)
        and gradebook_knows(database, name)
    ):
        return
    with tempfile.TemporaryDirectory() as scratch:
        status = nbgrader(
            root,
            "generate_assignment",
            name,
            "--force",
            f"--CourseDirectory.release_directory={scratch}",
            quiet=True,
        )
    if status != 0:
        raise GradingError(f"nbgrader could not read solutions/{name}; run `make release`")


def gradebook_knows(database, name):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{database}") as gradebook:
        try:
            return bool(gradebook.find_assignment(name).notebooks)
        except MissingEntry:
            return False


def submissions(root):
    """{assignment: [student, ...]} for every submitted/<student>/<assignment>/ folder."""
    found = {}
    for folder in sorted(Path(root).glob("submitted/*/*")):
        if folder.is_dir():
            found.setdefault(folder.name, []).append(folder.parent.name)
    return found


def autograde(root=".", assignment=None, jobs=None, unsandboxed=False, quiet=False):
    """Grade every submission (of one assignment, if given); keep going past bad ones.

    Each submission runs in a sandbox of its own, ``jobs`` at a time (default: one per core);
    see grading.autograde. ``unsandboxed`` grades without the sandbox (said on every run);
    ``quiet`` hides nbgrader's log."""
    from grading import autograde as engine

    root = Path(root)
    found = submissions(root)
    if not found:
        raise GradingError(
            "Nothing to grade: submitted/ is empty. Put each submission at "
            "submitted/<student>/<assignment>/<assignment>.ipynb, or unpack an LMS download "
            "with `make collect-zip ASSIGNMENT=<assignment>`."
        )
    known = released(root)
    if assignment is not None:
        if assignment not in known:
            raise GradingError(f"unknown assignment {assignment!r}; the course has: {known}")
        if assignment not in found:
            raise GradingError(f"no submissions for {assignment} in submitted/*/{assignment}/")
        found = {assignment: found[assignment]}
    for name in list(found):
        if name not in known:
            print(f"skipping submitted/*/{name}: {name} is not an assignment of this course "
                  f"(ASSIGNMENTS in nbgrader_config.py with a folder in solutions/)")
            del found[name]
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    try:
        sandboxed = engine.prepare(root, unsandboxed)
    except engine.SandboxError as error:
        raise GradingError(str(error)) from None
    work = []
    for name, students in found.items():
        print(f"autograding {name}: {len(students)} submission(s), {jobs} at a time")
        sync_gradebook(root, name)
        notebooks = [path.name for path in (root / "solutions" / name).glob("*.ipynb")]
        for student in students:
            for notebook in notebooks:
                path = root / "submitted" / student / name / notebook
                if path.is_file():
                    work.append((name, student, path))
    config = read_config(root)["c"]

    def record(verdicts):  # phase 2, while phase 1 still runs: nbgrader writes the gradebook
        return [name for name in found if nbgrader(
            root, "autograde", name, "--force", f"--InjectResults.results_dir={verdicts}",
            quiet=quiet) != 0]

    try:
        verdicts, problems, failed = engine.run_all(root, config, work, jobs, sandboxed, record)
        failed = failed or []
    except engine.ConfigurationError as error:
        raise GradingError(str(error)) from None
    engine.cleanup(verdicts)
    for problem in problems:
        print(problem)
    if failed:
        raise GradingError(
            f"nbgrader reported errors while grading {', '.join(failed)} (see above); the other "
            "submissions were graded. A submission nbgrader could not read has no autograded "
            "score and is marked for manual grading in `make lab` (Formgrader)."
        )


def feedback(root="."):
    """Write feedback/<student>/<assignment>/<notebook>.html for every graded submission."""
    root = Path(root)
    graded = sorted({path.name for path in root.glob("autograded/*/*") if path.is_dir()})
    if not graded:
        raise GradingError("No graded submissions in autograded/: run `make autograde` first")
    for name in graded:
        if nbgrader(root, "generate_feedback", name, "--force") != 0:
            raise GradingError(f"nbgrader could not write the feedback for {name}")
    print(f"feedback written to {root / 'feedback'}/<student>/<assignment>/")


def grades(root=".", to="grades.csv"):
    """Export every score in gradebook.db to a CSV file."""
    root = Path(root)
    if not (root / "gradebook.db").is_file() or not submissions(root):
        raise GradingError("No grades yet: run `make autograde` first")
    if nbgrader(root, "export", f"--to={to}") != 0:
        raise GradingError("nbgrader could not export the grades")
    print(f"grades written to {root / to}")


def collect_zip(root=".", assignment=None):
    """Unpack an LMS download from downloaded/<assignment>/archive/ into submitted/."""
    root = Path(root)
    if assignment not in released(root):
        raise GradingError(
            f"say which assignment: make collect-zip ASSIGNMENT=<one of {released(root)}>"
        )
    archive = root / "downloaded" / assignment / "archive"
    if not archive.is_dir() or not any(archive.iterdir()):
        raise GradingError(
            f"Put the LMS download (zip files or notebooks named "
            f"<student>_..._{assignment}.ipynb) into {archive}/ first"
        )
    if nbgrader(root, "zip_collect", assignment, "--force") != 0:
        raise GradingError("nbgrader zip_collect failed; see its messages above")
    students = submissions(root).get(assignment, [])
    print(f"submitted/ now holds {len(students)} submission(s) of {assignment}")


VERBS = {
    "release": release,
    "autograde": autograde,
    "feedback": feedback,
    "grades": grades,
    "collect-zip": collect_zip,
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in VERBS:
        print(f"usage: python -m grading {{{'|'.join(VERBS)}}} [ASSIGNMENT]", file=sys.stderr)
        return 2
    verb, args = argv[0], [arg for arg in argv[1:] if arg]
    try:
        if verb == "autograde":
            autograde(".", *args[:1], jobs=os.environ.get("JOBS") or None,
                      unsandboxed=os.environ.get("UNSANDBOXED", "") not in ("", "0"))
        elif verb == "collect-zip":
            VERBS[verb](".", *args[:1])
        else:
            VERBS[verb](".")
    except GradingError as error:
        print(f"make {verb}: {error}", file=sys.stderr)
        return 1
    return 0

