"""plot_loss_contours: loss contour lines with optimizer paths drawn over them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils import plot_loss_contours
from course_utils.plotting import COLORS


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def bowl(w1, w2):
    return w1**2 + 10 * w2**2


def test_draws_contours_paths_start_and_end():
    path = torch.tensor([[2.0, 1.0], [1.0, 0.5], [0.0, 0.0]])
    paths = {"SGD": path, "Adam": [[1.0, -1.0], [0.5, 0.0]]}
    ax = plot_loss_contours(bowl, (-2, 2), (-1, 1), paths, title="t")
    assert ax.get_title() == "t"
    assert ax.get_xlabel() == "w1" and ax.get_ylabel() == "w2"
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 1.0)
    assert ax.collections, "no contour lines were drawn"
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["SGD", "Adam"]
    assert "start" in legend.get_title().get_text()
    lines = ax.get_lines()
    assert len(lines) == 6  # per path: the line, its start and its end
    np.testing.assert_allclose(lines[0].get_xydata(), path.numpy())
    np.testing.assert_allclose(lines[1].get_xydata(), [[2.0, 1.0]])
    np.testing.assert_allclose(lines[2].get_xydata(), [[0.0, 0.0]])
    assert lines[1].get_marker() == "o" and lines[2].get_marker() == "*"
    assert matplotlib.colors.same_color(lines[3].get_color(), COLORS[1])


def test_loss_gets_float64_grids_and_may_return_an_array():
    seen = {}

    def loss(w1, w2):
        seen["dtype"], seen["shape"], seen["grad"] = w1.dtype, tuple(w1.shape), torch.is_grad_enabled()
        return (w1**2 + w2**2).numpy()

    plot_loss_contours(loss, (-1, 1), (-1, 1), resolution=30)
    assert seen == {"dtype": torch.float64, "shape": (30, 30), "grad": False}


def test_levels_log_linear_and_given():
    # 201 points put the minimum 0 on the grid: the levels are then geometric, 1e-4 of the range up to it
    ax = plot_loss_contours(bowl, (-2, 2), (-1, 1), levels=5, log_levels=True, resolution=201)
    log_levels = np.asarray(ax.collections[0].levels)
    np.testing.assert_allclose(log_levels, np.geomspace(14e-4, 14.0, 5), rtol=1e-9, atol=1e-12)
    ax = plot_loss_contours(bowl, (-2, 2), (-1, 1), levels=[0.5, 1.0, 4.0], ax=plt.subplots()[1])
    assert list(ax.collections[0].levels) == [0.5, 1.0, 4.0]
    ax = plot_loss_contours(bowl, (-2, 2), (-1, 1), levels=4, log_levels=False, ax=plt.subplots()[1])
    assert np.allclose(np.diff(ax.collections[0].levels), np.diff(ax.collections[0].levels)[0])


def test_draws_on_a_given_axes():
    _, ax = plt.subplots()
    assert plot_loss_contours(bowl, (-1, 1), (-1, 1), ax=ax) is ax
    assert ax.get_legend() is None  # no paths, no legend


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"loss": 3.0}, TypeError, "loss must be a function"),
        ({"xlim": (1, -1)}, ValueError, "lo < hi"),
        ({"ylim": "ab"}, TypeError, "ylim must be two numbers"),
        ({"ylim": (0, 1, 2)}, TypeError, "ylim must be two numbers"),
        ({"paths": [[0, 0]]}, TypeError, "paths must be a dict"),
        ({"paths": {"SGD": [1.0, 2.0, 3.0]}}, ValueError, "path 'SGD' must have shape"),
        ({"paths": {"SGD": torch.zeros(0, 2)}}, ValueError, "N >= 1"),
        ({"paths": {"SGD": [["a", "b"]]}}, TypeError, "path 'SGD' must be"),
        ({"loss": lambda w1, w2: (w1 + w2).sum()}, ValueError, "one value per grid point"),
        ({"loss": lambda w1, w2: torch.log(w1)}, ValueError, "inf or nan"),
        ({"loss": lambda w1, w2: torch.ones_like(w1)}, ValueError, "constant"),
        ({"levels": 1}, ValueError, "levels must be"),
        ({"levels": [3.0, 1.0]}, ValueError, "increasing"),
        ({"resolution": 1}, ValueError, "resolution"),
    ],
)
def test_bad_input_is_explained(kwargs, error, message):
    arguments = {"loss": bowl, "xlim": (-1, 1), "ylim": (-1, 1)}
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        plot_loss_contours(**arguments)
