"""The shared data sets: shapes, seeds, and independence from the global random state."""

import math

import pytest
import torch

from course_utils import line_data, quadratic_data, sin_data, two_gaussian_classes, two_moons, xor_data


def test_line_data_follows_the_line():
    x, y = line_data(n=500, noise=0.5, seed=1)
    assert x.shape == y.shape == (500, 1)
    assert 0.0 <= x.min() and x.max() <= 10.0
    residual = y - (3.0 * x + 2.0)
    assert abs(residual.mean().item()) < 0.1
    assert 0.4 < residual.std().item() < 0.6


def test_same_seed_same_data_whatever_the_global_seed():
    torch.manual_seed(1)
    first = line_data(seed=3)
    torch.manual_seed(2)
    second = line_data(seed=3)
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])
    assert not torch.equal(first[0], line_data(seed=4)[0])


def test_generators_leave_the_global_random_state_alone():
    torch.manual_seed(5)
    expected = torch.rand(1)
    torch.manual_seed(5)
    quadratic_data()
    two_gaussian_classes()
    two_moons()
    xor_data(noise=0.1)
    assert torch.equal(torch.rand(1), expected)


def test_sin_data_covers_minus_pi_to_pi():
    x, y = sin_data(n=2000)
    assert x.shape == y.shape == (2000,)
    assert x[0].item() == pytest.approx(-math.pi) and x[-1].item() == pytest.approx(math.pi)
    assert torch.allclose(y, torch.sin(x))


def test_quadratic_data_is_x_squared_plus_noise():
    x, y = quadratic_data(n=200, noise=1.0)
    assert x.shape == y.shape == (200, 1)
    assert x.min().item() == -5.0 and x.max().item() == 5.0
    assert 0.8 < (y - x**2).std().item() < 1.2


def test_two_gaussian_classes_have_the_stated_means():
    features, labels = two_gaussian_classes(n_per_class=2000, dim=3)
    assert features.shape == (4000, 3) and labels.shape == (4000,)
    assert labels.dtype == torch.long and int(labels.sum()) == 2000
    assert torch.allclose(features[labels == 0].mean(0), torch.full((3,), 2.0), atol=0.1)
    assert torch.allclose(features[labels == 1].mean(0), torch.full((3,), 4.0), atol=0.2)
    assert torch.allclose(features[labels == 1].std(0), torch.full((3,), 2.0), atol=0.2)
    assert 0 < int(labels[:2000].sum()) < 2000  # shuffled: both classes in the first half


@pytest.mark.parametrize("make", [line_data, sin_data, quadratic_data])
@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_sizes_are_clear_errors(make, n):
    with pytest.raises(ValueError, match="n must be a positive int"):
        make(n=n)


def test_device_argument_moves_the_data():
    x, y = line_data(device=torch.device("cpu"))
    assert x.device.type == y.device.type == "cpu"


def test_two_moons_lie_on_their_half_circles():
    features, labels = two_moons(n=401, noise=0.0, seed=2)
    assert features.shape == (401, 2) and labels.shape == (401,) and labels.dtype == torch.long
    assert int((labels == 0).sum()) == 201 and int(labels.sum()) == 200
    upper, lower = features[labels == 0], features[labels == 1]
    assert torch.allclose(upper.norm(dim=1), torch.ones(201), atol=1e-5) and upper[:, 1].min() >= 0
    centred = lower - torch.tensor([1.0, 0.5])
    assert torch.allclose(centred.norm(dim=1), torch.ones(200), atol=1e-5) and centred[:, 1].max() <= 0
    assert 0 < int(labels[:200].sum()) < 200  # shuffled: both classes in the first half


def test_two_moons_noise_and_seed():
    clean, labels = two_moons(n=2000, noise=0.0, seed=3)
    noisy, same_labels = two_moons(n=2000, noise=0.2, seed=3)
    assert torch.equal(labels, same_labels)
    assert 0.18 < (noisy - clean).std().item() < 0.22
    assert torch.equal(two_moons(seed=5)[0], two_moons(seed=5)[0])
    assert not torch.equal(two_moons(seed=5)[0], two_moons(seed=6)[0])


def test_xor_labels_are_the_xor_of_the_signs():
    features, labels = xor_data(n=1000, seed=1)
    assert features.shape == (1000, 2) and labels.shape == (1000,) and labels.dtype == torch.long
    assert features.abs().max() <= 1.0
    assert torch.equal(labels, ((features[:, 0] < 0) ^ (features[:, 1] < 0)).long())
    assert 400 < int(labels.sum()) < 600


def test_xor_noise_moves_points_but_not_labels():
    clean, labels = xor_data(n=2000, noise=0.0, seed=4)
    noisy, same_labels = xor_data(n=2000, noise=0.1, seed=4)
    assert torch.equal(labels, same_labels)
    assert 0.09 < (noisy - clean).std().item() < 0.11


@pytest.mark.parametrize("make", [two_moons, xor_data])
@pytest.mark.parametrize("noise", [-0.1, "0.1", None, True, float("nan")])
def test_bad_noise_is_a_clear_error(make, noise):
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        make(noise=noise)


@pytest.mark.parametrize("make", [two_moons, xor_data])
@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_counts_for_the_classification_sets(make, n):
    with pytest.raises(ValueError, match="n must be a positive int"):
        make(n=n)


def test_two_moons_needs_a_point_per_class():
    with pytest.raises(ValueError, match="at least 2"):
        two_moons(n=1)
