"""Assertions for graded exercise tests that a student's code cannot fool.

A test cell of an exercise runs in the same Python process as the student's answers, after them.
An answer could therefore replace ``torch.allclose``, ``math.isclose``, ``abs`` or
``isinstance``, or return an object whose ``__eq__`` always says yes. So the locked setup cell of
every exercise calls ``check = make_checker()`` before any student code runs, and the test cells
assert only through ``check``:

- ``make_checker`` takes its own references to every function it uses (builtins, ``math``,
  ``torch.Tensor`` methods) when it is called; replacing them afterwards changes nothing.
- Values are compared as plain Python numbers: a result must be exactly a ``float``/``int`` (not a
  subclass, not a ``bool``) or a genuine ``torch.Tensor``, and the comparison never calls a method
  of the student's object (no ``__eq__``, ``__float__``, ``__bool__``, ``__abs__``).
- Every method first checks that no attribute of ``builtins``, ``math``, ``torch``,
  ``torch.Tensor``, ``numpy`` or ``course_utils`` was replaced since the setup cell ran, and that
  no torch function/dispatch mode is active, so a test fails with a message that says what was
  changed.
- The returned object cannot be changed: assigning or deleting an attribute of it or of its class
  raises. The class is built inside ``make_checker``, so patching this module after setup (even
  ``course_utils.checks.make_checker`` itself) does not affect a checker that already exists.

Every failed check raises ``AssertionError`` with a plain sentence, for example
``derivative(torch.sin, 0.0) should be 1.0, got 0.0``.
"""

import math
import sys

import torch

# Modules whose attributes graded tests rely on; a checker notes each attribute when it is made.
PROTECTED_MODULES = (
    "builtins",
    "math",
    "torch",
    "torch.autograd",
    "torch.nn",
    "torch.nn.functional",
    "torch.testing",
    "numpy",
    "numpy.testing",
)
# Attributes that change by themselves while a kernel runs: IPython rebinds these builtins for
# every cell, and importing torch._dynamo (the first optimizer step does) wraps torch.manual_seed.
_VOLATILE = frozenset(
    [f"builtins.{name}" for name in ("_", "__", "___", "exit", "quit", "get_ipython", "display")]
    + [f"builtins.{name}" for name in ("input", "raw_input", "getpass")]
    + ["torch.manual_seed"]
)


def make_checker():
    """Return the ``check`` object the graded tests assert with (see the module docstring).

    Methods: ``is_float``, ``is_int``, ``is_tensor``, ``close``, ``all_close``, ``equal``,
    ``true``, ``raises``. Each raises ``AssertionError`` with a plain message when the check fails.
    """
    # Every name used below is a local captured now, before any student code runs.
    _type, _float, _int, _bool, _str = type, float, int, bool, str
    _tuple, _list, _len, _abs, _range, _repr = tuple, list, len, abs, range, repr
    _issubclass, _isfinite = issubclass, math.isfinite
    _none_type, _missing = type(None), object()
    _AssertionError, _AttributeError, _TypeError = AssertionError, AttributeError, TypeError
    _Exception = Exception
    _type_name = type.__dict__["__name__"].__get__
    _tensor_types = (torch.Tensor, torch.nn.Parameter)
    _tensor_base = torch._C.TensorBase
    _tolist = _tensor_base.tolist
    _size = _tensor_base.size
    _requires_grad = _tensor_base.requires_grad.__get__
    _is_leaf = _tensor_base.is_leaf.__get__
    _function_modes = torch._C._len_torch_function_stack
    _dispatch_modes = torch._C._len_torch_dispatch_stack

    # (label, live namespace, ((name, object), ...)) for every protected namespace.
    _saved = []
    module_names = [name for name in PROTECTED_MODULES if name in sys.modules]
    module_names += sorted(name for name in sys.modules if name.split(".")[0] == "course_utils")
    for module_name in module_names:
        namespace = vars(sys.modules[module_name])
        items = [(k, v) for k, v in namespace.items() if f"{module_name}.{k}" not in _VOLATILE]
        _saved.append((module_name, namespace, _tuple(items)))
    # torch.Tensor's own methods live on the immutable torch._C.TensorBase; anything added to
    # torch.Tensor later (say a new ``tolist``) would hide them, so its namespace must not grow.
    _tensor_namespace = vars(torch.Tensor)
    _tensor_names = _len(_tensor_namespace)
    _saved.append(("torch.Tensor", _tensor_namespace, _tuple(_tensor_namespace.items())))

    def fail(message):
        raise _AssertionError(message)

    def verify():
        for label, namespace, items in _saved:
            for name, original in items:
                if namespace.get(name, _missing) is not original:
                    fail(
                        f"{label}.{name} was replaced after the setup cell ran; the graded tests "
                        f"need the original. Remove the code that changes it, then restart the "
                        f"kernel and run all cells."
                    )
        if _len(_tensor_namespace) != _tensor_names:
            fail("torch.Tensor was given a new attribute after the setup cell ran; the graded "
                 "tests need the original. Remove that code, restart the kernel and run all cells.")
        if _function_modes() != 0 or _dispatch_modes() != 0:
            fail("a torch function or dispatch mode is still active; graded tests need plain torch")

    def describe(value):
        kind = _type(value)
        if kind is _float or kind is _int or kind is _bool or kind is _str or kind is _none_type:
            return _repr(value)
        if genuine_tensor(value):
            return f"a tensor of shape {_tuple(_size(value))}"
        return f"an object of type {_type_name(kind)}"

    def genuine_tensor(value):
        kind = _type(value)
        return kind is _tensor_types[0] or kind is _tensor_types[1]

    def as_number(value, what):
        """``value`` as a plain float: a float, an int or a one-element tensor."""
        kind = _type(value)
        if kind is _float:
            return value
        if kind is _int:
            return _float(value)
        if genuine_tensor(value):
            numbers = flatten(_tolist(value))
            if _len(numbers) != 1:
                fail(f"{what} should be a single number, got {describe(value)}")
            return as_number(numbers[0], what)
        fail(f"{what} should be a number (float or int), got {describe(value)}")

    def flatten(nested):
        if _type(nested) is not _list and _type(nested) is not _tuple:
            return [nested]
        out = []
        for item in nested:
            out += flatten(item)
        return out

    def shape_and_numbers(value, what):
        if genuine_tensor(value):
            return _tuple(_size(value)), flatten(_tolist(value))
        if _type(value) is _list or _type(value) is _tuple:
            shape = (_len(value),)
            if _len(value) and (_type(value[0]) is _list or _type(value[0]) is _tuple):
                shape += shape_and_numbers(value[0], what)[0]
            return shape, flatten(value)
        fail(f"{what} should be a tensor, got {describe(value)}")

    def near(actual, expected, tol):
        return _abs(actual - expected) <= tol * (1.0 + _abs(expected))

    def same(actual, expected):
        kind = _type(expected)
        if _type(actual) is not kind:
            return False
        if kind is _tuple or kind is _list:
            if _len(actual) != _len(expected):
                return False
            for index in _range(_len(expected)):
                if not same(actual[index], expected[index]):
                    return False
            return True
        if kind in (_int, _str, _bool, _float, _none_type):
            return expected == actual  # both are exactly this built-in type
        raise _TypeError(
            f"check.equal compares int, str, bool, None, tuple or list values, not "
            f"{_type_name(kind)}; use check.close for numbers with rounding"
        )

    class _FrozenClass(type):
        def __setattr__(cls, name, value):
            raise _AttributeError("the checker's class cannot be changed")

        def __delattr__(cls, name):
            raise _AttributeError("the checker's class cannot be changed")

    class Checker(metaclass=_FrozenClass):
        """Assertions for graded tests; made by ``course_utils.checks.make_checker()``."""

        __slots__ = ()

        def __setattr__(self, name, value):
            raise _AttributeError("the checker cannot be changed")

        def __delattr__(self, name):
            raise _AttributeError("the checker cannot be changed")

        def __repr__(self):
            return "<course checker>"

        def is_float(self, value, what):
            """``value`` must be exactly a finite Python float; returns it."""
            verify()
            if _type(value) is not _float:
                fail(f"{what} should be a Python float, got {describe(value)}")
            if not _isfinite(value):
                fail(f"{what} should be a finite number, got {_repr(value)}")
            return value

        def is_int(self, value, what):
            """``value`` must be exactly a Python int (a bool is rejected); returns it."""
            verify()
            if _type(value) is not _int:
                fail(f"{what} should be a Python int, got {describe(value)}")
            return value

        def is_tensor(self, value, what, shape=None, requires_grad=None, is_leaf=None):
            """``value`` must be a genuine torch.Tensor, optionally of this shape / flags."""
            verify()
            if not genuine_tensor(value):
                fail(f"{what} should be a torch.Tensor, got {describe(value)}")
            if shape is not None and _tuple(_size(value)) != _tuple(shape):
                fail(f"{what} should have shape {_tuple(shape)}, got {_tuple(_size(value))}")
            if requires_grad is not None and _requires_grad(value) is not requires_grad:
                fail(f"{what} should have requires_grad={requires_grad}")
            if is_leaf is not None and _is_leaf(value) is not is_leaf:
                fail(f"{what} should {'' if is_leaf else 'not '}be a leaf tensor")
            return value

        def close(self, actual, expected, what, tol=1e-6):
            """``actual`` (float, int or one-element tensor) must be within ``tol`` of
            ``expected``, relative to its size (absolute below 1)."""
            verify()
            if _type(actual) is _bool:
                fail(f"{what} should be a number, got the bool {actual}")
            got = as_number(actual, what)
            want = as_number(expected, "the expected value")
            if not near(got, want, tol):
                fail(f"{what} should be {want!r}, got {got!r}")

        def all_close(self, actual, expected, what, tol=1e-6):
            """``actual`` must be a tensor of the same shape as ``expected`` (tensor or nested
            list) with every element within ``tol`` of it."""
            verify()
            if not genuine_tensor(actual):
                fail(f"{what} should be a torch.Tensor, got {describe(actual)}")
            got_shape, got = shape_and_numbers(actual, what)
            want_shape, want = shape_and_numbers(expected, "the expected value")
            if got_shape != want_shape:
                fail(f"{what} should have shape {want_shape}, got {got_shape}")
            for index in _range(_len(want)):
                a = as_number(got[index], what)
                if not near(a, as_number(want[index], "the expected value"), tol):
                    fail(f"{what} should be {want}, got {got} (element {index} differs)")

        def equal(self, actual, expected, what):
            """``actual`` must have exactly ``expected``'s type and value (int, str, bool, None,
            or a tuple/list of those); ``actual``'s own ``__eq__`` is never called."""
            verify()
            if not same(actual, expected):
                fail(f"{what} should be {_repr(expected)}, got {describe(actual)}")

        def true(self, condition, message):
            """``condition`` must be the bool ``True``; ``message`` says what went wrong."""
            verify()
            if _type(condition) is not _bool or not condition:
                fail(message)

        def raises(self, exception_type, function, *args, what=None):
            """``function(*args)`` must raise ``exception_type``; returns the exception."""
            verify()
            what = what or "the call"
            expected_name = _type_name(exception_type)
            try:
                function(*args)
            except _Exception as error:
                if _issubclass(_type(error), exception_type):
                    return error
                fail(f"{what} should raise {expected_name}, but raised "
                     f"{_type_name(_type(error))}")
            fail(f"{what} should raise {expected_name}, but it returned without an error")

    return Checker()

