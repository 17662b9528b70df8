"""The graded tests' checker holds against the tricks a student's answer could play."""

import builtins
import math

import pytest
import torch

import course_utils.checks
from course_utils.checks import make_checker


class AlwaysEqual:
    """What a cheating answer might return: equal to everything, truthy, convertible to 1.0."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __float__(self):
        return 1.0

    def __abs__(self):
        return 0.0

    def __sub__(self, other):
        return 0.0

    __rsub__ = __sub__
    __hash__ = object.__hash__


class SneakyFloat(float):
    """A float subclass whose arithmetic and comparisons always agree with the test."""

    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0.0

    def __rsub__(self, other):
        return 0.0

    __hash__ = float.__hash__


class SneakyTensor(torch.Tensor):
    """A tensor subclass that reports whatever list the test wants."""

    def tolist(self):
        return [1.0]


@pytest.fixture
def check():
    return make_checker()


def fails(match=None):
    return pytest.raises(AssertionError, match=match)


def test_is_float_accepts_only_finite_python_floats(check):
    assert check.is_float(0.5, "x") == 0.5
    with fails("x should be a Python float, got 1"):
        check.is_float(1, "x")
    with fails("tensor"):
        check.is_float(torch.tensor(0.5), "x")
    with fails("SneakyFloat"):
        check.is_float(SneakyFloat(0.5), "x")
    with fails("finite"):
        check.is_float(math.nan, "x")
    with fails("finite"):
        check.is_float(math.inf, "x")


def test_is_int_rejects_bool_and_subclasses(check):
    assert check.is_int(3, "n") == 3
    with fails("n should be a Python int, got True"):
        check.is_int(True, "n")

    class MyInt(int):
        pass

    with fails("MyInt"):
        check.is_int(MyInt(3), "n")


def test_is_tensor_checks_type_shape_and_flags(check):
    leaf = torch.ones(2, 3, requires_grad=True)
    assert check.is_tensor(leaf, "t", shape=(2, 3), requires_grad=True, is_leaf=True) is leaf
    assert check.is_tensor(torch.nn.Parameter(torch.ones(1)), "p") is not None
    with fails("shape"):
        check.is_tensor(leaf, "t", shape=(3, 2))
    with fails("requires_grad=False"):
        check.is_tensor(leaf, "t", requires_grad=False)
    check.is_tensor(leaf * 2, "t", is_leaf=False)
    with fails("should not be a leaf tensor"):
        check.is_tensor(leaf, "t", is_leaf=False)
    with fails("should be a torch.Tensor, got"):
        check.is_tensor([1.0], "t")
    with fails("SneakyTensor"):
        check.is_tensor(torch.ones(1).as_subclass(SneakyTensor), "t")


def test_close_compares_plain_numbers(check):
    check.close(1.0, 1.0, "x")
    check.close(2, 2.0, "x")
    check.close(torch.tensor(0.5), 0.5, "x")
    check.close(torch.tensor([0.5]), 0.5, "x")
    check.close(1e6 + 0.5, 1e6, "big", tol=1e-6)  # relative for large values
    with fails(r"derivative\(torch.sin, 0.0\) should be 1.0, got 0.0"):
        check.close(0.0, 1.0, "derivative(torch.sin, 0.0)")
    with fails("got the bool True"):
        check.close(True, 1.0, "x")
    with fails("single number"):
        check.close(torch.ones(2), 1.0, "x")
    with fails("should be 1.0, got nan"):
        check.close(math.nan, 1.0, "x")


@pytest.mark.parametrize("cheat", [AlwaysEqual(), SneakyFloat(0.0)], ids=["always-equal", "float"])
def test_close_rejects_objects_that_claim_to_be_equal(check, cheat):
    with fails():
        check.close(cheat, 1.0, "x")


def test_close_rejects_tensor_subclasses(check):
    with fails("SneakyTensor"):
        check.close(torch.zeros(1).as_subclass(SneakyTensor), 1.0, "x")


def test_all_close_compares_shapes_and_elements(check):
    check.all_close(torch.tensor([1.0, 2.0]), [1.0, 2.0], "v")
    check.all_close(torch.eye(2), torch.eye(2), "m")
    check.all_close(torch.eye(2), [[1, 0], [0, 1]], "m")
    with fails(r"should have shape \(3,\), got \(2,\)"):
        check.all_close(torch.ones(2), [1.0, 1.0, 1.0], "v")
    with fails("element 1 differs"):
        check.all_close(torch.tensor([1.0, 2.5]), [1.0, 2.0], "v")
    with fails("should be a torch.Tensor"):
        check.all_close([1.0, 2.0], [1.0, 2.0], "v")
    with fails("should be a torch.Tensor"):
        check.all_close(AlwaysEqual(), [1.0], "v")
    with fails("SneakyTensor"):
        check.all_close(torch.zeros(1).as_subclass(SneakyTensor), [1.0], "v")


def test_equal_needs_exact_types_and_never_asks_the_object(check):
    check.equal(3, 3, "n")
    check.equal("leaf", "leaf", "s")
    check.equal((1, "a", True), (1, "a", True), "t")
    with fails("should be 1, got True"):
        check.equal(True, 1, "n")
    with fails("should be 3"):
        check.equal(AlwaysEqual(), 3, "n")
    with fails():
        check.equal((1, AlwaysEqual()), (1, 2), "t")
    with fails():
        check.equal((1, 2, 3), (1, 2), "t")
    with pytest.raises(TypeError, match="check.close"):
        check.equal(object(), object(), "o")


def test_true_needs_the_bool_true(check):
    check.true(True, "fine")
    with fails("nope"):
        check.true(False, "nope")
    with fails("nope"):
        check.true(1, "nope")
    with fails("nope"):
        check.true(AlwaysEqual(), "nope")


def test_raises(check):
    error = check.raises(ValueError, int, "x", what="int('x')")
    assert type(error) is ValueError
    with fails(r"int\('1'\) should raise ValueError, but it returned without an error"):
        check.raises(ValueError, int, "1", what="int('1')")
    with fails("but raised ZeroDivisionError"):
        check.raises(ValueError, lambda: 1 / 0)


def test_checker_and_its_class_cannot_be_changed(check):
    with pytest.raises(AttributeError, match="cannot be changed"):
        check.close = lambda *args, **kwargs: None
    with pytest.raises(AttributeError, match="cannot be changed"):
        type(check).close = lambda *args, **kwargs: None
    with pytest.raises(AttributeError, match="cannot be changed"):
        del type(check).close
    with pytest.raises(AttributeError):
        object.__setattr__(check, "close", None)  # no instance dict at all
    with fails():
        check.close(0.0, 1.0, "x")


def test_patching_the_module_after_setup_does_not_help(check, monkeypatch):
    monkeypatch.setattr(course_utils.checks, "make_checker", lambda: None)
    with fails("course_utils.checks.make_checker was replaced"):
        check.close(1.0, 1.0, "x")


def outcome_while_patched(owner, name, replacement, checks):
    """Run ``checks`` with ``owner.name`` replaced; restore it before pytest runs again (pytest
    itself needs ``isinstance`` and friends). Returns each check's error message (None = passed)."""
    had_own = name in vars(owner)
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    messages = []
    try:
        for run in checks:
            try:
                run()
                messages.append(None)
            except AssertionError as error:
                messages.append(error.args[0])
    finally:
        if had_own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)  # it was inherited (torch.Tensor from torch._C.TensorBase)
    return messages


def always_true(*args, **kwargs):
    return True


@pytest.mark.parametrize(
    ("owner", "name"),
    [
        (torch, "allclose"),
        (torch, "equal"),
        (torch.testing, "assert_close"),
        (math, "isclose"),
        (math, "isfinite"),
        (builtins, "abs"),
        (builtins, "isinstance"),
        (builtins, "type"),
        (builtins, "float"),
        (torch.Tensor, "tolist"),
        (torch.Tensor, "__eq__"),
    ],
)
def test_patching_helpers_after_setup_fails_every_check(check, owner, name):
    # A wrong answer stays wrong, and even a right one is refused while the helper is replaced.
    wrong, right = outcome_while_patched(
        owner,
        name,
        always_true,
        [lambda: check.close(0.0, 1.0, "x"), lambda: check.close(1.0, 1.0, "x")],
    )
    changed = "was given a new attribute" if owner is torch.Tensor else f"{name} was replaced"
    assert changed in wrong
    assert changed in right
    check.close(1.0, 1.0, "x")  # restored: passes again


def test_active_torch_function_mode_fails_checks(check):
    class Liar(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            return [1.0] if func.__name__ == "tolist" else func(*args, **(kwargs or {}))

    with Liar(), fails("mode is still active"):
        check.close(torch.zeros(1), 1.0, "x")
