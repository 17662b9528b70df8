"""The autograder holds against cheating and against submissions that break things.

Each cheat listed in the README ("How cheating is handled") is submitted for assignment 01 (a few also for a
second assignment) between two honest students; each cheat earns no autograded points for the
reason it should, and the honest students keep their full grades. The grading runs once per
session (see grading_course.py).
"""

from pathlib import Path

import nbformat
import pytest
from grading_course import (
    FIRST,
    ROOT,
    UNCHECKED,
    WHY_ZERO,
    autograded_scores,
    course,
    grade_id,
    graded,  # noqa: F401 (the session fixture)
    is_test,
)

CHEATS = [student for student in WHY_ZERO if student not in UNCHECKED]


def autograded(graded, student, name=FIRST):  # noqa: F811
    path = graded["cheats_root"] / "autograded" / student / name / f"{name}.ipynb"
    assert path.is_file(), f"{student} was not autograded"
    return nbformat.read(path, as_version=4)


def errors(nb):
    """All error text of a graded notebook."""
    return "\n".join(
        "\n".join([out.get("ename", ""), out.get("evalue", ""), *out.get("traceback", [])])
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.output_type == "error"
    )


@pytest.mark.parametrize("student", ["ahonest", "zhonest"])
def test_honest_students_graded_before_and_after_the_cheaters_keep_full_points(
    graded, student  # noqa: F811
):
    got, best = autograded_scores(graded, "cheats", FIRST, student)
    assert best == 8 and got == best


@pytest.mark.parametrize("student", CHEATS)
def test_each_cheat_earns_no_autograded_points(graded, student):  # noqa: F811
    got, best = autograded_scores(graded, "cheats", FIRST, student)
    assert best == 8 and got == 0, f"{student} earned {got} points"
    assert WHY_ZERO[student] in errors(autograded(graded, student))


@pytest.mark.parametrize("student", list(UNCHECKED))
def test_layers_behind_the_static_check_hold_on_their_own(graded, student):  # noqa: F811
    """With the static check off: hidden tracebacks, printed points and a killed kernel."""
    assert graded["status"]["unchecked"] == 0
    got, best = autograded_scores(graded, "cheats", FIRST, student)
    assert best == 8 and got == 0, f"{student} earned {got} points"
    assert WHY_ZERO[student] in errors(autograded(graded, student))


@pytest.mark.parametrize("student", ["ahonest", "c-generic-patch", "c-generic-delete"])
def test_a_second_assignment_holds_too(graded, student):  # noqa: F811
    other = graded["other"]
    if other is None:
        pytest.skip("only one assignment has a source so far")
    got, best = autograded_scores(graded, "cheats", other, student)
    assert got == (best if student == "ahonest" else 0), f"{student} earned {got} of {best}"


def test_deleted_cells_come_back_and_setup_runs_first(graded):  # noqa: F811
    release = nbformat.read(ROOT / "exercises" / FIRST / f"{FIRST}.ipynb", as_version=4)
    wanted = [grade_id(cell) for cell in release.cells if is_test(cell)]
    restored = autograded(graded, "c-delete-tests")
    assert [grade_id(cell) for cell in restored.cells if is_test(cell)] == wanted
    for student in ["c-delete-tests", "c-cell-above-setup"]:
        code = [cell for cell in autograded(graded, student).cells if cell.cell_type == "code"]
        assert grade_id(code[0]) == "setup"


def test_unreadable_submission_is_recorded_and_does_not_stop_grading(graded):  # noqa: F811
    grades = graded["cheats"][FIRST]["b-unreadable"]
    assert all(score is None for score, _, _ in grades.values())  # scored 0, flagged for review
    assert graded["status"]["cheats"] == 1
    log = (graded["cheats_root"] / "autograde.log").read_text()
    assert "nbgrader reported errors while grading 01_autograd" in log
    assert "skipping submitted/*/99_unknown: 99_unknown is not an assignment" in log


def test_lms_download_is_collected(graded):  # noqa: F811
    path = graded["cheats_root"] / "submitted" / "zhonest" / FIRST / f"{FIRST}.ipynb"
    assert path.is_file()


def test_feedback_and_grades_csv(graded):  # noqa: F811
    assert graded["status"]["feedback"] == 0 and graded["status"]["grades"] == 0
    feedback = graded["cheats_root"] / "feedback"
    honest = (feedback / "ahonest" / FIRST / f"{FIRST}.html").read_text()
    cheat = (feedback / "c-patch-helpers" / FIRST / f"{FIRST}.html").read_text()
    assert "The visible tests of Task 1 pass." in honest
    assert "RefusedCode" in cheat and "torch.allclose" in cheat
    rows = (graded["cheats_root"] / "grades.csv").read_text().splitlines()
    header = rows[0].split(",")
    table = [dict(zip(header, row.split(","), strict=False)) for row in rows[1:]]
    honest_rows = [r for r in table if r["student_id"] == "ahonest" and r["assignment"] == FIRST]
    assert len(honest_rows) == 1 and float(honest_rows[0]["raw_score"]) == 8.0
    cheat_rows = [r for r in table if r["student_id"] == "c-os-exit"]
    assert float(cheat_rows[0]["raw_score"]) == 0.0


def test_verbs_say_what_is_missing(tmp_path):
    (tmp_path / "solutions" / FIRST).mkdir(parents=True)
    (tmp_path / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    with pytest.raises(course.GradingError, match="Nothing to grade: submitted/ is empty"):
        course.autograde(tmp_path)
    (tmp_path / "submitted" / "someone" / FIRST).mkdir(parents=True)
    with pytest.raises(course.GradingError, match="unknown assignment '99_nope'"):
        course.autograde(tmp_path, "99_nope")
    with pytest.raises(course.GradingError, match="run `make autograde` first"):
        course.feedback(tmp_path)
    with pytest.raises(course.GradingError, match="run `make autograde` first"):
        course.grades(tmp_path)
    with pytest.raises(course.GradingError, match="say which assignment"):
        course.collect_zip(tmp_path)
    with pytest.raises(course.GradingError, match="Put the LMS download"):
        course.collect_zip(tmp_path, FIRST)
    assert Path(tmp_path / "gradebook.db").exists() is False
