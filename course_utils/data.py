"""The small data sets the notebooks share.

Every generator draws on the CPU from its own seeded generator, then moves the result to the
requested device, so the numbers are the same on every device and do not disturb the global seed.
"""

import math

import torch


def _generator(seed: int) -> torch.Generator:
    return torch.Generator(device="cpu").manual_seed(seed)


def _check_count(n: int, name: str = "n") -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name} must be a positive int, got {n!r}")


def line_data(n=100, slope=3.0, intercept=2.0, noise=0.5, low=0.0, high=10.0, seed=0, device="cpu"):
    """Points on ``y = slope * x + intercept`` plus Gaussian noise, x uniform on [low, high].

    Returns ``x, y`` of shape (n, 1).
    """
    _check_count(n)
    gen = _generator(seed)
    x = low + (high - low) * torch.rand(n, 1, generator=gen)
    y = slope * x + intercept + noise * torch.randn(n, 1, generator=gen)
    return x.to(device), y.to(device)


def sin_data(n=2000, low=-math.pi, high=math.pi, device="cpu"):
    """``n`` evenly spaced samples of sin on [low, high] (no noise). Returns ``x, y`` of shape (n,)."""
    _check_count(n)
    x = torch.linspace(low, high, n)
    return x.to(device), torch.sin(x).to(device)


def quadratic_data(n=200, noise=1.0, low=-5.0, high=5.0, seed=0, device="cpu"):
    """``y = x**2`` plus Gaussian noise on ``n`` evenly spaced x. Returns ``x, y`` of shape (n, 1)."""
    _check_count(n)
    x = torch.linspace(low, high, n).reshape(-1, 1)
    y = x**2 + noise * torch.randn(x.shape, generator=_generator(seed))
    return x.to(device), y.to(device)


def two_gaussian_classes(n_per_class=100, dim=2, seed=0, device="cpu"):
    """Two Gaussian classes, shuffled.

    Class 0 is N(0, 1) shifted to mean 2; class 1 has standard deviation 2 and mean 4.
    Returns ``features`` (2 * n_per_class, dim) and integer ``labels`` (2 * n_per_class,).
    """
    _check_count(n_per_class, "n_per_class")
    _check_count(dim, "dim")
    gen = _generator(seed)
    class_0 = torch.randn(n_per_class, dim, generator=gen) + 2.0
    class_1 = 2.0 * torch.randn(n_per_class, dim, generator=gen) + 4.0
    features = torch.cat([class_0, class_1])
    labels = torch.cat([torch.zeros(n_per_class), torch.ones(n_per_class)]).long()
    order = torch.randperm(2 * n_per_class, generator=gen)
    return features[order].to(device), labels[order].to(device)


def _check_noise(noise) -> float:
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ValueError(f"noise must be a number >= 0 (the standard deviation of the noise), got {noise!r}")
    return float(noise)


def _shuffled(class_0, class_1, gen, device):
    features = torch.cat([class_0, class_1])
    labels = torch.cat([torch.zeros(len(class_0)), torch.ones(len(class_1))]).long()
    order = torch.randperm(len(labels), generator=gen)
    return features[order].to(device), labels[order].to(device)


def two_moons(n=200, noise=0.1, seed=0, device="cpu"):
    """Two interleaved half circles in the plane, shuffled: a problem no straight line separates.

    Class 0 lies on the upper half of the unit circle, class 1 on a lower half circle of the same
    radius centred at (1, 0.5). Each point gets Gaussian noise of standard deviation ``noise``.
    Class 0 gets ``n - n // 2`` points, class 1 ``n // 2``. Returns ``features`` (n, 2) and
    integer ``labels`` (n,).
    """
    _check_count(n)
    noise = _check_noise(noise)
    if n < 2:
        raise ValueError(f"n must be at least 2 (one point per class), got {n}")
    gen = _generator(seed)
    angle_0 = math.pi * torch.rand(n - n // 2, generator=gen)
    angle_1 = math.pi * torch.rand(n // 2, generator=gen)
    class_0 = torch.stack([torch.cos(angle_0), torch.sin(angle_0)], dim=1)
    class_1 = torch.stack([1.0 - torch.cos(angle_1), 0.5 - torch.sin(angle_1)], dim=1)
    class_0 = class_0 + noise * torch.randn(class_0.shape, generator=gen)
    class_1 = class_1 + noise * torch.randn(class_1.shape, generator=gen)
    return _shuffled(class_0, class_1, gen, device)


def xor_data(n=200, noise=0.0, seed=0, device="cpu"):
    """Points uniform on the square [-1, 1]^2, labelled by the XOR of the signs of their coordinates.

    The label is 1 where exactly one coordinate is negative (``x0 * x1 < 0``), 0 otherwise. Gaussian
    noise of standard deviation ``noise`` is added to the features *after* labelling, so with noise
    some points cross the axes. Returns ``features`` (n, 2) and integer ``labels`` (n,).
    """
    _check_count(n)
    noise = _check_noise(noise)
    gen = _generator(seed)
    clean = 2.0 * torch.rand(n, 2, generator=gen) - 1.0
    labels = (clean[:, 0] * clean[:, 1] < 0).long()
    features = clean + noise * torch.randn(n, 2, generator=gen)
    return features.to(device), labels.to(device)
