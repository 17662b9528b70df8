"""plot_decision_boundary: the shaded regions, the boundary line, the points and the bad inputs."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils import plot_decision_boundary
from course_utils.plotting import COLORS

FEATURES = torch.tensor([[0.0, 0.0], [1.0, 0.0], [3.0, 3.0], [4.0, 2.0]])
LABELS = torch.tensor([0, 0, 1, 1])


def above_the_line(points):
    """Probability of class 1: a sigmoid of x1 + x2 - 3, so the boundary is x1 + x2 = 3."""
    return torch.sigmoid(4.0 * (points[:, 0] + points[:, 1] - 3.0))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_draws_regions_boundary_and_points_by_class():
    ax = plot_decision_boundary(above_the_line, FEATURES, LABELS, title="Regions", grid=50)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["boundary (p = 0.5)", "class 0", "class 1"]
    assert ax.get_legend().get_title().get_text() == "Class"
    assert ax.get_title() == "Regions"
    class_0, class_1 = ax.collections[-2:]
    assert class_0.get_offsets().tolist() == [[0.0, 0.0], [1.0, 0.0]]
    assert class_1.get_offsets().tolist() == [[3.0, 3.0], [4.0, 2.0]]
    assert matplotlib.colors.to_hex(class_1.get_facecolor()[0]) == COLORS[1].lower()
    # The boundary line lies on x1 + x2 = 3.
    boundary = ax.collections[1]
    vertices = np.concatenate([path.vertices for path in boundary.get_paths()])
    assert np.allclose(vertices.sum(axis=1), 3.0, atol=0.05)
    assert ax.get_xlim() == pytest.approx((-0.5, 4.5))
    assert ax.get_ylim() == pytest.approx((-0.5, 3.5))


def test_logits_give_the_same_boundary_as_probabilities():
    def logit(points):
        return 4.0 * (points[:, 0] + points[:, 1] - 3.0)

    ax = plot_decision_boundary(logit, FEATURES.double(), LABELS.numpy(), grid=50, logits=True)
    vertices = np.concatenate([path.vertices for path in ax.collections[1].get_paths()])
    assert np.allclose(vertices.sum(axis=1), 3.0, atol=0.05)


def test_predict_sees_the_dtype_of_the_features_and_no_graph():
    seen = {}

    def spy(points):
        seen.update(dtype=points.dtype, shape=tuple(points.shape), grad=torch.is_grad_enabled())
        return torch.full((points.shape[0], 1), 0.25, dtype=points.dtype)

    ax = plot_decision_boundary(spy, FEATURES.double(), [0, 0, 1, 1], grid=7)
    assert seen == {"dtype": torch.float64, "shape": (49, 2), "grad": False}
    # One class everywhere: no boundary line and no boundary entry in the legend.
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


def test_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_decision_boundary(above_the_line, FEATURES, LABELS, ax=ax, grid=10) is ax


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"predict": 3}, TypeError, "predict must be a function"),
        ({"features": FEATURES[:, :1]}, ValueError, r"shape \(N, 2\)"),
        ({"features": "points"}, TypeError, "features must be"),
        ({"labels": LABELS[:3]}, ValueError, "one class per point"),
        ({"labels": LABELS + 1}, ValueError, "must be 0 or 1"),
        ({"predict": lambda p: p}, ValueError, "one value per point"),
        ({"predict": lambda p: p.sum(dim=1)}, ValueError, "logits=True"),
        ({"predict": lambda p: p[:, 0] / 0.0}, ValueError, "inf or nan"),
        ({"grid": 1}, ValueError, "grid must be an int"),
        ({"margin": -1.0}, ValueError, "margin must be"),
    ],
)
def test_bad_input_says_what_was_expected(change, error, message):
    arguments = {"predict": above_the_line, "features": FEATURES, "labels": LABELS, **change}
    with pytest.raises(error, match=message):
        plot_decision_boundary(**arguments)
