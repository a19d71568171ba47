"""Losses for training embeddings; the later chapters add InfoNCE and KoLeo here."""
from __future__ import annotations

import torch
from torch import nn

__all__ = ["ContrastiveLoss", "InfoNCE", "KoLeo", "contrastive_loss", "info_nce", "info_nce_chance", "koleo",
           "positive_pair_mask"]


def contrastive_loss(a: torch.Tensor, b: torch.Tensor, same, margin: float = 0.7, reduction: str = "mean"):
    """Contrastive loss with a margin on pairs of embeddings.

    For a pair ``(i, j)`` with distance ``d = ||f(i) − f(j)||`` and label ``Y = 1`` (same) or
    ``0`` (different):  ``L = ½ (Y d² + (1 − Y) max(0, τ − d)²)``. Positives are pulled
    together; negatives are pushed apart until they are ``τ`` away, then ignored.

    Parameters
    ----------
    a, b : (N, D) float tensors
        The two embeddings of each pair (usually L2-normalised).
    same : (N,) bool or {0, 1} tensor or array
        ``Y``: whether the pair matches.
    margin : float > 0
        ``τ`` (0.7 in cirtorch for L2-normalised GeM features; at most 2 on the unit sphere).
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    scalar tensor, or (N,) tensor with ``reduction="none"``

    References
    ----------
    R. Hadsell, S. Chopra, Y. LeCun. Dimensionality reduction by learning an invariant
    mapping. CVPR 2006. F. Radenović, G. Tolias, O. Chum. Fine-tuning CNN image retrieval
    with no human annotation. IEEE PAMI 2018 (its Eq. 2).
    """
    for name, t in (("a", a), ("b", b)):
        if not isinstance(t, torch.Tensor) or not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor, got {type(t).__name__}")
        if t.ndim != 2 or t.shape[0] == 0:
            raise ValueError(f"{name} must have shape (N, D) with N >= 1, got {tuple(t.shape)}")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")
    y = torch.as_tensor(same, device=a.device)
    if y.shape != (a.shape[0],):
        raise ValueError(f"same must have shape ({a.shape[0]},), got {tuple(y.shape)}")
    if y.dtype != torch.bool and not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("same must hold only 0/1 or booleans")
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not margin > 0:
        raise ValueError(f"margin must be a number > 0, got {margin!r}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be one of ['mean', 'sum', 'none'], got {reduction!r}")
    y = y.to(a.dtype)
    sq = (a - b).pow(2).sum(dim=1)
    # d = sqrt(sq) has an infinite derivative at 0; eps keeps negatives at distance 0 finite
    d = (sq + 1e-12).sqrt()
    loss = 0.5 * (y * sq + (1 - y) * torch.clamp(margin - d, min=0).pow(2))
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


class ContrastiveLoss(nn.Module):
    """:func:`contrastive_loss` as a module: ``ContrastiveLoss(margin)(a, b, same)``."""

    def __init__(self, margin: float = 0.7):
        super().__init__()
        self.margin = margin

    def forward(self, a, b, same):
        return contrastive_loss(a, b, same, self.margin)

    def extra_repr(self):
        return f"margin={self.margin}"


def koleo(z: torch.Tensor, positive_mask=None, eps: float = 1e-8, reduction: str = "mean"):
    """KoLeo differential-entropy regulariser: ``−(1/n) Σ_i log min_{j ≠ i, j ∉ P_i} ||z_i − z_j||``.

    The Kozachenko–Leonenko estimator of differential entropy depends on the data through the
    log-distance of each point to its nearest neighbour; minimising its negative pushes every
    embedding away from its closest *non-matching* embedding of the batch, spreading the
    descriptors evenly (SSCD's cure for the crowded, partly collapsed SimCLR space).

    Parameters
    ----------
    z : (n, D) float tensor
        Embeddings of a batch (SSCD: L2-normalised, both views of every image), n >= 2.
    positive_mask : (n, n) bool tensor or array, optional
        ``positive_mask[i, j]``: ``j`` is a positive (a copy) of ``i``, excluded from the
        minimum (the diagonal is always excluded). ``None``: only ``j ≠ i``. Every row must
        keep at least one candidate.
    eps : float >= 0
        Added to each distance inside the log (a duplicate would otherwise give −log 0).
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    scalar tensor, or (n,) tensor with ``reduction="none"`` (``−log(d_i + eps)``)

    References
    ----------
    A. Sablayrolles, M. Douze, C. Schmid, H. Jégou. Spreading vectors for similarity search.
    ICLR 2019 (the KoLeo loss). E. Pizzi, S. D. Roy, S. N. Ravindra, P. Goyal, M. Douze.
    A self-supervised descriptor for image copy detection. CVPR 2022 (its Eq. 6, positives excluded).
    """
    if not isinstance(z, torch.Tensor) or not z.is_floating_point():
        raise TypeError(f"z must be a floating-point torch.Tensor, got {type(z).__name__}")
    if z.ndim != 2 or z.shape[0] < 2:
        raise ValueError(f"z must have shape (n, D) with n >= 2, got {tuple(z.shape)}")
    n = z.shape[0]
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps >= 0:
        raise ValueError(f"eps must be a number >= 0, got {eps!r}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be one of ['mean', 'sum', 'none'], got {reduction!r}")
    excluded = torch.eye(n, dtype=torch.bool, device=z.device)
    if positive_mask is not None:
        m = torch.as_tensor(positive_mask, device=z.device)
        if m.shape != (n, n):
            raise ValueError(f"positive_mask must have shape ({n}, {n}), got {tuple(m.shape)}")
        if m.dtype != torch.bool:
            raise TypeError(f"positive_mask must be boolean, got {m.dtype}")
        excluded = excluded | m
    if bool(excluded.all(dim=1).any()):
        bad = int(excluded.all(dim=1).nonzero()[0])
        raise ValueError(f"positive_mask leaves row {bad} without any non-positive neighbour")
    with torch.no_grad():  # which neighbour is nearest (a choice, no gradient) ...
        d2 = torch.cdist(z.detach(), z.detach()).masked_fill(excluded, float("inf"))
        nearest = d2.argmin(dim=1)
    # ... then its exact distance, differentiable through both points
    d = (z - z[nearest]).pow(2).sum(dim=1).sqrt()
    loss = -torch.log(d + eps)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


class KoLeo(nn.Module):
    """:func:`koleo` as a module: ``KoLeo()(z, positive_mask)``."""

    def __init__(self, eps: float = 1e-8):
        super().__init__()
        self.eps = eps

    def forward(self, z, positive_mask=None):
        return koleo(z, positive_mask, self.eps)

    def extra_repr(self):
        return f"eps={self.eps}"


def positive_pair_mask(n: int) -> torch.Tensor:
    """Where the positives sit in the ``(2N, 2N)`` similarity matrix of two stacked views.

    Row ``i < N`` is the first view of image ``i``; row ``N + i`` its second view. The positive
    of row ``i`` is column ``N + i`` and that of row ``N + i`` is column ``i``.

    Parameters
    ----------
    n : int >= 1
        Images in the batch (``N``).

    Returns
    -------
    (2N, 2N) bool tensor, exactly one True per row, symmetric, False on the diagonal
    """
    from .._util.validation import check_int

    n = check_int(n, "n", minimum=1)
    idx = torch.arange(2 * n)
    mask = torch.zeros(2 * n, 2 * n, dtype=torch.bool)
    mask[idx, (idx + n) % (2 * n)] = True
    return mask


def info_nce(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.5, reduction: str = "mean"):
    """InfoNCE / NT-Xent loss of SimCLR over the ``2N`` embeddings of two views of ``N`` images.

    Rows are L2-normalised; with ``s_ij`` the cosine similarity of embeddings ``i`` and ``j`` of
    the stacked batch ``z = [z1; z2]`` and ``p(i)`` the other view of ``i``::

        ℓ_i = −log( exp(s_{i,p(i)} / τ) / Σ_{k ≠ i} exp(s_ik / τ) )

    averaged over all ``2N`` rows: each view must pick its partner among ``2N − 1`` candidates
    (one positive, ``2N − 2`` negatives), a ``(2N − 1)``-way softmax classification. Computed
    with ``logsumexp`` and the self-similarity masked out, so it stays finite at τ = 0.01.

    Parameters
    ----------
    z1, z2 : (N, D) float tensors
        Embeddings (projection-head outputs) of the first and second view; row ``i`` of both
        comes from image ``i``.
    temperature : float > 0
        ``τ``: small τ sharpens the softmax (hard negatives weigh more).
    reduction : {"mean", "none"}

    Returns
    -------
    scalar tensor, or (2N,) tensor with ``reduction="none"`` (rows of ``z1`` then of ``z2``)

    References
    ----------
    T. Chen, S. Kornblith, M. Norouzi, G. Hinton. A simple framework for contrastive learning
    of visual representations. ICML 2020 (Eq. 1). A. van den Oord, Y. Li, O. Vinyals.
    Representation learning with contrastive predictive coding. arXiv:1807.03748, 2018.
    """
    from .._util.validation import check_number

    for name, t in (("z1", z1), ("z2", z2)):
        if not isinstance(t, torch.Tensor) or not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor, got {type(t).__name__}")
        if t.ndim != 2 or t.shape[0] == 0 or t.shape[1] == 0:
            raise ValueError(f"{name} must have shape (N, D) with N, D >= 1, got {tuple(t.shape)}")
    if z1.shape != z2.shape:
        raise ValueError(f"z1 and z2 must have the same shape, got {tuple(z1.shape)} and {tuple(z2.shape)}")
    temperature = check_number(temperature, "temperature", minimum=0.0, strict_min=True)
    if reduction not in ("mean", "none"):
        raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")
    n = z1.shape[0]
    z = torch.nn.functional.normalize(torch.cat([z1, z2]), dim=1)
    logits = z @ z.T / temperature                                       # (2N, 2N)
    self_mask = torch.eye(2 * n, dtype=torch.bool, device=z.device)
    logits = logits.masked_fill(self_mask, float("-inf"))
    positive = logits[positive_pair_mask(n).to(z.device)]               # one per row, in row order
    loss = torch.logsumexp(logits, dim=1) - positive
    return loss.mean() if reduction == "mean" else loss


def info_nce_chance(n: int) -> float:
    """The InfoNCE loss of embeddings that cannot tell the positive from the negatives: ``log(2N − 1)``.

    When every candidate gets the same similarity (an untrained network whose outputs are all
    alike, or τ → ∞), each row's softmax is uniform over its ``2N − 1`` candidates.

    Parameters
    ----------
    n : int >= 1
        Images in the batch (``N``; ``2N`` views).

    Returns
    -------
    float
    """
    import math

    from .._util.validation import check_int

    return math.log(2 * check_int(n, "n", minimum=1) - 1)


class InfoNCE(nn.Module):
    """:func:`info_nce` as a module: ``InfoNCE(temperature)(z1, z2)``."""

    def __init__(self, temperature: float = 0.5):
        super().__init__()
        self.temperature = temperature

    def forward(self, z1, z2):
        return info_nce(z1, z2, self.temperature)

    def extra_repr(self):
        return f"temperature={self.temperature}"
