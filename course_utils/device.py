"""Choosing the device, seeding the random generators, and how many CPU threads torch uses.

Importing ``course_utils`` caps torch at ``THREAD_CAP`` CPU threads (see ``limit_threads``): the
course's tensors are tiny, and on a machine with many cores a large thread pool costs more to
wake up than the work it shares (benchmarks/threads.py measures it). ``COURSE_THREADS=N`` sets the
number yourself; with ``OMP_NUM_THREADS`` set, torch's own choice is left alone.
"""

import os
import random

import numpy as np
import torch

DEVICE_CHOICES = ("cpu", "cuda", "mps")
THREAD_CAP = 4


def limit_threads(cap: int = THREAD_CAP) -> int:
    """Set how many CPU threads torch uses for one operation, and return the number in force.

    ``COURSE_THREADS=N`` (a positive integer) wins. Otherwise, when ``OMP_NUM_THREADS`` is set,
    torch has already followed it and nothing changes. Otherwise torch's default (one thread per
    core) is lowered to at most ``cap``. ``course_utils`` calls this once, when it is imported.
    """
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise ValueError(f"cap must be a positive int, got {cap!r}")
    requested = os.environ.get("COURSE_THREADS", "").strip()
    if requested:
        if not requested.isdigit() or int(requested) < 1:
            raise ValueError(
                f"COURSE_THREADS={requested!r} is not a number of threads; set a positive integer such as "
                f"COURSE_THREADS=4, or unset it to use at most {cap}."
            )
        torch.set_num_threads(int(requested))
    elif not os.environ.get("OMP_NUM_THREADS", "").strip():
        torch.set_num_threads(min(torch.get_num_threads(), cap))
    return torch.get_num_threads()


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


limit_threads()
