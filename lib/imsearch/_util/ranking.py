"""The one ranking kernel of the library: order scores best first, ties to the lower index.

It lives at the bottom of the layers because both :mod:`imsearch.matching` (chapter 5's
nearest neighbours, below ``index``) and :mod:`imsearch.index` (chapters 3, 7, 12) need
it; the public names are :func:`imsearch.index.top_k` and :func:`imsearch.index.ranking`,
which are these functions, re-exported by :mod:`imsearch.index.brute_force`.
"""
from __future__ import annotations

import numpy as np

from .validation import check_array, check_int


def _scores(scores, ndim) -> np.ndarray:
    s = check_array(scores, "scores", ndim=ndim, kinds="biuf", allow_empty=True, finite=False)
    if np.isnan(s).any():
        raise ValueError("scores must not contain NaN (use -inf for excluded items)")
    return s


def ranking(scores) -> np.ndarray:
    """Database indices from the most to the least similar, per query: higher score first, ties by lower index.

    Parameters
    ----------
    scores : (Q, N) or (N,) array of float/int
        Higher is more similar; ``-inf`` is allowed (excluded items), NaN is not.

    Returns
    -------
    (Q, N) or (N,) int64 array
    """
    return np.argsort(-_scores(scores, (1, 2)), axis=-1, kind="stable").astype(np.int64, copy=False)


def top_k(scores, k: int):
    """The ``k`` best database indices per query, in the order of :func:`ranking`.

    Runs in O(N) per query (a partition), then sorts only the ``k`` kept scores;
    an index tied with the ``k``-th score is kept only if it is among the lowest
    indices of that tie, exactly as the first ``k`` columns of :func:`ranking`.

    Parameters
    ----------
    scores : (Q, N) array of float/int
        Higher is more similar; ``-inf`` allowed, NaN not.
    k : int >= 1
        Clipped to ``N``.

    Returns
    -------
    top_scores : (Q, k) float64 array
        Decreasing along each row.
    top_ids : (Q, k) int64 array
    """
    s = _scores(scores, 2)
    k = min(check_int(k, "k", minimum=1), s.shape[1])
    q, n = s.shape
    if k == n:
        ids = np.argsort(-s, axis=1, kind="stable").astype(np.int64, copy=False)
    else:
        neg = -s.astype(np.float64)
        part = np.argpartition(neg, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(neg, part, axis=1)
        ids = np.take_along_axis(part, np.lexsort((part, vals), axis=1), axis=1).astype(np.int64)
        # the partition keeps an arbitrary member of a tie at the k-th score: redo those rows
        kth = vals.max(axis=1, keepdims=True)
        tied = np.flatnonzero((neg == kth).sum(axis=1) > (vals == kth).sum(axis=1))
        for i in tied:
            ids[i] = np.argsort(neg[i], kind="stable")[:k]
    return np.take_along_axis(s, ids, axis=1).astype(np.float64), ids
