"""Pooling: references from the definitions, closed forms, gradcheck, bad inputs."""
import numpy as np
import pytest
import torch
from imsearch import nn as inn


def _maps(seed=0, shape=(3, 5, 4, 6)):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g, dtype=torch.float64) + 0.01


def test_avg_and_mac_match_loops():
    x = _maps()
    a, m = inn.avg_pool(x), inn.mac(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            vals = [float(x[n, c, i, j]) for i in range(x.shape[2]) for j in range(x.shape[3])]
            assert a[n, c].item() == pytest.approx(sum(vals) / len(vals), rel=1e-12)
            assert m[n, c].item() == max(vals)


def test_gem_matches_formula_and_limits():
    x = _maps(1)
    ref = (x.numpy() ** 3).mean(axis=(2, 3)) ** (1 / 3)
    np.testing.assert_allclose(inn.gem(x, 3.0).numpy(), ref, rtol=1e-12)
    np.testing.assert_allclose(inn.gem(x, 1.0).numpy(), inn.avg_pool(x).numpy(), rtol=1e-12)
    # large p tends to the maximum: within a factor (1/(H W))^(1/p) of it
    big = inn.gem(x, 200.0)
    mx = inn.mac(x)
    assert torch.all(big <= mx + 1e-12)
    assert torch.all(big >= mx * (1 / 24) ** (1 / 200) - 1e-12)
    # GeM is monotonic in p (power-mean inequality)
    assert torch.all(inn.gem(x, 2.0) <= inn.gem(x, 4.0) + 1e-12)


def test_gem_constant_map_and_scale_equivariance():
    x = torch.full((2, 3, 4, 4), 2.5, dtype=torch.float64)
    np.testing.assert_allclose(inn.gem(x, 3.7).numpy(), 2.5, rtol=1e-12)
    y = _maps(2)
    np.testing.assert_allclose(inn.gem(4 * y, 3.0).numpy(), 4 * inn.gem(y, 3.0).numpy(), rtol=1e-10)


def test_gem_gradcheck_in_x_and_p():
    x = _maps(3, (2, 3, 3, 2)).requires_grad_()
    p = torch.tensor(2.5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: inn.gem(a, b), (x, p))


def test_gem_module_learns_p():
    layer = inn.GeM(3.0, learn_p=True)
    assert [n for n, _ in layer.named_parameters()] == ["p"]
    x = _maps(4).float()
    layer(x).sum().backward()
    assert layer.p.grad is not None and layer.p.grad.abs() > 0
    fixed = inn.GeM(3.0)
    assert list(fixed.parameters()) == [] and float(fixed.p) == 3.0
    torch.testing.assert_close(fixed(x), inn.gem(x, 3.0))


def test_l2_normalize():
    x = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
    torch.testing.assert_close(inn.l2_normalize(x), torch.tensor([[0.6, 0.8], [0.0, 0.0]]))
    torch.testing.assert_close(inn.L2Norm()(x), inn.l2_normalize(x))


@pytest.mark.parametrize("bad, err", [(np.ones((1, 2, 3, 3)), TypeError), (torch.ones(2, 3), ValueError),
                                      (torch.ones(1, 2, 0, 3), ValueError), (torch.ones(1, 2, 2, 2, dtype=torch.int64), TypeError)])
def test_pooling_bad_maps(bad, err):
    with pytest.raises(err):
        inn.gem(bad)
    with pytest.raises(err):
        inn.avg_pool(bad)


@pytest.mark.parametrize("p", [0, -1.0, float("nan"), float("inf"), "3"])
def test_gem_bad_p(p):
    with pytest.raises(ValueError, match="p must be"):
        inn.gem(torch.ones(1, 2, 2, 2), p)
