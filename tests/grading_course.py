"""Throw-away copies of the course, graded once per test session.

Grading is the slow part of the test suite, so the grading test modules share one session
fixture, ``graded``: it builds every synthetic submission, then runs the grading verbs in two
course copies at once:

- ``roundtrip``: every assignment of nbgrader_config.py, released afresh, and per assignment
  the solution, the untouched release and a submission with one broken answer (JOBS=1);
- ``cheats``: assignment 01 (and one other) with every attack of the README as a submission,
  graded in ONE autograde run with JOBS=2 between honest students (one with a manual score
  given beforehand, one whose nbgrader metadata was stripped), an unreadable notebook, an LMS
  zip download and an unknown assignment folder; then feedback and grades.csv. Before and after,
  the files the attacks try to change are compared, and processes they started are looked for.

Under pytest-xdist the first worker to ask does the work and the others wait for it (a file
lock) and read the same results. The helpers here (``solved``, ``submit``, ``copy_course``,
``grading_command``, ``scores``) serve other grading tests too.
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
NOTEBOOK_TIMEOUT = 45  # seconds per notebook in the cheats' copy
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


def grading_command(root, *verb, jobs=None):
    """Start `python -m grading VERB` in ``root``; its output goes to ``root/VERB.log``."""
    log = open(Path(root) / f"{verb[0]}.log", "w")
    env = dict(os.environ, JOBS=str(jobs or ""))
    return subprocess.Popen([sys.executable, "-m", "grading", *verb], cwd=root, env=env,
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
# Each cheat is a submission of assignment 01 whose answers are all wrong (or, where said, right)
# plus the attack. The grader must give it no autograded point, keep everything it writes inside
# its sandbox, leave no process of it behind, and leave the honest students' grades alone.
MARK = "gradingattackmarker"  # in the command line of every process an attack starts

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

# check replaced through the __main__ module (no `check =` in the code).
REBIND_MAIN = '''
import __main__


class _Yes:
    def __getattr__(self, name):
        return lambda *args, **kwargs: args[0] if args else None


__main__.check = _Yes()
'''

# Every later cell, the test cells included, becomes `pass`.
INPUT_TRANSFORMER = '''
import __main__

__main__.get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])
'''

# The checker's closure cells rewritten through an alias of attrgetter: nothing is recorded.
CLOSURE_CELLS = '''
import operator

_closure = operator.attrgetter("__closure__")
for _name in ("close", "is_float", "true", "equal", "all_close"):
    for _cell in _closure(getattr(type(check), _name)) or ():
        try:
            if callable(_cell.cell_contents):
                _cell.cell_contents = lambda *args, **kwargs: args[0] if args else None
        except (ValueError, TypeError):
            pass
'''

# exec reached through torch's module namespace instead of the builtin name.
TORCH_BUILTINS_EXEC = '''
_builtins = getattr(torch, "builtins", None) or __import__("builtins")
_builtins.exec(
    "check = type('Yes', (), {'__getattr__': lambda s, n: lambda *a, **k: a[0] if a else None})()",
    globals(),
)
'''

# abs patched through an alias, then the locked setup cell replayed: a checker that says yes.
ABS_REPLAY = '''
import builtins
import operator

operator.setitem(vars(builtins), "abs", lambda value: 0.0)
exec([source for source in In if "make_checker()" in source][0])
'''

# Look for what must stay hidden and print it (and put it in an error message).
READ_SECRETS = '''
import glob
import os

_found = []
for _pattern in {patterns!r}:
    for _path in glob.glob(_pattern, recursive=True):
        try:
            with open(_path, errors="replace") as _file:
                _found.append(_path + ": " + _file.read(200000))
        except OSError:
            pass
print("LEAK-START", _found, dict(os.environ), os.listdir("/"), "LEAK-END")
'''

# Hidden tests that already ran, printed from the kernel's history.
PRINT_HISTORY = '''
print("LEAK-START", In, "LEAK-END")
raise RuntimeError("LEAK-START " + "\\n".join(In) + " LEAK-END")
'''

# Write the gradebook while the kernel runs: top marks for me, zero for everybody else.
GRADEBOOK_WRITE = '''
import sqlite3

try:
    _db = sqlite3.connect({gradebook!r})
    _db.execute("UPDATE grade SET manual_score = 100")
    _db.execute("CREATE TRIGGER zero AFTER INSERT ON grade BEGIN "
                "UPDATE grade SET auto_score = 0; END")
    _db.commit()
except Exception as error:
    print(error)
'''

# Leave code behind for later runs and students; overwrite a later student's submission.
PERSIST = '''
for _path, _text in {targets!r}:
    try:
        with open(_path, "a") as _file:
            _file.write(_text)
    except OSError as error:
        print(error)
'''

# Detached processes that outlive the kernel, one waiting to rewrite the gradebook.
DETACHED = '''
import subprocess
import sys

for _ in range(50):
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(900)  # {mark}"],
                     start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.Popen(["/bin/sh", "-c", "sleep 5; while true; do echo 0 >> {gradebook}; sleep 1; done "
                  "# {mark}"], start_new_session=True)
'''

FORK_STORM = '''
import os

_count = 0
try:
    while _count < 100000:
        if os.fork() == 0:
            os.execv("/bin/sleep", ["{mark}", "900"])
        _count += 1
except OSError:
    pass
'''

HUGE_OUTPUT = '''
import sys

print("x" * 100_000_000)
for _ in range(20):
    sys.stdout.write("y" * 1_000_000)
'''

SLEEPER = "import time\n\ntime.sleep({seconds})\n"


def secret_paths(root):
    return [
        f"{root}/solutions/**/*.ipynb", f"{ROOT}/solutions/**/*.ipynb", f"{root}/gradebook.db",
        f"{root}/submitted/*/*/*.ipynb", f"{ROOT}/.git/config", "/root/*", "/root/.*",
        "/home/*/*", "/etc/shadow",
    ]


def persist_targets(root):
    site_packages = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    return [
        (f"{root}/grading/checks.py", "\nraise SystemExit  # later students fail\n"),
        (f"{root}/grading/zz_attack.py", "print('persisted')\n"),
        (f"{ROOT}/course_utils/zz_attack.py", "print('persisted')\n"),
        (f"{site_packages}/site-packages/zz_attack.pth", "import os; os.system('true')\n"),
        (f"{root}/nbgrader_config.py", "\nc.Execute.timeout = 1\n"),
        (f"{root}/submitted/zhonest/{FIRST}/{FIRST}.ipynb", "{ not json"),
        (f"{root}/submitted/ahonest/{FIRST}/{FIRST}.ipynb", "{ not json"),
    ]


def attack_files(root):
    """Files the attacks try to create or change: none may exist or change after grading."""
    return [Path(path) for path, _ in persist_targets(root)]


def cheats_for_01(root):
    """{student: notebook} for every cheat the README lists, against assignment 01."""
    def base():
        return break_all_answers(solved(root, FIRST))

    def with_answer_code(code, name="derivative", nb=None):
        nb = nb or base()
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
    out["c-patch-builtins"] = with_answer_code(PATCH_BUILTINS)
    out["c-silence-traceback"] = with_answer_code(SILENCE_TRACEBACK)
    out["c-displayhook"] = with_answer_code(
        "import sys\n\n\ndef derivative(f, x):\n    sys.displayhook(3)\n    return 0.0\n")
    out["c-sys-exit"] = with_answer_code("import sys\n\nsys.exit(0)\n", "partials")
    out["c-os-exit"] = with_answer_code("import os\n\nos._exit(0)\n", "partials")
    out["c-endless-loop"] = with_answer_code("while True:\n    pass\n", "partials")
    out["c-stubborn-loop"] = with_answer_code(STUBBORN_LOOP, "partials")
    out["c-rebind-main"] = with_answer_code(REBIND_MAIN)
    out["c-input-transformer"] = with_answer_code(INPUT_TRANSFORMER)
    out["c-closure-cells"] = with_answer_code(CLOSURE_CELLS)
    out["c-torch-builtins-exec"] = with_answer_code(TORCH_BUILTINS_EXEC)
    out["c-abs-replay"] = with_answer_code(ABS_REPLAY)
    out["c-redefine-helper"] = with_answer_code(
        "def check_grads(*args, **kwargs):\n    return None\n", "zeroing")
    nb = with_answer_code(READ_SECRETS.format(patterns=secret_paths(root)))
    out["c-read-secrets"] = with_answer_code(PRINT_HISTORY, "zeroing", nb)
    out["c-gradebook-write"] = with_answer_code(
        GRADEBOOK_WRITE.format(gradebook=str(root / "gradebook.db")))
    out["c-persist"] = with_answer_code(PERSIST.format(targets=persist_targets(root)))
    out["c-detached"] = with_answer_code(
        DETACHED.format(mark=MARK, gradebook=str(root / "gradebook.db")))
    out["c-fork-storm"] = with_answer_code(FORK_STORM.format(mark=MARK))
    out["c-huge-output"] = with_answer_code(HUGE_OUTPUT)
    nb = base()
    for c in nb.cells:
        if is_answer(c):
            c.source = SLEEPER.format(seconds=TIMEOUT - 1) + c.source
    out["c-sleeper"] = nb

    nb = base()  # a cell above the setup cell, which must still run first
    nb.cells.insert(0, nbformat.v4.new_code_cell(REBIND_MAIN))
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
    answer.source = REBIND_MAIN + "\n" + answer.source
    deleted = break_all_answers(solved(root, name))
    deleted.cells = [c for c in deleted.cells if not is_test(c)]
    return {"c-generic-rebind": nb, "c-generic-delete": deleted}


def stripped(nb):
    """An honest notebook whose nbgrader metadata an editor removed."""
    for c in nb.cells:
        c.metadata.pop("nbgrader", None)
    return nb


# What the feedback of a cheat shows (a failed test cell's verdict).
WHY_ZERO = {
    "c-os-exit": "the kernel had stopped",
    "c-stubborn-loop": "the kernel had stopped",
    "c-sleeper": "the kernel had stopped",
    "c-edit-tests": "the first check that differs: derivative(torch.sin, 0.0)",
}
CHEATS = [
    "c-always-equal", "c-patch-helpers", "c-patch-builtins", "c-silence-traceback",
    "c-displayhook", "c-sys-exit", "c-os-exit", "c-endless-loop", "c-stubborn-loop",
    "c-rebind-main", "c-input-transformer", "c-closure-cells", "c-torch-builtins-exec",
    "c-abs-replay", "c-redefine-helper", "c-read-secrets", "c-gradebook-write", "c-persist",
    "c-detached", "c-fork-storm", "c-huge-output", "c-sleeper", "c-cell-above-setup",
    "c-edit-tests", "c-delete-tests", "c-metadata",
]  # fmt: skip
MANUAL_SCORE = 1.5  # given to ahonest's written answer before grading; it must survive


# -- the session's grading run -------------------------------------------------------------------
def give_manual_score(root):
    """Record ahonest's submission with a manual score for the written answer, as an
    instructor who graded it in Formgrader before a re-grade would have."""
    from nbgrader.api import Gradebook

    course.sync_gradebook(root, FIRST)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_student("ahonest")
        gradebook.add_submission(FIRST, "ahonest")
        grade = gradebook.find_grade("answer_written", FIRST, FIRST, "ahonest")
        grade.manual_score = MANUAL_SCORE
        gradebook.db.commit()


def file_states(paths):
    return {str(p): (p.read_bytes() if p.is_file() else None) for p in paths}


def attack_processes():
    """Processes an attack started (MARK in their command line) that are still running."""
    left = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if MARK in command and "pytest" not in command:
            left.append(f"{proc.name}: {command[:120]}")
    return left


def prepare_cheats(root, other):
    names = [FIRST] + ([other] if other else [])
    copy_course(root, names)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Sandbox.notebook_timeout = {NOTEBOOK_TIMEOUT}\n")
    for student, nb in cheats_for_01(root).items():
        submit(root, student, FIRST, nb)
    submit(root, "ahonest", FIRST, solved(root, FIRST))
    submit(root, "m-stripped", FIRST, stripped(solved(root, FIRST)))
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
    give_manual_score(root)


def run_everything(shared):
    """Build both course copies, grade them side by side, and return the results."""
    names = listed_with_source()
    other = next((name for name in names if name != FIRST), None)
    roundtrip, cheats = shared / "roundtrip", shared / "cheats"

    copy_course(roundtrip, names, exercises_from=Path("/nonexistent"))
    (roundtrip / "exercises" / "99_stale").mkdir(parents=True)
    release = grading_command(roundtrip, "release")
    prepare_cheats(cheats, other)
    watched = attack_files(cheats)
    before = file_states(watched)
    cheat_run = grading_command(cheats, "autograde", jobs=2)

    release_status = release.wait()
    roundtrip_run = None
    if release_status == 0:
        for name in names:
            submit(roundtrip, "solution", name, solved(roundtrip, name))
            submit(roundtrip, "untouched", name, release_of(roundtrip, name))
            mistake = solved(roundtrip, name)
            answer, _ = first_answer_and_its_tests(mistake)
            answer.source = broken(answer.source)
            submit(roundtrip, "one-mistake", name, mistake)
        from fairness import fairness_submissions  # alternative answers (tests/fairness.py)

        for (student, name), nb in fairness_submissions(roundtrip, names).items():
            submit(roundtrip, student, name, nb)
        roundtrip_run = grading_command(roundtrip, "autograde", jobs=2)
    cheats_status = cheat_run.wait()
    left_over = attack_processes()
    after = file_states(watched)
    changed = [path for path in before if before[path] != after[path]]
    for path in watched:  # a failed run must not leave an attack in the checkout
        if path.name == "zz_attack.py" or path.suffix == ".pth":
            path.unlink(missing_ok=True)

    feedback_status = grading_command(cheats, "feedback").wait()
    grades_status = grading_command(cheats, "grades").wait()
    roundtrip_status = roundtrip_run.wait() if roundtrip_run is not None else None
    return {
        "names": names,
        "other": other,
        "status": {
            "release": release_status,
            "roundtrip": roundtrip_status,
            "cheats": cheats_status,
            "feedback": feedback_status,
            "grades": grades_status,
        },
        "left_over": left_over,
        "changed": changed,
        "roundtrip": scores(roundtrip) if roundtrip_status is not None else {},
        "cheats": scores(cheats),
        "manual": manual_scores(cheats),
    }


def manual_scores(root):
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}") as gradebook:
        for submission in gradebook.find_assignment(FIRST).submissions:
            out[submission.student.id] = {grade.name: grade.manual_score
                                          for nb in submission.notebooks for grade in nb.grades}
    return out


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

