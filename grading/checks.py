"""The checks graded test cells make, and how the grader compares two runs of them.

A test cell asserts only through ``check``, made in the locked setup cell by
``check = make_checker()``. Every ``check.*`` call does two things:

- it **observes** the student's value: a plain JSON value computed from it (a float, a list of
  floats with a shape, a type name, ...), never by calling a method of the student's object;
- when the test gives an ``expected`` value (visible tests do), it asserts locally, so students
  get immediate feedback in their own notebook.

When the kernel runs with ``COURSE_CHECK_RECORD=1`` (the grader sets it), each observation is
also published as a ``display_data`` output of the MIME type :data:`RECORD_MIME`. The grader
runs the same test cells against the instructor's solution in a separate reference kernel and
compares the two lists of records with :func:`matches`: numbers within the *reference's*
tolerance, bounds from the *reference*, everything else exactly. Hidden tests therefore never
contain expected values (the student's process must not hold them): they omit ``expected`` (or
pass ``None``, handy in a helper shared by visible and hidden tests), and the reference run
supplies it. (To check that something *is* None, use ``check.true(x is None, ...)``.) A
student can earn a point only by producing the right values.

Every failed local check raises ``AssertionError`` with a plain sentence, for example
``derivative(torch.sin, 0.0) should be 1.0, got 0.0``.
"""

import math
import os

import torch

RECORD_MIME = "application/vnd.autograd-course.check+json"
RECORD_ENV = "COURSE_CHECK_RECORD"
KINDS = (
    "close", "all_close", "equal", "is_float", "is_int", "is_tensor", "true",
    "at_least", "at_most", "raises",
)  # fmt: skip


def near(actual, expected, tol):
    """``actual`` is within ``tol`` of ``expected``, relative to its size (absolute below 1)."""
    return abs(actual - expected) <= tol * (1.0 + abs(expected))


def _is_number(value):
    return type(value) in (int, float) and math.isfinite(value)


def matches(student, reference):
    """True when the student's record agrees with the reference's record of the same check.

    Both are dicts as published by a checker (``check``, ``what``, ``observed``, ``tol``,
    ``bound``). Only ``observed`` is taken from the student; the kind of check, its label, the
    tolerance and the bound all come from the reference, which the student never sees.
    """
    if type(student) is not dict or type(reference) is not dict:
        return False
    kind = reference.get("check")
    if student.get("check") != kind or student.get("what") != reference.get("what"):
        return False
    got, want = student.get("observed"), reference.get("observed")
    if kind == "close":
        return _is_number(got) and _is_number(want) and near(got, want, reference["tol"])
    if kind == "all_close":
        if type(got) is not dict or type(want) is not dict or got.get("shape") != want.get("shape"):
            return False
        values, wanted = got.get("values"), want["values"]
        if type(values) is not list or len(values) != len(wanted):
            return False
        return all(
            _is_number(a) and near(a, b, reference["tol"]) for a, b in zip(values, wanted, strict=True)
        )
    if kind == "at_least":
        return _is_number(got) and got >= reference["bound"]
    if kind == "at_most":
        return _is_number(got) and got <= reference["bound"]
    return type(got) is type(want) and got == want


def make_checker(record=None):
    """Return the ``check`` object graded tests assert with (see the module docstring).

    ``record`` publishes each observation as a display output; by default it is on when the
    environment variable ``COURSE_CHECK_RECORD`` is ``1``.
    """
    if record is None:
        record = os.environ.get(RECORD_ENV) == "1"
    publish = None
    if record:
        from IPython.display import publish_display_data

        publish = publish_display_data
    # Every name below is bound now, before any student code runs, so later changes to
    # builtins or torch do not change how an observation is made.
    _type, _float, _int, _bool, _str = type, float, int, bool, str
    _tuple, _list, _len, _abs, _range, _repr = tuple, list, len, abs, range, repr
    _issubclass, _isfinite, _dict = issubclass, math.isfinite, dict
    _none_type, _omitted = type(None), object()
    _AssertionError, _AttributeError, _TypeError = AssertionError, AttributeError, TypeError
    _Exception = Exception
    _type_name = type.__dict__["__name__"].__get__
    _tensor_types = (torch.Tensor, torch.nn.Parameter)
    _tensor_base = torch._C.TensorBase
    _tolist = _tensor_base.tolist
    _size = _tensor_base.size
    _detach = _tensor_base.detach
    _cpu = _tensor_base.cpu
    _to_double = _tensor_base.double
    _requires_grad = _tensor_base.requires_grad.__get__
    _is_leaf = _tensor_base.is_leaf.__get__

    def fail(message):
        raise _AssertionError(message)

    def emit(kind, what, observed, tol=None, bound=None):
        if publish is not None:
            entry = {"check": kind, "what": what, "observed": observed, "tol": tol, "bound": bound}
            publish({RECORD_MIME: entry}, metadata={})

    def label(what, method):
        if _type(what) is not _str or not what:
            raise _TypeError(f"check.{method} needs what=..., a text naming what is checked")
        return what

    def genuine_tensor(value):
        kind = _type(value)
        return kind is _tensor_types[0] or kind is _tensor_types[1]

    def describe(value):
        kind = _type(value)
        if kind in (_float, _int, _bool, _str, _none_type):
            return _repr(value)
        if genuine_tensor(value):
            return f"a tensor of shape {_tuple(_size(value))}"
        return f"an object of type {_type_name(kind)}"

    def numbers_of(value):
        """(shape, list of floats) of a genuine tensor, or None for anything else."""
        if not genuine_tensor(value):
            return None
        plain = _tolist(_to_double(_cpu(_detach(value))))
        return [_int(n) for n in _size(value)], flatten(plain)

    def flatten(nested):
        if _type(nested) is not _list and _type(nested) is not _tuple:
            return [_float(nested)] if _type(nested) in (_float, _int) else [nested]
        out = []
        for item in nested:
            out += flatten(item)
        return out

    def as_number(value):
        """``value`` as a plain float (a float, an int or a one-element tensor), else None."""
        kind = _type(value)
        if kind is _float:
            return value
        if kind is _int:
            return _float(value)
        found = numbers_of(value)
        if found is not None and _len(found[1]) == 1:
            return found[1][0]
        return None

    def as_shape_and_numbers(value):
        """``(shape, numbers)`` of a tensor or a (nested) list/tuple of numbers, else None."""
        found = numbers_of(value)
        if found is not None:
            return found
        if _type(value) is _list or _type(value) is _tuple:
            shape = [_len(value)]
            if _len(value) and (_type(value[0]) is _list or _type(value[0]) is _tuple):
                inner = as_shape_and_numbers(value[0])
                if inner is None:
                    return None
                shape += inner[0]
            numbers = flatten(value)
            if all(_type(n) is _float for n in numbers):
                return shape, numbers
        return None

    def canonical(value):
        """repr of an int/str/bool/None or tuple/list of those, else None (equal's observation)."""
        kind = _type(value)
        if kind in (_int, _str, _bool, _none_type):
            return _repr(value)
        if kind is _tuple or kind is _list:
            parts = [canonical(item) for item in value]
            if any(part is None for part in parts):
                return None
            inside = ", ".join(parts) + ("," if kind is _tuple and _len(parts) == 1 else "")
            return ("(%s)" if kind is _tuple else "[%s]") % inside
        return None

    def number_or_fail(value, what):
        if _type(value) is _bool:
            fail(f"{what} should be a number, got the bool {value}")
        got = as_number(value)
        if got is None:
            fail(f"{what} should be a number (float, int or one-element tensor), got {describe(value)}")
        if not _isfinite(got):
            fail(f"{what} should be a finite number, got {got!r}")
        return got

    class _FrozenClass(type):
        def __setattr__(cls, name, value):
            raise _AttributeError("the checker's class cannot be changed")

        def __delattr__(cls, name):
            raise _AttributeError("the checker's class cannot be changed")

    class Checker(metaclass=_FrozenClass):
        """Graded-test checks; made by ``grading.checks.make_checker()``."""

        __slots__ = ()

        def __setattr__(self, name, value):
            raise _AttributeError("the checker cannot be changed")

        def __delattr__(self, name):
            raise _AttributeError("the checker cannot be changed")

        def __repr__(self):
            return "<course checker>"

        def close(self, actual, expected=_omitted, what=None, tol=1e-6):
            """``actual`` (float, int or one-element tensor) is within ``tol`` of ``expected``."""
            what = label(what, "close")
            got = as_number(actual) if _type(actual) is not _bool else None
            emit("close", what, got if got is not None and _isfinite(got) else describe(actual), tol=tol)
            got = number_or_fail(actual, what)
            if expected is not _omitted and expected is not None:
                want = number_or_fail(expected, "the expected value")
                if not near(got, want, tol):
                    fail(f"{what} should be {want!r}, got {got!r}")
            return got

        def all_close(self, actual, expected=_omitted, what=None, tol=1e-6):
            """``actual`` is a tensor of ``expected``'s shape with every element within ``tol``."""
            what = label(what, "all_close")
            found = numbers_of(actual)
            observed = describe(actual)
            if found is not None:
                values = [v if _type(v) is _float and _isfinite(v) else _repr(v) for v in found[1]]
                observed = {"shape": found[0], "values": values}
            emit("all_close", what, observed, tol=tol)
            if found is None:
                fail(f"{what} should be a torch.Tensor, got {describe(actual)}")
            if expected is not _omitted and expected is not None:
                wanted = as_shape_and_numbers(expected)
                if wanted is None:
                    raise _TypeError("check.all_close: expected must be a tensor or nested list of floats")
                if found[0] != wanted[0]:
                    fail(f"{what} should have shape {_tuple(wanted[0])}, got {_tuple(found[0])}")
                for index in _range(_len(wanted[1])):
                    a = found[1][index]
                    if _type(a) is not _float or not _isfinite(a) or not near(a, wanted[1][index], tol):
                        fail(f"{what} should be {wanted[1]}, got {found[1]} (element {index} differs)")

        def equal(self, actual, expected=_omitted, what=None):
            """``actual`` has exactly ``expected``'s type and value (int, str, bool, None, or a
            tuple/list of those); ``actual``'s own ``__eq__`` is never called."""
            what = label(what, "equal")
            observed = canonical(actual)
            emit("equal", what, observed if observed is not None else describe(actual))
            if expected is not _omitted and expected is not None:
                wanted = canonical(expected)
                if wanted is None:
                    raise _TypeError(
                        "check.equal compares int, str, bool, None, tuple or list values; "
                        "use check.close for numbers with rounding"
                    )
                if observed != wanted:
                    fail(f"{what} should be {wanted}, got {describe(actual)}")

        def is_float(self, value, what):
            """``value`` is exactly a finite Python float; returns it."""
            what = label(what, "is_float")
            good = _type(value) is _float and _isfinite(value)
            emit("is_float", what, "float" if good else describe(value))
            if _type(value) is not _float:
                fail(f"{what} should be a Python float, got {describe(value)}")
            if not good:
                fail(f"{what} should be a finite number, got {_repr(value)}")
            return value

        def is_int(self, value, what):
            """``value`` is exactly a Python int (a bool is rejected); returns it."""
            what = label(what, "is_int")
            emit("is_int", what, "int" if _type(value) is _int else describe(value))
            if _type(value) is not _int:
                fail(f"{what} should be a Python int, got {describe(value)}")
            return value

        def is_tensor(self, value, what, shape=None, requires_grad=None, is_leaf=None):
            """``value`` is a genuine torch.Tensor, optionally of this shape and flags."""
            what = label(what, "is_tensor")
            if not genuine_tensor(value):
                emit("is_tensor", what, describe(value))
                fail(f"{what} should be a torch.Tensor, got {describe(value)}")
            observed = {"type": "tensor"}
            if shape is not None:
                observed["shape"] = [_int(n) for n in _size(value)]
            if requires_grad is not None:
                observed["requires_grad"] = _requires_grad(value)
            if is_leaf is not None:
                observed["is_leaf"] = _is_leaf(value)
            emit("is_tensor", what, observed)
            if shape is not None and _tuple(_size(value)) != _tuple(shape):
                fail(f"{what} should have shape {_tuple(shape)}, got {_tuple(_size(value))}")
            if requires_grad is not None and _requires_grad(value) is not requires_grad:
                fail(f"{what} should have requires_grad={requires_grad}")
            if is_leaf is not None and _is_leaf(value) is not is_leaf:
                fail(f"{what} should {'' if is_leaf else 'not '}be a leaf tensor")
            return value

        def true(self, condition, what):
            """``condition`` is the bool ``True``; ``what`` says what went wrong otherwise."""
            what = label(what, "true")
            good = _type(condition) is _bool and condition
            emit("true", what, good)
            if not good:
                fail(what)

        def at_least(self, value, bound, what):
            """``value`` (a number) is at least ``bound``, e.g. an accuracy."""
            what = label(what, "at_least")
            got = as_number(value) if _type(value) is not _bool else None
            emit("at_least", what, got if got is not None else describe(value), bound=_float(bound))
            got = number_or_fail(value, what)
            if not got >= bound:
                fail(f"{what} should be at least {bound!r}, got {got!r}")
            return got

        def at_most(self, value, bound, what):
            """``value`` (a number) is at most ``bound``, e.g. a loss."""
            what = label(what, "at_most")
            got = as_number(value) if _type(value) is not _bool else None
            emit("at_most", what, got if got is not None else describe(value), bound=_float(bound))
            got = number_or_fail(value, what)
            if not got <= bound:
                fail(f"{what} should be at most {bound!r}, got {got!r}")
            return got

        def raises(self, exception_type, function, *args, what=None):
            """``function(*args)`` raises ``exception_type``; returns the exception."""
            what = what or "the call"
            expected_name = _type_name(exception_type)
            try:
                function(*args)
            except _Exception as error:
                raised = _type_name(_type(error))
                good = _issubclass(_type(error), exception_type)
                emit("raises", what, expected_name if good else raised)
                if good:
                    return error
                fail(f"{what} should raise {expected_name}, but raised {raised}")
            emit("raises", what, "no error")
            fail(f"{what} should raise {expected_name}, but it returned without an error")

    return Checker()
