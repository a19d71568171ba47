"""Hamming embedding (chapter 7): a binary signature per descriptor that refines its visual word.

Reference: H. Jégou, M. Douze, C. Schmid. Hamming embedding and weak geometric
consistency for large scale image search. ECCV 2008.
"""
from __future__ import annotations


from dataclasses import dataclass

import numpy as np

from .._util.validation import as_rng, check_array, check_int
from ..descriptors.bow import _descriptors


# ============================================================================ Hamming embedding

def random_orthogonal_projection(dim: int, n_bits: int = 64, seed=0) -> np.ndarray:
    """``n_bits`` orthonormal rows of a random rotation of ``R^dim`` (QR of a Gaussian matrix).

    Returns
    -------
    (n_bits, dim) float64 array with ``P @ P.T = I``
    """
    dim = check_int(dim, "dim", minimum=1)
    n_bits = check_int(n_bits, "n_bits", minimum=1, maximum=min(64, dim))
    g = as_rng(seed).standard_normal((dim, dim))
    q, r = np.linalg.qr(g)
    q = q * np.sign(np.diag(r))  # a uniformly distributed rotation (Mezzadri 2007)
    return q[:n_bits].copy()


def he_thresholds(projected, words, n_words: int) -> np.ndarray:
    """Per-word, per-bit medians of projected training descriptors (the Hamming-embedding thresholds).

    Parameters
    ----------
    projected : (M, b) float array
        Training descriptors after the random projection.
    words : (M,) int array
        Their visual words.
    n_words : int

    Returns
    -------
    (n_words, b) float64 array
        Words without training descriptors get the median over all descriptors.

    References
    ----------
    H. Jégou, M. Douze and C. Schmid. Hamming embedding and weak geometric consistency for
    large scale image search. ECCV 2008, section 3.
    """
    z = check_array(projected, "projected", ndim=2, kinds="iuf").astype(np.float64)
    n_words = check_int(n_words, "n_words", minimum=1)
    w = check_array(words, "words", shape=(len(z),), kinds="iu", min_value=0, max_value=n_words - 1)
    out = np.tile(np.median(z, axis=0), (n_words, 1))
    order = np.argsort(w, kind="stable")
    sw, sz = w[order], z[order]
    bounds = np.flatnonzero(np.diff(sw)) + 1
    for start, stop in zip(np.r_[0, bounds], np.r_[bounds, len(sw)]):
        out[sw[start]] = np.median(sz[start:stop], axis=0)
    return out


def pack_bits(bits) -> np.ndarray:
    """Pack rows of at most 64 bits into ``uint64``: column ``b`` becomes bit ``b`` (value ``2**b``).

    Parameters
    ----------
    bits : (M, b) bool or 0/1 int array, b <= 64

    Returns
    -------
    (M,) uint64 array
    """
    x = check_array(bits, "bits", ndim=2, kinds="biu", allow_empty=True, min_value=0, max_value=1)
    if x.shape[1] > 64:
        raise ValueError(f"bits must have at most 64 columns, got {x.shape[1]}")
    weights = np.left_shift(np.uint64(1), np.arange(x.shape[1], dtype=np.uint64))
    return (x.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)


def unpack_bits(signatures, n_bits: int = 64) -> np.ndarray:
    """The inverse of :func:`pack_bits`: (M,) uint64 → (M, n_bits) bool."""
    s = check_array(signatures, "signatures", ndim=1, kinds="u", allow_empty=True).astype(np.uint64)
    n_bits = check_int(n_bits, "n_bits", minimum=1, maximum=64)
    return ((s[:, None] >> np.arange(n_bits, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(bool)


def he_signatures(projected, words, thresholds) -> np.ndarray:
    """Binary signatures: bit ``b`` is 1 where the projected descriptor exceeds its word's median.

    Parameters
    ----------
    projected : (M, b) float array, b <= 64
    words : (M,) int array
    thresholds : (k, b) float array (:func:`he_thresholds`)

    Returns
    -------
    (M,) uint64 array (a value equal to the threshold gives bit 0)
    """
    z = check_array(projected, "projected", ndim=2, kinds="iuf", allow_empty=True)
    t = check_array(thresholds, "thresholds", ndim=2, kinds="iuf")
    if z.shape[1] != t.shape[1]:
        raise ValueError(f"projected and thresholds must have the same number of bits, got {z.shape[1]} "
                         f"and {t.shape[1]}")
    w = check_array(words, "words", shape=(len(z),), kinds="iu", allow_empty=True, min_value=0,
                    max_value=len(t) - 1)
    return pack_bits(z > t[w])


def hamming_distances(a, b) -> np.ndarray:
    """Hamming distances between two sets of 64-bit signatures: the popcount of ``a XOR b``.

    Parameters
    ----------
    a : (M,) uint64 array
    b : (N,) uint64 array

    Returns
    -------
    (M, N) int64 array of distances in ``0 .. 64``
    """
    x = check_array(a, "a", ndim=1, kinds="u", allow_empty=True).astype(np.uint64)
    y = check_array(b, "b", ndim=1, kinds="u", allow_empty=True).astype(np.uint64)
    return np.bitwise_count(x[:, None] ^ y[None, :]).astype(np.int64)


def chance_match_probability(n_bits: int = 64, threshold: int = 24) -> float:
    """Probability that two unrelated signatures are within ``threshold`` bits: a chance HE match.

    The bits of two independent descriptors of the same word are independent fair coins
    (each bit splits the word's training descriptors at their median), so the Hamming
    distance is Binomial(``n_bits``, 1/2) and
    ``P(h <= t) = Σ_{i <= t} C(n, i) / 2ⁿ`` (Jégou, Douze & Schmid, ECCV 2008, sec. 3).

    Parameters
    ----------
    n_bits : int >= 1
    threshold : int >= 0
        ``h_t``; a pair matches when ``h <= h_t``.

    Returns
    -------
    float in [0, 1]
    """
    import math

    n = check_int(n_bits, "n_bits", minimum=1)
    t = check_int(threshold, "threshold", minimum=0)
    return float(sum(math.comb(n, i) for i in range(min(t, n) + 1)) / 2 ** n)


@dataclass(frozen=True)
class HammingEmbedding:
    """A trained Hamming embedding: a random orthogonal projection and per-word median thresholds.

    Attributes
    ----------
    projection : (b, d) float64 array
    thresholds : (k, b) float64 array
    """

    projection: np.ndarray
    thresholds: np.ndarray

    @property
    def n_bits(self) -> int:
        return self.projection.shape[0]

    def signatures(self, descriptors, words) -> np.ndarray:
        """(M,) uint64 signatures of ``descriptors`` (M, d) with visual ``words`` (M,)."""
        x = _descriptors(descriptors)
        if x.shape[1] != self.projection.shape[1]:
            raise ValueError(f"descriptors must have dimension {self.projection.shape[1]}, got {x.shape[1]}")
        return he_signatures(x.astype(np.float64) @ self.projection.T, words, self.thresholds)


def train_hamming_embedding(descriptors, words, n_words: int, n_bits: int = 64, seed=0) -> HammingEmbedding:
    """Learn the Hamming embedding on training descriptors and their words.

    Parameters
    ----------
    descriptors : (M, d) float array
    words : (M,) int array
    n_words : int
    n_bits : int <= 64
    seed : int

    Returns
    -------
    HammingEmbedding
    """
    x = _descriptors(descriptors, allow_empty=False).astype(np.float64)
    P = random_orthogonal_projection(x.shape[1], n_bits, seed)
    return HammingEmbedding(P, he_thresholds(x @ P.T, words, n_words))
