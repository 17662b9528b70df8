"""The course as a person sees it: `make lab` in a real browser (`make test-browser`).

`make lab` runs in a fresh copy of the course (no gradebook yet) on a free local port with a
token; Playwright drives Debian's chromium (/usr/bin/chromium, nothing is downloaded). Checked:
JupyterLab loads; lecture 01 run with Run > Run All Cells ends with no error output except in
cells tagged raises-exception, and its figures render; Formgrader lists every assignment; nbgrader's
exchange-based panels show no error. Each step saves a screenshot in build/browser/, and a
failure names the screenshot to look at. The server is stopped through its own process id.
"""

import ast
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fresh_copy import ROOT, copy_course  # noqa: E402

playwright = pytest.importorskip("playwright.sync_api", reason="make test-browser installs Playwright")

CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest keeps it off a network this machine does not have.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "build" / "browser"
TOKEN = "course-browser-test"
VENV = Path(sys.prefix)
EXCHANGE_ERRORS = ("Error fetching courses", "exchange directory does not exist")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url, process, log, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make lab ended with code {process.returncode}; its output is in {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {seconds} s; make lab's output is in {log}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` in a fresh copy of the course; yields (base URL, the copy's folder)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = tmp_path_factory.mktemp("lab")
    course = copy_course(base / "course")
    settings = base / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Every cell stays in the page (not only those on screen), so the test can read them all.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = base / "user-settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port = _free_port()
    lab_args = (
        f"--port={port} --ip=127.0.0.1 --no-browser --IdentityProvider.token={TOKEN} "
        f"--LabApp.user_settings_dir={base / 'user-settings'} --LabApp.workspaces_dir={base / 'workspaces'}"
    )
    stamp = VENV / ".installed"
    log = SHOTS / "make-lab.log"
    with open(log, "w") as output:
        # -o: the environment in VENV is already set up; never reinstall it from the copy.
        server = subprocess.Popen(
            ["make", "-o", str(stamp), "lab", f"VENV={VENV}", f"LAB_ARGS={lab_args}"],
            cwd=course,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(base / "runtime")),
            start_new_session=True,  # its own process group, led by server.pid
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/api/status?token={TOKEN}", server, log)
        yield url, course
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the JupyterLab it started
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.server_errors = []
    page.on(
        "response",
        lambda response: (
            response.status >= 500 and page.server_errors.append(f"{response.status} {response.url}")
        ),
    )
    yield page
    context.close()


def shot(page, name):
    """Save a full-page screenshot as build/browser/<name>.png and return its path."""
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def open_lab(page, lab, path=""):
    url, _ = lab
    page.goto(f"{url}/lab{'/tree/' + path if path else ''}?token={TOKEN}")
    page.locator("#jp-main-dock-panel").wait_for()


def test_jupyterlab_loads(page, lab):
    open_lab(page, lab)
    page.get_by_text("Launcher").first.wait_for()
    path = shot(page, "01-lab")
    assert page.locator(".jp-LauncherCard").count() > 0, f"the launcher shows no kernel; see {path}"
    assert not page.server_errors, f"server errors {page.server_errors}; see {path}"


def test_lecture_01_runs_all_cells_from_the_menu(page, lab):
    _, course = lab
    name = "notebooks/01_autograd.ipynb"
    open_lab(page, lab, name)
    notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
    notebook.wait_for()
    page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=120_000)
    shot(page, "02-lecture-01-opened")
    code_cells = nbformat.read(course / name, as_version=4).cells
    count = sum(cell.cell_type == "code" for cell in code_cells)
    prompts = notebook.locator(".jp-CodeCell .jp-InputPrompt")
    # The committed outputs go first, so that every output seen afterwards comes from this run.
    page.locator(".lm-MenuBar-itemLabel").filter(has_text=re.compile("^Edit$")).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile("^Clear Outputs of All Cells$")).click()
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
        ".some(p => /\\d/.test(p.textContent))"
    )
    assert notebook.locator(".jp-OutputArea-output").count() == 0
    page.locator(".lm-MenuBar-itemLabel").filter(has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile("^Run All Cells$")).click()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        texts = prompts.all_inner_texts()
        if len(texts) == count and all(
            t.strip().startswith("[") and t.strip()[1:-2].isdigit() for t in texts
        ):
            break
        time.sleep(1)
    else:
        path = shot(page, "02-lecture-01-timeout")
        pytest.fail(f"Run All Cells did not finish all {count} cells in 240 s; see {path}")

    figures = notebook.locator(".jp-OutputArea-output img")
    figures.first.wait_for()
    figures.first.scroll_into_view_if_needed()
    path = shot(page, "02-lecture-01-first-figure")
    page.keyboard.press("Control+s")  # the copy on disk gets the outputs the browser shows
    page.get_by_text("Saving completed").first.wait_for()
    broken = [i for i in range(figures.count()) if not figures.nth(i).evaluate("img => img.naturalWidth > 0")]
    assert not broken, f"figures {broken} of {name} did not render; see {path}"

    saved = nbformat.read(course / name, as_version=4)
    failed = [
        f"cell {i}: {output.ename}: {output.evalue}"
        for i, cell in enumerate(saved.cells)
        if cell.cell_type == "code" and "raises-exception" not in cell.metadata.get("tags", [])
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not failed, f"{name} shows errors after Run All Cells: {failed}; see {path}"
    ran = [cell for cell in saved.cells if cell.cell_type == "code" and cell.execution_count]
    assert len(ran) == count, f"only {len(ran)} of {count} cells ran; see {path}"
    assert any("image/png" in output.get("data", {}) for cell in ran for output in cell.outputs)
    assert not page.server_errors, f"server errors {page.server_errors}; see {path}"


def _assignments(config):
    """ASSIGNMENTS from nbgrader_config.py, read without running the file."""
    for node in ast.parse(config.read_text()).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == [
            "ASSIGNMENTS"
        ]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{config} defines no ASSIGNMENTS list")


def test_formgrader_lists_every_assignment_on_a_fresh_clone(page, lab):
    url, course = lab
    assignments = _assignments(course / "nbgrader_config.py")
    page.goto(f"{url}/formgrader?token={TOKEN}")
    for assignment in assignments:
        page.get_by_role("link", name=assignment, exact=True).first.wait_for(timeout=60_000)
    path = shot(page, "03-formgrader")
    text = page.inner_text("body")
    assert "Loading, please wait" not in text, f"Formgrader is still loading; see {path}"
    assert not page.server_errors, f"server errors {page.server_errors}; see {path}"
    with urllib.request.urlopen(f"{url}/formgrader/api/assignments?token={TOKEN}") as response:
        listed = [row["name"] for row in json.load(response)]
    missing = sorted(set(assignments) - set(listed))
    assert not missing, f"Formgrader does not list {missing}; see {path}"
    assert (course / "gradebook.db").exists(), "Formgrader created no gradebook"
    repair = subprocess.run(
        [VENV / "bin" / "nbgrader", "db", "upgrade"],
        cwd=course,
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=f"{VENV / 'bin'}:{os.environ['PATH']}"),
    )
    assert repair.returncode == 0, f"the new gradebook has no migration record:\n{repair.stderr}"


def test_nbgrader_menu_shows_no_exchange_error(page, lab):
    url, _ = lab
    open_lab(page, lab)
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Formgrader").first.wait_for()
    items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
    path = shot(page, "04-nbgrader-menu")
    text = page.inner_text("body")
    for error in EXCHANGE_ERRORS:
        assert error not in text, f"the page shows {error!r}; see {path}"
    assert "Assignment List" not in items and "Course List" not in items, (
        f"the exchange-based panels are on ({items}); see {path}"
    )
    for endpoint in ("assignments", "courses"):
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"{url}/{endpoint}?token={TOKEN}")
        assert answer.value.code == 404, (
            f"/{endpoint} answers {answer.value.code}; the extension should be off"
        )
    assert not page.server_errors, f"server errors {page.server_errors}; see {path}"
