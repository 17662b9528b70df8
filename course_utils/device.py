"""Choosing the device and seeding the random generators."""

import os
import random

import numpy as np
import torch

DEVICE_CHOICES = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def get_device() -> torch.device:
    """Return the device the course runs on.

    The environment variable ``COURSE_DEVICE`` (cpu, cuda or mps) wins. Without it: CUDA if
    available, then Apple's MPS, then the CPU.
    """
    requested = os.environ.get("COURSE_DEVICE", "").strip().lower()
    if not requested:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if requested not in DEVICE_CHOICES:
        raise ValueError(
            f"COURSE_DEVICE={requested!r} is not a device this course knows; "
            f"choose one of {', '.join(DEVICE_CHOICES)} or unset it to pick automatically."
        )
    available = {"cpu": True, "cuda": torch.cuda.is_available(), "mps": _mps_available()}
    if not available[requested]:
        usable = ", ".join(name for name in DEVICE_CHOICES if available[name])
        raise RuntimeError(
            f"COURSE_DEVICE={requested} but this machine has no {requested} device "
            f"(usable here: {usable}); set COURSE_DEVICE to one of those or unset it."
        )
    return torch.device(requested)


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's random generators (all devices) with ``seed``."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
