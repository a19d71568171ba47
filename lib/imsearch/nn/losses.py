"""Losses for training embeddings; the later chapters add InfoNCE and KoLeo here."""
from __future__ import annotations

import torch
from torch import nn

__all__ = ["ContrastiveLoss", "contrastive_loss"]


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
