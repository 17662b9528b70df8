"""Rules every nbgrader source notebook keeps, so that grading by comparison stays sound.

The grader runs the test cells in the student's sandboxed kernel and in a reference kernel with
the instructor's solution, and compares what ``check`` observed (grading/checks.py). So a hidden
test must not hand the student's process the expected values, and every graded test cell must
observe something.
"""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "solutions").glob("*/*.ipynb"))
EXPECTING = {"close", "all_close", "equal"}  # checks whose second argument is the expected value
CHECKS = EXPECTING | {"is_float", "is_int", "is_tensor", "true", "at_least", "at_most", "raises"}


def graded_test_cells(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            yield meta["grade_id"], cell.source


def hidden_part(source):
    start, end = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
    if start not in source:
        return ""
    return source.split(start, 1)[1].split(end, 1)[0]


def check_calls(code):
    for node in ast.walk(ast.parse(code)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "check"
            and node.func.attr in CHECKS
        ):
            yield node


def hands_over_expected(call):
    if call.func.attr not in EXPECTING:
        return False
    given = call.args[1] if len(call.args) > 1 else None
    given = given or next((k.value for k in call.keywords if k.arg == "expected"), None)
    return given is not None and not (isinstance(given, ast.Constant) and given.value is None)


def test_there_are_source_notebooks():
    assert len(SOURCES) >= 5


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_hidden_tests_hold_no_expected_values(path):
    offenders = [
        f"{grade_id}, hidden line {call.lineno}: check.{call.func.attr}(...) is given an expected value"
        for grade_id, source in graded_test_cells(path)
        for call in check_calls(hidden_part(source))
        if hands_over_expected(call)
    ]
    assert offenders == [], "hidden tests must leave expected values to the reference run:\n" + "\n".join(
        offenders
    )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_every_graded_test_cell_checks_something(path):
    source_of = dict(graded_test_cells(path))
    helpers = {
        node.name
        for source in source_of.values()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and any(True for _ in check_calls(ast.unparse(node)))
    }
    silent = []
    for grade_id, source in source_of.items():
        tree = ast.parse(source)
        calls_helper = any(
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers
            for node in ast.walk(tree)
        )
        if not calls_helper and not any(True for _ in check_calls(source)):
            silent.append(grade_id)
    assert silent == [], f"these graded test cells record no check: {silent}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_no_plain_assert_in_test_cells(path):
    asserting = [
        grade_id
        for grade_id, source in graded_test_cells(path)
        if any(isinstance(node, ast.Assert) for node in ast.walk(ast.parse(source)))
    ]
    assert asserting == [], f"use check.* instead of assert (nothing else is recorded): {asserting}"
