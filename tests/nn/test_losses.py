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


# ----------------------------------------------------------------------------- KoLeo

def _koleo_reference(z, positives):
    """The lecture's formula, one point at a time."""
    total = 0.0
    for i, zi in enumerate(z.tolist()):
        dists = [math.dist(zi, zj) for j, zj in enumerate(z.tolist()) if j != i and not positives[i][j]]
        total += -math.log(min(dists))
    return total / len(z)


def test_koleo_matches_loop_reference():
    g = torch.Generator().manual_seed(2)
    z = inn.l2_normalize(torch.randn(30, 5, generator=g, dtype=torch.float64))
    same = torch.arange(30) // 2  # pairs of views: 0-1, 2-3, ...
    positives = (same[:, None] == same[None, :]) & ~torch.eye(30, dtype=torch.bool)
    for mask in (None, positives):
        ref = _koleo_reference(z, positives.tolist() if mask is not None else [[False] * 30] * 30)
        assert inn.koleo(z, mask, eps=0.0).item() == pytest.approx(ref, rel=1e-12)


def test_koleo_closed_form_on_a_line():
    # points 0, 1, 3, 7 on a line: nearest distances 1, 1, 2, 4
    z = torch.tensor([[0.0], [1.0], [3.0], [7.0]], dtype=torch.float64)
    expected = -(math.log(1) + math.log(1) + math.log(2) + math.log(4)) / 4
    assert inn.koleo(z, eps=0.0).item() == pytest.approx(expected)
    np.testing.assert_allclose(inn.koleo(z, eps=0.0, reduction="none").numpy(),
                               [0, 0, -math.log(2), -math.log(4)], atol=1e-12)
    # 0 and 1 declared positives of each other: 0's nearest non-positive is 3, 1's is 3 (distance 2)
    mask = torch.zeros(4, 4, dtype=torch.bool)
    mask[0, 1] = mask[1, 0] = True
    expected = -(math.log(3) + math.log(2) + math.log(2) + math.log(4)) / 4
    assert inn.koleo(z, mask, eps=0.0).item() == pytest.approx(expected)
    assert inn.KoLeo(eps=0.0)(z, mask).item() == pytest.approx(expected)
    assert inn.koleo(z, mask, eps=0.0, reduction="sum").item() == pytest.approx(4 * expected)


def test_koleo_spreading_lowers_the_loss():
    # the same 8 unit vectors, crowded vs evenly spread on the circle
    angles = torch.arange(8, dtype=torch.float64)
    spread = torch.stack([torch.cos(angles * math.pi / 4), torch.sin(angles * math.pi / 4)], 1)
    crowded = torch.stack([torch.cos(angles * 0.1), torch.sin(angles * 0.1)], 1)
    assert inn.koleo(spread).item() < inn.koleo(crowded).item()
    # evenly spread: every nearest neighbour at the chord 2 sin(pi/8)
    assert inn.koleo(spread, eps=0.0).item() == pytest.approx(-math.log(2 * math.sin(math.pi / 8)))


def test_koleo_invariant_to_rotation_and_order():
    g = torch.Generator().manual_seed(3)
    z = torch.randn(12, 4, generator=g, dtype=torch.float64)
    q, _ = torch.linalg.qr(torch.randn(4, 4, generator=g, dtype=torch.float64))
    perm = torch.randperm(12, generator=g)
    base = inn.koleo(z).item()
    assert inn.koleo(z @ q).item() == pytest.approx(base, rel=1e-10)
    assert inn.koleo(z[perm]).item() == pytest.approx(base, rel=1e-10)


def test_koleo_gradcheck():
    g = torch.Generator().manual_seed(4)
    z = torch.randn(7, 3, generator=g, dtype=torch.float64).requires_grad_()
    mask = torch.zeros(7, 7, dtype=torch.bool)
    mask[0, 1] = mask[1, 0] = mask[2, 3] = mask[3, 2] = True
    assert torch.autograd.gradcheck(lambda x: inn.koleo(x, mask), (z,))


@pytest.mark.parametrize("args, err", [
    ((torch.zeros(1, 3),), ValueError),
    ((torch.zeros(4),), ValueError),
    ((torch.zeros(3, 2, dtype=torch.int64),), TypeError),
    ((np.zeros((3, 2)),), TypeError),
    ((torch.zeros(3, 2), torch.zeros(2, 2, dtype=torch.bool)), ValueError),
    ((torch.zeros(3, 2), torch.zeros(3, 3)), TypeError),
    ((torch.zeros(2, 2), torch.ones(2, 2, dtype=torch.bool)), ValueError),
])
def test_koleo_bad_inputs(args, err):
    with pytest.raises(err):
        inn.koleo(*args)


# ---- InfoNCE / NT-Xent (chapter 9) ----

def _info_nce_reference(z1, z2, tau):
    """Chen et al. 2020, Eq. 1, one pair at a time in plain Python."""
    z = [list(map(float, r)) for r in torch.cat([z1, z2]).tolist()]
    z = [[v / math.sqrt(sum(u * u for u in r)) for v in r] for r in z]
    n2 = len(z)
    n = n2 // 2
    total = 0.0
    for i in range(n2):
        sims = [sum(a * b for a, b in zip(z[i], z[k])) / tau for k in range(n2)]
        pos = (i + n) % n2
        total += -math.log(math.exp(sims[pos]) / sum(math.exp(sims[k]) for k in range(n2) if k != i))
    return total / n2


def test_info_nce_matches_loop_reference():
    g = torch.Generator().manual_seed(0)
    z1 = torch.randn(7, 5, generator=g, dtype=torch.float64)
    z2 = torch.randn(7, 5, generator=g, dtype=torch.float64)
    for tau in (0.1, 0.5, 1.0):
        assert inn.info_nce(z1, z2, tau).item() == pytest.approx(_info_nce_reference(z1, z2, tau), rel=1e-10)
    per = inn.info_nce(z1, z2, 0.5, reduction="none")
    assert per.shape == (14,) and per.mean().item() == pytest.approx(inn.InfoNCE(0.5)(z1, z2).item())


def test_info_nce_closed_forms():
    n, tau = 4, 0.5
    e = torch.eye(n, dtype=torch.float64) * 3.0      # aligned pairs, the other images orthogonal (norm removed)
    want = -math.log(math.exp(1 / tau) / (math.exp(1 / tau) + 2 * n - 2))
    assert inn.info_nce(e, e, tau).item() == pytest.approx(want, rel=1e-12)
    # everything identical: the positive is one of 2N - 1 equal candidates
    same = torch.ones(n, 3, dtype=torch.float64)
    assert inn.info_nce(same, same, tau).item() == pytest.approx(math.log(2 * n - 1), rel=1e-12)
    # tau -> infinity: every softmax uniform, loss -> log(2N - 1) whatever the embeddings
    g = torch.Generator().manual_seed(2)
    z1, z2 = torch.randn(n, 3, generator=g, dtype=torch.float64), torch.randn(n, 3, generator=g, dtype=torch.float64)
    assert inn.info_nce(z1, z2, 1e6).item() == pytest.approx(math.log(2 * n - 1), rel=1e-5)
    # scaling the rows changes nothing (rows are normalised inside)
    assert inn.info_nce(5 * z1, 0.1 * z2, 0.3).item() == pytest.approx(inn.info_nce(z1, z2, 0.3).item(), rel=1e-12)


def test_info_nce_low_temperature_finite_and_sharp():
    n = 6
    e = torch.eye(n)
    aligned = inn.info_nce(e, e, 0.01)
    assert torch.isfinite(aligned) and aligned.item() < 1e-6           # e^{100} dominates
    g = torch.Generator().manual_seed(3)
    z1 = torch.randn(64, 16, generator=g)
    z2 = torch.randn(64, 16, generator=g)
    low = inn.info_nce(z1, z2, 0.01)
    assert torch.isfinite(low) and low.item() > 10                    # a random positive loses by ~1/τ
    z1.requires_grad_()
    inn.info_nce(z1, z2, 0.01).backward()
    assert torch.isfinite(z1.grad).all()


def test_info_nce_gradcheck():
    g = torch.Generator().manual_seed(4)
    z1 = torch.randn(5, 3, generator=g, dtype=torch.float64).requires_grad_()
    z2 = torch.randn(5, 3, generator=g, dtype=torch.float64).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: inn.info_nce(a, b, 0.2), (z1, z2))


def test_info_nce_symmetric_in_views():
    g = torch.Generator().manual_seed(5)
    z1 = torch.randn(8, 4, generator=g, dtype=torch.float64)
    z2 = torch.randn(8, 4, generator=g, dtype=torch.float64)
    assert inn.info_nce(z1, z2).item() == pytest.approx(inn.info_nce(z2, z1).item(), rel=1e-12)
    perm = torch.randperm(8, generator=g)
    assert inn.info_nce(z1[perm], z2[perm]).item() == pytest.approx(inn.info_nce(z1, z2).item(), rel=1e-12)


def test_positive_pair_mask():
    m = inn.positive_pair_mask(3)
    want = np.zeros((6, 6), dtype=bool)
    for i in range(3):
        want[i, i + 3] = want[i + 3, i] = True
    np.testing.assert_array_equal(m.numpy(), want)
    assert m.dtype == torch.bool
    with pytest.raises(ValueError, match="n must be >= 1"):
        inn.positive_pair_mask(0)


@pytest.mark.parametrize("args, err", [
    ((torch.zeros(3, 2), torch.zeros(4, 2)), ValueError),
    ((torch.zeros(3), torch.zeros(3)), ValueError),
    ((torch.zeros(0, 2), torch.zeros(0, 2)), ValueError),
    ((torch.zeros(3, 2, dtype=torch.int64), torch.zeros(3, 2, dtype=torch.int64)), TypeError),
    ((torch.ones(3, 2), torch.ones(3, 2), 0.0), ValueError),
    ((torch.ones(3, 2), torch.ones(3, 2), -1.0), ValueError),
])
def test_info_nce_bad_inputs(args, err):
    with pytest.raises(err):
        inn.info_nce(*args)


def test_info_nce_chance_is_the_uniform_softmax():
    assert inn.info_nce_chance(1) == 0.0
    assert inn.info_nce_chance(256) == pytest.approx(math.log(511))
    same = torch.ones(5, 3)
    assert inn.info_nce(same, same).item() == pytest.approx(inn.info_nce_chance(5), rel=1e-6)
    with pytest.raises(ValueError, match="n must be >= 1"):
        inn.info_nce_chance(0)
