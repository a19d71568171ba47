"""Contrastive loss: a loop-over-pairs reference, closed forms, gradcheck."""
import math

import numpy as np
import pytest
import torch
from imsearch import nn as inn


def _reference(a, b, same, margin):
    total = 0.0
    for x, y, s in zip(a.tolist(), b.tolist(), same):
        d = math.sqrt(sum((u - v) ** 2 for u, v in zip(x, y)))
        total += 0.5 * (d * d if s else max(0.0, margin - d) ** 2)
    return total / len(same)


def test_matches_loop_reference():
    g = torch.Generator().manual_seed(0)
    a = inn.l2_normalize(torch.randn(40, 8, generator=g, dtype=torch.float64))
    b = inn.l2_normalize(torch.randn(40, 8, generator=g, dtype=torch.float64))
    same = (torch.rand(40, generator=g) > 0.5).tolist()
    for margin in (0.3, 0.7, 1.5):
        got = inn.contrastive_loss(a, b, torch.tensor(same), margin)
        assert got.item() == pytest.approx(_reference(a, b, same, margin), rel=1e-9)


def test_closed_forms():
    a = torch.tensor([[1.0, 0.0]])
    b = torch.tensor([[0.0, 1.0]])  # distance sqrt(2)
    assert inn.contrastive_loss(a, b, [1]).item() == pytest.approx(1.0)          # ½ · 2
    assert inn.contrastive_loss(a, b, [0], margin=1.0).item() == 0.0            # beyond the margin
    assert inn.contrastive_loss(a, b, [0], margin=2.0).item() == pytest.approx(0.5 * (2 - 2 ** 0.5) ** 2)
    assert inn.contrastive_loss(a, a, [1]).item() == 0.0
    assert inn.contrastive_loss(a, a, [0], margin=0.7).item() == pytest.approx(0.5 * 0.49, rel=1e-5)
    per = inn.contrastive_loss(torch.cat([a, a]), torch.cat([b, a]), [1, 1], reduction="none")
    np.testing.assert_allclose(per.numpy(), [1.0, 0.0], atol=1e-6)
    assert inn.ContrastiveLoss(0.7)(a, b, [1]).item() == pytest.approx(1.0)


def test_gradcheck():
    g = torch.Generator().manual_seed(1)
    a = torch.randn(6, 3, generator=g, dtype=torch.float64).mul(0.3).requires_grad_()
    b = torch.randn(6, 3, generator=g, dtype=torch.float64).mul(0.3).requires_grad_()
    same = torch.tensor([1, 0, 1, 0, 0, 1])
    assert torch.autograd.gradcheck(lambda x, y: inn.contrastive_loss(x, y, same, 1.0), (a, b))


def test_gradient_pulls_positives_pushes_negatives():
    a = torch.tensor([[1.0, 0.0]], requires_grad=True)
    b = torch.tensor([[0.8, 0.6]])
    inn.contrastive_loss(a, b, [1]).backward()
    pos = a.grad.clone()
    a.grad = None
    inn.contrastive_loss(a, b, [0], margin=1.5).backward()
    direction = (b - a).detach()
    assert (pos * direction).sum() < 0 < (a.grad * direction).sum()


@pytest.mark.parametrize("kwargs, err", [
    (dict(a=torch.ones(2, 3), b=torch.ones(3, 3), same=[1, 1]), ValueError),
    (dict(a=torch.ones(2, 3), b=torch.ones(2, 3), same=[1]), ValueError),
    (dict(a=torch.ones(2, 3), b=torch.ones(2, 3), same=[1, 2]), ValueError),
    (dict(a=torch.ones(2, 3), b=torch.ones(2, 3), same=[1, 0], margin=0), ValueError),
    (dict(a=np.ones((2, 3)), b=torch.ones(2, 3), same=[1, 0]), TypeError),
    (dict(a=torch.ones(0, 3), b=torch.ones(0, 3), same=[]), ValueError),
])
def test_bad_inputs(kwargs, err):
    with pytest.raises(err):
        inn.contrastive_loss(**kwargs)
