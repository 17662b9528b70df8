"""Valid variations keep their points; one slip costs exactly the points of its own test cell.

The submissions are built in tests/fairness.py and graded with the round trip (grading_course).
"""

import nbformat
import pytest
from fairness import CHANGES, EXPECTED_FAILURES
from grading_course import ROOT, cell, graded, release_of  # noqa: F401 (graded: session fixture)
from nbclient import NotebookClient


@pytest.mark.parametrize(("student", "name"), sorted(EXPECTED_FAILURES), ids=lambda v: str(v))
def test_each_alternative_earns_what_the_task_says(graded, student, name):  # noqa: F811
    assert graded["status"]["roundtrip"] == 0, "the round trip's autograde failed (autograde.log)"
    grades = graded["roundtrip"][name][student]
    failed = {grade_id for grade_id, (score, best, is_test) in grades.items() if is_test and score != best}
    assert failed == EXPECTED_FAILURES[(student, name)], grades


def test_a_visible_test_catches_counting_kinds_of_node_instead_of_nodes():
    """The slip passes no visible test silently: the student sees it before submitting."""
    nb = release_of(ROOT, "02_computational_graph")
    answer_id, source = CHANGES[("slip-node-kinds", "02_computational_graph")]
    cell(nb, answer_id).source = source
    nb.cells = nb.cells[: nb.cells.index(cell(nb, "test_count_operations")) + 1]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=60, allow_errors=True, resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for o in cell(nb, "test_count_operations").outputs if o.output_type == "error"]
    assert errors and "(x * 2) * 3" in errors[0]["evalue"], nbformat.writes(nb)[-2000:]
