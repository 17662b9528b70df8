"""How fast `make autograde` grades a class, with JOBS and with the sandbox.

    .venv/bin/python benchmarks/grading.py [N] [ASSIGNMENT]

Grades N copies (default 20) of the solution of ASSIGNMENT (default 01_autograd) in a temporary
copy of the course, three times: JOBS=1 in the sandbox, JOBS=2 in the sandbox, and JOBS=2
without it (UNSANDBOXED). Each run is timed whole: phase 1 (every submission's kernel) with
phase 2 (`nbgrader autograde` recording the verdicts, overlapping phase 1). Then the same three
runs of phase 1 alone (kernels and comparison, nothing recorded). The reference run of the
solution is made once beforehand and not timed (it is cached between runs). Every run must give
every submission full marks. Reports the speed-up of JOBS=2 over JOBS=1 and the cost of the
sandbox at JOBS=2.
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from grading import autograde, course  # noqa: E402


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


def make_course(scratch, count, name):
    root = Path(scratch)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "grading", root / "grading", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder / name, root / folder / name)
    for number in range(count):
        folder = root / "submitted" / f"student{number:03d}" / name
        folder.mkdir(parents=True)
        nbformat.write(solved(root, name), folder / f"{name}.ipynb")
    return root


def full_marks(root, name):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assignment = gradebook.find_assignment(name)
        tests = {c.name for nb in assignment.notebooks for c in nb.grade_cells if c.cell_type == "code"}
        return all(
            grade.auto_score == grade.max_score
            for submission in assignment.submissions
            for nb in submission.notebooks
            for grade in nb.grades
            if grade.name in tests
        )


def timed_run(root, name, jobs, sandboxed):
    """(whole autograde, phase 1 alone) in seconds."""
    phase1 = {}
    original = autograde.run_all

    def run_all(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            phase1["seconds"] = time.perf_counter() - start

    autograde.run_all = run_all
    try:
        start = time.perf_counter()
        course.autograde(root, name, jobs=jobs, unsandboxed=not sandboxed, quiet=True)
        total = time.perf_counter() - start
    finally:
        autograde.run_all = original
    if not full_marks(root, name):
        raise SystemExit(f"JOBS={jobs} sandboxed={sandboxed}: not every submission got full marks")
    return total, phase1["seconds"]


def kernels_only(root, name, jobs, sandboxed):
    """Seconds to run every submission's kernel and compare (phase 1, nothing recorded)."""
    config = course.read_config(root)["c"]
    work = [(name, folder.parent.name, folder / f"{name}.ipynb")
            for folder in sorted(root.glob(f"submitted/*/{name}"))]
    start = time.perf_counter()
    verdicts, problems, _ = autograde.run_all(root.resolve(), config, work, jobs, sandboxed)
    seconds = time.perf_counter() - start
    autograde.cleanup(verdicts)
    if problems:
        raise SystemExit("\n".join(problems))
    return seconds


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    name = sys.argv[2] if len(sys.argv) > 2 else "01_autograd"
    with tempfile.TemporaryDirectory() as scratch:
        root = make_course(scratch, count, name)
        course.sync_gradebook(root, name)
        source = root / "solutions" / name / f"{name}.ipynb"
        cache = root / autograde.CACHE / "reference" / f"{name}-{name}.json"
        limits = autograde.limits_from(course.read_config(root)["c"])
        autograde._reference_job(str(source), str(cache), autograde.reference_key(source), limits,
                                 True)  # the reference run, cached: not timed
        runs = {
            "JOBS=1, sandbox": timed_run(root, name, 1, True),
            "JOBS=2, sandbox": timed_run(root, name, 2, True),
            "JOBS=2, no sandbox": timed_run(root, name, 2, False),
        }
        kernels = {(jobs, sandboxed): kernels_only(root, name, jobs, sandboxed)
                   for jobs, sandboxed in [(1, True), (2, True), (2, False)]}
    print(f"assignment {name}, {count} submissions, {os.cpu_count()} cores")
    print(f"{'run':22s} {'total':>9s} {'phase 1':>9s} {'per notebook':>13s}")
    for label, (total, phase1) in runs.items():
        print(f"{label:22s} {total:8.1f}s {phase1:8.1f}s {total / count:12.2f}s")
    one, two, bare = runs["JOBS=1, sandbox"], runs["JOBS=2, sandbox"], runs["JOBS=2, no sandbox"]
    print(f"speed-up JOBS=2 over JOBS=1: {one[0] / two[0]:.2f}x (phase 1: {one[1] / two[1]:.2f}x)")
    print(f"sandbox overhead at JOBS=2: {100 * (two[0] / bare[0] - 1):+.1f}% "
          f"(phase 1: {100 * (two[1] / bare[1] - 1):+.1f}%)")
    print(f"kernels only (phase 1 without nbgrader): JOBS=1 {kernels[1, True]:.1f}s, "
          f"JOBS=2 {kernels[2, True]:.1f}s, JOBS=2 without sandbox {kernels[2, False]:.1f}s")
    print(f"  speed-up {kernels[1, True] / kernels[2, True]:.2f}x, sandbox overhead "
          f"{100 * (kernels[2, True] / kernels[2, False] - 1):+.1f}%")


if __name__ == "__main__":
    main()
