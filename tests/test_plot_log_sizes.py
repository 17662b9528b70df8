"""plot_curves with a log scale on x, as lecture 10 draws timings against sizes that double."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from course_utils import plot_curves


def test_logx_sets_a_log_x_axis_and_keeps_y_linear():
    ax = plot_curves({"cpu": [1.0, 2.0, 8.0]}, x=[16, 32, 64], logx=True)
    assert ax.get_xscale() == "log"
    assert ax.get_yscale() == "linear"
    # one tick per power of two, labelled as a plain number
    assert ax.xaxis.get_transform().base == 2
    assert ax.xaxis.get_major_formatter()(4096) == "4096"
    plt.close("all")


def test_logx_and_logy_together_on_a_shared_axes_with_curves_of_different_lengths():
    _, ax = plt.subplots()
    plot_curves({"cpu": [1e-6, 1e-4, 1e-2]}, x=[16, 256, 4096], logx=True, logy=True, ax=ax)
    plot_curves({"gpu": [1e-5, 1e-5]}, x=[16, 8192], logx=True, logy=True, ax=ax)
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert [line.get_label() for line in ax.get_lines()] == ["cpu", "gpu"]
    assert ax.get_lines()[1].get_xdata().tolist() == [16, 8192]
    plt.close("all")


def test_default_x_axis_stays_linear():
    ax = plot_curves({"loss": [3.0, 2.0]})
    assert ax.get_xscale() == "linear"
    plt.close("all")
