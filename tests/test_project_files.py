"""The environment files agree with each other, and CI calls the Makefile's verbs."""

import re
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _pins(requirements):
    pins = {}
    for line in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line.strip())
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def _pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
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


def test_ci_script_installs_dot_and_runs_make_test():
    script = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install" in script and "graphviz" in script
    assert script.rstrip().endswith("make test")


def test_makefile_has_the_documented_verbs():
    makefile = (ROOT / "Makefile").read_text()
    for verb in ("lab", "test", "test-cuda", "outputs"):
        assert re.search(rf"^{verb}:", makefile, re.MULTILINE), f"make {verb} is missing"
    assert "-c constraints.txt" in makefile
