"""PCA with optional whitening (chapter 7), to shorten VLAD vectors.

Reference: H. Jégou, O. Chum. Negative evidences and co-occurrences in image retrieval:
the benefit of PCA and whitening. ECCV 2012.
"""
from __future__ import annotations



import numpy as np

from .._util.validation import check_array, check_int
from ..descriptors.bow import l2_normalize


def pca_fit(x, n_components: int):
    """Principal components of the rows of ``x`` (from the centred data, by SVD or the Gram matrix).

    Parameters
    ----------
    x : (N, D) float array
    n_components : int, at most ``min(N, D)``

    Returns
    -------
    mean : (D,) float64 array
    components : (n_components, D) float64 array
        Orthonormal rows by decreasing variance, each signed so that its largest
        coefficient is positive (deterministic).
    variances : (n_components,) float64 array
        The variance of the data along each component (``s² / N``).
    """
    a = check_array(x, "x", ndim=2, kinds="iuf").astype(np.float64)
    n_components = check_int(n_components, "n_components", minimum=1, maximum=min(a.shape))
    mean = a.mean(axis=0)
    centred = a - mean
    if a.shape[0] < a.shape[1]:
        # fewer samples than dimensions: eigenvectors u of the (N, N) Gram matrix give the
        # components X^T u / s, at a fraction of the cost of the SVD of X
        evals, u = np.linalg.eigh(centred @ centred.T)
        order = np.argsort(evals)[::-1][:n_components]
        sq = np.maximum(evals[order], 0.0)
        sv = np.sqrt(sq)
        vt = (centred.T @ u[:, order]).T / np.where(sv > 0, sv, 1.0)[:, None]
    else:
        _, sv_all, vt = np.linalg.svd(centred, full_matrices=False)
        sq, vt = sv_all[:n_components] ** 2, vt[:n_components]
    signs = np.sign(vt[np.arange(len(vt)), np.argmax(np.abs(vt), axis=1)])
    vt = vt * np.where(signs == 0, 1.0, signs)[:, None]
    return mean, vt.copy(), sq / len(a)


def pca_project(x, mean, components, variances=None) -> np.ndarray:
    """Project rows onto principal components (whitened when ``variances`` is given), then L2-normalise.

    Parameters
    ----------
    x : (N, D) float array
    mean : (D,) float array
    components : (d, D) float array
    variances : (d,) float array, optional
        Divide each coordinate by the square root of its variance (PCA whitening, which
        helps BoW and VLAD vectors: Jégou & Chum, ECCV 2012).

    Returns
    -------
    (N, d) float32 array of unit (or zero) rows
    """
    a = check_array(x, "x", ndim=2, kinds="iuf", allow_empty=True)
    comp = check_array(components, "components", ndim=2, kinds="f")
    mean = check_array(mean, "mean", shape=(comp.shape[1],), kinds="f")
    if a.shape[1] != comp.shape[1]:
        raise ValueError(f"x must have {comp.shape[1]} columns, got {a.shape[1]}")
    # (x - mean) @ C^T computed as x @ C^T - mean @ C^T, in the precision of x (float32 VLADs
    # are not copied to float64)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    c = comp.astype(dtype)
    y = a.astype(dtype, copy=False) @ c.T - (mean.astype(dtype) @ c.T)
    if variances is not None:
        var = check_array(variances, "variances", shape=(comp.shape[0],), kinds="iuf", min_value=0)
        y = y / np.sqrt(np.maximum(var, 1e-12 * max(var.max(), 1e-300)))
    return l2_normalize(y.astype(np.float32))
