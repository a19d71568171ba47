"""From an activation map to an embedding: average pooling, MAC, GeM, L2 normalisation.

An activation map ``(N, C, H, W)`` is a dense set of ``H·W`` local descriptors of
dimension ``C``; a pooling function turns it into one ``C``-vector per image. Each
pooling is a plain function of a tensor, with a thin ``torch.nn.Module`` over it.

* average pooling (what classification networks use);
* MAC, maximum activation of convolutions (Tolias, Sicre & Jégou, ICLR 2016);
* GeM, generalised mean ``(mean_x x^p)^(1/p)`` (Radenović, Tolias & Chum, PAMI 2018):
  ``p = 1`` is the average, ``p → ∞`` the maximum; ``p`` fixed or learned.
"""
from __future__ import annotations

import torch
from torch import nn

__all__ = ["GeM", "L2Norm", "avg_pool", "gem", "l2_normalize", "mac"]


def _check_map(x, name="x"):
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"{name} must have shape (N, C, H, W), got {tuple(x.shape)}")
    if x.shape[2] * x.shape[3] == 0:
        raise ValueError(f"{name} must have at least one spatial position, got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {x.dtype}")
    return x


def avg_pool(x: torch.Tensor) -> torch.Tensor:
    """Average of the activation map over its spatial positions.

    Parameters
    ----------
    x : (N, C, H, W) float tensor

    Returns
    -------
    (N, C) float tensor
    """
    return _check_map(x).mean(dim=(2, 3))


def mac(x: torch.Tensor) -> torch.Tensor:
    """Maximum activation of convolutions: the maximum of each channel over the positions.

    Parameters
    ----------
    x : (N, C, H, W) float tensor

    Returns
    -------
    (N, C) float tensor

    References
    ----------
    G. Tolias, R. Sicre, H. Jégou. Particular object retrieval with integral max-pooling of
    CNN activations. ICLR 2016.
    """
    return _check_map(x).amax(dim=(2, 3))


def gem(x: torch.Tensor, p=3.0, eps: float = 1e-6) -> torch.Tensor:
    """Generalised-mean pooling ``f_k = (1/|X| Σ_x x_k^p)^(1/p)``.

    Activations are clamped to ``eps`` first (GeM assumes non-negative maps, as after a
    ReLU); ``p = 1`` gives :func:`avg_pool` and a large ``p`` tends to :func:`mac`.

    Parameters
    ----------
    x : (N, C, H, W) float tensor
    p : float or scalar tensor, > 0
        The exponent (a tensor when it is learned; gradients flow to it).
    eps : float
        Lower clamp of the activations.

    Returns
    -------
    (N, C) float tensor

    References
    ----------
    F. Radenović, G. Tolias, O. Chum. Fine-tuning CNN image retrieval with no human
    annotation. IEEE PAMI 41(7), 2018.
    """
    x = _check_map(x)
    if isinstance(p, torch.Tensor):
        if p.numel() != 1:
            raise ValueError(f"p must be a scalar, got shape {tuple(p.shape)}")
        if float(p.detach()) <= 0:
            raise ValueError(f"p must be > 0, got {float(p.detach())}")
        pv = p.reshape(())
    else:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p < float("inf"):
            raise ValueError(f"p must be a finite number > 0, got {p!r}")
        pv = float(p)
    return x.clamp(min=eps).pow(pv).mean(dim=(2, 3)).pow(1.0 / pv)


def l2_normalize(x: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """Rows divided by their Euclidean norm (zero rows stay zero).

    Parameters
    ----------
    x : (N, D) float tensor

    Returns
    -------
    (N, D) float tensor of unit (or zero) rows
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 2:
        raise ValueError(f"x must have shape (N, D), got {tuple(x.shape)}")
    return x / x.norm(dim=1, keepdim=True).clamp(min=eps)


class GeM(nn.Module):
    """:func:`gem` as a layer; ``learn_p=True`` makes ``p`` a trained parameter."""

    def __init__(self, p: float = 3.0, learn_p: bool = False, eps: float = 1e-6):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not p > 0:
            raise ValueError(f"p must be a number > 0, got {p!r}")
        t = torch.tensor(float(p))
        if learn_p:
            self.p = nn.Parameter(t)
        else:
            self.register_buffer("p", t)
        self.eps = eps

    def forward(self, x):
        return gem(x, self.p, self.eps)

    def extra_repr(self):
        return f"p={float(self.p.detach()):.3g}, learn_p={isinstance(self.p, nn.Parameter)}"


class L2Norm(nn.Module):
    """:func:`l2_normalize` as a layer."""

    def forward(self, x):
        return l2_normalize(x)
