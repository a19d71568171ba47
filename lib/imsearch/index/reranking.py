"""Two-stage search (chapters 6–7): shortlists, their recall, and re-ranking them by geometry.

The first stage (a global descriptor, a bag of words) keeps a shortlist per query; the
second verifies each shortlisted image with local features (inlier counts of
:func:`imsearch.matching.spatial_verification`) and moves verified images to the top.

Reference: J. Philbin, O. Chum, M. Isard, J. Sivic, A. Zisserman. Object retrieval with
large vocabularies and fast spatial matching. CVPR 2007.
"""
from __future__ import annotations


import time

import numpy as np

from .._util.validation import check_array, check_int, check_number
from .._util.progress import progress as _progress
from .brute_force import ranking, top_k



from ..features.extraction import LocalFeatures
from ..matching import inlier_count, spatial_verification, word_correspondences


def spatial_rerank(scores, query_features: LocalFeatures, query_words, database_features: LocalFeatures,
                   database_words, shortlist: int = 30, exclude=None, threshold_px=10.0, max_per_word: int = 5,
                   min_inliers: int = 5, method: str = "similarity", progress: bool = False):
    """Re-rank the top of each query's list by spatial verification (inliers first, then the old score).

    The ``shortlist`` best database images of each query (by ``scores``) are verified
    with :func:`spatial_verification` on :func:`word_correspondences`; they move to the
    top of the ranking, ordered by number of inliers and then by their old score. The
    other images keep their order below them.

    Parameters
    ----------
    scores : (Q, N) float array
        First-stage similarities, in ``[-1, 1]`` (cosines).
    query_features : LocalFeatures of the Q queries
    query_words : (Mq,) int array, their visual words
    database_features : LocalFeatures of the N database images
    database_words : (Md,) int array
    shortlist : int >= 1
        How many images are verified per query.
    exclude : (Q,) int array, optional
        A database index per query never to verify (the query itself), or -1.
    threshold_px : float
    max_per_word : int
    min_inliers : int
        Fewer inliers than this count as 0 (a single correspondence always "verifies"
        itself; a handful agree by chance).
    method : {"similarity", "ransac"}
    progress : bool

    Returns
    -------
    new_scores : (Q, N) float64 array
        Verified images score ``2 + inliers + (old + 1) / 4`` (above every unverified
        image, whose score is unchanged).
    inliers : (Q, shortlist) int64 array
        Inlier counts of the shortlisted images, in first-stage order.
    shortlist_ids : (Q, shortlist) int64 array
    """
    s = check_array(scores, "scores", ndim=2, kinds="iuf", min_value=-1.0 - 1e-9, max_value=1.0 + 1e-9)
    q, n = s.shape
    if not isinstance(query_features, LocalFeatures) or not isinstance(database_features, LocalFeatures):
        raise TypeError("query_features and database_features must be LocalFeatures")
    if query_features.n_images != q or database_features.n_images != n:
        raise ValueError(f"scores has shape {s.shape} but there are {query_features.n_images} query and "
                         f"{database_features.n_images} database images")
    qw = check_array(query_words, "query_words", shape=(len(query_features.descriptors),), kinds="iu",
                     allow_empty=True)
    dw = check_array(database_words, "database_words", shape=(len(database_features.descriptors),), kinds="iu",
                     allow_empty=True)
    shortlist = min(check_int(shortlist, "shortlist", minimum=1), n - (exclude is not None))
    min_inliers = check_int(min_inliers, "min_inliers", minimum=1)
    first = s.astype(np.float64).copy()
    if exclude is not None:
        ex = check_array(exclude, "exclude", shape=(q,), kinds="iu", min_value=-1, max_value=n - 1)
        rows = np.flatnonzero(ex >= 0)
        first[rows, ex[rows]] = -3.0   # below every cosine: never shortlisted
    _, ids = top_k(first, max(shortlist, 1))
    ids = ids[:, :shortlist]
    inliers = np.zeros(ids.shape, np.int64)
    new = s.astype(np.float64).copy()
    items = _progress(range(q), "spatial verification", enabled=progress, unit="query", leave=False)
    qo, do = query_features.offsets, database_features.offsets
    for i in items:
        kq = query_features.keypoints[qo[i]:qo[i + 1]]
        wq = qw[qo[i]:qo[i + 1]]
        for r, j in enumerate(ids[i]):
            pairs = word_correspondences(wq, dw[do[j]:do[j + 1]], max_per_word)
            n_in, _ = spatial_verification(kq, database_features.keypoints[do[j]:do[j + 1]], pairs,
                                           threshold_px, method)
            inliers[i, r] = n_in if n_in >= min_inliers else 0
        new[i, ids[i]] = 2.0 + inliers[i] + (s[i, ids[i]] + 1.0) / 4.0
    return new, inliers, ids


def _similarity(similarity) -> np.ndarray:
    s = check_array(similarity, "similarity", ndim=2, kinds="iuf", finite=False)
    if np.isnan(s).any():
        raise ValueError("similarity must not contain NaN (use -inf for excluded items)")
    return s.astype(np.float64, copy=False)


def shortlist(similarity, length) -> np.ndarray:
    """The ``length`` most similar database items of every query.

    Parameters
    ----------
    similarity : (Q, N) array_like of float
        Higher is more similar; ``-inf`` excludes an item (e.g. the query itself).
    length : int, 1 <= length <= N

    Returns
    -------
    (Q, length) int64
        Database indices by decreasing similarity, ties broken by the lower index.
    """
    s = _similarity(similarity)
    length = check_int(length, "length", minimum=1, maximum=s.shape[1])
    return top_k(s, length)[1]


def _relevant(relevant, shape) -> np.ndarray:
    r = check_array(relevant, "relevant", shape=shape, kinds="b")
    if not r.any(axis=1).all():
        raise ValueError("relevant must have at least one True entry in every row (a query without positives "
                         "has no recall)")
    return r


def shortlist_recall(similarity, relevant, length) -> float:
    """Mean recall of the shortlists: the fraction of each query's relevant items in its top ``length``.

    Parameters
    ----------
    similarity : (Q, N) array_like of float
        Higher is more similar. Items are ranked by decreasing similarity, ties broken
        by the lower index (a stable sort of ``-similarity``).
    relevant : (Q, N) array_like of bool
        Ground truth, at least one True per row.
    length : int, 1 <= length <= N

    Returns
    -------
    float in [0, 1]
        ``mean over queries of |relevant ∩ top-length| / |relevant|``: the best recall a
        second stage that only sees the shortlist can reach.
    """
    s = _similarity(similarity)
    r = _relevant(relevant, s.shape)
    length = check_int(length, "length", minimum=1, maximum=s.shape[1])
    top = top_k(s, length)[1]
    found = np.take_along_axis(r, top, axis=1).sum(axis=1)
    return float(np.mean(found / r.sum(axis=1)))


def shortlist_recall_curve(similarity, relevant, lengths) -> np.ndarray:
    """:func:`shortlist_recall` for several shortlist lengths at once (one sort).

    Parameters
    ----------
    similarity : (Q, N) array_like of float
    relevant : (Q, N) array_like of bool
    lengths : (L,) array_like of int in 1..N

    Returns
    -------
    (L,) float64
        Non-decreasing in the length.
    """
    s = _similarity(similarity)
    r = _relevant(relevant, s.shape)
    lengths = check_array(lengths, "lengths", ndim=1, kinds="iu", min_value=1, max_value=s.shape[1])
    hits = np.take_along_axis(r, ranking(s), axis=1).cumsum(axis=1)   # found within the first k+1
    frac = hits / r.sum(axis=1, keepdims=True)
    return frac[:, lengths.astype(np.int64) - 1].mean(axis=0)


def shortlist_length(similarity, relevant, recall=0.9) -> int:
    """The shortest shortlist whose mean recall (:func:`shortlist_recall`) reaches a target.

    Chapter 6's choice of ``L`` for a two-stage search: the second stage costs ``L``
    verifications per query, and it can only find what the first stage kept.

    Parameters
    ----------
    similarity : (Q, N) array_like of float
        Higher is more similar; ``-inf`` excludes an item (e.g. the query itself), which
        still takes a place in a shortlist of length ``N``.
    relevant : (Q, N) array_like of bool
        At least one True per row.
    recall : float in (0, 1]

    Returns
    -------
    int
        The smallest ``L`` in ``1..N`` with mean recall ``>= recall`` (``N`` reaches 1).
    """
    target = check_number(recall, "recall", minimum=0.0, maximum=1.0, strict_min=True)
    s = _similarity(similarity)
    curve = shortlist_recall_curve(s, relevant, np.arange(1, s.shape[1] + 1))
    return int(np.argmax(curve >= target)) + 1


def rerank(similarity_row, candidates, inliers, min_inliers=15) -> np.ndarray:
    """New scores for one query: the verified candidates by inlier count, then everything else in global order.

    A candidate is *verified* when its pair has at least ``min_inliers`` RANSAC inliers
    (unrelated images get a few by chance: 4 matches always fit a homography). Verified
    candidates come first, by decreasing inlier count (ties by their global order); the
    other candidates and the rest of the database keep their global order below them,
    so a failed verification never pushes an image down.

    Parameters
    ----------
    similarity_row : (N,) array_like of float
        Global similarity of every database item (higher = closer; ``-inf`` excluded).
    candidates : (L,) array_like of int
        The shortlist (distinct database indices).
    inliers : (L,) array_like of int >= 0
        Inlier count of each candidate.
    min_inliers : int >= 0
        Verification threshold (0: every candidate is re-ranked by its count).

    Returns
    -------
    (N,) float64
        Scores in that order: verified candidates score ``inliers + (something in
        [0, 0.5))`` >= 0, every other item ``-1 - (its global rank) / N`` < 0.
    """
    s = check_array(similarity_row, "similarity_row", ndim=1, kinds="iuf", finite=False).astype(np.float64)
    if np.isnan(s).any():
        raise ValueError("similarity_row must not contain NaN")
    n = s.shape[0]
    cand = check_array(candidates, "candidates", ndim=1, kinds="iu", min_value=0, max_value=n - 1).astype(np.int64)
    inl = check_array(inliers, "inliers", shape=(cand.shape[0],), kinds="iu", min_value=0).astype(np.int64)
    min_inliers = check_int(min_inliers, "min_inliers", minimum=0)
    if len(np.unique(cand)) != len(cand):
        raise ValueError("candidates must be distinct")
    order = ranking(s)
    position = np.empty(n, np.int64)
    position[order] = np.arange(n)
    scores = -1.0 - position / n                      # in (-2, -1]: the global order
    verified = inl >= min_inliers
    c = cand[verified]
    scores[c] = inl[verified] + 0.5 * (1.0 - position[c] / n)
    return scores


def two_stage_search(similarity, query_features, database_features, length, exclude=None, ratio=0.8,
                     threshold_px=5.0, method="opencv", min_inliers=15, progress=True) -> dict:
    """Shortlist by a global similarity, re-rank the shortlist by RANSAC inliers.

    Parameters
    ----------
    similarity : (Q, N) array_like of float
        Global similarities (higher = closer).
    query_features : sequence of Q (keypoints, descriptors) pairs
    database_features : sequence of N pairs, or a callable ``index -> pair``
        A callable is only asked for the shortlisted items (features computed lazily,
        e.g. read from a cache), which is the point of the first stage.
    length : int, 1 <= length <= N
        Shortlist length.
    exclude : (Q,) array_like of int, optional
        A database index to leave out for each query (the query itself).
    ratio, threshold_px, method
        As for :func:`inlier_count`.
    min_inliers : int
        Verification threshold of :func:`rerank`.
    progress : bool
        Progress bar over the queries.

    Returns
    -------
    dict
        ``similarity`` (Q, N) float64, the re-ranked scores (:func:`rerank`);
        ``shortlist`` (Q, length) int64; ``inliers`` (Q, length) int64;
        ``seconds_per_pair`` (float, mean time of one :func:`inlier_count`, features
        already computed); ``n_pairs`` (int, Q·length).
    """
    s = _similarity(similarity).copy()
    q, n = s.shape
    query_features = list(query_features)
    if len(query_features) != q:
        raise ValueError(f"query_features must hold one entry per query ({q}), got {len(query_features)}")
    if callable(database_features):
        get = database_features
    else:
        database_features = list(database_features)
        if len(database_features) != n:
            raise ValueError(f"database_features must hold one entry per database item ({n}), "
                             f"got {len(database_features)}")
        get = database_features.__getitem__
    length = check_int(length, "length", minimum=1, maximum=n)
    min_inliers = check_int(min_inliers, "min_inliers", minimum=0)
    if exclude is not None:
        ex = check_array(exclude, "exclude", shape=(q,), kinds="iu", min_value=0, max_value=n - 1)
        s[np.arange(q), ex.astype(np.int64)] = -np.inf
    short = top_k(s, length)[1]
    inliers = np.zeros((q, length), np.int64)
    out = np.empty_like(s)
    rows = _progress(range(q), f"re-ranking {length} per query", enabled=progress, unit="query", mininterval=1.0)
    spent = 0.0
    for i in rows:
        fq = query_features[i]
        for r, j in enumerate(short[i]):
            fj = get(int(j))
            t0 = time.perf_counter()
            inliers[i, r] = inlier_count(fq, fj, ratio=ratio, threshold_px=threshold_px, method=method)
            spent += time.perf_counter() - t0
        out[i] = rerank(s[i], short[i], inliers[i], min_inliers)
    return {"similarity": out, "shortlist": short, "inliers": inliers,
            "seconds_per_pair": spent / max(1, q * length), "n_pairs": q * length}
