"""make_mlp: the MLP builder shared by the notebooks on networks and optimizers."""

import pytest
import torch
from torch import nn

from course_utils import make_mlp


def test_layers_widths_and_activations():
    torch.manual_seed(0)
    model = make_mlp([1, 20, 20, 1], nn.Sigmoid)
    kinds = [type(layer) for layer in model]
    assert kinds == [nn.Linear, nn.Sigmoid, nn.Linear, nn.Sigmoid, nn.Linear]
    assert [(layer.in_features, layer.out_features) for layer in model[::2]] == [(1, 20), (20, 20), (20, 1)]
    assert sum(p.numel() for p in model.parameters()) == 481
    assert model[1] is not model[3]  # every activation is its own module


def test_default_activation_and_shapes():
    model = make_mlp((3, 1))
    assert len(model) == 1 and model(torch.zeros(5, 3)).shape == (5, 1)
    assert type(make_mlp([2, 4, 1])[1]) is nn.ReLU


def test_same_seed_same_weights():
    torch.manual_seed(3)
    first = make_mlp([1, 5, 1])
    torch.manual_seed(3)
    second = make_mlp([1, 5, 1])
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters(), strict=True))


@pytest.mark.parametrize(
    ("widths", "activation", "error", "message"),
    [
        ([1], nn.ReLU, ValueError, "at least 2"),
        (5, nn.ReLU, ValueError, "at least 2"),
        ([1, 0, 1], nn.ReLU, ValueError, "positive int"),
        ([1, 2.5, 1], nn.ReLU, ValueError, "positive int"),
        ([1, True, 1], nn.ReLU, ValueError, "positive int"),
        ([1, 2, 1], nn.ReLU(), TypeError, "module class"),
        ([1, 2, 1], torch.relu, TypeError, "module class"),
    ],
)
def test_bad_input_is_explained(widths, activation, error, message):
    with pytest.raises(error, match=message):
        make_mlp(widths, activation)
