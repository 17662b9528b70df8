"""The autograder holds against students who attack it, and against broken submissions.

Every attack listed in the README ("How cheating is handled") is a submission of assignment 01
(a few also of a second assignment), graded in ONE `autograde` run with JOBS=2 between honest
students (see grading_course.py). Each attack earns no autograded point, nothing it writes
outside its sandbox survives, no process of it is left, nothing hidden reaches its feedback,
and the honest students graded before and after it keep their points and manual scores.
"""

from pathlib import Path

import nbformat
import pytest
from grading_course import (
    CHEATS,
    FIRST,
    MANUAL_SCORE,
    ROOT,
    WHY_ZERO,
    autograded_scores,
    course,
    grade_id,
    graded,  # noqa: F401 (the session fixture)
    is_test,
)


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


def feedback_of(graded, student, name=FIRST):  # noqa: F811
    return (graded["cheats_root"] / "feedback" / student / name / f"{name}.html").read_text()


@pytest.mark.parametrize("student", ["ahonest", "zhonest", "m-stripped"])
def test_honest_students_graded_before_and_after_the_attacks_keep_full_points(
    graded, student  # noqa: F811
):
    """m-stripped: an honest notebook whose nbgrader metadata an editor removed."""
    got, best = autograded_scores(graded, "cheats", FIRST, student)
    assert best == 8 and got == best, f"{student} earned {got} of {best}"


def test_a_manual_score_given_before_grading_survives(graded):  # noqa: F811
    assert graded["manual"]["ahonest"]["answer_written"] == MANUAL_SCORE
    assert all(score is None for score in graded["manual"]["zhonest"].values())


@pytest.mark.parametrize("student", CHEATS)
def test_each_attack_earns_no_autograded_points(graded, student):  # noqa: F811
    got, best = autograded_scores(graded, "cheats", FIRST, student)
    assert best == 8 and got == 0, f"{student} earned {got} points"
    if student in WHY_ZERO:
        assert WHY_ZERO[student] in errors(autograded(graded, student))


@pytest.mark.parametrize("student", CHEATS)
def test_attacks_write_nothing_into_the_graded_manual_scores(graded, student):  # noqa: F811
    manual = graded["manual"][student]
    assert all(score is None for score in manual.values()), manual


def test_nothing_an_attack_writes_outside_its_sandbox_survives(graded):  # noqa: F811
    assert graded["changed"] == []
    assert not (graded["cheats_root"] / "grading" / "zz_attack.py").exists()
    assert not (ROOT / "course_utils" / "zz_attack.py").exists()


def test_no_process_of_any_submission_is_left(graded):  # noqa: F811
    assert graded["left_over"] == []


def test_grading_finished_despite_fork_storm_huge_output_and_sleeper(graded):  # noqa: F811
    for student in ["c-fork-storm", "c-huge-output", "c-sleeper", "c-detached"]:
        path = graded["cheats_root"] / "autograded" / student / FIRST / f"{FIRST}.ipynb"
        assert path.stat().st_size < 200_000, f"{student}: {path.stat().st_size} bytes"
        assert len(feedback_of(graded, student)) < 1_000_000


def hidden_test_lines(name=FIRST):
    """Lines of the hidden tests of NAME that the release does not show."""
    source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    secret = course.secret_lines(source)
    hidden, inside = [], False
    for cell in source.cells:
        for line in cell.source.splitlines() if cell.cell_type == "code" else []:
            text = line.strip()
            if "BEGIN HIDDEN TESTS" in text or "END HIDDEN TESTS" in text:
                inside = "BEGIN" in text
            elif inside and text in secret and len(text) > 24:
                hidden.append(text)
    return hidden


@pytest.mark.parametrize("student", ["c-read-secrets", "c-huge-output", "ahonest"])
def test_feedback_never_shows_hidden_tests_solutions_or_what_the_kernel_printed(
    graded, student  # noqa: F811
):
    secret = hidden_test_lines()
    assert secret, "the solution of 01 should have hidden tests"
    for text in [feedback_of(graded, student), nbformat.writes(autograded(graded, student))]:
        assert "xxxxxxxxxx" not in text and "COURSE_CHECK_RECORD" not in text
        assert "BEGIN HIDDEN TESTS" not in text
        shown = [line for line in secret if line in text]
        assert shown == [], f"{student}'s feedback shows {shown[:3]}"


@pytest.mark.parametrize("student", ["ahonest", "c-generic-rebind", "c-generic-delete"])
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
    for student in ["c-delete-tests", "c-cell-above-setup", "m-stripped"]:
        code = [cell for cell in autograded(graded, student).cells if cell.cell_type == "code"]
        assert grade_id(code[0]) == "setup"


def test_the_run_said_it_was_sandboxed(graded):  # noqa: F811
    log = (graded["cheats_root"] / "autograde.log").read_text()
    assert "grading in a sandbox (bubblewrap)" in log
    assert "2 at a time" in log


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
    honest = feedback_of(graded, "ahonest")
    cheat = feedback_of(graded, "c-edit-tests")
    assert "Passed: all" in honest and "TestFailed" not in honest
    assert "the first check that differs: derivative(torch.sin, 0.0)" in cheat
    rows = (graded["cheats_root"] / "grades.csv").read_text().splitlines()
    header = rows[0].split(",")
    table = [dict(zip(header, row.split(","), strict=False)) for row in rows[1:]]
    honest_rows = [r for r in table if r["student_id"] == "ahonest" and r["assignment"] == FIRST]
    assert len(honest_rows) == 1 and float(honest_rows[0]["raw_score"]) == 8.0 + MANUAL_SCORE
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
