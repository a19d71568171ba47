"""Dense local features kept by attention: the DELF idea in miniature (chapter 5).

DELF (Noh et al., ICCV 2017) takes the activation map of a CNN as a grid of dense local
descriptors, one per cell (its receptive field plays the keypoint's scale), scores every cell
with an attention network trained from image labels, and keeps the cells with the highest
attention as keypoints; matching and geometric verification are then chapter 5's. This
module does the selection on any activation map with any attention score; the network
that produces the map lives in :mod:`imsearch.nn`.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_int, check_number


def attentive_keypoints(feature_map, attention, stride_px, n_keep: int = 300):
    """The cells of a dense feature map with the highest attention, as keypoints with descriptors.

    Parameters
    ----------
    feature_map : (C, H, W) array_like of float
        One C-dimensional local descriptor per cell (a CNN stage's activations).
    attention : (H, W) array_like of float
        A score per cell; higher is kept first (DELF: a trained attention network).
    stride_px : float > 0
        Pixels between two cells in the input image (the stage's total stride).
    n_keep : int >= 1
        Cells kept (at most ``H · W``).

    Returns
    -------
    keypoints : (n, 2) float64 array
        ``(x, y)`` of the kept cells' centres in input pixels, ``((j + 0.5)·stride, (i + 0.5)·stride)``,
        by decreasing attention (ties: row-major order).
    scores : (n,) float64 array
        Their attention.
    descriptors : (n, C) float64 array
        Their feature vectors, L2-normalised (a zero vector stays zero).
    """
    f = check_array(feature_map, "feature_map", ndim=3, kinds="iuf").astype(np.float64)
    c, h, w = f.shape
    a = check_array(attention, "attention", shape=(h, w), kinds="iuf").astype(np.float64)
    stride = check_number(stride_px, "stride_px", minimum=0.0, strict_min=True)
    n = min(check_int(n_keep, "n_keep", minimum=1), h * w)
    order = np.argsort(-a.ravel(), kind="stable")[:n]
    rows, cols = np.divmod(order, w)
    desc = f.reshape(c, -1)[:, order].T
    norms = np.linalg.norm(desc, axis=1, keepdims=True)
    desc = np.divide(desc, norms, out=np.zeros_like(desc), where=norms > 0)
    xy = np.column_stack([(cols + 0.5) * stride, (rows + 0.5) * stride])
    return xy, a.ravel()[order], desc
