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
