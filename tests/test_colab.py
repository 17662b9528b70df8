"""Every notebook opens in Google Colab and sets itself up there from the course's one address.

The address is defined once, as ``Repository`` in pyproject.toml's [project.urls]. Each notebook
in notebooks/, solutions/ and exercises/ must have the standard Colab badge under its title and
the standard setup cell (see the team's standard cells), both with exactly that address.

The simulation at the end plays Colab: a new virtual environment with only what Colab has
preinstalled that matters here (torch, matplotlib, numpy, ipykernel, at the course's pins), a
stand-in ``google.colab`` module imported when the kernel starts (as on Colab, so the notebooks
take their Colab branch), and the course's address served from a local git repository (git's
``url.<local>.insteadOf``). Lectures 01 and 02 and exercise 01 then run there, and their
``%pip install`` really installs the course helpers from that repository.
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from fresh_copy import git_snapshot
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
URL = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
OWNER_REPO = URL.removeprefix("https://github.com/")
NOTEBOOKS = sorted(
    [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*/*.ipynb"), *ROOT.glob("exercises/*/*.ipynb")]
)

SETUP_HEAD = f"""# Setup. On Google Colab this installs the course helpers; anywhere else it does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install --quiet --no-deps torchviz graphviz "course-utils @ git+{URL}"

"""
LECTURE_TAIL = """
short_errors()  # an error shows its message and the line of your cell, not torch's internals
device = get_device()
set_seed(0)"""
EXERCISE_TAIL = """
from grading.checks import make_checker

check = make_checker()  # the graded tests check your answers only through `check`"""


def _name(path):
    return path.relative_to(ROOT).as_posix()


def student_path(path):
    """The notebook students open: a lecture itself, or the release of an exercise."""
    relative = path.relative_to(ROOT)
    if relative.parts[0] == "solutions":
        return Path("exercises", *relative.parts[1:]).as_posix()
    return relative.as_posix()


def badge(path):
    return (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{OWNER_REPO}/blob/main/{student_path(path)})"
    )


def test_the_address_is_the_courses_github_repository():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", URL), URL
    readme = (ROOT / "README.md").read_text()
    assert f'"course-utils @ git+{URL}"' in readme


def test_every_notebook_folder_is_checked():
    folders = {_name(path).split("/")[0] for path in NOTEBOOKS}
    assert folders == {"notebooks", "solutions", "exercises"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_title_cell_has_the_colab_badge(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown", f"{_name(path)}: the first cell must be the title (markdown)"
    lines = [line for line in first.source.splitlines() if line.strip()]
    assert lines[0].startswith("# "), f"{_name(path)}: the first line must be the title, '# NN · Title'"
    assert len(lines) > 1 and lines[1] == badge(path), (
        f"{_name(path)}: the line after the title must be the Colab badge\n  {badge(path)}\n"
        f"found\n  {lines[1] if len(lines) > 1 else '(nothing)'}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_setup_cell_is_the_standard_one(path):
    notebook = nbformat.read(path, as_version=4)
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    source = setup.source.rstrip()
    assert source.startswith(SETUP_HEAD), (
        f"{_name(path)}: the first code cell must start with the standard setup lines:\n{SETUP_HEAD}"
        f"found:\n{source[: len(SETUP_HEAD) + 80]}"
    )
    assert re.search(r"^import torch$", source, re.MULTILINE), f"{_name(path)}: the setup cell imports torch"
    if _name(path).startswith("notebooks/"):
        assert source.endswith(LECTURE_TAIL), f"{_name(path)}: the setup cell must end with{LECTURE_TAIL}"
        imported = re.search(r"^from course_utils import (?:\(([^)]*)\)|(.+))$", source, re.MULTILINE)
        listed = re.sub(r"#.*", "", (imported.group(1) or imported.group(2)) if imported else "")
        names = set(re.findall(r"\w+", listed))
        assert {"get_device", "set_seed", "short_errors"} <= names, (
            f"{_name(path)}: the setup cell imports get_device, set_seed and short_errors from course_utils"
        )
    else:
        assert source.endswith(EXERCISE_TAIL), f"{_name(path)}: the setup cell must end with{EXERCISE_TAIL}"
        nbgrader = setup.metadata.get("nbgrader", {})
        assert nbgrader.get("grade_id") == "setup" and nbgrader.get("locked"), (
            f"{_name(path)}: the setup cell is locked with grade_id 'setup'"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_no_other_repository_address(path):
    text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    for found in re.findall(r"github\.com/([\w.-]+/[\w.-]+)", text):
        assert found == OWNER_REPO, f"{_name(path)} names github.com/{found}; the course's address is {URL}"


# --- The simulation --------------------------------------------------------------------------

# What Colab has preinstalled that the notebooks need; pinned like the course (constraints.txt).
COLAB_PREINSTALLED = ["torch==2.13.0", "matplotlib", "numpy", "ipykernel"]
FAKE_COLAB = '"""Stand-in for Colab\'s own module: the notebooks only ask whether it is imported."""\n'
SIMULATED = [
    "notebooks/01_autograd.ipynb",
    "notebooks/02_computational_graph.ipynb",
    "exercises/01_autograd/01_autograd.ipynb",
]


def _run(command, cwd="/"):
    """Run ``command`` outside the checkout (so that ``python -c`` does not import from it)."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A Colab-like kernel named colab-sim; yields the environment's python."""
    base = tmp_path_factory.mktemp("colab")
    repository = git_snapshot(base / "repository")
    git_config = base / "gitconfig"
    git_config.write_text(f'[url "file://{repository}"]\n\tinsteadOf = {URL}\n')

    venv = base / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    _run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--disable-pip-version-check",
            "-c",
            ROOT / "constraints.txt",
            *COLAB_PREINSTALLED,
        ]
    )
    site_packages = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip()
    )
    (site_packages / "google" / "colab").mkdir(parents=True)
    (site_packages / "google" / "colab" / "__init__.py").write_text(FAKE_COLAB)

    ipython_dir = base / "ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab  # noqa: F401 (Colab's kernel imports it)\n")

    kernels = base / "jupyter" / "kernels" / "colab-sim"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Colab simulation",
                "language": "python",
                "env": {
                    "IPYTHONDIR": str(ipython_dir),
                    "GIT_CONFIG_GLOBAL": str(git_config),
                    "GIT_CONFIG_NOSYSTEM": "1",
                    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                    "MPLBACKEND": "agg",
                },
            }
        )
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(base / "jupyter"))
        patch.delenv("PYTHONPATH", raising=False)
        yield python


def test_colab_starts_without_the_course(colab):
    missing = _run(
        [
            colab,
            "-c",
            "import importlib.util as u; print([m for m in "
            "('course_utils', 'grading', 'torchviz', 'graphviz') if u.find_spec(m)])",
        ]
    )
    assert missing.strip() == "[]", (
        "the simulated Colab must not have the course's packages before the notebooks run"
    )


@pytest.mark.parametrize("name", SIMULATED)
def test_notebook_runs_on_colab(colab, name, tmp_path):
    notebook = nbformat.read(ROOT / name, as_version=4)
    exercise = name.startswith("exercises/")
    client = NotebookClient(
        notebook,
        kernel_name="colab-sim",
        timeout=300,
        allow_errors=exercise,
        record_timing=False,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # a lecture stops here on any error outside cells tagged raises-exception
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert not [o for o in setup.outputs if o.output_type == "error"], (
        f"{name}: the setup cell failed on Colab"
    )
    where = _run(
        [colab, "-c", "import course_utils, grading; print(course_utils.__file__, grading.__file__)"]
    )
    assert str(ROOT) not in where and "site-packages" in where, f"the course must come from %pip, got {where}"
    if exercise:
        errors = {
            o.ename
            for cell in notebook.cells
            if cell.cell_type == "code"
            for o in cell.outputs
            if o.output_type == "error"
        }
        assert errors <= {"NotImplementedError"}, (
            f"{name}: a blank exercise fails only where answers are missing"
        )
