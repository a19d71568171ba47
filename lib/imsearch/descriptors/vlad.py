"""VLAD (chapter 7): per visual word, the sum of the residuals of the descriptors assigned to it.

References: H. Jégou, M. Douze, C. Schmid, P. Pérez. Aggregating local descriptors into
a compact image representation. CVPR 2010. R. Arandjelović, A. Zisserman. All about
VLAD. CVPR 2013 (intra-normalisation).
"""
from __future__ import annotations



import numpy as np

from .._util.validation import check_array, check_int, check_number
from ..signal.quantization import assign
from ..descriptors.bow import _check_centroids, _descriptors, _sp, l2_normalize


# ============================================================================ VLAD

def vlad_aggregate(descriptors, centroids) -> np.ndarray:
    """The raw VLAD vector: per centroid, the sum of the residuals ``x - c`` of the descriptors assigned to it.

    Each descriptor goes to its nearest centroid (Euclidean distance, ties to the lower
    index); the ``k`` residual sums of dimension ``d`` are concatenated, centroid after
    centroid. No normalisation.

    Parameters
    ----------
    descriptors : (M, d) float array (M may be 0)
    centroids : (k, d) float array

    Returns
    -------
    (k · d,) float64 array

    References
    ----------
    H. Jégou, M. Douze, C. Schmid and P. Pérez. Aggregating local descriptors into a
    compact image representation. CVPR 2010.
    """
    c = check_array(centroids, "centroids", ndim=2, kinds="iuf").astype(np.float64)
    x = check_array(descriptors, "descriptors", ndim=2, kinds="iuf", allow_empty=True).astype(np.float64)
    if x.shape[1] != c.shape[1]:
        raise ValueError(f"descriptors and centroids must have the same dimension, got {x.shape[1]} and {c.shape[1]}")
    v = np.zeros_like(c)
    if len(x):
        w = assign(x, c)
        np.add.at(v, w, x - c[w])
    return v.ravel()


def power_normalize(x, alpha=0.5) -> np.ndarray:
    """Signed power normalisation ``sign(x) |x|^alpha`` (alpha = 0.5: the signed square root).

    References
    ----------
    F. Perronnin, J. Sánchez and T. Mensink. Improving the Fisher kernel for large-scale
    image classification. ECCV 2010; Jégou et al. PAMI 2012 (for VLAD).
    """
    a = check_array(x, "x", kinds="iuf", allow_empty=True)
    alpha = check_number(alpha, "alpha", minimum=0.0, maximum=1.0, strict_min=True)
    a = a.astype(np.float32 if a.dtype == np.float32 else np.float64)
    return np.sign(a) * np.abs(a) ** alpha


def intra_normalize(x, n_words: int) -> np.ndarray:
    """L2-normalise each centroid's block of ``d = D / n_words`` values of VLAD vectors (zero blocks stay zero).

    Parameters
    ----------
    x : (D,) or (N, D) float array, D a multiple of n_words
    n_words : int

    References
    ----------
    R. Arandjelović and A. Zisserman. All about VLAD. CVPR 2013.
    """
    a = check_array(x, "x", ndim=(1, 2), kinds="iuf", allow_empty=True)
    n_words = check_int(n_words, "n_words", minimum=1)
    if a.shape[-1] % n_words:
        raise ValueError(f"x must have a multiple of n_words = {n_words} values per row, got {a.shape[-1]}")
    a = a.astype(np.float32 if a.dtype == np.float32 else np.float64)
    blocks = a.reshape(a.shape[:-1] + (n_words, a.shape[-1] // n_words))
    norms = np.linalg.norm(blocks, axis=-1, keepdims=True)
    return np.divide(blocks, norms, out=np.zeros_like(blocks), where=norms > 0).reshape(a.shape)


def vlad_descriptors(descriptors, words, image_ids, n_images: int, centroids, alpha=0.5, intra: bool = True,
                     batch_images: int = 256) -> np.ndarray:
    """VLAD vectors of many images at once: residual sums, power and intra-normalisation, L2.

    Parameters
    ----------
    descriptors : (M, d) float array
    words : (M,) int array
        Nearest centroid of each descriptor (:func:`imsearch.descriptors.assign_words`).
    image_ids : (M,) int array in ``0 .. n_images-1``, non-decreasing
    n_images : int
    centroids : (k, d) float array
    alpha : float in (0, 1]
        Power normalisation (1 = none).
    intra : bool
        Intra-normalisation (per-centroid L2) after the power normalisation.
    batch_images : int
        Images aggregated at once (memory bound).

    Returns
    -------
    (n_images, k · d) float32 array of unit (or zero) rows
    """
    c = _check_centroids(centroids).astype(np.float32)
    x = _descriptors(descriptors)
    if x.shape[1] != c.shape[1]:
        raise ValueError(f"descriptors and centroids must have the same dimension, got {x.shape[1]} and {c.shape[1]}")
    k, d = c.shape
    w = check_array(words, "words", shape=(len(x),), kinds="iu", allow_empty=True, min_value=0,
                    max_value=k - 1).astype(np.int64)
    n_images = check_int(n_images, "n_images", minimum=0)
    img = check_array(image_ids, "image_ids", shape=(len(x),), kinds="iu", allow_empty=True, min_value=0,
                      max_value=max(n_images - 1, 0)).astype(np.int64)
    if np.any(np.diff(img) < 0):
        raise ValueError("image_ids must be non-decreasing (features stored image after image)")
    alpha = check_number(alpha, "alpha", minimum=0.0, maximum=1.0, strict_min=True)
    batch_images = check_int(batch_images, "batch_images", minimum=1)
    sp = _sp()
    out = np.zeros((n_images, k * d), np.float32)
    bounds = np.searchsorted(img, np.arange(0, n_images + batch_images, batch_images))
    for bi, a in enumerate(range(0, n_images, batch_images)):
        b = min(a + batch_images, n_images)
        lo, hi = bounds[bi], bounds[bi + 1] if bi + 1 < len(bounds) else len(img)
        rows = (img[lo:hi] - a) * k + w[lo:hi]
        onehot = sp.csr_matrix((np.ones(hi - lo, np.float32), (rows, np.arange(hi - lo))),
                               shape=((b - a) * k, hi - lo))
        sums = np.asarray(onehot @ x[lo:hi].astype(np.float32))
        counts = np.bincount(rows, minlength=(b - a) * k).astype(np.float32)
        v = (sums - counts[:, None] * np.tile(c, (b - a, 1))).reshape(b - a, k * d)
        if alpha != 1.0:
            v = power_normalize(v, alpha)
        if intra:
            v = intra_normalize(v, k)
        out[a:b] = l2_normalize(v.astype(np.float32))
    return out
