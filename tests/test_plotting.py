"""The course figure style and the two figure helpers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils import course_style, plot_curves, plot_fit
from course_utils.plotting import COLORS, styled


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_course_style_sets_and_restores_the_look():
    with course_style():
        assert plt.rcParams["axes.spines.left"] is False
        assert plt.rcParams["axes.grid"] is True
        assert plt.rcParams["grid.linestyle"] == "--"
        assert plt.rcParams["figure.constrained_layout.use"] is True
        assert plt.rcParams["axes.prop_cycle"].by_key()["color"] == COLORS
    assert plt.rcParams["axes.spines.left"] is True


def test_styled_decorator_applies_the_style():
    @styled
    def spines_hidden():
        return plt.rcParams["axes.spines.bottom"]

    assert spines_hidden() is False


def test_plot_fit_draws_data_and_named_fits_sorted_by_x():
    x = torch.tensor([[3.0], [1.0], [2.0]], requires_grad=True)
    y = torch.tensor([9.0, 1.0, 4.0])
    ax = plot_fit(x, y, {"square": x.pow(2), "line": 3 * x}, title="Fits", xlabel="x", ylabel="y")
    assert [line.get_label() for line in ax.get_lines()] == ["square", "line"]
    assert ax.get_lines()[0].get_xdata().tolist() == [1.0, 2.0, 3.0]
    assert ax.get_lines()[0].get_ydata().tolist() == [1.0, 4.0, 9.0]
    assert ax.collections[0].get_offsets().shape == (3, 2)
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Fits", "x", "y")
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "Legend"
    assert [t.get_text() for t in legend.get_texts()] == ["data", "square", "line"]
    assert not any(spine.get_visible() for spine in ax.spines.values())
    assert ax.xaxis.get_gridlines()[0].get_visible()


def test_plot_fit_accepts_one_fit_and_its_own_x():
    x = np.linspace(0, 1, 5)
    fit_x = np.linspace(-1, 2, 7)
    ax = plot_fit(x, x, fit_x * 2, fit_x=fit_x)
    (line,) = ax.get_lines()
    assert line.get_label() == "fit"
    assert line.get_xdata().tolist() == fit_x.tolist()


def test_plot_fit_explains_mismatched_lengths():
    with pytest.raises(ValueError, match="fit 'bad' has 2 values but there are 3 x values"):
        plot_fit([1, 2, 3], [1, 2, 3], {"bad": [1, 2]})
    with pytest.raises(ValueError, match="same number of points"):
        plot_fit([1, 2, 3], [1, 2], {"ok": [1, 2, 3]})
    with pytest.raises(TypeError, match="must be numbers"):
        plot_fit(["a", "b"], [1, 2], [1, 2])


def test_plot_curves_draws_each_curve_and_log_scale(tmp_path):
    target = tmp_path / "loss.png"
    ax = plot_curves({"lr=0.1": [4.0, 2.0, 1.0], "lr=0.01": [4.0, 3.0]}, logy=True, save_to=target)
    assert [line.get_label() for line in ax.get_lines()] == ["lr=0.1", "lr=0.01"]
    assert ax.get_lines()[1].get_xdata().tolist() == [0, 1]
    assert ax.get_yscale() == "log"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("step", "loss")
    assert target.stat().st_size > 1000


def test_plot_curves_with_positions_and_an_existing_axes():
    _, ax = plt.subplots()
    returned = plot_curves({"error": [1e-1, 1e-3]}, x=[1e-1, 1e-2], ax=ax)
    assert returned is ax
    assert ax.get_lines()[0].get_xdata().tolist() == [1e-1, 1e-2]


def test_plot_curves_errors_say_what_is_expected():
    with pytest.raises(TypeError, match="dict of label -> values"):
        plot_curves([1, 2, 3])
    with pytest.raises(ValueError, match="x has 3"):
        plot_curves({"loss": [1, 2]}, x=[0, 1, 2])


def test_course_style_keeps_interactive_mode_switched_on_inside_it():
    was = matplotlib.is_interactive()
    try:
        matplotlib.interactive(False)
        with course_style():
            matplotlib.interactive(True)  # what a notebook backend does when pyplot first loads it
        assert matplotlib.is_interactive()
    finally:
        matplotlib.interactive(was)
