"""Two-stage search: a cheap global descriptor shortlists, local features re-rank.

Chapter 6. Comparing two images by their local features — SIFT, the ratio test, then
RANSAC, whose inlier count is a very reliable match score (chapter 5) — costs
milliseconds per *pair*, far too much for every image of a large database. A global
descriptor (colour histogram, GIST) compares a query with millions of images in
milliseconds, but confuses look-alikes. The classic answer combines them:

1. **shortlist**: rank the whole database by the global descriptor and keep the first
   ``length`` images (:func:`shortlist`); the shortlist's recall
   (:func:`shortlist_recall`) bounds what the second stage can find;
2. **re-rank** the shortlist by the number of RANSAC inliers of each pair
   (:func:`inlier_count`): the pairs verified by enough inliers go first, everything
   else keeps its global order (:func:`rerank`, :func:`two_stage_search`).

The second stage then costs ``length`` pair comparisons per query instead of ``N``.
Douze et al. (CIVR 2009) search 110 million images with GIST this way; Philbin et al.
(CVPR 2007) re-rank the first results of a bag-of-words search by spatial verification
(chapter 7).
"""
from __future__ import annotations

import time

import numpy as np

from ._guard import reference
from ._validation import check_array, check_int, check_number

__all__ = ["shortlist", "shortlist_recall", "shortlist_recall_curve", "local_features", "inlier_count",
           "rerank", "two_stage_search"]


def _similarity(similarity) -> np.ndarray:
    s = check_array(similarity, "similarity", ndim=2, kinds="iuf", finite=False)
    if np.isnan(s).any():
        raise ValueError("similarity must not contain NaN (use -inf for excluded items)")
    return s.astype(np.float64, copy=False)


def _order(s: np.ndarray) -> np.ndarray:
    """Database indices by decreasing similarity, ties to the lower index (stable)."""
    return np.argsort(-s, axis=1, kind="stable")


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
    return _order(s)[:, :length].astype(np.int64)


def _relevant(relevant, shape) -> np.ndarray:
    r = check_array(relevant, "relevant", shape=shape, kinds="b")
    if not r.any(axis=1).all():
        raise ValueError("relevant must have at least one True entry in every row (a query without positives "
                         "has no recall)")
    return r


@reference("6.4")
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
    top = _order(s)[:, :length]
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
    hits = np.take_along_axis(r, _order(s), axis=1).cumsum(axis=1)   # found within the first k+1
    frac = hits / r.sum(axis=1, keepdims=True)
    return frac[:, lengths.astype(np.int64) - 1].mean(axis=0)


# ----------------------------------------------------------------------------- stage 2

def local_features(image, n_features=500, root_sift=True):
    """SIFT keypoints and descriptors of one image, for :func:`inlier_count`.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float in [0, 1]
    n_features : int >= 1
        Strongest keypoints kept (OpenCV's DoG detector).
    root_sift : bool
        Map the descriptors to RootSIFT (:func:`imsearch.local.root_sift`; Arandjelović &
        Zisserman, CVPR 2012), which matches better with the L2 distance.

    Returns
    -------
    keypoints : (K, 4) float64
        ``[x, y, scale, angle_rad]`` (see :func:`imsearch.matching.opencv_sift`).
    descriptors : (K, 128) float32
    """
    from . import local, matching

    n_features = check_int(n_features, "n_features", minimum=1)
    kps, desc = matching.opencv_sift(image, n_features)
    if root_sift and len(desc):
        desc = local.root_sift(desc).astype(np.float32)
    return kps, desc


def _features(f, name):
    if not isinstance(f, (tuple, list)) or len(f) != 2:
        raise TypeError(f"{name} must be a pair (keypoints, descriptors), as local_features returns")
    kps = check_array(f[0], f"{name} keypoints", ndim=2, kinds="iuf", allow_empty=True)
    desc = check_array(f[1], f"{name} descriptors", ndim=2, kinds="iuf", allow_empty=True)
    if len(kps) != len(desc) or (len(kps) and kps.shape[1] < 2):
        raise ValueError(f"{name} must hold one keypoint (x, y, ...) per descriptor, got {kps.shape} and {desc.shape}")
    return kps, desc


def inlier_count(features_a, features_b, ratio=0.8, threshold_px=5.0, method="opencv", max_iters=2000,
                 seed=0) -> int:
    """Number of RANSAC inliers between two images: the score of the second stage.

    Tentative matches by Lowe's ratio test (:func:`imsearch.matching.ratio_test`), then
    a homography by RANSAC; the score is the number of matches it explains. Unrelated
    images still get a few chance inliers (4 matches always fit a homography), related
    ones tens to hundreds.

    Parameters
    ----------
    features_a, features_b : (keypoints (K, >=2), descriptors (K, D)) pairs
        From :func:`local_features`.
    ratio : float in (0, 1]
        Ratio-test threshold.
    threshold_px : float > 0
        RANSAC inlier threshold on the transfer error, pixels.
    method : {"opencv", "imsearch"}
        ``cv2.findHomography`` with RANSAC (:func:`imsearch.geometry.opencv_homography`,
        fast C++) or the course's own :func:`imsearch.geometry.ransac_homography`.
    max_iters : int >= 1
        RANSAC's cap on samples.
    seed : int
        Seed of RANSAC.

    Returns
    -------
    int >= 0
        0 when fewer than 4 tentative matches (no homography) or a degenerate set.
    """
    from . import geometry, matching

    ka, da = _features(features_a, "features_a")
    kb, db = _features(features_b, "features_b")
    ratio = check_number(ratio, "ratio", minimum=0.0, maximum=1.0, strict_min=True)
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    if method not in ("opencv", "imsearch"):
        raise ValueError(f"method must be 'opencv' or 'imsearch', got {method!r}")
    max_iters = check_int(max_iters, "max_iters", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    if len(da) == 0 or len(db) < 2:
        return 0
    if da.shape[1] != db.shape[1]:
        raise ValueError(f"descriptors must have the same dimension, got {da.shape[1]} and {db.shape[1]}")
    matches, _ = matching.ratio_test(da, db, ratio)
    if len(matches) < 4:
        return 0
    src, dst = ka[matches[:, 0], :2], kb[matches[:, 1], :2]
    try:
        if method == "opencv":
            H, mask = geometry.opencv_homography(src, dst, "ransac", threshold_px, max_iters=max_iters, seed=seed)
        else:
            H, mask = geometry.ransac_homography(src, dst, threshold_px, max_iters=max_iters, seed=seed)
    except ValueError:  # all points on a line, or the same point: no homography
        return 0
    return 0 if H is None else int(np.count_nonzero(mask))


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
    order = np.argsort(-s, kind="stable")
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
    short = _order(s)[:, :length].astype(np.int64)
    inliers = np.zeros((q, length), np.int64)
    out = np.empty_like(s)
    rows = range(q)
    if progress:
        from tqdm.auto import tqdm
        rows = tqdm(rows, desc=f"re-ranking {length} per query", unit="query", mininterval=1.0)
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
