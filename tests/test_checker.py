"""grading.checks: local feedback, faithful observations, and the comparison the grader makes."""

import json

import pytest
import torch

from grading.checks import RECORD_MIME, make_checker, matches


class AlwaysEqual:
    """What a cheating answer might return: equal to everything, truthy, convertible to 1.0."""

    def __eq__(self, other):
        return True

    def __bool__(self):
        return True

    def __float__(self):
        return 1.0

    __hash__ = object.__hash__


class SneakyFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class SneakyTensor(torch.Tensor):
    def tolist(self):
        return [1.0]


@pytest.fixture
def recorded(monkeypatch):
    """A recording checker and the list of records it published."""
    published = []
    monkeypatch.setattr(
        "IPython.display.publish_display_data", lambda data, metadata=None: published.append(data)
    )
    return make_checker(record=True), published


def records(published):
    return [json.loads(json.dumps(data[RECORD_MIME])) for data in published]


def test_visible_checks_give_plain_messages():
    check = make_checker(record=False)
    assert check.close(torch.tensor(2.0), 2.0, "x") == 2.0
    with pytest.raises(AssertionError, match=r"derivative\(sin, 0\) should be 1.0, got 0.0"):
        check.close(0.0, 1.0, "derivative(sin, 0)")
    with pytest.raises(AssertionError, match="should have shape"):
        check.all_close(torch.ones(3), [1.0, 1.0], "v")
    with pytest.raises(AssertionError, match="element 1 differs"):
        check.all_close(torch.tensor([1.0, 2.5]), [1.0, 2.0], "v")
    with pytest.raises(AssertionError, match="should be at least 0.9"):
        check.at_least(0.5, 0.9, "accuracy")
    with pytest.raises(TypeError, match="needs what="):
        check.close(1.0, 1.0)


@pytest.mark.parametrize("cheat", [AlwaysEqual(), SneakyFloat(3.0), True])
def test_objects_that_claim_to_be_right_fail_locally(cheat):
    check = make_checker(record=False)
    with pytest.raises(AssertionError):
        check.is_float(cheat, "r") if type(cheat) is not bool else check.close(cheat, 1.0, "r")
    with pytest.raises(AssertionError):
        check.equal(cheat, 1, "r")


def test_a_tensor_subclass_is_not_read_through_its_own_methods(recorded):
    check, published = recorded
    sneaky = torch.tensor([5.0]).as_subclass(SneakyTensor)
    with pytest.raises(AssertionError, match="should be a torch.Tensor"):
        check.all_close(sneaky, [1.0], "t")
    assert records(published)[0]["observed"] == "an object of type SneakyTensor"


def test_hidden_checks_only_record(recorded):
    check, published = recorded
    check.close(torch.tensor(0.5, dtype=torch.float64), what="hidden value", tol=1e-5)
    check.all_close(torch.tensor([[1.0, float("nan")]]), what="hidden tensor")
    check.equal((1, "a"), what="hidden tuple")
    check.is_tensor(torch.zeros(2, requires_grad=True), "t", shape=(2,), requires_grad=True)
    check.raises(ValueError, int, "x", what="int('x')")
    assert records(published) == [
        {"check": "close", "what": "hidden value", "observed": 0.5, "tol": 1e-5, "bound": None},
        {
            "check": "all_close",
            "what": "hidden tensor",
            "observed": {"shape": [1, 2], "values": [1.0, "nan"]},
            "tol": 1e-6,
            "bound": None,
        },
        {"check": "equal", "what": "hidden tuple", "observed": "(1, 'a')", "tol": None, "bound": None},
        {
            "check": "is_tensor",
            "what": "t",
            "observed": {"type": "tensor", "shape": [2], "requires_grad": True},
            "tol": None,
            "bound": None,
        },
        {"check": "raises", "what": "int('x')", "observed": "ValueError", "tol": None, "bound": None},
    ]


def test_a_failed_local_check_is_still_recorded(recorded):
    check, published = recorded
    with pytest.raises(AssertionError):
        check.close(2.0, 1.0, "x")
    assert records(published)[0]["observed"] == 2.0


def reference(kind, observed, tol=None, bound=None, what="w"):
    return {"check": kind, "what": what, "observed": observed, "tol": tol, "bound": bound}


@pytest.mark.parametrize(
    ("student", "ref", "agrees"),
    [
        (reference("close", 1.0 + 1e-7), reference("close", 1.0, tol=1e-6), True),
        (reference("close", 1.1), reference("close", 1.0, tol=1e-6), False),
        # the tolerance is the reference's, whatever the student's record says
        (reference("close", 1.1, tol=1.0), reference("close", 1.0, tol=1e-6), False),
        (reference("close", "nan"), reference("close", 1.0, tol=1e-6), False),
        (reference("close", True), reference("close", 1.0, tol=1e-6), False),
        (reference("close", 1.0, what="other"), reference("close", 1.0, tol=1e-6), False),
        (reference("equal", 1.0), reference("close", 1.0, tol=1e-6), False),
        (
            reference("all_close", {"shape": [2], "values": [1.0, 2.0]}),
            reference("all_close", {"shape": [2], "values": [1.0, 2.0]}, tol=1e-6),
            True,
        ),
        (
            reference("all_close", {"shape": [1, 2], "values": [1.0, 2.0]}),
            reference("all_close", {"shape": [2], "values": [1.0, 2.0]}, tol=1e-6),
            False,
        ),
        (
            reference("all_close", {"shape": [2], "values": [1.0]}),
            reference("all_close", {"shape": [2], "values": [1.0, 2.0]}, tol=1e-6),
            False,
        ),
        (reference("at_least", 0.95, bound=0.0), reference("at_least", 0.99, bound=0.9), True),
        (reference("at_least", 0.5, bound=0.0), reference("at_least", 0.99, bound=0.9), False),
        (reference("at_most", 0.5), reference("at_most", 0.1, bound=1.0), True),
        (reference("equal", "(1, 'a')"), reference("equal", "(1, 'a')"), True),
        (reference("equal", "[1, 'a']"), reference("equal", "(1, 'a')"), False),
        (reference("true", True), reference("true", True), True),
        (reference("true", 1), reference("true", True), False),
        ("not a record", reference("true", True), False),
    ],
)
def test_matches_takes_only_the_observation_from_the_student(student, ref, agrees):
    assert matches(student, ref) is agrees
