"""PCA whitening of global descriptors, learned on one set of images and applied to another.

Whitening centres the descriptors, rotates them onto their principal axes and divides
each axis by its standard deviation, so that the training descriptors have an identity
covariance; frequent, correlated directions (the "bursty" ones) then weigh less
(Jégou & Chum, ECCV 2012; Radenović et al., PAMI 2018, learned it from matching pairs).
The linear algebra is :func:`imsearch.descriptors.pca_fit`; this module keeps the fitted
transform together and applies it to new descriptors.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._util.validation import check_array, check_int
from ..descriptors.pca import pca_fit, pca_project

__all__ = ["Whitening", "learn_whitening", "whitened_cosine"]


@dataclass(frozen=True)
class Whitening:
    """A PCA-whitening transform: ``y = diag(variances)^(-1/2) · components · (x − mean)``.

    Attributes
    ----------
    mean : (D,) float64
    components : (d, D) float64, orthonormal rows
    variances : (d,) float64, the training variance along each component
    """

    mean: np.ndarray
    components: np.ndarray
    variances: np.ndarray

    @property
    def dimension(self) -> int:
        return len(self.variances)

    def transform(self, x, normalize: bool = True) -> np.ndarray:
        """Whiten rows of ``x``.

        Parameters
        ----------
        x : (N, D) float array
        normalize : bool
            L2-normalise the whitened rows (for cosine search); ``False`` returns the raw
            whitened coordinates (their training covariance is the identity).

        Returns
        -------
        (N, d) float32 array
        """
        if normalize:
            return pca_project(x, self.mean, self.components, self.variances)
        a = check_array(x, "x", ndim=2, kinds="iuf", allow_empty=True).astype(np.float64)
        if a.shape[1] != self.components.shape[1]:
            raise ValueError(f"x must have {self.components.shape[1]} columns, got {a.shape[1]}")
        return (((a - self.mean) @ self.components.T) / np.sqrt(np.maximum(self.variances, 1e-12))).astype(np.float32)


def learn_whitening(x, n_components: int | None = None) -> Whitening:
    """Learn PCA whitening on training descriptors (apply it to *other* images with ``.transform``).

    Parameters
    ----------
    x : (N, D) float array
        Training descriptors (e.g. L2-normalised GeM vectors of a disjoint image set).
    n_components : int, optional
        Output dimension ``d`` (at most ``min(N, D)``; default all of it). Keep it below the
        number of training images: directions of tiny variance are noise that whitening
        would blow up.

    Returns
    -------
    Whitening

    References
    ----------
    H. Jégou, O. Chum. Negative evidences and co-occurrences in image retrieval: the
    benefit of PCA and whitening. ECCV 2012.
    """
    a = check_array(x, "x", ndim=2, kinds="iuf")
    if a.shape[0] < 2:
        raise ValueError(f"x must have at least 2 rows to learn a whitening, got {a.shape[0]}")
    d = min(a.shape) if n_components is None else check_int(n_components, "n_components", minimum=1,
                                                              maximum=min(a.shape))
    mean, comp, var = pca_fit(a, d)
    return Whitening(mean, comp, var)


def whitened_cosine(train, queries, database, n_components: int) -> np.ndarray:
    """Cosine similarities after PCA whitening learned on ``train``.

    Parameters
    ----------
    train : (N, D) float array
        Descriptors the whitening is learned on (disjoint from the searched images).
    queries : (Q, D) float array
    database : (M, D) float array
    n_components : int

    Returns
    -------
    (Q, M) float array: dot products of the L2-normalised whitened vectors (unchanged by the
    signs of the principal axes, so any correct PCA gives the same numbers).
    """
    w = learn_whitening(train, n_components)
    q = w.transform(queries).astype(np.float64)
    d = w.transform(database).astype(np.float64)
    return q @ d.T
