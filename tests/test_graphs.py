"""The graph printers and drawer: seed listing, shared leaves, errors, deterministic SVG."""

import pytest
import torch

from course_utils import GraphError, draw_graph, pretty_print_graph, print_graph, traverse_graph
from course_utils.graphs import graph_tree_lines

# The tree of the 2x2 example (e = a + b@x; f = c + d*x; g = e + f@x + d; h = a + g).
EXPECTED_TREE = """\
└── AddBackward0
    ├── AccumulateGrad
    └── AddBackward0
        ├── AddBackward0
        │   ├── AddBackward0
        │   │   ├── AccumulateGrad
        │   │   └── MmBackward0
        │   │       └── AccumulateGrad
        │   └── MmBackward0
        │       └── AddBackward0
        │           ├── AccumulateGrad
        │           └── MulBackward0
        │               └── AccumulateGrad
        └── AccumulateGrad
"""


@pytest.fixture
def matrix_example():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, 2, generator=gen)
    a, b, c, d = (torch.randn(2, 2, generator=gen).requires_grad_() for _ in range(4))
    e = a + b @ x
    f = c + d * x
    g = e + f @ x + d
    h = a + g
    return h, {"a": a, "b": b, "c": c, "d": d}


def test_pretty_print_matches_the_reference_listing(matrix_example, capsys):
    h, _ = matrix_example
    pretty_print_graph(traverse_graph(h.grad_fn))
    assert capsys.readouterr().out == EXPECTED_TREE


def test_tensor_and_grad_fn_give_the_same_tree(matrix_example):
    h, _ = matrix_example
    assert graph_tree_lines(traverse_graph(h)) == graph_tree_lines(traverse_graph(h.grad_fn))


def _memlocs_by_label(lines):
    found = {}
    for line in lines:
        label, memloc = line.split("── ", 1)[1].rsplit(": ", 1)
        found.setdefault(label, []).append(memloc)
    return found


def test_a_leaf_reached_twice_shows_the_same_memloc(matrix_example):
    h, names = matrix_example
    lines = graph_tree_lines(traverse_graph(h, names=names), show_memloc=True)
    memlocs = _memlocs_by_label(lines)
    assert len(memlocs["AccumulateGrad (a)"]) == 2
    assert len(set(memlocs["AccumulateGrad (a)"])) == 1
    assert len(memlocs["AccumulateGrad (d)"]) == 2
    assert len(set(memlocs["AccumulateGrad (d)"])) == 1
    assert memlocs["AccumulateGrad (a)"][0] != memlocs["AccumulateGrad (d)"][0]
    assert len(memlocs["AccumulateGrad (b)"]) == len(memlocs["AccumulateGrad (c)"]) == 1


def test_names_label_the_leaves_and_keep_the_shape(matrix_example):
    h, names = matrix_example
    labelled = graph_tree_lines(traverse_graph(h, names=names))
    plain = EXPECTED_TREE.splitlines()
    assert len(labelled) == len(plain)
    assert labelled[1] == "    ├── AccumulateGrad (a)"
    assert labelled[-1] == "        └── AccumulateGrad (d)"
    assert [line.split(" (")[0] for line in labelled] == plain


def test_print_graph_indents_one_level_per_step(capsys):
    x = torch.tensor(2.0, requires_grad=True)
    c = ((x + 1) * 2) ** 2
    print_graph(c, names={"x": x})
    assert capsys.readouterr().out.splitlines() == [
        "PowBackward0",
        "    MulBackward0",
        "        AddBackward0",
        "            AccumulateGrad (x)",
    ]


def test_print_graph_shows_addresses_only_when_asked(capsys):
    x = torch.tensor(2.0, requires_grad=True)
    y = x * 3
    print_graph(y)
    assert "0x" not in capsys.readouterr().out
    print_graph(y.grad_fn, show_address=True)
    out = capsys.readouterr().out
    assert out.startswith("MulBackward0 at 0x")
    assert out.count(" at 0x") == 2


@pytest.mark.parametrize("function", [print_graph, traverse_graph, draw_graph])
def test_a_leaf_has_no_graph(function):
    x = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(GraphError, match="leaf"):
        function(x)


@pytest.mark.parametrize("function", [print_graph, traverse_graph, draw_graph])
def test_a_tensor_without_grad_has_no_graph(function):
    with pytest.raises(GraphError, match="requires_grad=True"):
        function(torch.ones(2) * 2)


def test_no_grad_results_have_no_graph():
    x = torch.tensor(1.0, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    with pytest.raises(GraphError, match="does not require gradients"):
        print_graph(y)


@pytest.mark.parametrize("function", [print_graph, traverse_graph, draw_graph])
def test_something_else_is_a_type_error(function):
    with pytest.raises(TypeError, match="expects a tensor"):
        function([1.0, 2.0])


def test_pretty_print_graph_rejects_a_tensor():
    x = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match="traverse_graph"):
        pretty_print_graph(x * 2)


def _example_output():
    x = torch.tensor(2.0, requires_grad=True)
    return x, ((x + 1) * 2) ** 2


def test_draw_graph_ids_do_not_depend_on_memory():
    x, c = _example_output()
    first = draw_graph(c, params={"x": x}, show_attrs=True, show_saved=True).source
    x, c = _example_output()
    second = draw_graph(c, params={"x": x}, show_attrs=True, show_saved=True).source
    assert first == second
    assert "\tn0 " in first and "n7 -> n6" in first
    assert str(id(x)) not in first
    assert "exponent" in first and "[saved tensor]" in first


def test_draw_graph_hides_attributes_unless_asked():
    x, c = _example_output()
    assert "exponent" not in draw_graph(c, params={"x": x}).source


def test_draw_graph_svg_is_byte_identical():
    x, c = _example_output()
    first = draw_graph(c, params={"x": x}, show_saved=True)._repr_mimebundle_()
    x, c = _example_output()
    second = draw_graph(c, params={"x": x}, show_saved=True)._repr_mimebundle_()
    assert first["image/svg+xml"].startswith("<?xml")
    assert first == second
    assert first["text/plain"].splitlines()[0] == "└── PowBackward0"


def test_draw_graph_without_dot_shows_the_text_tree(monkeypatch):
    monkeypatch.setattr("course_utils.graphs.shutil.which", lambda name: None)
    x, c = _example_output()
    drawing = draw_graph(c, params={"x": x})
    bundle = drawing._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    hint, *tree = bundle["text/plain"].splitlines()
    assert "apt-get install graphviz" in hint and "brew" in hint and "conda" in hint
    assert tree[-1].endswith("AccumulateGrad (x)")
    assert drawing.svg() is None


def test_draw_graph_rejects_bad_params():
    x, c = _example_output()
    with pytest.raises(TypeError, match="dict"):
        draw_graph(c, params=[x])


def _neuron():
    w = torch.tensor(0.8, requires_grad=True)
    b = torch.tensor(-0.2, requires_grad=True)
    z = w * 1.5 + b
    t = torch.tanh(z)
    loss = (0.5 - t) ** 2
    t.retain_grad()
    loss.retain_grad()
    loss.backward()
    return {"w": w, "b": b, "z": z, "t": t, "loss": loss}


def test_show_values_writes_data_and_grad_on_leaves_intermediates_and_output():
    named = _neuron()
    source = draw_graph(named["loss"], params=named, show_values=True).source
    w, b, t = named["w"], named["b"], named["t"]
    assert f'"w\ndata 0.8000\ngrad {w.grad.item():.4f}" fillcolor=lightblue' in source
    assert f'"b\ndata -0.2000\ngrad {b.grad.item():.4f}" fillcolor=lightblue' in source
    assert f'"TanhBackward0\nmakes t\ndata {t.item():.4f}\ngrad {t.grad.item():.4f}"' in source
    assert '"AddBackward0\nmakes z\ndata 1.0000\ngrad None"' in source  # z did not retain its grad
    assert '"loss\ndata ' in source and 'grad 1.0000" fillcolor=darkolivegreen1' in source
    assert "data" not in draw_graph(named["loss"], params=named).source


def test_show_values_before_backward_and_for_matrices(matrix_example):
    h, names = matrix_example
    source = draw_graph(h, params=names, show_values=True).source
    a = names["a"]
    rows = "\n".join("[" + ", ".join(f"{v:.4f}" for v in row) + "]" for row in a.tolist())
    assert f'"a\ndata {rows}\ngrad None"' in source
    big = torch.ones(3, 3, requires_grad=True)
    assert "data shape (3, 3)" in draw_graph(big * 2, params={"big": big}, show_values=True).source


def test_show_values_svg_is_byte_identical():
    named = _neuron()
    second = draw_graph(named["loss"], params=named, show_values=True).svg()
    named = _neuron()
    third = draw_graph(named["loss"], params=named, show_values=True).svg()
    if second is None:
        pytest.skip("Graphviz dot is not installed")
    assert second == third and "grad 1.0000" in second


def test_draw_graph_rejects_bad_values_and_flags():
    x, c = _example_output()
    with pytest.raises(TypeError, match="must be a tensor"):
        draw_graph(c, params={"x": 2.0})
    with pytest.raises(TypeError, match="show_values must be True or False"):
        draw_graph(c, params={"x": x}, show_values="yes")
