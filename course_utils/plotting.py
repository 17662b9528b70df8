"""The course figure style and the figures the course draws again and again.

Every figure goes through :func:`course_style`: seaborn-v0_8-white, no spines, a dashed light
grid, constrained layout, and a colour cycle that stays apart for colour-blind readers
(Okabe and Ito). The helpers return the Axes they drew on, so a cell can add to it.
"""

import contextlib
import functools
from collections.abc import Mapping
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from cycler import cycler

# Okabe-Ito colours, distinguishable with the common forms of colour blindness.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

COURSE_RC = {
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.spines.bottom": False,
    "axes.spines.left": False,
    "axes.grid": True,
    "grid.color": "lightgray",
    "grid.linestyle": "--",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=COLORS),
    "figure.constrained_layout.use": True,
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 80,
    "legend.frameon": True,
    "legend.fontsize": 10,
    "lines.linewidth": 1.5,
    "svg.hashsalt": "course",
}


@contextlib.contextmanager
def course_style():
    """Context manager (also usable as a decorator) that applies the course figure style."""
    # A notebook backend loaded inside the context switches interactive mode on; leaving the
    # context would switch it off again and hide every later figure, so keep what it became.
    with plt.style.context("seaborn-v0_8-white"), plt.rc_context(COURSE_RC):
        yield
        interactive = matplotlib.is_interactive()
    matplotlib.interactive(interactive)


def styled(function):
    """Decorator: run ``function`` inside :func:`course_style`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with course_style():
            return function(*args, **kwargs)

    return wrapper


def _numbers(values, what, kind="numbers (a tensor, array or list)"):
    """A float NumPy array from a tensor (any device, with or without grad), array or list."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be {kind}: {error}") from None


def _as_array(values, what):
    """A 1-D NumPy array from a tensor, array or list."""
    return _numbers(values, what).reshape(-1)


def _finish(ax, title, xlabel, ylabel, legend_title, save_to):
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(title=legend_title, loc="best")
    if save_to is not None:
        ax.figure.savefig(Path(save_to), bbox_inches="tight")
    return ax


def _new_axes(ax):
    if ax is not None:
        return ax
    _, ax = plt.subplots()
    return ax


@styled
def plot_fit(
    x,
    y,
    fits,
    *,
    fit_x=None,
    title="",
    xlabel="$x$",
    ylabel="$y$",
    data_label="data",
    legend_title="Legend",
    save_to=None,
    ax=None,
):
    """Scatter the data ``(x, y)`` and draw one or more fitted curves over it.

    ``fits`` maps a label to the model's predictions, evaluated at ``fit_x`` (default: ``x``);
    a single array or tensor is labelled "fit". Points are sorted by x before the curve is drawn.
    Returns the Axes.
    """
    x_data, y_data = _as_array(x, "x"), _as_array(y, "y")
    if x_data.shape != y_data.shape:
        raise ValueError(f"x and y must have the same number of points: {x_data.size} vs {y_data.size}")
    if not isinstance(fits, Mapping):
        fits = {"fit": fits}
    curve_x = x_data if fit_x is None else _as_array(fit_x, "fit_x")
    order = np.argsort(curve_x, kind="stable")
    ax = _new_axes(ax)
    ax.scatter(x_data, y_data, s=8, alpha=0.5, color="#999999", label=data_label)
    for label, prediction in fits.items():
        curve_y = _as_array(prediction, f"fit {label!r}")
        if curve_y.shape != curve_x.shape:
            raise ValueError(f"fit {label!r} has {curve_y.size} values but there are {curve_x.size} x values")
        ax.plot(curve_x[order], curve_y[order], label=label)
    return _finish(ax, title, xlabel, ylabel, legend_title, save_to)


@styled
def plot_curves(
    curves,
    *,
    x=None,
    title="",
    xlabel="step",
    ylabel="loss",
    logx=False,
    logy=False,
    legend_title="Legend",
    save_to=None,
    ax=None,
):
    """Draw several named curves (loss curves, model comparisons) on one Axes.

    ``curves`` maps a label to a sequence of values; ``x`` gives their positions (default
    0, 1, 2, ...). ``logy=True`` uses a log scale for y, the usual view of a loss; ``logx=True``
    one for x (sizes that double, e.g. in timings). Returns the Axes.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError("plot_curves expects a non-empty dict of label -> values, e.g. {'loss': losses}")
    ax = _new_axes(ax)
    for label, values in curves.items():
        curve = _as_array(values, f"curve {label!r}")
        positions = np.arange(curve.size) if x is None else _as_array(x, "x")
        if positions.shape != curve.shape:
            raise ValueError(f"curve {label!r} has {curve.size} values but x has {positions.size}")
        ax.plot(positions, curve, label=label)
    if logx:  # sizes that double: one tick per power of two, written as plain numbers
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:g}"))
    if logy:
        ax.set_yscale("log")
    return _finish(ax, title, xlabel, ylabel, legend_title, save_to)


def _limits(values, what):
    """Two increasing finite numbers (lo, hi) from ``values``."""
    try:
        lo, hi = (float(v) for v in values)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be two numbers (lo, hi), e.g. (-2.0, 2.0); got {values!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{what} must be finite with lo < hi; got ({lo}, {hi})")
    return lo, hi


def _plane_grid(xlim, ylim, points_per_axis):
    """float64 grids (x, y) of shape (points_per_axis, points_per_axis) covering the rectangle."""
    return torch.meshgrid(
        torch.linspace(float(xlim[0]), float(xlim[1]), points_per_axis, dtype=torch.float64),
        torch.linspace(float(ylim[0]), float(ylim[1]), points_per_axis, dtype=torch.float64),
        indexing="xy",
    )


def _path_points(points, label):
    """An (N, 2) NumPy array from a tensor, array or list of points."""
    array = _numbers(points, f"path {label!r}", "(N, 2) numbers (a tensor, array or list)")
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] == 0:
        raise ValueError(
            f"path {label!r} must have shape (N, 2) with N >= 1, one (w1, w2) point a row; got {array.shape}"
        )
    return array


@styled
def plot_loss_contours(
    loss,
    xlim,
    ylim,
    paths=None,
    *,
    ax=None,
    levels=20,
    log_levels=True,
    resolution=200,
    xlabel="w1",
    ylabel="w2",
    title=None,
    legend_title="path (● start, ★ end)",
    save_to=None,
):
    """Contour lines of a loss of two parameters, with optimizer paths drawn over them.

    ``loss(w1, w2)`` receives two float64 tensors of the same shape (a grid) and returns the loss
    at every grid point, elementwise (a tensor or array of that shape). ``xlim`` and ``ylim`` give
    the drawn window. ``paths`` maps a label to an (N, 2) tensor, array or list of points: each is
    drawn as a line with markers, its start as a black-edged circle and its end as a star.
    ``levels`` is a number of contour levels or their values; with ``log_levels=True`` the levels
    are spaced geometrically above the lowest loss in the window, which shows the floor of a
    ravine as well as its walls. Returns the Axes.
    """
    if not callable(loss):
        raise TypeError(f"loss must be a function loss(w1, w2) of two grids, not {type(loss).__name__}")
    x_lo, x_hi = _limits(xlim, "xlim")
    y_lo, y_hi = _limits(ylim, "ylim")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an int >= 2 (grid points per axis); got {resolution!r}")
    if paths is not None and not isinstance(paths, Mapping):
        raise TypeError("paths must be a dict of label -> (N, 2) points, e.g. {'SGD': points}")
    grid_x, grid_y = _plane_grid((x_lo, x_hi), (y_lo, y_hi), resolution)
    with torch.no_grad():
        values = loss(grid_x, grid_y)
    values = _numbers(values, "loss(w1, w2)")
    if values.shape != tuple(grid_x.shape):
        raise ValueError(
            f"loss(w1, w2) must return one value per grid point, shape {tuple(grid_x.shape)},"
            f" not {values.shape}"
            " (compute it elementwise, e.g. (w1 - 1) ** 2 + 10 * w2 ** 2)"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("loss(w1, w2) gave inf or nan inside xlim x ylim; draw a smaller window")
    if isinstance(levels, bool) or (isinstance(levels, int) and levels < 2):
        raise ValueError(f"levels must be an int >= 2 or a list of increasing values; got {levels!r}")
    if isinstance(levels, int):
        low, high = float(values.min()), float(values.max())
        span = high - low
        if span <= 0:
            raise ValueError("loss is constant inside xlim x ylim: there are no contours to draw")
        if log_levels:
            levels = low + np.geomspace(span * 1e-4, span, levels)
        else:
            levels = np.linspace(low, high, levels + 2)[1:-1]
    else:
        levels = _as_array(levels, "levels")
        if levels.size < 1 or np.any(np.diff(levels) <= 0):
            raise ValueError("levels given as values must be increasing")
    ax = _new_axes(ax)
    grid = (grid_x.numpy(), grid_y.numpy(), values)
    ax.contour(*grid, levels=levels, cmap="Greys_r", linewidths=0.7, alpha=0.6)
    for index, (label, points) in enumerate((paths or {}).items()):
        path = _path_points(points, label)
        color = COLORS[index % len(COLORS)]
        ax.plot(path[:, 0], path[:, 1], marker=".", markersize=4, color=color, label=str(label))
        ax.plot(*path[0], marker="o", markersize=8, color=color, markeredgecolor="black")
        ax.plot(*path[-1], marker="*", markersize=12, color=color, markeredgecolor="black")
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    return _finish(ax, title, xlabel, ylabel, legend_title, save_to)


def _feature_points(features):
    """An (N, 2) NumPy array of points from a tensor, array or list."""
    array = _numbers(features, "features", "(N, 2) numbers (a tensor, array or list)")
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] == 0:
        raise ValueError(f"features must have shape (N, 2), one point (x1, x2) a row; got {array.shape}")
    return array


def _class_labels(labels, count):
    """A 1-D integer NumPy array of 0/1 class labels, one per point."""
    array = _numbers(labels, "labels", "0/1 numbers (a tensor, array or list)").reshape(-1)
    if array.size != count:
        raise ValueError(f"labels must give one class per point: {count} points but {array.size} labels")
    if not np.all((array == 0) | (array == 1)):
        found = sorted(set(array.tolist()))[:5]
        raise ValueError(f"labels must be 0 or 1 (two classes); found the values {found}")
    return array.astype(int)


@styled
def plot_decision_boundary(
    predict,
    features,
    labels,
    ax=None,
    title=None,
    grid=200,
    *,
    logits=False,
    margin=0.5,
    xlabel="$x_1$",
    ylabel="$x_2$",
    legend_title="Class",
    save_to=None,
):
    """Colour the plane by the class a two-feature classifier predicts, and draw the data over it.

    ``predict`` maps an (M, 2) tensor of points to the probability of class 1 at each point
    (M values, shape (M,) or (M, 1)); with ``logits=True`` it returns the logit of class 1
    instead (the score before the sigmoid). The grid has ``grid`` x ``grid`` points, spans the
    data plus ``margin`` on each side, and has the dtype and device of ``features`` when that is a
    floating-point tensor, so ``predict`` can be a model on the GPU. It runs under ``torch.no_grad()``.
    ``features`` is (N, 2), ``labels`` holds N classes 0 or 1. The region where class 1 is
    predicted (probability above 0.5) is shaded in the colour of class 1, the rest in the colour of
    class 0, and the boundary (probability 0.5) is a black line when it crosses the window.
    Returns the Axes.
    """
    if not callable(predict):
        kind = type(predict).__name__
        raise TypeError(f"predict must be a function from an (M, 2) tensor to M probabilities; got {kind}")
    if isinstance(features, torch.Tensor) and features.is_floating_point():
        dtype, device = features.dtype, features.device
    else:
        dtype, device = torch.get_default_dtype(), torch.device("cpu")
    points = _feature_points(features)
    classes = _class_labels(labels, points.shape[0])
    if isinstance(grid, bool) or not isinstance(grid, int) or grid < 2:
        raise ValueError(f"grid must be an int >= 2 (grid points per axis); got {grid!r}")
    if isinstance(margin, bool) or not isinstance(margin, int | float) or not margin >= 0:
        raise ValueError(f"margin must be a number >= 0 (added around the data); got {margin!r}")
    x_lo, y_lo = points.min(axis=0) - margin
    x_hi, y_hi = points.max(axis=0) + margin
    grid_x, grid_y = _plane_grid((x_lo, x_hi), (y_lo, y_hi), grid)
    inputs = torch.stack([grid_x.reshape(-1), grid_y.reshape(-1)], dim=1).to(device=device, dtype=dtype)
    with torch.no_grad():
        values = predict(inputs)
    values = _numbers(values, "predict's result", "numbers (a tensor or array)")
    if values.size != grid * grid:
        raise ValueError(
            f"predict must return one value per point: {grid * grid} points in, shape {values.shape} out"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("predict returned inf or nan on the grid")
    if logits:
        values = 1.0 / (1.0 + np.exp(-values))
    elif values.min() < 0 or values.max() > 1:
        raise ValueError(
            "predict returned values outside [0, 1], which are not probabilities; "
            "if it returns logits (scores before the sigmoid), pass logits=True"
        )
    probability = values.reshape(grid, grid)
    ax = _new_axes(ax)
    ax.contourf(
        grid_x.numpy(), grid_y.numpy(), probability, levels=[0.0, 0.5, 1.0], colors=COLORS[:2], alpha=0.2
    )
    if probability.min() < 0.5 < probability.max():
        ax.contour(grid_x.numpy(), grid_y.numpy(), probability, levels=[0.5], colors="black", linewidths=1.2)
        ax.plot([], [], color="black", linewidth=1.2, label="boundary (p = 0.5)")
    for cls, marker in ((0, "o"), (1, "^")):
        chosen = points[classes == cls]
        ax.scatter(
            chosen[:, 0],
            chosen[:, 1],
            s=18,
            marker=marker,
            color=COLORS[cls],
            edgecolors="white",
            linewidths=0.4,
            label=f"class {cls}",
        )
    ax.set_xlim(float(x_lo), float(x_hi))
    ax.set_ylim(float(y_lo), float(y_hi))
    return _finish(ax, title, xlabel, ylabel, legend_title, save_to)
