"""Matching local descriptors between two images, and measuring the matches.

Chapter 5. A descriptor of image 1 is matched to its nearest neighbour in image 2
(a small exact vector search); the nearest neighbour is always *some* descriptor,
so the matches must be filtered: keep only mutual nearest neighbours, or apply
Lowe's ratio test, which compares the best distance with the second best — a
correct match stands out from the background of wrong ones, an ambiguous one
(repeated structure) does not.

With a ground-truth homography a match is correct when the first keypoint, mapped
into image 2, lands within ``threshold_px`` of the second; precision and recall of
the matches then follow (Mikolajczyk & Schmid, "A performance evaluation of local
descriptors", TPAMI 27(10), 2005).

The same module verifies correspondences geometrically (chapters 5–7: visual-word
correspondences, :func:`spatial_verification` and :func:`inlier_count`, both through the
RANSAC engine of :mod:`imsearch.geometry.robust`) and makes synthetic pairs with an exact
homography from one photo (:func:`synthetic_homography_pair`, the fallback of chapter 5).

References: D. Lowe, "Distinctive image features from scale-invariant keypoints",
IJCV 60(2), 2004 (sec. 7.1, the ratio test).
"""
from __future__ import annotations


import numpy as np

from ._util.ranking import top_k
from ._util.validation import as_rng, check_array, check_image, check_int, check_number






from .features.extraction import _features, _ranges
from .features.opencv import opencv_sift


def _descriptors(desc, name: str) -> np.ndarray:
    return check_array(desc, name, ndim=2, kinds="iuf")


def _desc_pair(desc1, desc2, min2: int = 1):
    d1 = check_array(desc1, "desc1", ndim=2, kinds="iuf", allow_empty=True)  # no keypoints: no matches
    d2 = _descriptors(desc2, "desc2")
    if d1.shape[1] != d2.shape[1]:
        raise ValueError(f"desc1 and desc2 must have the same dimension, got {d1.shape[1]} and {d2.shape[1]}")
    if len(d2) < min2:
        raise ValueError(f"desc2 must hold at least {min2} descriptors, got {len(d2)}")
    return d1, d2


def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a.astype(np.float64, copy=False)
    b = b.astype(np.float64, copy=False)
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d, 0.0)


def nearest_neighbors(desc1, desc2, k: int = 2, backend: str = "numpy"):
    """The ``k`` nearest descriptors of ``desc2`` for each descriptor of ``desc1`` (L2, exact).

    Parameters
    ----------
    desc1 : (N1, D) array_like of float
        Query descriptors (image 1); ``N1`` may be 0.
    desc2 : (N2, D) array_like of float, N2 >= k
        Database descriptors (image 2).
    k : int >= 1
    backend : {"numpy", "faiss"}
        Brute force in numpy (float64, in blocks of rows) or ``faiss.IndexFlatL2``
        (float32, the same exact search, faster on large sets).

    Returns
    -------
    distances : (N1, k) float64 array
        Euclidean distances, increasing along each row.
    indices : (N1, k) int64 array
        Row indices into ``desc2``; ties go to the lower index (numpy backend).
    """
    d1, d2 = _desc_pair(desc1, desc2)
    k = check_int(k, "k", minimum=1, maximum=len(d2))
    if backend == "faiss":
        import faiss

        index = faiss.IndexFlatL2(d2.shape[1])
        index.add(np.ascontiguousarray(d2, dtype=np.float32))
        dist2, idx = index.search(np.ascontiguousarray(d1, dtype=np.float32), k)
        return np.sqrt(np.maximum(dist2.astype(np.float64), 0.0)), idx.astype(np.int64)
    if backend != "numpy":
        raise ValueError(f"backend must be 'numpy' or 'faiss', got {backend!r}")
    dist = np.empty((len(d1), k))
    idx = np.empty((len(d1), k), dtype=np.int64)
    block = max(1, 2_000_000 // max(1, len(d2)))
    for start in range(0, len(d1), block):
        neg, idx[start:start + block] = top_k(-_squared_distances(d1[start:start + block], d2), k)
        dist[start:start + block] = np.sqrt(-neg)
    return dist, idx


def match_nn(desc1, desc2):
    """Winner-takes-all matching: every descriptor of image 1 goes to its nearest neighbour in image 2.

    Parameters
    ----------
    desc1 : (N1, D) array_like of float
    desc2 : (N2, D) array_like of float

    Returns
    -------
    matches : (N1, 2) int64 array
        Rows ``[i, j]``: descriptor ``i`` of image 1, its nearest neighbour ``j`` in image 2.
    distances : (N1,) float64 array
        ``‖desc1[i] − desc2[j]‖``.
    """
    dist, idx = nearest_neighbors(desc1, desc2, k=1)
    matches = np.column_stack([np.arange(len(idx), dtype=np.int64), idx[:, 0]])
    return matches, dist[:, 0]


def match_mutual(desc1, desc2):
    """Mutual nearest neighbours: ``j`` is ``i``'s nearest neighbour and ``i`` is ``j``'s.

    Parameters
    ----------
    desc1 : (N1, D) array_like of float
    desc2 : (N2, D) array_like of float

    Returns
    -------
    matches : (M, 2) int64 array
        Rows ``[i, j]`` in increasing ``i``, ``M <= min(N1, N2)`` (empty when ``N1 = 0``).
    distances : (M,) float64 array
    """
    d1, d2 = _desc_pair(desc1, desc2)
    if len(d1) == 0:
        return np.zeros((0, 2), np.int64), np.zeros(0)
    dist12, nn12 = nearest_neighbors(d1, d2, k=1)
    _, nn21 = nearest_neighbors(d2, d1, k=1)
    i = np.arange(len(d1))
    keep = nn21[nn12[:, 0], 0] == i
    return np.column_stack([i[keep], nn12[keep, 0]]).astype(np.int64), dist12[keep, 0]


def ratio_test(desc1, desc2, ratio=0.8):
    """Lowe's ratio test: keep ``i → j`` when its distance is below ``ratio`` × the second-nearest.

    A descriptor of image 1 is matched to its nearest neighbour ``j`` in image 2 only
    if ``d1 < ratio · d2``, where ``d1`` and ``d2`` are the distances to the nearest and
    second-nearest descriptors of image 2. Lowe (2004, sec. 7.1) keeps matches with a
    ratio below 0.8, which removed 90 % of the false matches and 5 % of the correct ones.

    Parameters
    ----------
    desc1 : (N1, D) array_like of float
    desc2 : (N2, D) array_like of float, N2 >= 2
    ratio : float in (0, 1]
        Strict threshold on ``d1 / d2`` (two exact duplicates, ``d1 = d2 = 0``, are
        rejected as ambiguous).

    Returns
    -------
    matches : (M, 2) int64 array
        Rows ``[i, j]`` in increasing ``i``.
    distances : (M,) float64 array
        ``d1`` of each kept match.

    References
    ----------
    D. Lowe, "Distinctive image features from scale-invariant keypoints", IJCV 2004.
    """
    d1, d2 = _desc_pair(desc1, desc2, min2=2)
    ratio = check_number(ratio, "ratio", minimum=0.0, maximum=1.0, strict_min=True)
    if len(d1) == 0:
        return np.zeros((0, 2), np.int64), np.zeros(0)
    dist, idx = nearest_neighbors(d1, d2, k=2)
    keep = dist[:, 0] < ratio * dist[:, 1]
    i = np.flatnonzero(keep)
    return np.column_stack([i, idx[keep, 0]]).astype(np.int64), dist[keep, 0]


def nn_ratios(desc1, desc2):
    """Nearest-neighbour matches with their distance ratio ``d1 / d2`` (for sweeping the ratio test).

    Parameters
    ----------
    desc1 : (N1, D) array_like of float
    desc2 : (N2, D) array_like of float, N2 >= 2

    Returns
    -------
    matches : (N1, 2) int64 array
        ``[i, nearest neighbour of i]``.
    ratios : (N1,) float64 array
        ``d1 / d2`` in [0, 1]; 1 when ``d2 = 0``. ``ratio_test(.., r)`` keeps exactly the
        rows with ``ratios < r`` (up to rounding).
    """
    d1, d2 = _desc_pair(desc1, desc2, min2=2)
    dist, idx = nearest_neighbors(d1, d2, k=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(dist[:, 1] > 0, dist[:, 0] / np.where(dist[:, 1] > 0, dist[:, 1], 1.0), 1.0)
    return np.column_stack([np.arange(len(d1)), idx[:, 0]]).astype(np.int64), r


# ----------------------------------------------------------------------------- measuring

def _keypoints(kps, name: str) -> np.ndarray:
    arr = check_array(kps, name, ndim=2, kinds="iuf", allow_empty=True)
    if arr.shape[1] < 2:
        raise ValueError(f"{name} must have shape (N, 2) or more columns (x, y, ...), got {arr.shape}")
    return arr[:, :2].astype(np.float64)


def _matches(matches, n1: int, n2: int) -> np.ndarray:
    m = check_array(matches, "matches", shape=(None, 2), kinds="iu", allow_empty=True)
    if m.size and (m.min() < 0 or m[:, 0].max() >= n1 or m[:, 1].max() >= n2):
        raise ValueError(f"matches must index kps1 (0..{n1 - 1}) and kps2 (0..{n2 - 1})")
    return m.astype(np.int64)


def _H(H) -> np.ndarray:
    return check_array(H, "H", shape=(3, 3), kinds="iuf").astype(np.float64)


def match_correct(kps1, kps2, matches, H, threshold_px=3.0) -> np.ndarray:
    """Whether each match agrees with a ground-truth homography.

    Parameters
    ----------
    kps1 : (N1, >=2) array_like of float
        Keypoints of image 1; the first two columns are ``x, y`` in pixels.
    kps2 : (N2, >=2) array_like of float
    matches : (M, 2) array_like of int
        Rows ``[i, j]``.
    H : (3, 3) array_like of float
        Maps image 1's pixels to image 2's.
    threshold_px : float > 0

    Returns
    -------
    (M,) bool array
        ``‖H(kps1[i]) − kps2[j]‖ < threshold_px``.
    """
    from .geometry.transforms import apply_homography

    p1, p2 = _keypoints(kps1, "kps1"), _keypoints(kps2, "kps2")
    m = _matches(matches, len(p1), len(p2))
    H = _H(H)
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    if len(m) == 0:
        return np.zeros(0, dtype=bool)
    d = apply_homography(H, p1[m[:, 0]]) - p2[m[:, 1]]
    return np.hypot(d[:, 0], d[:, 1]) < threshold_px


def n_correspondences(kps1, kps2, H, threshold_px=3.0) -> int:
    """How many keypoints of image 1 have a keypoint of image 2 within ``threshold_px`` after mapping.

    This is the number of correct matches a perfect descriptor could find: the
    denominator of the recall.

    Parameters
    ----------
    kps1 : (N1, >=2) array_like of float
    kps2 : (N2, >=2) array_like of float
    H : (3, 3) array_like of float
        Image 1 → image 2.
    threshold_px : float > 0

    Returns
    -------
    int
    """
    from scipy.spatial import cKDTree

    from .geometry.transforms import apply_homography

    p1, p2 = _keypoints(kps1, "kps1"), _keypoints(kps2, "kps2")
    H = _H(H)
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    if len(p1) == 0 or len(p2) == 0:
        return 0
    q = apply_homography(H, p1)
    ok = np.all(np.isfinite(q), axis=1)
    if not ok.any():
        return 0
    d, _ = cKDTree(p2).query(q[ok], k=1)
    return int((d < threshold_px).sum())


def nn_match_statistics(kps1, kps2, desc1, desc2, H, threshold_px=3.0) -> dict:
    """Every nearest-neighbour match of image 1 with its ratio, its distance and whether it is right.

    Chapter 5's look at winner-takes-all matching on repeated structure: a wrong match
    whose keypoint *has* a true partner among image 2's keypoints lost to a look-alike;
    one without a partner (not detected, out of view) got a random winner.

    Parameters
    ----------
    kps1, kps2 : (N1, >=2), (N2, >=2) array_like of float
    desc1, desc2 : (N1, D), (N2, D) array_like of float, N2 >= 2
    H : (3, 3) array_like of float
        Image 1 → image 2 (ground truth).
    threshold_px : float > 0

    Returns
    -------
    dict
        ``matches`` (N1, 2) int64 ``[i, nearest j]``; ``ratios`` (N1,) ``d1 / d2``;
        ``distances`` (N1,) ``d1``; ``correct`` (N1,) bool (:func:`match_correct`);
        ``has_partner`` (N1,) bool, keypoint ``i`` maps within ``threshold_px`` of some
        keypoint of image 2; ``n_positives`` int, their number.
    """
    from scipy.spatial import cKDTree

    from .geometry.transforms import apply_homography

    matches, ratios = nn_ratios(desc1, desc2)
    d1, d2 = _desc_pair(desc1, desc2, min2=2)
    p1, p2 = _keypoints(kps1, "kps1"), _keypoints(kps2, "kps2")
    if len(p1) != len(d1) or len(p2) != len(d2):
        raise ValueError(f"kps1 and kps2 must have one row per descriptor ({len(d1)}, {len(d2)}), "
                         f"got {len(p1)} and {len(p2)}")
    correct = match_correct(p1, p2, matches, H, threshold_px)
    q = apply_homography(_H(H), p1)
    fin = np.all(np.isfinite(q), axis=1)
    has_partner = np.zeros(len(p1), dtype=bool)
    if fin.any():
        has_partner[fin] = cKDTree(p2).query(q[fin], k=1)[0] < threshold_px
    distances = np.linalg.norm(d1 - d2[matches[:, 1]], axis=1)
    return {"matches": matches, "ratios": ratios, "distances": distances, "correct": correct,
            "has_partner": has_partner, "n_positives": int(has_partner.sum())}


def match_precision_recall(kps1, kps2, matches, H, threshold_px=3.0):
    """Precision and recall of a set of matches against a ground-truth homography.

    Parameters
    ----------
    kps1, kps2 : (N1, >=2), (N2, >=2) array_like of float
    matches : (M, 2) array_like of int
    H : (3, 3) array_like of float
        Image 1 → image 2.
    threshold_px : float > 0

    Returns
    -------
    precision : float
        Correct matches / M (0 when M = 0).
    recall : float
        Correct matches / :func:`n_correspondences` (0 when there are none).

    References
    ----------
    Mikolajczyk & Schmid, TPAMI 2005 (recall vs 1 − precision).
    """
    correct = match_correct(kps1, kps2, matches, H, threshold_px)
    n_pos = n_correspondences(kps1, kps2, H, threshold_px)
    n_ok = int(correct.sum())
    return (n_ok / len(correct) if len(correct) else 0.0), (n_ok / n_pos if n_pos else 0.0)


def precision_recall_curve(scores, correct, n_positives=None):
    """Precision and recall as the acceptance threshold on a score sweeps (lower score = better).

    Parameters
    ----------
    scores : (M,) array_like of float
        E.g. descriptor distances or ratios; a match is accepted when its score is
        ``<= t``.
    correct : (M,) array_like of bool
    n_positives : int, optional
        Denominator of the recall (default: ``correct.sum()``).

    Returns
    -------
    thresholds : (T,) float64 array
        The distinct scores, increasing.
    precision : (T,) float64 array
        Among matches with score ``<= thresholds[t]``.
    recall : (T,) float64 array
        Correct accepted matches / ``n_positives``.
    """
    s = check_array(scores, "scores", ndim=1, kinds="iuf", allow_empty=True).astype(np.float64)
    c = check_array(correct, "correct", shape=(len(s),), kinds="b", allow_empty=True)
    n_pos = int(c.sum()) if n_positives is None else check_int(n_positives, "n_positives", minimum=0)
    if n_pos < int(c.sum()):
        raise ValueError(f"n_positives must be >= the number of correct matches ({int(c.sum())}), got {n_pos}")
    order = np.argsort(s, kind="stable")
    s, c = s[order], c[order]
    tp = np.cumsum(c)
    last = np.r_[s[1:] != s[:-1], True] if len(s) else np.zeros(0, bool)  # end of each group of ties
    k = np.flatnonzero(last)
    precision = tp[k] / (k + 1.0)
    recall = tp[k] / n_pos if n_pos else np.zeros(len(k))
    return s[k], precision, recall


def threshold_for_precision(scores, correct, precision=0.9) -> float:
    """The loosest acceptance threshold whose accepted matches still reach a target precision.

    Chapter 5's choice of the ratio-test threshold on a pair with ground truth: among the
    thresholds ``t`` of :func:`precision_recall_curve` (the distinct scores; a match is
    accepted when its score is ``<= t``), the largest whose precision is at least
    ``precision``. Precision is not monotone in ``t``, so every threshold is examined.

    Parameters
    ----------
    scores : (M,) array_like of float
        Lower is better (ratios ``d1 / d2``, distances).
    correct : (M,) array_like of bool
    precision : float in (0, 1]
        The target.

    Returns
    -------
    float
        The threshold, or 0.0 when no threshold reaches the target (or ``M = 0``).
    """
    target = check_number(precision, "precision", minimum=0.0, maximum=1.0, strict_min=True)
    thresholds, prec, _ = precision_recall_curve(scores, correct)
    ok = prec >= target
    return float(thresholds[ok].max()) if ok.any() else 0.0


def average_precision(scores, correct, n_positives=None) -> float:
    """Average precision of matches ranked by score: ``(1/P) Σ_k precision@k · correct_k``.

    Parameters
    ----------
    scores : (M,) array_like of float
        Lower is better (distances, ratios); ties are ranked in input order.
    correct : (M,) array_like of bool
    n_positives : int, optional
        ``P``; default ``correct.sum()``. Passing the number of achievable
        correspondences penalises correct matches that were never found.

    Returns
    -------
    float in [0, 1]
        0 when ``P = 0``.
    """
    s = check_array(scores, "scores", ndim=1, kinds="iuf", allow_empty=True).astype(np.float64)
    c = check_array(correct, "correct", shape=(len(s),), kinds="b", allow_empty=True)
    n_pos = int(c.sum()) if n_positives is None else check_int(n_positives, "n_positives", minimum=0)
    if n_pos < int(c.sum()):
        raise ValueError(f"n_positives must be >= the number of correct matches ({int(c.sum())}), got {n_pos}")
    if n_pos == 0:
        return 0.0
    c = c[np.argsort(s, kind="stable")]
    prec_at_k = np.cumsum(c) / np.arange(1, len(c) + 1)
    return float(prec_at_k[c].sum() / n_pos)


def matching_curves(desc1, desc2, kps1, kps2, H, threshold_px=3.0) -> dict:
    """Precision–recall curves of three matching strategies on one image pair.

    * ``"nn"``: every nearest neighbour, accepted below a distance threshold;
    * ``"mutual"``: mutual nearest neighbours, accepted below a distance threshold;
    * ``"ratio"``: nearest neighbours accepted below a threshold on ``d1 / d2``.

    Parameters
    ----------
    desc1, desc2 : (N1, D), (N2, D) array_like of float
    kps1, kps2 : (N1, >=2), (N2, >=2) array_like of float
        Keypoints, row-aligned with the descriptors.
    H : (3, 3) array_like of float
        Image 1 → image 2.
    threshold_px : float > 0

    Returns
    -------
    dict
        For each strategy a dict with ``thresholds``, ``precision``, ``recall`` arrays
        (:func:`precision_recall_curve`) and ``ap`` (:func:`average_precision`), all with
        the recall denominator :func:`n_correspondences`; plus ``"n_correspondences"``.
    """
    p1, p2 = _keypoints(kps1, "kps1"), _keypoints(kps2, "kps2")
    d1, d2 = _desc_pair(desc1, desc2, min2=2)
    if len(p1) != len(d1) or len(p2) != len(d2):
        raise ValueError(f"kps and desc must be row-aligned, got {len(p1)}/{len(d1)} and {len(p2)}/{len(d2)}")
    n_pos = n_correspondences(p1, p2, H, threshold_px)
    out = {"n_correspondences": n_pos}
    nn, ratios = nn_ratios(d1, d2)
    dist = np.linalg.norm(d1.astype(np.float64) - d2[nn[:, 1]].astype(np.float64), axis=1)
    mut, mdist = match_mutual(d1, d2)
    for name, m, score in (("nn", nn, dist), ("mutual", mut, mdist), ("ratio", nn, ratios)):
        correct = match_correct(p1, p2, m, H, threshold_px)
        npos = max(n_pos, int(correct.sum()))  # two keypoints may share a correspondence
        t, prec, rec = precision_recall_curve(score, correct, npos)
        out[name] = {"thresholds": t, "precision": prec, "recall": rec,
                     "ap": average_precision(score, correct, npos)}
    return out


def tentative_matches(image_a, image_b, ratio=0.8, n_features: int = 2000):
    """Tentative correspondences between two images: OpenCV SIFT + the ratio test.

    Parameters
    ----------
    image_a, image_b : (H, W) or (H, W, 3) uint8 or float [0, 1] arrays
    ratio : float in (0, 1]
        Lowe's ratio threshold.
    n_features : int
        Keypoints kept per image (strongest first).

    Returns
    -------
    (M, 4) float64 array
        Rows ``[xA, yA, xB, yB]`` (the layout of the CMP benchmark pairs).
    """
    ka, da = opencv_sift(image_a, n_features)
    kb, db = opencv_sift(image_b, n_features)
    if len(ka) == 0 or len(kb) < 2:
        return np.zeros((0, 4))
    m, _ = ratio_test(da, db, ratio)
    return np.column_stack([ka[m[:, 0], :2], kb[m[:, 1], :2]])


# ============================================================================ spatial verification

def word_correspondences(words_a, words_b, max_per_word: int = 5) -> np.ndarray:
    """Tentative correspondences: every pair of features of two images that share a visual word.

    Words occurring more than ``max_per_word`` times in either image (repeated
    textures, "bursts") give no pairs.

    Parameters
    ----------
    words_a : (Ma,) int array
    words_b : (Mb,) int array
    max_per_word : int >= 1

    Returns
    -------
    (P, 2) int64 array of ``(index in a, index in b)``, sorted by index in a then in b.
    """
    a = check_array(words_a, "words_a", ndim=1, kinds="iu", allow_empty=True).astype(np.int64)
    b = check_array(words_b, "words_b", ndim=1, kinds="iu", allow_empty=True).astype(np.int64)
    max_per_word = check_int(max_per_word, "max_per_word", minimum=1)
    if len(a) == 0 or len(b) == 0:
        return np.zeros((0, 2), np.int64)
    order_b = np.argsort(b, kind="stable")
    sb = b[order_b]
    lo = np.searchsorted(sb, a, side="left")
    hi = np.searchsorted(sb, a, side="right")
    n_b = hi - lo
    _, inv, count_a = np.unique(a, return_inverse=True, return_counts=True)
    n_b[(count_a[inv] > max_per_word) | (n_b > max_per_word)] = 0
    ia = np.repeat(np.arange(len(a), dtype=np.int64), n_b)
    ib = order_b[_ranges(lo, n_b)]
    return np.column_stack([ia, ib])


def _similarity_hypotheses(ka, kb):
    """One similarity transform per correspondence, from its two keypoints' position, scale, angle: (P, 3, 3)."""
    s = kb[:, 2] / np.maximum(ka[:, 2], 1e-9)
    t = kb[:, 3] - ka[:, 3]
    c, si = s * np.cos(t), s * np.sin(t)
    M = np.zeros((len(ka), 3, 3))
    M[:, 0, 0], M[:, 0, 1], M[:, 1, 0], M[:, 1, 1], M[:, 2, 2] = c, -si, si, c, 1.0
    M[:, 0, 2] = kb[:, 0] - (c * ka[:, 0] - si * ka[:, 1])
    M[:, 1, 2] = kb[:, 1] - (si * ka[:, 0] + c * ka[:, 1])
    return M


VERIFICATION_METHODS = ("similarity", "ransac", "opencv")


def spatial_verification(keypoints_a, keypoints_b, pairs, threshold_px=10.0, method: str = "similarity",
                         max_iters: int = 200, seed=0):
    """The number of correspondences consistent with one geometric transformation of image a onto b.

    Every method runs chapter 5's RANSAC engine (:func:`imsearch.geometry.ransac`) or
    OpenCV's:

    * ``method="similarity"`` (Philbin et al. 2007): each correspondence of two SIFT
      keypoints (position, scale, orientation) defines a similarity transformation on
      its own; every one of them is scored (no random sampling), the one with the most
      inliers is kept and refined by least squares on its inliers — an affine
      transformation, then a homography — keeping the largest consensus.
    * ``method="ransac"``: :func:`imsearch.geometry.ransac_homography` (4-point samples)
      with at most ``max_iters`` samples.
    * ``method="opencv"``: ``cv2.findHomography`` with RANSAC
      (:func:`imsearch.geometry.opencv_homography`, fast C++).

    Parameters
    ----------
    keypoints_a, keypoints_b : (Na, K), (Nb, K) float arrays
        ``x, y, scale, angle_rad`` (K = 4, needed by ``"similarity"``); the homography
        methods use only ``x, y`` (K >= 2).
    pairs : (P, 2) int array
        Tentative correspondences (:func:`word_correspondences`, :func:`ratio_test`).
    threshold_px : float > 0
        Largest reprojection error of an inlier, in pixels of image b.
    method : {"similarity", "ransac", "opencv"}
    max_iters : int
        Homography methods only: cap on the random samples.
    seed : int
        Homography methods only.

    Returns
    -------
    n_inliers : int
        0 when no model can be estimated (fewer than 4 pairs or all on one line for a
        homography).
    inlier_mask : (P,) bool array

    References
    ----------
    J. Philbin, O. Chum, M. Isard, J. Sivic and A. Zisserman. Object retrieval with large
    vocabularies and fast spatial matching. CVPR 2007.
    """
    from .geometry.robust import opencv_homography, ransac

    if method not in VERIFICATION_METHODS:
        raise ValueError(f"method must be one of {', '.join(VERIFICATION_METHODS)}, got {method!r}")
    width = 4 if method == "similarity" else None
    ka_all = check_array(keypoints_a, "keypoints_a", shape=(None, width), kinds="iuf", allow_empty=True)
    kb_all = check_array(keypoints_b, "keypoints_b", shape=(None, width), kinds="iuf", allow_empty=True)
    for k, name in ((ka_all, "keypoints_a"), (kb_all, "keypoints_b")):
        if k.ndim != 2 or k.shape[1] < 2:
            raise ValueError(f"{name} must have shape (N, K) with K >= 2, got {k.shape}")
    p = check_array(pairs, "pairs", shape=(None, 2), kinds="iu", allow_empty=True).astype(np.int64)
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    max_iters = check_int(max_iters, "max_iters", minimum=1)
    if len(p) and (p[:, 0].max() >= len(ka_all) or p[:, 1].max() >= len(kb_all)):
        raise ValueError("pairs index keypoints that do not exist")
    n = len(p)
    mask = np.zeros(n, bool)
    if n == 0 or (method != "similarity" and n < 4):
        return 0, mask
    ka = ka_all[p[:, 0]].astype(np.float64)
    kb = kb_all[p[:, 1]].astype(np.float64)
    src, dst = ka[:, :2], kb[:, :2]
    try:
        if method == "similarity":
            M, m = ransac(src, dst, "similarity", threshold_px, hypotheses=_similarity_hypotheses(ka, kb),
                          refit=(("affine", 3), ("homography", 8)))
        elif method == "ransac":
            M, m = ransac(src, dst, "homography", threshold_px, max_iters=max_iters, seed=seed)
        else:
            M, m = opencv_homography(src, dst, "ransac", threshold_px, max_iters=max_iters, seed=seed)
    except ValueError:          # all points on one line or at one point: no model
        return 0, mask
    return (0, mask) if M is None else (int(m.sum()), m)


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
        From :func:`imsearch.features.opencv_sift` (``root_sift=True`` matches better).
    ratio : float in (0, 1]
        Ratio-test threshold.
    threshold_px : float > 0
        RANSAC inlier threshold on the transfer error, pixels.
    method : {"opencv", "ransac"}
        ``cv2.findHomography`` with RANSAC (:func:`imsearch.geometry.robust.opencv_homography`,
        fast C++) or the course's own :func:`imsearch.geometry.robust.ransac_homography`,
        through :func:`spatial_verification`.
    max_iters : int >= 1
        RANSAC's cap on samples.
    seed : int
        Seed of RANSAC.

    Returns
    -------
    int >= 0
        0 when fewer than 4 tentative matches (no homography) or a degenerate set.
    """
    ka, da = _features(features_a, "features_a")
    kb, db = _features(features_b, "features_b")
    ratio = check_number(ratio, "ratio", minimum=0.0, maximum=1.0, strict_min=True)
    if method not in ("opencv", "ransac"):
        raise ValueError(f"method must be 'opencv' or 'ransac', got {method!r}")
    seed = check_int(seed, "seed", minimum=0)
    if len(da) == 0 or len(db) < 2:
        return 0
    if da.shape[1] != db.shape[1]:
        raise ValueError(f"descriptors must have the same dimension, got {da.shape[1]} and {db.shape[1]}")
    matches, _ = ratio_test(da, db, ratio)
    return spatial_verification(ka, kb, matches, threshold_px, method, max_iters, seed)[0]


# ============================================================================ synthetic pairs

def synthetic_homography_pair(image, seed=0, strength=0.25, noise_std=0.02, outlier_fraction=0.0,
                              n_features: int = 1500, ratio=0.85, n_verified: int = 8, threshold_px=3.0) -> dict:
    """A benchmark pair in the layout of the CMP ``homogr`` pairs, made from one photo.

    Image B is ``image`` warped by a random homography (:func:`imsearch.geometry.transforms.random_transformation`),
    with an intensity change ``a·I + b`` (``a ∈ [0.7, 1.2]``, ``b ∈ [−0.1, 0.1]``) and
    Gaussian noise; tentative matches come from OpenCV SIFT and the ratio test
    (:func:`tentative_matches`). It stands in for the real pairs when the data pack is
    absent: the ground truth is known exactly.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
        Image A.
    seed : int or numpy.random.Generator
    strength : float >= 0
        How far the homography is from the identity (see ``random_transformation``).
    noise_std : float >= 0
        Noise added to B, in [0, 1] intensity units.
    outlier_fraction : float in [0, 1)
        If positive, random matches are appended until they make up this fraction of
        all matches (a hard case, like the extreme-view pairs).
    n_features : int
        SIFT keypoints per image.
    ratio : float
        Ratio-test threshold for the tentative matches.
    n_verified : int >= 4
        Number of "manually verified" correspondences: random points of A inside B's
        view, with their exact positions in B.
    threshold_px : float
        Tentative matches within this transfer error of the ground truth are labelled 1.

    Returns
    -------
    dict
        ``"A"``, ``"B"`` (uint8 RGB or gray like ``image``), ``"matches"`` (N, 4)
        ``[xA, yA, xB, yB]``, ``"labels"`` (N,) int (1 = inlier of the ground truth),
        ``"H_BtoA"`` (3, 3), ``"verified"`` (n_verified, 4).
    """
    import cv2

    from .geometry.transforms import apply_homography, random_transformation, transfer_error
    from .image import to_uint8

    A = to_uint8(check_image(image, "image"))
    rng = as_rng(seed)
    strength = check_number(strength, "strength", minimum=0.0)
    noise_std = check_number(noise_std, "noise_std", minimum=0.0)
    outlier_fraction = check_number(outlier_fraction, "outlier_fraction", minimum=0.0, maximum=1.0, strict_max=True)
    n_verified = check_int(n_verified, "n_verified", minimum=4)
    h, w = A.shape[:2]
    H_AtoB = random_transformation("homography", seed=rng, center=((w - 1) / 2, (h - 1) / 2),
                                   scale_px=0.5 * float(np.hypot(h, w)), strength=strength)
    B = cv2.warpPerspective(A, H_AtoB, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    a, b = rng.uniform(0.7, 1.2), rng.uniform(-0.1, 0.1) * 255
    B = B.astype(np.float64) * a + b + rng.normal(0.0, noise_std * 255.0, B.shape)
    B = np.clip(np.round(B), 0, 255).astype(np.uint8)
    H_BtoA = np.linalg.inv(H_AtoB)
    H_BtoA /= H_BtoA[2, 2]
    m = tentative_matches(A, B, ratio, n_features)
    if outlier_fraction > 0 and len(m):
        n_out = int(np.ceil(outlier_fraction * len(m) / (1.0 - outlier_fraction)))
        rand = np.column_stack([rng.uniform(0, w, n_out), rng.uniform(0, h, n_out),
                                rng.uniform(0, w, n_out), rng.uniform(0, h, n_out)])
        m = np.vstack([m, rand])[rng.permutation(len(m) + n_out)]
    # verified points: inside A, mapped inside B, away from the borders
    pts = np.zeros((0, 2))
    while len(pts) < n_verified:
        cand = rng.uniform([0.1 * w, 0.1 * h], [0.9 * w, 0.9 * h], (4 * n_verified, 2))
        q = apply_homography(H_AtoB, cand)
        inside = (q[:, 0] > 0.05 * w) & (q[:, 0] < 0.95 * w) & (q[:, 1] > 0.05 * h) & (q[:, 1] < 0.95 * h)
        pts = np.vstack([pts, cand[inside]])
    pts = pts[:n_verified]
    verified = np.column_stack([pts, apply_homography(H_AtoB, pts)])
    labels = (transfer_error(H_BtoA, m[:, 2:], m[:, :2]) < threshold_px).astype(np.int64) if len(m) \
        else np.zeros(0, np.int64)
    return {"A": A, "B": B, "matches": m, "labels": labels, "H_BtoA": H_BtoA, "verified": verified}
