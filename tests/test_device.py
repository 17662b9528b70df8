"""get_device honours COURSE_DEVICE; set_seed seeds every generator; limit_threads caps torch's threads."""

import random

import numpy as np
import pytest
import torch

from course_utils import get_device, set_seed
from course_utils.device import THREAD_CAP, limit_threads


def test_course_device_cpu_wins(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")


def test_course_device_is_case_and_space_insensitive(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", " CPU ")
    assert get_device() == torch.device("cpu")


def test_automatic_choice_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr("course_utils.device._mps_available", lambda: False)
    assert get_device() == torch.device("cpu")
    monkeypatch.setattr("course_utils.device._mps_available", lambda: True)
    assert get_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_device() == torch.device("cuda")


def test_unknown_device_names_the_choices(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="cpu, cuda, mps"):
        get_device()


def test_cuda_requested_without_cuda_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr("course_utils.device._mps_available", lambda: False)
    with pytest.raises(RuntimeError, match=r"no cuda device \(usable here: cpu\)"):
        get_device()


def test_set_seed_repeats_python_numpy_and_torch():
    def draw():
        return random.random(), float(np.random.rand()), torch.rand(3).tolist()

    set_seed(7)
    first = draw()
    set_seed(7)
    assert draw() == first
    set_seed(8)
    assert draw() != first


@pytest.mark.parametrize("seed", ["1", 1.5, None, True])
def test_set_seed_wants_an_int(seed):
    with pytest.raises(TypeError, match="seed must be an int"):
        set_seed(seed)


@pytest.fixture
def torch_threads(monkeypatch):
    """Restore torch's thread count after a test that changes it; start with neither variable set."""
    before = torch.get_num_threads()
    monkeypatch.delenv("COURSE_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    yield
    torch.set_num_threads(before)


def test_threads_are_capped_without_settings(torch_threads):
    torch.set_num_threads(16)
    assert limit_threads() == THREAD_CAP == 4
    torch.set_num_threads(2)
    assert limit_threads() == 2  # a machine with fewer cores keeps its count


def test_course_threads_wins(torch_threads, monkeypatch):
    monkeypatch.setenv("COURSE_THREADS", " 6 ")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert limit_threads() == 6


def test_omp_num_threads_is_left_to_torch(torch_threads, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "12")
    torch.set_num_threads(12)
    assert limit_threads() == 12


@pytest.mark.parametrize("value", ["0", "-2", "four", "1.5"])
def test_course_threads_must_be_a_positive_integer(torch_threads, monkeypatch, value):
    monkeypatch.setenv("COURSE_THREADS", value)
    with pytest.raises(ValueError, match="COURSE_THREADS=.* is not a number of threads"):
        limit_threads()


@pytest.mark.parametrize("cap", [0, 2.5, True])
def test_cap_must_be_a_positive_int(torch_threads, cap):
    with pytest.raises(ValueError, match="cap must be a positive int"):
        limit_threads(cap)
