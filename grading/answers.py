"""Static check of the code a student wrote, before it runs.

The graded tests run in the same Python process as the student's cells, after them. The checker
(``course_utils.checks``) already keeps its own references and notices replaced functions when a
check runs; this module refuses, before anything runs, the code whose only use in an answer is
to change what the tests rely on. ``find_problems(source)`` returns one plain sentence per
problem in a cell, and the grader gives a submission with any problem no autograded points.

Refused (each has a rule below):
- giving a top-level name (variable, function, class, import, loop variable) the name of a
  built-in (``abs``, ``float``, ``sum``, ...), of ``torch``/``math``/``np``/``numpy``/
  ``course_utils`` unless it is the module itself, or of ``check``/``make_checker``/``sys``;
- assigning to or deleting an attribute or item of ``torch``, ``math``, ``numpy``, ``builtins``,
  ``course_utils``, ``check`` or anything imported from them (``torch.allclose = ...``);
- assigning any double-underscore attribute (``x.__eq__ = ...``) and reading the attributes
  that lead to interpreter internals (``__class__``, ``__globals__``, ``__subclasses__``,
  ``__dict__``, frames, ...), attributes named like a refused module (``x.sys``, ``x.os``)
  and ``.modules`` unless it is called (``model.modules()``);
- ``getattr``/``hasattr`` with a computed or double-underscore attribute name;
- using ``check`` other than by calling one of its methods (``check.close(...)``);
- the names ``exec``, ``eval``, ``compile``, ``__import__``, ``setattr``, ``delattr``,
  ``globals``, ``vars``, ``locals``, ``get_ipython``, ``exit``, ``quit``, ``breakpoint``,
  ``open``, ``__builtins__``, ``sys``, ``os``;
- importing modules that reach the interpreter, the kernel or files (``sys``, ``os``,
  ``builtins``, ``gc``, ``ctypes``, ``importlib``, ``inspect``, ``signal``, ``subprocess``, ...)
  and ``from ... import *``;
- IPython magics and shell commands (``%...``, ``!...``), except ``%matplotlib``.
A cell with a syntax error is not reported: Python runs nothing of such a cell.
"""

import ast
import builtins

from IPython.core.inputtransformer2 import TransformerManager

# Top-level names the tests rely on.
PROTECTED_NAMES = frozenset(dir(builtins)) | {
    "torch",
    "math",
    "np",
    "numpy",
    "course_utils",
    "check",
    "make_checker",
    "sys",
    "os",
}
# Which module a protected name may be bound to by an import (``import numpy as np``).
ALLOWED_IMPORT_BINDINGS = {
    "torch": "torch",
    "math": "math",
    "np": "numpy",
    "numpy": "numpy",
    "course_utils": "course_utils",
}
# Attributes and items of these (and of names imported from them) must not be assigned.
PROTECTED_ROOTS = frozenset(
    {"torch", "math", "np", "numpy", "builtins", "__builtins__", "course_utils", "check", "sys"}
)
PROTECTED_MODULES = frozenset({"torch", "math", "numpy", "builtins", "course_utils"})
FORBIDDEN_NAMES = frozenset(
    {
        "exec",
        "eval",
        "compile",
        "__import__",
        "setattr",
        "delattr",
        "globals",
        "vars",
        "locals",
        "get_ipython",
        "exit",
        "quit",
        "breakpoint",
        "open",
        "__builtins__",
        "sys",
        "os",
    }
)
FORBIDDEN_MODULES = frozenset(
    {
        "_thread",
        "atexit",
        "builtins",
        "course_utils.checks",
        "ctypes",
        "faulthandler",
        "code",
        "codeop",
        "gc",
        "importlib",
        "inspect",
        "IPython",
        "ipykernel",
        "marshal",
        "multiprocessing",
        "nbgrader",
        "os",
        "pathlib",
        "pickle",
        "pkgutil",
        "runpy",
        "shutil",
        "signal",
        "socket",
        "sqlite3",
        "subprocess",
        "sys",
        "threading",
        "types",
    }
)
INTERNAL_ATTRIBUTES = frozenset(
    {
        "__base__",
        "__bases__",
        "__builtins__",
        "__class__",
        "__closure__",
        "__code__",
        "__dict__",
        "__func__",
        "__getattribute__",
        "__globals__",
        "__import__",
        "__loader__",
        "__mro__",
        "__self__",
        "__setattr__",
        "__delattr__",
        "__spec__",
        "__subclasses__",
        "__traceback__",
        "cr_frame",
        "f_back",
        "f_builtins",
        "f_globals",
        "f_locals",
        "gi_frame",
        "tb_frame",
    }
)


MAGIC = "IPython magics and shell commands (%... and !...) are not allowed, except %matplotlib"


def find_problems(source):
    """Return a list of sentences, one per refused construct in a code cell's ``source``."""
    lines = source.splitlines()
    magics = set()
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("%matplotlib"):
            lines[number - 1] = ""  # allowed; keep the line numbers
        elif line.lstrip()[:1] in ("%", "!"):
            magics.add(number)
    try:
        tree = ast.parse(TransformerManager().transform_cell("\n".join(lines) + "\n"))
    except (SyntaxError, ValueError):
        return []
    checker = _Checker()
    checker.visit(tree)
    problems = set(checker.problems)
    problems = {(line, text) for line, text in problems if line not in magics}
    problems |= {(line, MAGIC) for line in magics}
    return [f"line {line}: {text}" for line, text in sorted(problems)]


def _root_name(node):
    """The name at the bottom of ``a.b[c].d``, or None when it is not a plain name."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _module_root(name):
    return name.split(".")[0]


class _Checker(ast.NodeVisitor):
    def __init__(self):
        self.problems = []
        self.scopes = ["module"]  # "module", "function" or "class"
        self.globals_declared = [set()]
        self.roots = set(PROTECTED_ROOTS)  # grows with names imported from protected modules
        self.method_calls = set()  # ids of `check` Name nodes used as check.method(...)
        self.called = set()  # ids of expressions that are called right away

    def report(self, node, text):
        self.problems.append((getattr(node, "lineno", 0), text))

    # -- scopes: only top-level names (and `global` ones) matter ---------------------------
    def at_top_level(self, name, scopes=None):
        scopes = scopes or self.scopes
        return scopes[-1] == "module" or name in self.globals_declared[-1]

    def bind(self, node, name, what):
        if name in PROTECTED_NAMES and self.at_top_level(name):
            self.report(node, f"{what} `{name}` replaces a name the tests rely on; rename it")

    def visit_body(self, kind, nodes):
        self.scopes.append(kind)
        self.globals_declared.append(set())
        for child in nodes:
            self.visit(child)
        self.scopes.pop()
        self.globals_declared.pop()

    def visit_FunctionDef(self, node):
        self.bind(node, node.name, "the function")
        for child in [*node.decorator_list, node.args]:
            self.visit(child)
        self.visit_body("function", node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.bind(node, node.name, "the class")
        for child in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(child)
        self.visit_body("class", node.body)

    def visit_Lambda(self, node):
        self.visit_body("function", [node.args, node.body])

    def visit_ListComp(self, node):
        self.visit_body("comprehension", list(ast.iter_child_nodes(node)))

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

    def visit_Global(self, node):
        self.globals_declared[-1].update(node.names)

    def visit_NamedExpr(self, node):
        # `(name := value)` binds in the enclosing function or module, even in a comprehension.
        scopes = [kind for kind in self.scopes if kind != "comprehension"]
        name = node.target.id
        if name in PROTECTED_NAMES and self.at_top_level(name, scopes):
            self.report(node, f"the variable `{name}` replaces a name the tests rely on; rename it")
        self.visit(node.value)

    # -- names --------------------------------------------------------------------------
    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store | ast.Del):
            self.bind(node, node.id, "the variable")
        elif node.id in FORBIDDEN_NAMES:
            self.report(node, f"`{node.id}` is not allowed in a graded notebook")
        elif node.id == "check" and id(node) not in self.method_calls:
            self.report(node, "`check` may only be used to call its methods, e.g. check.close(...)")

    def visit_ExceptHandler(self, node):
        if node.name:
            self.bind(node, node.name, "the exception variable")
        self.generic_visit(node)

    # -- imports ------------------------------------------------------------------------
    def visit_Import(self, node):
        for alias in node.names:
            if self.check_module(node, alias.name):
                continue
            bound = alias.asname or _module_root(alias.name)
            module = alias.name if alias.asname else _module_root(alias.name)
            if ALLOWED_IMPORT_BINDINGS.get(bound) != module:
                self.bind(node, bound, "the import")
            if _module_root(alias.name) in PROTECTED_MODULES:
                self.roots.add(bound)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        self.check_module(node, module)
        for alias in node.names:
            if alias.name == "*":
                self.report(node, f"`from {module} import *` may replace names the tests rely on")
                continue
            self.check_module(node, f"{module}.{alias.name}")
            bound = alias.asname or alias.name
            self.bind(node, bound, "the import")
            if _module_root(module) in PROTECTED_MODULES:
                self.roots.add(bound)

    def check_module(self, node, module):
        parts = module.split(".")
        for end in range(1, len(parts) + 1):
            if ".".join(parts[:end]) in FORBIDDEN_MODULES:
                self.report(node, f"importing `{module}` is not allowed in a graded notebook")
                return True
        return False

    # -- attributes and items -----------------------------------------------------------
    def visit_Call(self, node):
        function = node.func
        self.called.add(id(function))
        if isinstance(function, ast.Name) and function.id in ("getattr", "hasattr"):
            name = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)) or (
                name.value.startswith("__") or name.value in FORBIDDEN_MODULES
            ):
                self.report(node, f"`{function.id}` needs a plain attribute name here")
        if (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "check"
            and not function.attr.startswith("_")
        ):
            self.method_calls.add(id(function.value))
        self.generic_visit(node)

    def visit_Attribute(self, node):
        # `.modules` reaches sys.modules through any module that imported sys (nn.Module's
        # `.modules()` method is fine: it is called right away).
        if node.attr == "modules" and id(node) not in self.called:
            self.report(node, "the attribute `modules` is not allowed unless called, as in .modules()")
        if isinstance(node.ctx, ast.Store | ast.Del):
            root = _root_name(node)
            if root in self.roots:
                self.report(node, f"changing `{root}.{_path(node)}` is not allowed")
            elif node.attr.startswith("__") and node.attr.endswith("__"):
                self.report(node, f"assigning the special attribute `{node.attr}` is not allowed")
        elif node.attr in INTERNAL_ATTRIBUTES or node.attr in FORBIDDEN_MODULES:
            self.report(node, f"the attribute `{node.attr}` is not allowed in a graded notebook")
        self.generic_visit(node)

    def visit_Subscript(self, node):
        if isinstance(node.ctx, ast.Store | ast.Del) and _root_name(node) in self.roots:
            self.report(node, f"changing an item of `{_root_name(node)}` is not allowed")
        self.generic_visit(node)


def _path(node):
    """``b.c`` for the attribute node of ``a.b.c``."""
    parts = []
    while isinstance(node, ast.Attribute | ast.Subscript):
        parts.append(node.attr if isinstance(node, ast.Attribute) else "[...]")
        node = node.value
    return ".".join(reversed(parts)).replace(".[", "[")
