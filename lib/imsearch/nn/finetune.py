"""Fine-tuning the last stage of EfficientNet-Lite0 for retrieval, on cached activation maps.

Radenović, Tolias & Chum (PAMI 2018) fine-tune a whole ImageNet network for retrieval
with the contrastive loss on matching / non-matching pairs, GeM pooling and a learned
whitening. The course's miniature keeps the network frozen up to ``stage6``, caches
those activation maps once, and trains only what follows: ``stage7`` and the head
(copies of the ImageNet weights), GeM, and a linear projection initialised with the
PCA whitening of the training descriptors — so training starts from "GeM + whitening"
and takes minutes on a CPU.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from .losses import contrastive_loss
from .pooling import GeM, l2_normalize

__all__ = ["FEATURE_STAGES", "RetrievalHead", "efficientnet_features", "pair_mining_loss", "same_class_ap"]

#: Stages whose pooled descriptors :func:`efficientnet_features` caches.
FEATURE_STAGES = ("stage4", "stage5", "stage6", "stage7", "head")


class RetrievalHead(nn.Module):
    """``stage6`` activation map → stage7 → head → GeM → projection → L2-normalised embedding.

    Parameters
    ----------
    model : imsearch.nn.EfficientNetLite0
        Its stage 7 and head are copied (the original is not modified).
    dimension : int
        Output size of the projection.
    p : float
        Initial GeM exponent (learned).
    whitening : imsearch.nn.Whitening, optional
        Initialises the projection as this whitening (``dimension`` = its dimension).
    """

    def __init__(self, model, dimension: int = 256, p: float = 3.0, whitening=None):
        super().__init__()
        net = model.net
        self.block = copy.deepcopy(net._blocks[15])
        self.conv_head = copy.deepcopy(net._conv_head)
        self.bn_head = copy.deepcopy(net._bn1)
        self.pool = GeM(p, learn_p=True)
        if whitening is not None:
            dimension = whitening.dimension
        self.projection = nn.Linear(1280, dimension)
        if whitening is not None:
            w = whitening.components / np.sqrt(np.maximum(whitening.variances, 1e-12))[:, None]
            with torch.no_grad():
                self.projection.weight.copy_(torch.from_numpy(w).float())
                self.projection.bias.copy_(torch.from_numpy(-(w @ whitening.mean)).float())

    def forward(self, stage6_maps):
        x = self.block(stage6_maps)
        x = torch.clamp(self.bn_head(self.conv_head(x)), 0, 6)  # ReLU6, as in the network
        return l2_normalize(self.projection(self.pool(x)))


def pair_mining_loss(z: torch.Tensor, labels: torch.Tensor, margin: float = 0.7) -> torch.Tensor:
    """Contrastive loss over a batch: every positive pair, and each anchor's hardest negative.

    Parameters
    ----------
    z : (B, D) float tensor, L2-normalised embeddings
    labels : (B,) int tensor
    margin : float

    Returns
    -------
    scalar tensor: the mean of :func:`imsearch.nn.contrastive_loss` over those pairs (Radenović
    et al. mine the negatives that are closest under the current network).
    """
    if z.ndim != 2 or labels.shape != (z.shape[0],):
        raise ValueError(f"z must be (B, D) and labels (B,), got {tuple(z.shape)} and {tuple(labels.shape)}")
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(z), dtype=torch.bool)
    i, j = torch.nonzero(same & ~eye & torch.triu(torch.ones_like(eye), 1), as_tuple=True)
    with torch.no_grad():
        d = torch.cdist(z, z).masked_fill(same, float("inf"))
        hard = d.argmin(dim=1)
    anchors = torch.arange(len(z))[torch.isfinite(d.min(dim=1).values)]
    a = torch.cat([z[i], z[anchors]])
    b = torch.cat([z[j], z[hard[anchors]]])
    y = torch.cat([torch.ones(len(i)), torch.zeros(len(anchors))])
    return contrastive_loss(a, b, y, margin)


def same_class_ap(descriptors, labels) -> np.ndarray:
    """Average precision of same-class retrieval: each image queries all the others.

    AP by the trapezoid rule with ties ranked pessimistically, the definition of
    :func:`imsearch.eval.metrics.average_precision` (which this layer may not import; a test
    checks that the two agree).

    Parameters
    ----------
    descriptors : (N, D) float array (cosine similarity; L2-normalise first)
    labels : (N,) int array

    Returns
    -------
    (N,) float64 array of AP (mean = mAP); queries whose class has no other member get NaN.
    """
    x = np.asarray(descriptors, np.float64)
    y = np.asarray(labels)
    if x.ndim != 2 or y.shape != (len(x),):
        raise ValueError(f"descriptors must be (N, D) and labels (N,), got {x.shape} and {y.shape}")
    sim = x @ x.T
    ap = np.full(len(x), np.nan)
    keep = np.ones(len(x), bool)
    for q in range(len(x)):
        keep[q] = False
        scores, relevant = sim[q][keep], (y == y[q])[keep]
        keep[q] = True
        n_rel = int(relevant.sum())
        if n_rel == 0:
            continue
        order = np.lexsort((relevant, -scores))      # score descending, non-relevant first on ties
        ranks = np.flatnonzero(relevant[order]).astype(np.float64)
        j = np.arange(n_rel, dtype=np.float64)
        before = np.where(ranks > 0, j / np.maximum(ranks, 1), 1.0)
        ap[q] = float(np.sum((before + (j + 1) / (ranks + 1)) / 2) / n_rel)
    return ap


def efficientnet_features(images, tag: str, model=None, size: int = 160, mode: str = "pad", progress: bool = True,
                          rebuild: bool = False) -> dict:
    """The chapter's one feature pass, cached: pooled descriptors of several stages + the stage-6 maps.

    Parameters
    ----------
    images : sequence of (H, W, 3) uint8
    tag : str
        Name of the image set (part of the cache file name).
    model : EfficientNetLite0, optional
        Loaded when needed (not at all when the cache is warm).
    size, mode
        Input convention (:func:`imsearch.nn.fit_square`): 160 px, padded by default.
    progress, rebuild : bool

    Returns
    -------
    dict
        ``"<stage>/<avg|mac|gem>"`` (N, C) float32 for each stage of :data:`FEATURE_STAGES`
        (GeM with p = 3, not normalised), ``"stage6"`` (N, 192, h, w) float32 maps, and
        ``"seconds_per_image"``.
    """
    from .extraction import cached_extract, efficientnet_pooled
    from .models import EfficientNetLite0, load_efficientnet_lite0

    holder = {}

    def fn(x):
        if "m" not in holder:
            holder["m"] = model if model is not None else load_efficientnet_lite0()
            holder["f"] = efficientnet_pooled(holder["m"], FEATURE_STAGES, ("avg", "mac", "gem"), 3.0, ("stage6",))
        return holder["f"](x)

    return cached_extract(fn, images, EfficientNetLite0.model_id, "pooled:" + ",".join(FEATURE_STAGES) + "|p3|stage6",
                          tag, rebuild=rebuild, size=size, mode=mode, batch_size=32, progress=progress)
