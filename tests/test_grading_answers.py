"""The static check of student code: honest answers pass, each refused construct is reported."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading.answers import find_problems  # noqa: E402

HONEST = '''
%matplotlib inline
import numpy as np
import torch
import torch.nn as nn
from torch import nn as layers


def derivative(f, x):
    point = torch.tensor(x, requires_grad=True)
    (slope,) = torch.autograd.grad(f(point), point)
    abs = slope.abs()  # a local name may shadow a built-in
    return abs.item()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.type = "small"


total = 0
for value in [abs(v) for v in range(3)]:
    total += value
model = Net()
for module in model.modules():
    model.weight = getattr(module, "weight", None)
x = torch.ones(2, requires_grad=True)
x.grad = None
check.close(derivative(torch.sin, 0.0), 1.0, "my own test")
'''


def test_honest_code_passes():
    assert find_problems(HONEST) == []


def test_every_solution_answer_of_the_course_passes():
    for path in sorted(ROOT.glob("solutions/*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and not meta.get("locked"):
                assert find_problems(cell.source) == [], f"{path.name}: {meta.get('grade_id')}"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("torch.allclose = lambda *a: True", "changing `torch.allclose`"),
        ("math.isclose = None", "changing `math.isclose`"),
        ("import numpy.testing as nt\nnt.assert_allclose = 1", "changing `nt.assert_allclose`"),
        ("from torch import testing\ntesting.assert_close = 1", "changing `testing.assert_close`"),
        ("import course_utils\ncourse_utils.train = 1", "changing `course_utils.train`"),
        ("del torch.equal", "changing `torch.equal`"),
        ("torch.__dict__['equal'] = 1", "the attribute `__dict__`"),
        ("abs = lambda v: 0", "the variable `abs` replaces"),
        ("def isinstance(a, b):\n    return True", "the function `isinstance` replaces"),
        ("for type in [1]:\n    pass", "the variable `type` replaces"),
        ("import numpy as torch", "the import `torch` replaces"),
        ("from numpy import abs", "the import `abs` replaces"),
        ("from math import *", "`from math import *`"),
        ("[(float := 1) for _ in range(2)]", "the variable `float` replaces"),
        ("def f():\n    global check\n    check = 1", "the variable `check` replaces"),
        ("type(check).close = 1", "`check` may only be used to call its methods"),
        ("c = check", "`check` may only be used to call its methods"),
        ("check.close = 1", "changing `check.close`"),
        ("x.__eq__ = lambda s, o: True", "the special attribute `__eq__`"),
        ("().__class__.__base__.__subclasses__()", "the attribute `__subclasses__`"),
        ("getattr(f, '__clo' + 'sure__')", "`getattr` needs a plain attribute name"),
        ("d = course_utils.device\nd.os._exit(0)", "the attribute `os`"),
        ("m.modules['__main__']", "the attribute `modules`"),
        ("exec('x = 1')", "`exec` is not allowed"),
        ("setattr(math, 'cos', 1)", "`setattr` is not allowed"),
        ("get_ipython().showtraceback = None", "`get_ipython` is not allowed"),
        ("exit()", "`exit` is not allowed"),
        ("import sys\nsys.exit()", "importing `sys`"),
        ("import os\nos._exit(0)", "importing `os`"),
        ("import builtins\nbuiltins.abs = 1", "importing `builtins`"),
        ("from course_utils import checks", "importing `course_utils.checks`"),
        ("import pkgutil", "importing `pkgutil`"),
        ("!ls", "IPython magics and shell commands"),
        ("%timeit 1", "IPython magics and shell commands"),
    ],
)
def test_refused_constructs_are_reported_with_their_line(code, problem):
    problems = find_problems("x = 1\n" + code)
    assert any(problem in text for text in problems), problems
    assert all(text.startswith("line ") for text in problems)
    assert not any(text.startswith("line 1:") for text in problems)


def test_a_syntax_error_is_left_to_python():
    assert find_problems("def f(:\n    torch.allclose = 1") == []
