"""Throw-away copies of the course, graded once per test session.

Grading is the slow part of the test suite, so the two grading test modules share one session
fixture, ``graded``: it builds every synthetic submission, then runs the grading verbs in two
course copies at once (two processes for two cores):

- ``roundtrip``: every assignment of nbgrader_config.py, released afresh, and per assignment
  the solution, the untouched release and a submission with one broken answer;
- ``cheats``: assignment 01 (and one other) with an honest student graded before and after the
  cheaters, an unreadable notebook, an LMS zip download and an unknown assignment folder; then
  feedback and grades.csv.

Under pytest-xdist the first worker to ask does the work and the others wait for it (a file
lock) and read the same results.
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading import course  # noqa: E402

TIMEOUT = 20  # seconds per cell in the test runs (the course's own is 30)
FIRST = "01_autograd"


# -- notebooks ---------------------------------------------------------------------------------
def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def is_answer(cell):
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("solution") and not meta.get("grade")


def is_test(cell):
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def cell(nb, name):
    return next(c for c in nb.cells if grade_id(c) == name)


def read(path):
    return nbformat.read(path, as_version=4)


def release_of(root, name):
    return read(Path(root) / "exercises" / name / f"{name}.ipynb")


def solved(root, name):
    """The release with every answer (code and written) taken from the solution notebook."""
    nb = release_of(root, name)
    solution = read(Path(root) / "solutions" / name / f"{name}.ipynb")
    answers = {grade_id(c): c.source for c in solution.cells if c.metadata.get("nbgrader", {})
               .get("solution")}
    for c in nb.cells:
        if grade_id(c) in answers:
            lines = answers[grade_id(c)].splitlines()
            c.source = "\n".join(line for line in lines if "SOLUTION" not in line)
    return nb


def broken(source):
    """``source`` plus redefinitions that make every function and variable it defines wrong."""
    import ast

    extra = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            extra.append(f"def {node.name}(*args, **kwargs):\n    return None")
        elif isinstance(node, ast.Assign):
            extra += [f"{t.id} = None" for t in node.targets if isinstance(t, ast.Name)]
    return source + "\n\n\n" + "\n\n\n".join(extra) + "\n"


def break_all_answers(nb):
    for c in nb.cells:
        if is_answer(c):
            c.source = broken(c.source)
    return nb


def first_answer_and_its_tests(nb):
    """The first autograded answer cell and the test cells that follow it (before the next)."""
    answers = [i for i, c in enumerate(nb.cells) if is_answer(c)]
    end = answers[1] if len(answers) > 1 else len(nb.cells)
    tests = [grade_id(c) for c in nb.cells[answers[0]:end] if is_test(c)]
    return nb.cells[answers[0]], tests


def submit(root, student, name, nb):
    folder = Path(root) / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")


# -- the course copies -------------------------------------------------------------------------
def copy_course(dest, names, exercises_from=ROOT):
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    shutil.copytree(ROOT / "grading", dest / "grading",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with open(dest / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Execute.timeout = {TIMEOUT}\n")
    for name in names:
        shutil.copytree(ROOT / "solutions" / name, dest / "solutions" / name)
        if (exercises_from / "exercises" / name).is_dir():
            shutil.copytree(exercises_from / "exercises" / name, dest / "exercises" / name)
    return dest


def grading_command(root, *verb):
    """Start `python -m grading VERB` in ``root``; its output goes to ``root/VERB.log``."""
    log = open(Path(root) / f"{verb[0]}.log", "w")
    return subprocess.Popen([sys.executable, "-m", "grading", *verb], cwd=root,
                            stdout=log, stderr=subprocess.STDOUT)


def scores(root):
    """{assignment: {student: {grade_id: [auto_score, max_score, is_test_cell]}}}."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            tests = {c.name for nb in assignment.notebooks for c in nb.grade_cells
                     if c.cell_type == "code"}
            for submission in assignment.submissions:
                out.setdefault(assignment.name, {})[submission.student.id] = {
                    grade.name: [grade.auto_score, grade.max_score, grade.name in tests]
                    for nb in submission.notebooks
                    for grade in nb.grades
                }
    return out


def listed_with_source():
    return [name for name in course.assignments(ROOT) if (ROOT / "solutions" / name).is_dir()]


# -- the cheats ----------------------------------------------------------------------------------
ALWAYS_EQUAL = '''
class Anything(float):
    """Equal to everything, and a float as far as isinstance can tell."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __sub__(self, other):
        return Anything(0.0)

    __rsub__ = __sub__
    __hash__ = float.__hash__

    def __abs__(self):
        return 0.0


class Everything(list):
    def __eq__(self, other):
        return True

    def __len__(self):
        return 99

    def __getitem__(self, index):
        return Anything(0.0)
'''

PATCH_HELPERS = '''
import numpy
import numpy.testing


def anything(*args, **kwargs):
    return True


torch.allclose = anything
torch.equal = anything
torch.testing.assert_close = anything
numpy.testing.assert_allclose = anything
math.isclose = anything
'''

# The same patches through names the static check cannot follow; the checker notices them.
PATCH_HELPERS_HIDDEN = '''
import numpy

t, m, n = torch, math, numpy


def anything(*args, **kwargs):
    return True


t.allclose = anything
t.Tensor.tolist = lambda self: [1.0]
m.isclose = anything
m.isfinite = anything
n.testing.assert_allclose = anything
'''

PATCH_COURSE_UTILS = '''
import course_utils
import course_utils.checks


class Yes:
    def __getattr__(self, name):
        return lambda *args, **kwargs: args[0] if args else None


course_utils.checks.make_checker = Yes
check.close = Yes().close
type(check).close = Yes().close
check = Yes()
'''

PATCH_BUILTINS = '''
import builtins

builtins.isinstance = lambda obj, kind: True
abs = lambda value: 0.0
float = lambda value=0.0: 0.0
type = lambda obj: float
'''

SILENCE_TRACEBACK = '''
get_ipython().showtraceback = lambda *args, **kwargs: None
get_ipython().showsyntaxerror = lambda *args, **kwargs: None
'''

STUBBORN_LOOP = '''
def spin():
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass


spin()
'''


def cheats_for_01(root):
    """{student: notebook} for every cheat the README lists, against assignment 01."""
    def base():
        return break_all_answers(solved(root, FIRST))

    def with_answer_code(code, name="derivative"):
        nb = base()
        cell(nb, name).source = textwrap.dedent(code) + "\n" + cell(nb, name).source
        return nb

    out = {}
    nb = solved(root, FIRST)
    cell(nb, "derivative").source = ALWAYS_EQUAL + "\n\ndef derivative(f, x):\n    return Anything(0.0)\n"
    cell(nb, "partials").source = "def partials(x, y):\n    return (Anything(0.0), Anything(0.0))\n"
    cell(nb, "accumulate").source = "def grads_without_zeroing(x, n):\n    return Everything()\n"
    cell(nb, "zeroing").source = "def grads_with_zeroing(x, n):\n    return Everything()\n"
    out["c-always-equal"] = nb
    out["c-patch-helpers"] = with_answer_code(PATCH_HELPERS)
    out["c-patch-helpers-hidden"] = with_answer_code(PATCH_HELPERS_HIDDEN)
    out["c-patch-course-utils"] = with_answer_code(PATCH_COURSE_UTILS)
    out["c-patch-builtins"] = with_answer_code(PATCH_BUILTINS)
    out["c-silence-traceback"] = with_answer_code(SILENCE_TRACEBACK)
    out["c-sys-exit"] = with_answer_code("import sys\n\nsys.exit(0)\n", "partials")
    out["c-os-exit"] = with_answer_code("import os\n\nos._exit(0)\n", "partials")
    out["c-endless-loop"] = with_answer_code("while True:\n    pass\n", "partials")
    out["c-stubborn-loop"] = with_answer_code(STUBBORN_LOOP, "partials")

    nb = base()  # a cell above the setup cell, which must still run first
    nb.cells.insert(0, nbformat.v4.new_code_cell(PATCH_COURSE_UTILS))
    out["c-cell-above-setup"] = nb

    nb = base()
    for c in nb.cells:
        if is_test(c):
            c.source = "print('all tests pass')"
    out["c-edit-tests"] = nb

    nb = base()
    nb.cells = [c for c in nb.cells if not is_test(c) and grade_id(c) != "setup"]
    out["c-delete-tests"] = nb

    nb = base()
    tests = [c for c in nb.cells if is_test(c)]
    tests[0].metadata.nbgrader["grade"] = False
    tests[1].metadata.nbgrader.update(points=0, solution=True, locked=False)
    tests[2].metadata.nbgrader["grade_id"] = "renamed"
    del tests[3].metadata["nbgrader"]
    nb.cells[0].metadata["nbgrader"] = "not a dict"
    for c in tests:
        c.source = "pass"
    out["c-metadata"] = nb
    return out


def generic_cheats(root, name):
    """Cheats that fit any assignment: patched helpers and deleted tests, answers all wrong."""
    nb = break_all_answers(solved(root, name))
    answer = next(c for c in nb.cells if is_answer(c))
    answer.source = PATCH_HELPERS + "\n" + answer.source
    deleted = break_all_answers(solved(root, name))
    deleted.cells = [c for c in deleted.cells if not is_test(c)]
    return {"c-generic-patch": nb, "c-generic-delete": deleted}


# Run with the static check switched off, to show the layers behind it on their own.
UNCHECKED = {
    "x-silence-traceback": ("derivative", SILENCE_TRACEBACK),
    "x-displayhook": (
        "derivative",
        "import sys\n\n\ndef derivative(f, x):\n    sys.displayhook(3)\n    return 0.0\n",
    ),
    "x-os-exit": ("partials", "import os\n\nos._exit(0)\n"),
}


def unchecked_cheats(root):
    out = {}
    for student, (name, code) in UNCHECKED.items():
        nb = solved(root, FIRST)  # os._exit: the other answers are right, and still earn nothing
        if student != "x-os-exit":
            break_all_answers(nb)
        if student == "x-displayhook":
            cell(nb, name).source = code  # shows "3" as the test cell's result, then fails
        else:
            cell(nb, name).source = code + "\n" + cell(nb, name).source
        out[student] = nb
    return out


# What each cheat's test cells show in the feedback: why it earned nothing.
WHY_ZERO = {
    "c-always-equal": "should be a Python float, got an object of type Anything",
    "c-patch-helpers": "changing `torch.allclose` is not allowed",
    "c-patch-helpers-hidden": "was replaced after the setup cell ran",
    "c-patch-course-utils": "importing `course_utils.checks` is not allowed",
    "c-patch-builtins": "the variable `abs` replaces a name the tests rely on",
    "c-silence-traceback": "`get_ipython` is not allowed",
    "c-sys-exit": "importing `sys` is not allowed",
    "c-os-exit": "importing `os` is not allowed",
    "c-endless-loop": "CellTimeoutError",
    "c-stubborn-loop": "ignored the interrupt",
    "c-cell-above-setup": "cell 2, line 2: importing `course_utils.checks`",
    "c-edit-tests": "derivative(torch.sin, 0.0) should be a Python float, got None",
    "c-delete-tests": "derivative(torch.sin, 0.0) should be a Python float, got None",
    "c-metadata": "derivative(torch.sin, 0.0) should be a Python float, got None",
    "x-silence-traceback": "showtraceback was disabled",
    "x-displayhook": "derivative(torch.sin, 0.0) should be 1.0, got 0.0",
    "x-os-exit": "The kernel stopped while cell",
}


# -- the session's grading run -------------------------------------------------------------------
def prepare_cheats(root, other):
    names = [FIRST] + ([other] if other else [])
    copy_course(root, names)
    for student, nb in cheats_for_01(root).items():
        submit(root, student, FIRST, nb)
    submit(root, "ahonest", FIRST, solved(root, FIRST))
    broken_file = root / "submitted" / "b-unreadable" / FIRST / f"{FIRST}.ipynb"
    broken_file.parent.mkdir(parents=True)
    broken_file.write_text("{ this is not a notebook")
    (root / "submitted" / "ahonest" / "99_unknown").mkdir()
    if other:
        submit(root, "ahonest", other, solved(root, other))
        for student, nb in generic_cheats(root, other).items():
            submit(root, student, other, nb)
    # The last honest student arrives as an LMS download, unpacked by `make collect-zip`.
    archive = root / "downloaded" / FIRST / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms_download.zip", "w") as zipped:
        text = nbformat.writes(solved(root, FIRST))
        zipped.writestr(f"zhonest_1234_5678_{FIRST}-1.ipynb", text)
    course.collect_zip(root, FIRST)


def run_everything(shared):
    """Build both course copies, grade them side by side, and return the results."""
    names = listed_with_source()
    other = next((name for name in names if name != FIRST), None)
    roundtrip, cheats = shared / "roundtrip", shared / "cheats"

    copy_course(roundtrip, names, exercises_from=Path("/nonexistent"))
    (roundtrip / "exercises" / "99_stale").mkdir(parents=True)
    release = grading_command(roundtrip, "release")
    prepare_cheats(cheats, other)
    cheat_run = grading_command(cheats, "autograde")

    release_status = release.wait()
    if release_status == 0:
        for name in names:
            submit(roundtrip, "solution", name, solved(roundtrip, name))
            submit(roundtrip, "untouched", name, release_of(roundtrip, name))
            mistake = solved(roundtrip, name)
            answer, _ = first_answer_and_its_tests(mistake)
            answer.source = broken(answer.source)
            submit(roundtrip, "one-mistake", name, mistake)
        roundtrip_status = grading_command(roundtrip, "autograde").wait()
    else:
        roundtrip_status = None
    cheats_status = cheat_run.wait()

    for student, nb in unchecked_cheats(cheats).items():
        submit(cheats, student, FIRST, nb)
    unchecked = course.nbgrader(cheats, "autograde", FIRST, "--force", "--student=x-*",
                                "--CheckAnswers.enabled=False", quiet=True)
    feedback_status = grading_command(cheats, "feedback").wait()
    grades_status = grading_command(cheats, "grades").wait()
    return {
        "names": names,
        "other": other,
        "status": {
            "release": release_status,
            "roundtrip": roundtrip_status,
            "cheats": cheats_status,
            "unchecked": unchecked,
            "feedback": feedback_status,
            "grades": grades_status,
        },
        "roundtrip": scores(roundtrip) if roundtrip_status is not None else {},
        "cheats": scores(cheats),
    }


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """The results of the session's grading run, plus where its course copies are."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by all workers of this session
    shared = base / "grading-run"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results_file = shared / "results.json"
        if not results_file.exists():
            results_file.write_text(json.dumps(run_everything(shared)))
        fcntl.flock(lock, fcntl.LOCK_UN)
    results = json.loads(results_file.read_text())
    results["roundtrip_root"] = shared / "roundtrip"
    results["cheats_root"] = shared / "cheats"
    return results


def autograded_scores(results, copy_name, assignment, student):
    """(sum of auto scores of the test cells, their maximum) for one submission."""
    grades = results[copy_name].get(assignment, {}).get(student)
    assert grades is not None, f"{student} has no {assignment} submission in the gradebook"
    tests = [(score, best) for score, best, is_test_cell in grades.values() if is_test_cell]
    return sum(score or 0.0 for score, _ in tests), sum(best for _, best in tests)

