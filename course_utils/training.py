"""A training loop that records the loss, for the notebooks that train with an optimizer."""

import torch


def train(model, x, y, *, optimizer, loss_fn, epochs, log_every=None):
    """Train ``model`` on ``(x, y)`` for ``epochs`` full-batch steps and return the loss history.

    Each step: zero the gradients, forward pass, loss, backward pass, optimizer step. With
    ``log_every=N`` the loss is printed every N epochs. Returns a list of floats, one per epoch
    (the loss before that epoch's update).
    """
    if not isinstance(model, torch.nn.Module) and not callable(model):
        raise TypeError(f"model must be a torch.nn.Module or a callable, got {type(model).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, e.g. torch.optim.Adam(model.parameters()), "
            f"got {type(optimizer).__name__}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if isinstance(model, torch.nn.Module):
        model.train()
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if log_every and epoch % log_every == 0:
            print(f"epoch {epoch:5d}  loss {losses[-1]:.4f}")
    return losses


def make_mlp(widths, activation=torch.nn.ReLU):
    """An MLP as ``nn.Sequential``: Linear layers widths[0] -> widths[1] -> ... -> widths[-1].

    ``activation`` is a module class (``nn.ReLU``, ``nn.Tanh``, ...); a fresh one goes after every
    linear layer except the last, so the output can take any real value. Seed first: the layers
    start from random weights. ``make_mlp([1, 20, 20, 1], nn.ReLU)`` is the MLP of notebook 05.
    """
    if not isinstance(widths, (list, tuple)) or len(widths) < 2:
        raise ValueError(f"widths must be a list of at least 2 layer sizes, e.g. [1, 20, 1]; got {widths!r}")
    if any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in widths):
        raise ValueError(f"every width must be a positive int; got {widths!r}")
    if not (isinstance(activation, type) and issubclass(activation, torch.nn.Module)):
        raise TypeError(f"activation must be a module class such as torch.nn.ReLU; got {activation!r}")
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:  # not after the output layer
            layers.append(activation())
    return torch.nn.Sequential(*layers)
