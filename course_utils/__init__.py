"""Helpers shared by every notebook of the PyTorch autograd course.

One module per concern:

- ``graphs``: print and draw the computational graph autograd records.
- ``plotting``: the course figure style and the figures the course draws again and again.
- ``device``: pick the device (``COURSE_DEVICE``) and seed every random generator.
- ``data``: the small, seeded data sets the notebooks share.
- ``training``: a training loop that records the loss.
"""

from course_utils.data import line_data, quadratic_data, sin_data, two_gaussian_classes, two_moons, xor_data
from course_utils.device import get_device, set_seed
from course_utils.errors import short_errors
from course_utils.graphs import (
    GraphError,
    draw_graph,
    pretty_print_graph,
    print_graph,
    traverse_graph,
)
from course_utils.plotting import (
    course_style,
    plot_curves,
    plot_decision_boundary,
    plot_fit,
    plot_loss_contours,
)
from course_utils.training import make_mlp, train

__all__ = [
    "GraphError",
    "course_style",
    "draw_graph",
    "get_device",
    "line_data",
    "make_mlp",
    "plot_curves",
    "plot_decision_boundary",
    "plot_fit",
    "plot_loss_contours",
    "pretty_print_graph",
    "print_graph",
    "quadratic_data",
    "set_seed",
    "short_errors",
    "sin_data",
    "train",
    "traverse_graph",
    "two_gaussian_classes",
    "two_moons",
    "xor_data",
]
