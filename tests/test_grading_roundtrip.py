"""Every assignment goes through nbgrader's whole cycle: release, submit, autograde.

The grading runs once per session in a copy of the course (see grading_course.py); these tests
read its results. An assignment listed in nbgrader_config.py is included as soon as its folder
exists in solutions/.
"""

import pytest
from grading_course import (
    ROOT,
    autograded_scores,
    course,
    first_answer_and_its_tests,
    grade_id,
    graded,  # noqa: F401 (the session fixture)
    read,
    release_of,
)

NAMES = course.assignments(ROOT)


def needs_source(name):
    if not (ROOT / "solutions" / name).is_dir():
        pytest.skip(f"solutions/{name}/ does not exist yet")


def nbgrader_view(nb):
    """What matters of a release: each cell's type, source and nbgrader metadata."""
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


def test_config_names_the_course_folders():
    config = course.read_config(ROOT)["c"]
    assert config.CourseDirectory.course_id == "autograd-course"
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "exercises"
    assert config.CourseDirectory.root == str(ROOT)
    assert config.Execute.timeout == 30
    assert all(name == name.lower() and name[:2].isdigit() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_committed_release_is_what_nbgrader_generates(graded, name):  # noqa: F811
    needs_source(name)
    assert graded["status"]["release"] == 0, "`python -m grading release` failed (release.log)"
    committed = ROOT / "exercises" / name / f"{name}.ipynb"
    assert committed.is_file(), f"{committed} is missing: run `make release`"
    assert nbgrader_view(read(committed)) == nbgrader_view(
        release_of(graded["roundtrip_root"], name)
    ), f"exercises/{name} is out of date with solutions/{name}: run `make release`"


@pytest.mark.parametrize("name", NAMES)
def test_release_gives_nothing_away(graded, name):  # noqa: F811
    needs_source(name)
    assert course.find_leaks(graded["roundtrip_root"], name) == []
    assert course.find_leaks(ROOT, name) == []


def test_release_removes_assignments_without_source(graded):  # noqa: F811
    assert not (graded["roundtrip_root"] / "exercises" / "99_stale").exists()


@pytest.mark.parametrize("name", NAMES)
def test_solution_earns_every_autograded_point(graded, name):  # noqa: F811
    needs_source(name)
    got, best = autograded_scores(graded, "roundtrip", name, "solution")
    assert best > 0
    assert got == best, f"the solution of {name} earns {got} of {best} autograded points"


@pytest.mark.parametrize("name", NAMES)
def test_untouched_release_earns_nothing(graded, name):  # noqa: F811
    needs_source(name)
    got, best = autograded_scores(graded, "roundtrip", name, "untouched")
    assert best > 0 and got == 0
    written = graded["roundtrip"][name]["untouched"]
    assert all(score == 0 for score, _, is_test in written.values() if not is_test)


@pytest.mark.parametrize("name", NAMES)
def test_one_wrong_answer_costs_exactly_its_task(graded, name):  # noqa: F811
    needs_source(name)
    _, tests = first_answer_and_its_tests(release_of(graded["roundtrip_root"], name))
    grades = graded["roundtrip"][name]["one-mistake"]
    task_points = sum(grades[test][1] for test in tests)
    got, best = autograded_scores(graded, "roundtrip", name, "one-mistake")
    assert task_points > 0
    assert got == best - task_points, (
        f"breaking the first answer of {name} should cost the {task_points} points of "
        f"{tests}, but the submission earns {got} of {best}: do later tests use that answer?"
    )


@pytest.mark.parametrize("name", NAMES)
def test_written_answers_wait_for_manual_grading(graded, name):  # noqa: F811
    needs_source(name)
    grades = graded["roundtrip"][name]["solution"]
    written = [score for score, _, is_test in grades.values() if not is_test]
    assert written, f"{name} needs at least one manually graded written answer"
    assert all(score is None for score in written)


def test_every_test_cell_has_a_grade_id_and_points():
    for name in NAMES:
        path = ROOT / "solutions" / name / f"{name}.ipynb"
        if not path.is_file():
            continue
        for cell in read(path).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                assert grade_id(cell) and meta.get("points", 0) > 0, f"{name}: {cell.source[:60]}"
                assert meta.get("schema_version") == 3
