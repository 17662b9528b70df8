"""Printing and drawing the computational graph that autograd records.

Autograd stores, for every tensor computed from tensors that require gradients, the backward
node of the operation that made it (``tensor.grad_fn``). Each node points to the nodes of its
inputs (``node.next_functions``); a leaf that requires gradients ends the chain with an
``AccumulateGrad`` node, which adds the incoming gradient into the leaf's ``.grad``.
"""

import re
import shutil

import torch

INSTALL_HINT = (
    "Graphviz 'dot' not found, showing the graph as text. Install it with "
    "apt-get install graphviz, brew install graphviz or conda install -c conda-forge graphviz."
)


class GraphError(ValueError):
    """Raised when an object has no computational graph behind it."""


def _root_node(node, caller):
    """Return the backward node of ``node`` (a tensor or a grad_fn), or explain why there is none."""
    if isinstance(node, torch.Tensor):
        if node.grad_fn is not None:
            return node.grad_fn
        if node.requires_grad:
            raise GraphError(
                f"{caller}: this tensor is a leaf (created by you with requires_grad=True), so no "
                "operation made it and it has no graph. Pass a tensor computed from it, e.g. "
                "y = x * 2; then call it on y."
            )
        raise GraphError(
            f"{caller}: this tensor does not require gradients, so autograd recorded no graph. "
            "Create its inputs with requires_grad=True (outside torch.no_grad()) and pass the "
            "result of an operation on them."
        )
    if hasattr(node, "next_functions"):
        return node
    raise TypeError(
        f"{caller} expects a tensor computed with autograd (or its .grad_fn), got {type(node).__name__}."
    )


def _node_name(node, names):
    """The class name of a backward node, with the leaf's variable name when one is given."""
    name = type(node).__name__
    leaf = getattr(node, "variable", None)
    if names and leaf is not None:
        for label, tensor in names.items():
            if tensor is leaf:
                return f"{name} ({label})"
    return name


def print_graph(node, show_address=False, names=None):
    """Print the backward nodes behind ``node``, one level deeper per line.

    ``node`` is a tensor or its ``grad_fn``. ``names`` maps labels to leaf tensors
    (``{"x": x}``) to name the AccumulateGrad nodes. Addresses are printed only when
    ``show_address`` is true.
    """
    root = _root_node(node, "print_graph")

    def walk(current, depth):
        line = "    " * depth + _node_name(current, names)
        if show_address:
            line += f" at {hex(id(current))}"
        print(line)
        for child, _ in current.next_functions:
            if child is not None:
                walk(child, depth + 1)

    walk(root, 0)


def traverse_graph(node, names=None):
    """Return the graph behind ``node`` as a nested tree ``((name, memloc), children)``.

    ``memloc`` is the last five hex digits of the node's address: a node reached twice (a leaf
    used on two paths) shows the same memloc both times. ``names`` labels leaves as in
    :func:`print_graph`.
    """
    root = _root_node(node, "traverse_graph")
    keep_alive = []  # holds every node while we walk, so no two nodes share an address

    def walk(current):
        keep_alive.append(current)
        memloc = hex(id(current))[-5:]
        children = [walk(child) for child, _ in current.next_functions if child is not None]
        return ((_node_name(current, names), memloc), children)

    return walk(root)


def graph_tree_lines(tree, show_memloc=False):
    """The lines :func:`pretty_print_graph` prints, as a list of strings."""
    lines = []

    def walk(subtree, prefix, is_last):
        if not (isinstance(subtree, tuple) and len(subtree) == 2 and len(subtree[0]) == 2):
            raise TypeError(
                "pretty_print_graph expects the tree from traverse_graph(...), "
                f"i.e. ((name, memloc), children); got {type(subtree).__name__}."
            )
        (name, memloc), children = subtree
        label = f"{name}: {memloc}" if show_memloc else name
        lines.append(prefix + ("└── " if is_last else "├── ") + label)
        child_prefix = prefix + ("    " if is_last else "│   ")
        for index, child in enumerate(children):
            walk(child, child_prefix, index == len(children) - 1)

    walk(tree, "", True)
    return lines


def pretty_print_graph(tree, show_memloc=False):
    """Print a tree from :func:`traverse_graph` with box-drawing connectors."""
    print("\n".join(graph_tree_lines(tree, show_memloc)))


_NODE_LINE = re.compile(r"^(\t)(\d+)( \[| -> )(\d+)?(.*)$", re.DOTALL)


def _renumber(body):
    """Replace torchviz's id()-based node names with n0, n1, ... in order of appearance."""
    numbers = {}

    def new_name(old):
        return numbers.setdefault(old, f"n{len(numbers)}")

    renumbered = []
    for line in body:
        match = _NODE_LINE.match(line)
        if match:
            tab, first, joiner, second, rest = match.groups()
            line = tab + new_name(first) + joiner + (new_name(second) if second else "") + rest
        renumbered.append(line)
    return renumbered


class GraphDrawing:
    """A drawing of a computational graph that Jupyter shows as SVG (text without Graphviz)."""

    def __init__(self, dot, text_tree):
        self.dot = dot
        self.text_tree = text_tree

    @property
    def source(self):
        """The Graphviz source, with node ids that are the same on every run."""
        return self.dot.source

    def svg(self):
        """The SVG drawing, or None when the Graphviz ``dot`` binary is missing."""
        if shutil.which("dot") is None:
            return None
        import graphviz

        try:
            return self.dot.pipe(format="svg", encoding="utf-8")
        except graphviz.ExecutableNotFound:
            return None

    def _repr_mimebundle_(self, include=None, exclude=None):
        svg = self.svg()
        if svg is None:
            return {"text/plain": INSTALL_HINT + "\n" + self.text_tree}
        return {"image/svg+xml": svg, "text/plain": self.text_tree}

    def __repr__(self):
        return self.text_tree


def _format_values(tensor):
    """A tensor's numbers for a node label: 4 decimals, rows on their own lines, or the shape."""
    values = tensor.detach()
    if values.numel() == 1:
        return f"{values.item():.4f}"
    if values.numel() > 4:
        return f"shape {tuple(values.shape)}"
    if values.dim() == 2:
        return "\n".join("[" + ", ".join(f"{v:.4f}" for v in row) + "]" for row in values.tolist())
    return "[" + ", ".join(f"{v:.4f}" for v in values.flatten().tolist()) + "]"


def _value_lines(tensor):
    """'data ...' and 'grad ...' lines for a tensor (grad of a non-leaf only if it was retained)."""
    grad = tensor.grad if (tensor.is_leaf or tensor.retains_grad) else None
    grad_text = "None" if grad is None else _format_values(grad)
    return f"data {_format_values(tensor)}\ngrad {grad_text}"


def _value_labels(output, names, show_attrs):
    """New labels, keyed by torchviz node id, that add each tensor's data and grad.

    Leaves (blue boxes) and the output (green box) show their own values; a named intermediate
    tensor shows its values on the node of the operation that made it.
    """
    from torchviz.dot import get_fn_name

    label_of = {id(tensor): name for name, tensor in names.items()}
    labels, seen, to_visit = {}, set(), [output.grad_fn]
    while to_visit:
        node = to_visit.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        leaf = getattr(node, "variable", None)
        if leaf is not None:
            labels[str(id(leaf))] = (f"{label_of.get(id(leaf), 'leaf')}\n{_value_lines(leaf)}", "lightblue")
        to_visit.extend(child for child, _ in node.next_functions)
    for name, tensor in names.items():
        if tensor.grad_fn is not None and tensor is not output:
            text = get_fn_name(tensor.grad_fn, show_attrs, 50)
            labels[str(id(tensor.grad_fn))] = (f"{text}\nmakes {name}\n{_value_lines(tensor)}", None)
    out_name = label_of.get(id(output), "output")
    labels[str(id(output))] = (f"{out_name}\n{_value_lines(output)}", "darkolivegreen1")
    return labels


_NODE_ID = re.compile(r"^\t(\d+) \[")


def _relabel(body, labels):
    """Replace the node lines of ``body`` whose id has a new label."""
    import graphviz

    relabelled = []
    for line in body:
        match = _NODE_ID.match(line)
        if match and match.group(1) in labels:
            text, fill = labels[match.group(1)]
            one = graphviz.Digraph()
            one.node(match.group(1), text, **({"fillcolor": fill} if fill else {}))
            line = one.body[0]
        relabelled.append(line)
    return relabelled


def draw_graph(output, params=None, show_attrs=False, show_saved=False, show_values=False):
    """Draw the graph behind ``output`` with torchviz, identically on every run.

    ``params`` maps names to tensors (``{"x": x}``) to label the leaves. ``show_attrs`` adds each
    node's attributes, ``show_saved`` the tensors it saved for the backward pass.
    ``show_values`` writes the forward value (``data``) and the gradient (``grad``) into the
    drawing, like micrograd's pictures: on every leaf, on the output, and on the operation node
    of every intermediate tensor named in ``params`` (its ``grad`` shows only if you called
    ``retain_grad()`` on it before ``backward()``). Numbers have 4 decimals; a tensor of more than
    4 elements shows its shape. Displayed in Jupyter as SVG; without the Graphviz ``dot`` binary
    it shows the text tree instead.
    """
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"draw_graph expects a tensor, got {type(output).__name__}.")
    _root_node(output, "draw_graph")
    if params is not None and not isinstance(params, dict):
        raise TypeError("draw_graph: params must be a dict of name -> tensor, e.g. {'x': x}.")
    for name, tensor in (params or {}).items():
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(
                f"draw_graph: params[{name!r}] must be a tensor, got {type(tensor).__name__}; "
                "params maps names to tensors, e.g. {'x': x}."
            )
    for flag, value in (("show_attrs", show_attrs), ("show_saved", show_saved), ("show_values", show_values)):
        if not isinstance(value, bool):
            raise TypeError(f"draw_graph: {flag} must be True or False, got {value!r}.")
    from torchviz import make_dot

    dot = make_dot(output, params=params, show_attrs=show_attrs, show_saved=show_saved)
    names = {name: tensor for name, tensor in (params or {}).items()}
    if show_values:
        dot.body[:] = _relabel(dot.body, _value_labels(output, names, show_attrs))
    dot.body[:] = _renumber(dot.body)
    leaf_names = {name: tensor for name, tensor in names.items() if tensor.is_leaf}
    text_tree = "\n".join(graph_tree_lines(traverse_graph(output, names=leaf_names)))
    return GraphDrawing(dot, text_tree)
