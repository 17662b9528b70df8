"""Alternative answers a fair grader must score as the task says, graded with the round trip.

Each entry is a submission built from the solution with one change: a valid variation that must
keep every point, or one slip that must cost exactly the points of the test cell about it.
``EXPECTED`` says how many autograded points each one earns and, for slips, which cell loses.
"""

from grading_course import cell, solved

# (student, assignment) -> (answer cell grade_id, new source)
CHANGES = {
    # A 1-based message names the same position as a 0-based one.
    ("fair-position-words", "03_linear_regression"): (
        "gd_step",
        '''def gd_step(params, lr):
    new_params = []
    for position, p in enumerate(params):
        if p.grad is None:
            raise ValueError(f"the tensor number {position + 1} (the second one here) has no gradient")
        new_params.append((p.detach() - lr * p.grad).requires_grad_(True))
    return new_params
''',
    ),
    # One extra forward pass in evaluation mode after training, to report the final loss.
    ("fair-extra-eval", "05_mlp"): (
        "train_model",
        '''def train_model(model, x, y, lr=0.01, epochs=300):
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        final = torch.nn.functional.mse_loss(model(x), y).item()
    print(f"final loss {final:.4f}")
    return losses
''',
    ),
    # Scratch variables named like builtins the tests of this exercise do not use.
    ("fair-scratch-names", "01_autograd"): (
        "derivative",
        '''input = 3.0
id = "my scratch"
sum = 0
max = None


def derivative(f, x):
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(f(point), point)
    return slope.item()
''',
    ),
    # Slip: ints back for int inputs (the visible test says floats): loses that cell only.
    ("slip-int-result", "03_linear_regression"): (
        "sum_gradient",
        '''def sum_gradient(a, b, target):
    u = a + b - target
    return (2 * u, 2 * u)
''',
    ),
    # Slip: the loss history holds tensors instead of floats: loses the history cell only.
    ("slip-tensor-losses", "03_linear_regression"): (
        "fit_line",
        '''def fit_line(x, y, lr, epochs):
    w = torch.zeros((), dtype=x.dtype, requires_grad=True)
    b = torch.zeros((), dtype=x.dtype, requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((w * x + b - y) ** 2).mean()
        losses.append(loss.detach())
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = None
        b.grad = None
    return w.item(), b.item(), losses
''',
    ),
    # Slip: always computes in float32: loses the float64 cell only.
    ("slip-float32", "04_polynomial_fit"): (
        "fit_cubic",
        '''def fit_cubic(x, y, steps=1000, lr=0.5):
    x, y = x.float(), y.float()
    scale = x.abs().max().item()
    if scale == 0.0:
        raise ValueError("every x is 0")
    t = x / scale
    theta = torch.zeros(4, requires_grad=True)
    for _ in range(steps):
        loss = ((theta[0] + theta[1] * t + theta[2] * t**2 + theta[3] * t**3 - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            theta -= lr * theta.grad
        theta.grad.zero_()
    alpha, beta, gamma, delta = theta.tolist()
    return [alpha, beta / scale, gamma / scale**2, delta / scale**3]
''',
    ),
    # Slip: counts distinct kinds of node instead of distinct nodes (a visible test catches it).
    ("slip-node-kinds", "02_computational_graph"): (
        "count_operations",
        '''def count_operations(t):
    if t.grad_fn is None:
        return 0
    seen, names, stack = set(), set(), [t.grad_fn]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        names.add(type(node).__name__)
        stack.extend(child for child, _ in node.next_functions if child is not None)
    return len(names - {"AccumulateGrad"})
''',
    ),
}

# (student, assignment) -> the test cells that must fail; every other test cell earns its points.
EXPECTED_FAILURES = {
    ("fair-position-words", "03_linear_regression"): set(),
    ("fair-extra-eval", "05_mlp"): set(),
    ("fair-scratch-names", "01_autograd"): set(),
    ("slip-int-result", "03_linear_regression"): {"test_sum_gradient"},
    ("slip-tensor-losses", "03_linear_regression"): {"test_fit_line_losses"},
    ("slip-float32", "04_polynomial_fit"): {"test_fit_cubic_rules"},
    ("slip-node-kinds", "02_computational_graph"): {"test_count_operations"},
}


def fairness_submissions(root, names):
    """{(student, assignment): notebook} for the assignments among ``names``."""
    out = {}
    for (student, name), (answer_id, source) in CHANGES.items():
        if name in names:
            nb = solved(root, name)
            cell(nb, answer_id).source = source
            out[(student, name)] = nb
    return out
