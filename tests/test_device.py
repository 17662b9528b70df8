"""get_device honours COURSE_DEVICE; set_seed seeds every generator."""

import random

import numpy as np
import pytest
import torch

from course_utils import get_device, set_seed


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
