"""The environment files agree with each other, and CI calls the Makefile's verbs."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pins(requirements):
    pins = {}
    for line in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line.strip())
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pyproject_pins():
    project = _project()
    requirements = project["dependencies"] + project["optional-dependencies"]["course"]
    pins = _pins(requirements)
    assert len(pins) == len(requirements), "every dependency in pyproject.toml is pinned with =="
    return pins


def test_environment_yml_lists_the_same_pins_as_pyproject():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [item for item in environment["dependencies"] if isinstance(item, str)]
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert "graphviz" in conda and "pip" in conda
    assert "-e ." in pip_section
    assert _pins(pip_section) == _pyproject_pins()


def test_constraints_pin_everything_pyproject_pins():
    constraints = _pins((ROOT / "constraints.txt").read_text().splitlines())
    for name, version in _pyproject_pins().items():
        assert constraints.get(name) == version, f"constraints.txt disagrees on {name}"
    assert constraints["torch"] == "2.13.0"


def _steps(workflow):
    data = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())
    assert True in data or "on" in data, "a workflow needs triggers"
    return [step.get("run", "") for job in data["jobs"].values() for step in job["steps"]]


def test_cpu_workflow_runs_make_test():
    assert "make test" in _steps("test.yml")


def test_cuda_workflow_runs_make_test_cuda_on_a_gpu_runner():
    data = yaml.safe_load((ROOT / ".github" / "workflows" / "test-cuda.yml").read_text())
    assert "gpu" in data["jobs"]["cuda"]["runs-on"]
    assert "make test-cuda" in _steps("test-cuda.yml")


def test_ci_script_installs_dot_and_chromium_and_runs_both_test_verbs():
    script = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install" in script and "graphviz" in script and "chromium" in script
    assert "make test\n" in script and script.rstrip().endswith("make test-browser")


# The Python range: the oldest Python every pin installs on (checked with `pip install --dry-run
# --python-version X --only-binary=:all:`: 3.11.4 and older fail on soupsieve 4.1.2) up to the
# newest torch 2.13.0 has wheels for. pyproject, tools/find_python.sh, environment.yml and the
# README must say the same.
PYTHON_MIN, PYTHON_BELOW = "3.11.5", "3.15"


def _version(text):
    return tuple(int(part) for part in text.split("."))


def test_requires_python_is_the_range_the_pins_install_on():
    assert _project()["requires-python"] == f">={PYTHON_MIN},<{PYTHON_BELOW}"


def test_find_python_checks_the_same_range():
    script = (ROOT / "tools" / "find_python.sh").read_text()
    assert f'MIN="{PYTHON_MIN}"' in script and f'BELOW="{PYTHON_BELOW}"' in script
    low, high = _version(PYTHON_MIN), _version(PYTHON_BELOW)
    assert f"{low} <= sys.version_info[:3] < {high}" in script


def test_environment_yml_python_is_in_the_range():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = [
        item for item in environment["dependencies"] if isinstance(item, str) and item.startswith("python")
    ]
    assert len(specs) == 1 and re.fullmatch(r"python=\d+\.\d+", specs[0]), specs
    version = _version(specs[0].removeprefix("python="))
    assert _version(PYTHON_MIN)[:2] <= version < _version(PYTHON_BELOW)


def test_readme_states_the_same_prerequisites():
    readme = (ROOT / "README.md").read_text()
    assert f"Python {PYTHON_MIN} to {_version(PYTHON_BELOW)[0]}.{_version(PYTHON_BELOW)[1] - 1}" in readme
    assert "3.10+" not in readme


def test_course_address_is_defined_once_in_pyproject():
    assert _project()["urls"]["Repository"] == "https://github.com/autograd-course/autograd-course"


def test_makefile_has_the_documented_verbs():
    makefile = (ROOT / "Makefile").read_text()
    for verb in ("lab", "test", "test-browser", "test-cuda", "outputs"):
        assert re.search(rf"^{verb}:", makefile, re.MULTILINE), f"make {verb} is missing"
    assert "-c constraints.txt" in makefile
