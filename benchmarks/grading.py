"""How long autograding takes per notebook, against the floor of a bare kernel.

    .venv/bin/python benchmarks/grading.py [N] [ASSIGNMENT]

Grades N copies (default 5) of the solution of ASSIGNMENT (default 01_autograd) with
`nbgrader autograde` in a temporary copy of the course, and times a kernel that only runs the
setup cell's imports (torch, course_utils.checks) on a one-cell notebook: no autograder can
grade a notebook faster than that kernel starts.
"""

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading import course  # noqa: E402

FLOOR_CELL = "import torch\n\nfrom course_utils.checks import make_checker\n\ncheck = make_checker()"


def floor_seconds(runs=3):
    """Median wall time of a fresh kernel running only the setup imports."""
    times = []
    for _ in range(runs):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CELL)])
        start = time.perf_counter()
        NotebookClient(nb, kernel_name="python3", timeout=120).execute()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def solved(root, name):
    """The release of NAME with the solution's answers pasted in."""
    release = nbformat.read(root / "exercises" / name / f"{name}.ipynb", as_version=4)
    solution = nbformat.read(root / "solutions" / name / f"{name}.ipynb", as_version=4)
    answers = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in solution.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = "\n".join(
                line for line in answers[grade_id].splitlines() if "SOLUTION" not in line
            )
    return release


def grading_seconds(count, name):
    """Wall time of one `nbgrader autograde` run over ``count`` solution submissions."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copy(ROOT / "nbgrader_config.py", root)
        shutil.copytree(ROOT / "grading", root / "grading",
                        ignore=shutil.ignore_patterns("__pycache__"))
        for folder in ("solutions", "exercises"):
            shutil.copytree(ROOT / folder / name, root / folder / name)
        course.sync_gradebook(root, name)  # not timed: `make release` does it once
        for number in range(count):
            folder = root / "submitted" / f"student{number:03d}" / name
            folder.mkdir(parents=True)
            nbformat.write(solved(root, name), folder / f"{name}.ipynb")
        start = time.perf_counter()
        status = course.nbgrader(root, "autograde", name, "--force", quiet=True)
        elapsed = time.perf_counter() - start
        if status != 0:
            raise SystemExit("nbgrader autograde failed; run it by hand to see why")
    return elapsed


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    name = sys.argv[2] if len(sys.argv) > 2 else "01_autograd"
    floor = floor_seconds()
    total = grading_seconds(count, name)
    per_notebook = total / count
    print(f"assignment                 {name}")
    print(f"submissions graded         {count}")
    print(f"autograde run, total       {total:6.2f} s")
    print(f"per notebook               {per_notebook:6.2f} s")
    print(f"floor (kernel + imports)   {floor:6.2f} s")
    print(f"per notebook / floor       {per_notebook / floor:6.2f}")


if __name__ == "__main__":
    main()
