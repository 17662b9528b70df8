"""The grading sandbox: what a submission's kernel can see, do and leave behind.

One sandboxed kernel runs a notebook of probes; each probe reports through a check record (the
only thing that leaves the sandbox). Then the verdict logic, and the refusal without bwrap.
"""

import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading_course import FORK_STORM, STUBBORN_LOOP  # noqa: E402

from grading import autograde, course, sandbox  # noqa: E402
from grading.sandbox import Limits, run_cells  # noqa: E402

MARK = "sandboxprobemarker"
SETUP = "import os\nfrom grading.checks import make_checker\n\ncheck = make_checker()"
HIDDEN_PATHS = [str(ROOT / "solutions"), str(ROOT / ".git"), str(ROOT / "nbgrader_config.py"),
                "/etc/passwd", os.path.expanduser("~root") + "/.bashrc"]
WRITES = """
import grading
import site

_results = []
for _path in [grading.__file__, site.getsitepackages()[0] + "/zz.pth", "/opt/course/course_utils/zz.py"]:
    try:
        open(_path, "a").write("x")
        _results.append("written")
    except OSError:
        _results.append("refused")
check.equal(_results, what="writes")
"""
NETWORK = """
import socket

try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    _net = "connected"
except OSError:
    _net = "no network"
check.equal(_net, what="network")
"""
DETACH = f"""
import subprocess
import sys

for _ in range(5):
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)  # {MARK}"],
                     start_new_session=True)
"""
# The attack suite's fork storm, its sleepers marked so that leftovers can be found.
FORKS = FORK_STORM.format(mark=MARK) + 'check.true(_count < 1000, what="the fork storm was capped")\n'
PROBES = [
    SETUP,
    "check.equal(sorted(os.environ), what='environment')",
    f"check.equal([os.path.exists(p) for p in {HIDDEN_PATHS!r}], what='visible')",
    "check.equal(sorted(os.listdir('/home')), what='home folders')",
    WRITES,
    NETWORK,
    "print('y' * 20_000_000)\ncheck.equal(2, what='after a big output')",
    DETACH,
    "import time\ntime.sleep(60)",
    "check.equal(1, what='after a timeout')",
    "raise ValueError('x')",
    FORKS,  # last: a kernel that cannot start threads any more may garble its next messages
]


def marked_processes():
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if MARK.encode() in command and b"pytest" not in command:
            found.append(proc.name)
    return found


needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bwrap is not installed")


@pytest.fixture(scope="module")
def probed():
    limits = Limits(cell_timeout=8, notebook_timeout=120, processes=64)
    start = time.monotonic()
    outcome = run_cells(PROBES, limits=limits, slot=7)
    outcome["seconds"] = time.monotonic() - start
    outcome["left"] = marked_processes()
    return outcome


def observed(outcome, index):
    records = outcome["cells"][index]["records"]
    assert records, outcome["cells"][index]
    return records[0]["observed"]


@needs_bwrap
def test_the_kernel_sees_only_a_clear_environment(probed):
    names = eval(observed(probed, 1))  # noqa: S307 (a repr of a list of str made by check.equal)
    assert set(names) <= set(sandbox.kernel_env("/x")) | {"JPY_PARENT_PID", "PYDEVD_USE_FRAME_EVAL",
                                                          "CLICOLOR", "CLICOLOR_FORCE", "PAGER", "GIT_PAGER",
                                                          "MPLBACKEND", "TERM", "PWD", "SHLVL",
                                                          "_", "FORCE_COLOR"}
    assert "OMP_NUM_THREADS" in names and "COURSE_CHECK_RECORD" in names


@needs_bwrap
def test_course_files_home_folders_and_the_network_are_out_of_reach(probed):
    assert observed(probed, 2) == "[False, False, False, False, False]"
    assert observed(probed, 3) == "['student']"
    assert observed(probed, 4) == "['refused', 'refused', 'refused']"
    assert observed(probed, 5) == "'no network'"


@needs_bwrap
def test_processes_are_capped_and_none_outlives_the_run(probed):
    assert probed["left"] == []
    forks = probed["cells"][11]["records"]
    assert forks and forks[0]["observed"] is True
    assert probed["cells"][11]["status"] == "ok"


@needs_bwrap
def test_a_cell_past_its_time_is_interrupted_and_the_next_cells_run(probed):
    assert observed(probed, 6) == "2"  # the big output is dropped, the record kept
    assert probed["cells"][8]["status"] == "timeout"
    assert probed["cells"][9]["status"] == "ok" and observed(probed, 9) == "1"
    assert probed["cells"][10]["status"] == "error"
    assert probed["cells"][10]["ename"] == "ValueError"
    assert probed["seconds"] < 90


@needs_bwrap
def test_a_kernel_that_ignores_interrupts_is_killed_and_the_rest_fails():
    outcome = run_cells([SETUP, STUBBORN_LOOP, "check.equal(1, what='never')"],
                        limits=Limits(cell_timeout=10, interrupt_grace=2))
    assert [cell["status"] for cell in outcome["cells"]] == ["ok", "timeout", "stopped"]
    assert "ignored the interrupt" in outcome["stopped"]


def record(kind, what, observed, tol=None, bound=None):
    return {"check": kind, "what": what, "observed": observed, "tol": tol, "bound": bound}


def test_a_test_cell_passes_only_when_every_record_matches_the_reference():
    wanted = [record("close", "f(1)", 2.0, tol=1e-6), record("at_least", "accuracy", 0.97,
                                                               bound=0.9)]
    ran = {"status": "ok", "ename": None}
    good = [record("close", "f(1)", 2.0000001, tol=1.0), record("at_least", "accuracy", 0.95,
                                                                  bound=0.0)]
    assert autograde.compare(dict(ran, records=good), wanted)[0]
    wrong = [record("close", "f(1)", 2.1, tol=1.0), good[1]]  # the student's tol is ignored
    assert autograde.compare(dict(ran, records=wrong), wanted) == (
        False, "Does not match the reference answer: f(1)")
    low = [good[0], record("at_least", "accuracy", 0.5, bound=0.0)]  # the reference's bound
    assert not autograde.compare(dict(ran, records=low), wanted)[0]
    assert not autograde.compare(dict(ran, records=good[:1]), wanted)[0]
    assert not autograde.compare(dict(ran, records=good + good), wanted)[0]
    assert not autograde.compare(dict(ran, records=[None, {"check": []}]), wanted)[0]
    failed = autograde.compare({"status": "error", "ename": "AssertionError", "records": good},
                               wanted)
    assert failed == (False, "This test cell did not run to the end: it raised AssertionError.")
    assert not autograde.compare(None, wanted)[0]


def test_autograde_refuses_without_bwrap_unless_told(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxError, match="apt-get install -y bubblewrap"):
        sandbox.check_sandbox()
    with pytest.raises(sandbox.SandboxError, match="UNSANDBOXED=1"):
        autograde.prepare(tmp_path, unsandboxed=False)
    assert autograde.prepare(tmp_path, unsandboxed=True) is False
    assert "WITHOUT a sandbox" in capsys.readouterr().out
    (tmp_path / "solutions" / "01_autograd").mkdir(parents=True)
    (tmp_path / "submitted" / "someone" / "01_autograd").mkdir(parents=True)
    (tmp_path / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    with pytest.raises(course.GradingError, match="refusing to grade: the grading sandbox needs"):
        course.autograde(tmp_path)
    assert os.environ.get("UNSANDBOXED") in (None, "", "0")


@needs_bwrap
def test_a_test_cell_without_a_check_or_failing_on_the_solution_is_reported(tmp_path):
    def cell(source, grade_id, points=None):
        made = nbformat.v4.new_code_cell(source)
        made.metadata["nbgrader"] = {"grade_id": grade_id, "grade": points is not None,
                                     "solution": False, "locked": True, "schema_version": 3}
        if points is not None:
            made.metadata["nbgrader"]["points"] = points
        return made

    nb = nbformat.v4.new_notebook(cells=[
        cell(SETUP, "setup"),
        cell("check.close(1.0, what='one')", "test_good", 1),
        cell("print('no check here')", "test_silent", 1),
        cell("check.close(1.0, 2.0, what='wrong expected value')", "test_failing", 1),
    ])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    found = autograde.run_reference(path, Limits(cell_timeout=20), sandboxed=True)
    assert found["problems"] == [
        "test cell 'test_silent' makes no check (every graded test cell must call check.* "
        "at least once)",
        "test cell 'test_failing' fails on the solution (AssertionError)",
    ]
    assert found["tests"]["test_good"][0]["observed"] == 1.0
