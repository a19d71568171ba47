"""RANSAC (chapter 5): the library's one robust-estimation engine, written from scratch.

Minimal samples (or given hypotheses), consensus, the adaptive number of iterations and
the final refit can each be read and stepped through (:func:`ransac_trace`); OpenCV's
``findHomography`` is the practitioner's peer (:func:`opencv_homography`).

References: M. Fischler, R. Bolles. Random sample consensus. CACM 24(6), 1981.
R. Hartley, A. Zisserman, Multiple View Geometry, 2003, algorithm 4.4.
"""
from __future__ import annotations


import math

import numpy as np

from .._util.validation import as_rng, check_int, check_number
from ..geometry.transforms import TRANSFORMATIONS, _check_model, _collinear, _cross, _fit_unchecked, _pair, _transfer


# ----------------------------------------------------------------------------- RANSAC

_TRIPLES = ((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3))


def is_degenerate_sample(src, dst, model: str = "homography", rel_tol: float = 1e-6) -> bool:
    """Whether a minimal sample cannot define a model (RANSAC rejects it before fitting).

    * homography (4 pairs): three points on a line in either image, or the four
      triangles ``(i, j, k)`` change orientation between the images inconsistently
      (some flip and others do not — impossible for a plane seen by a camera; the
      same test as OpenCV's ``checkSubset``);
    * affine (3 pairs): the three points on a line in either image;
    * rigid, similarity (2 pairs): the two points coincide in either image;
    * translation (1 pair): never.

    Parameters
    ----------
    src, dst : (s, 2) array_like of float
        The sample, ``s = TRANSFORMATIONS[model]["min_samples"]``.
    model : str
    rel_tol : float
        A triangle is flat when ``|cross| <= rel_tol · |e1| · |e2|`` (sine of its angle).

    Returns
    -------
    bool
    """
    model = _check_model(model)
    s = TRANSFORMATIONS[model]["min_samples"]
    src, dst = _pair(src, dst, s, model)
    if len(src) != s:
        raise ValueError(f"a minimal sample for a {model} has {s} point pair(s), got {len(src)}")
    return _degenerate(src, dst, model, rel_tol)


def _flat(p, a, b, c, rel_tol):
    e1 = math.hypot(p[b][0] - p[a][0], p[b][1] - p[a][1])
    e2 = math.hypot(p[c][0] - p[a][0], p[c][1] - p[a][1])
    return abs(_cross(p[a], p[b], p[c])) <= rel_tol * e1 * e2 or e1 == 0 or e2 == 0


def _degenerate(src, dst, model, rel_tol=1e-6) -> bool:
    if model == "translation":
        return False
    if model in ("rigid", "similarity"):
        return bool(np.all(src[0] == src[1]) or np.all(dst[0] == dst[1]))
    if model == "affine":
        return _flat(src, 0, 1, 2, rel_tol) or _flat(dst, 0, 1, 2, rel_tol)
    sp, dp = src.tolist(), dst.tolist()
    flipped = 0
    for a, b, c in _TRIPLES:
        if _flat(sp, a, b, c, rel_tol) or _flat(dp, a, b, c, rel_tol):
            return True
        flipped += (_cross(sp[a], sp[b], sp[c]) > 0) != (_cross(dp[a], dp[b], dp[c]) > 0)
    return flipped not in (0, 4)


def ransac_iterations(inlier_ratio, sample_size, confidence) -> int:
    """Number of random samples needed to draw one all-inlier sample with a given confidence.

    ``N = ⌈log(1 − p) / log(1 − wˢ)⌉``: each sample of ``s`` correspondences is free of
    outliers with probability ``wˢ``, so ``N`` samples all fail with probability
    ``(1 − wˢ)ᴺ``, which must be at most ``1 − p`` (Fischler & Bolles 1981;
    Hartley & Zisserman 2003, sec. 4.7.1).

    Parameters
    ----------
    inlier_ratio : float in (0, 1]
        ``w``, the fraction of correct correspondences.
    sample_size : int >= 1
        ``s``, pairs in a minimal sample (4 for a homography).
    confidence : float in (0, 1)
        ``p``, e.g. 0.99.

    Returns
    -------
    int
        ``N >= 1`` (exactly 1 when ``w = 1``).
    """
    w = check_number(inlier_ratio, "inlier_ratio", minimum=0.0, maximum=1.0, strict_min=True)
    s = check_int(sample_size, "sample_size", minimum=1)
    p = check_number(confidence, "confidence", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    return _n_iters(w, s, p)


def _n_iters(w, s, p):
    ws = w ** s
    if ws >= 1.0:
        return 1
    denom = math.log1p(-ws)
    if denom == 0.0:  # wˢ below the float resolution: practically infinite
        return 2 ** 62
    return max(1, int(math.ceil(math.log1p(-p) / denom)))


def _ransac(src, dst, model, threshold, confidence, max_iters, seed, refit, record, hypotheses=None):
    """The one RANSAC engine: hypotheses (random minimal samples, or given), consensus, refit."""
    model = _check_model(model)
    s = TRANSFORMATIONS[model]["min_samples"]
    threshold = check_number(threshold, "threshold_px", minimum=0.0, strict_min=True)
    if hypotheses is not None:
        src, dst = _pair(src, dst, 1, model)
        best_M, best_mask = _best_hypothesis(hypotheses, src, dst, threshold)
        best_count, it, s = int(best_mask.sum()), len(hypotheses), 1
    else:
        src, dst = _pair(src, dst, s, model)
        best_M, best_mask, best_count, it = _sampled_hypotheses(src, dst, model, threshold, confidence, max_iters,
                                                               seed, record)
    if best_M is None or best_count < s:
        return None, np.zeros(len(src), dtype=bool), it
    steps = ((model, s),) if refit is True else tuple(refit or ())
    for step, min_inliers in steps:
        best_M, best_mask = _refit(src, dst, best_M, best_mask, _check_model(step), threshold, min_inliers)
    return best_M, best_mask, it


def _sampled_hypotheses(src, dst, model, threshold, confidence, max_iters, seed, record):
    """Random minimal samples with the adaptive stopping rule: the best model, its inliers and count."""
    s = TRANSFORMATIONS[model]["min_samples"]
    confidence = check_number(confidence, "confidence", minimum=0.0, maximum=1.0,
                              strict_min=True, strict_max=True)
    max_iters = check_int(max_iters, "max_iters", minimum=1)
    rng = as_rng(seed)
    n = len(src)
    if model in ("affine", "homography") and (_collinear(src) or _collinear(dst)):
        raise ValueError(f"src and dst must not lie all on one line: no {model} can be estimated")
    if model in ("rigid", "similarity") and (np.ptp(src, axis=0).max() == 0 or np.ptp(dst, axis=0).max() == 0):
        raise ValueError(f"src and dst must not be all one point: no {model} can be estimated")

    best_M, best_mask, best_count = None, np.zeros(n, dtype=bool), 0
    needed = max_iters
    it = 0
    while it < min(needed, max_iters):
        it += 1
        idx = rng.choice(n, size=s, replace=False)
        step = {"iteration": it, "sample": idx, "degenerate": False, "n_inliers": 0,
                "inliers": np.zeros(n, dtype=bool), "best_n_inliers": best_count,
                "iterations_needed": min(needed, max_iters)}
        if _degenerate(src[idx], dst[idx], model):
            step["degenerate"] = True
        else:
            M = _fit_unchecked(model, src[idx], dst[idx])
            if M is None:
                step["degenerate"] = True
            else:
                mask = _transfer(M, src, dst) < threshold
                count = int(mask.sum())
                step["n_inliers"], step["inliers"] = count, mask
                if count > best_count:
                    best_M, best_mask, best_count = M, mask, count
                    # the adaptive stopping rule: with the best inlier ratio seen so far
                    needed = _n_iters(count / n, s, confidence)
                step["best_n_inliers"] = best_count
                step["iterations_needed"] = min(needed, max_iters)
        if record is not None:
            step["model"] = None if step["degenerate"] else M
            record.append(step)
    return best_M, best_mask, best_count, it


def _best_hypothesis(hypotheses, src, dst, threshold, block: int = 512):
    """Every given model scored at once (in blocks); the first with the most inliers, and its inliers."""
    H = np.asarray(hypotheses, dtype=np.float64)
    if H.ndim != 3 or H.shape[1:] != (3, 3) or len(H) == 0:
        raise ValueError(f"hypotheses must have shape (K, 3, 3) with K >= 1, got {H.shape}")
    best, best_mask = None, np.zeros(len(src), dtype=bool)
    p = np.c_[src, np.ones(len(src))]
    for a in range(0, len(H), block):
        q = np.einsum("kij,nj->kni", H[a:a + block], p)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            err = np.linalg.norm(q[..., :2] / q[..., 2:3] - dst[None], axis=2)
        inl = np.isfinite(err) & (err < threshold)
        counts = inl.sum(axis=1)
        j = int(np.argmax(counts))
        if counts[j] > best_mask.sum():
            best, best_mask = H[a + j], inl[j]
    return best, best_mask


def _refit(src, dst, M, mask, model, threshold, min_inliers):
    """Least squares of ``model`` on the inliers, counted again; repeated while the inlier set changes.

    A refit that loses inliers is rejected; at most five rounds (the local optimisation
    of Chum, Matas & Kittler, DAGM 2003).
    """
    count = int(mask.sum())
    for _ in range(5):
        if count < min_inliers:
            break
        R = _fit_unchecked(model, src[mask], dst[mask])
        if R is None:
            break
        new = _transfer(R, src, dst) < threshold
        if new.sum() < count or np.array_equal(new, mask):
            if new.sum() >= count:
                M, mask = R, new
            break
        M, mask, count = R, new, int(new.sum())
    return M, mask


def ransac(src, dst, model: str = "homography", threshold_px=3.0, confidence=0.999, max_iters=10000,
           seed=None, refit=True, hypotheses=None):
    """RANSAC for any model of the hierarchy, written from scratch.

    1. draw a minimal sample (1, 2, 3 or 4 pairs), reject it if degenerate
       (:func:`is_degenerate_sample`);
    2. fit the model to the sample;
    3. count the inliers, the pairs whose transfer error is below ``threshold_px``;
    4. keep the model with the most inliers; each time it improves, recompute the
       number of iterations needed from its inlier ratio (:func:`ransac_iterations`)
       and stop when that many samples (at most ``max_iters``) have been drawn;
    5. refit the model by least squares (normalised DLT for a homography) on all its
       inliers and count again (repeated while the inlier set grows).

    Parameters
    ----------
    src, dst : (N, 2) array_like of float
        Tentative correspondences ``src[i] ↔ dst[i]`` (pixels); ``N`` at least the
        minimal sample size (4 for a homography).
    threshold_px : float > 0
        Inlier threshold on the transfer error ``‖dst − M(src)‖``, in pixels.
    confidence : float in (0, 1)
        Probability ``p`` of drawing at least one all-inlier sample, which sets the
        adaptive number of iterations (:func:`ransac_iterations`).
    max_iters : int >= 1
        Upper bound on the number of samples drawn.
    seed : int or numpy.random.Generator, optional
        Source of the random samples (``None`` means seed 0).
    model : {"translation", "rigid", "similarity", "affine", "homography"}
    refit : bool or sequence of (str, int)
        Do step 5 (default). Without it the best minimal-sample model is returned. A
        sequence of ``(model, min_inliers)`` refits up the hierarchy, one model after
        the other, each only with at least ``min_inliers`` inliers (local optimisation,
        e.g. ``(("affine", 3), ("homography", 8))``).
    hypotheses : (K, 3, 3) array_like of float, optional
        Models to score instead of random samples, every one of them (no adaptive
        stopping; ``confidence``, ``max_iters`` and ``seed`` are unused): e.g. one
        similarity per correspondence of two oriented keypoints (Philbin et al., CVPR
        2007). Then a single pair is enough and the first best model is kept.

    Returns
    -------
    M : (3, 3) float64 array or None
        ``None`` when no model could be found (every sample drawn was degenerate).
    inlier_mask : (N,) bool array
        All False when ``M`` is None.

    Raises
    ------
    ValueError
        Malformed input: wrong shapes, NaN, fewer pairs than a minimal sample, all
        points on one line (affine, homography) or at one point (rigid, similarity).

    References
    ----------
    Fischler & Bolles, CACM 1981; Hartley & Zisserman 2003, algorithm 4.4.
    """
    M, mask, _ = _ransac(src, dst, model, threshold_px, confidence, max_iters, seed, refit, None, hypotheses)
    return M, mask


def ransac_homography(src, dst, threshold_px=3.0, confidence=0.999, max_iters=10000, seed=None):
    """Robust homography between two views: RANSAC over 4-point samples + normalised DLT refit.

    Same as ``ransac(src, dst, "homography", ...)``.

    Parameters
    ----------
    src, dst : (N, 2) array_like of float
        Tentative correspondences ``src[i] ↔ dst[i]`` (pixels); ``N`` at least the
        minimal sample size (4 for a homography).
    threshold_px : float > 0
        Inlier threshold on the transfer error ``‖dst − M(src)‖``, in pixels.
    confidence : float in (0, 1)
        Probability ``p`` of drawing at least one all-inlier sample, which sets the
        adaptive number of iterations (:func:`ransac_iterations`).
    max_iters : int >= 1
        Upper bound on the number of samples drawn.
    seed : int or numpy.random.Generator, optional
        Source of the random samples (``None`` means seed 0).

    Returns
    -------
    H : (3, 3) float64 array or None
        Maps ``src`` onto ``dst``; ``None`` when no model could be found (every sample
        drawn was degenerate), never an exception for well-formed input.
    inlier_mask : (N,) bool array
        All False when ``H`` is None.

    Raises
    ------
    ValueError
        For fewer than 4 pairs, mismatched shapes, NaN or all points on one line.
    """
    return ransac(src, dst, "homography", threshold_px, confidence, max_iters, seed)


def ransac_homography_counted(src, dst, threshold_px=3.0, confidence=0.999, max_iters=10000, seed=None):
    """:func:`ransac_homography` that also returns how many samples it drew (chapter 5's exercise).

    The number of samples shows the adaptive stopping rule at work: for the same seed it is
    the first ``N`` such that ``N >= ransac_iterations(best inlier ratio so far, 4, confidence)``
    (or ``max_iters``). Samples rejected as degenerate count as drawn.

    Parameters are those of :func:`ransac_homography`.

    Returns
    -------
    H : (3, 3) float64 array or None
    inlier_mask : (N,) bool array
    n_samples : int
        Minimal samples drawn, degenerate ones included.
    """
    return _ransac(src, dst, "homography", threshold_px, confidence, max_iters, seed, True, None)


def ransac_trace(src, dst, model: str = "homography", threshold_px=3.0, confidence=0.999,
                 max_iters=10000, seed=None):
    """Run :func:`ransac` and record every iteration, to step through it in the notebook.

    Parameters are those of :func:`ransac`.

    Returns
    -------
    M : (3, 3) float64 array or None
        The final (refitted) model, the same as :func:`ransac` returns for the same seed.
    inlier_mask : (N,) bool array
    steps : list of dict
        One per sample drawn: ``iteration`` (1-based), ``sample`` (indices), ``degenerate``,
        ``model`` ((3, 3) or None), ``n_inliers`` and ``inliers`` ((N,) bool) of that sample's model,
        ``best_n_inliers`` so far and ``iterations_needed`` (the adaptive bound after
        this iteration, capped by ``max_iters``).
    """
    steps: list = []
    M, mask, _ = _ransac(src, dst, model, threshold_px, confidence, max_iters, seed, True, steps)
    return M, mask, steps


def opencv_homography(src, dst, method: str = "ransac", threshold_px=3.0, confidence=0.999,
                      max_iters=10000, seed=0):
    """``cv2.findHomography`` with the same inputs and outputs as :func:`ransac_homography`.

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 4
    method : {"ransac", "magsac", "lmeds", "dlt"}
        ``cv2.RANSAC``, ``cv2.USAC_MAGSAC`` (Barath et al., CVPR 2019), ``cv2.LMEDS`` or
        plain least squares (``0``).
    threshold_px, confidence, max_iters
        As for :func:`ransac_homography`.
    seed : int
        Passed to ``cv2.setRNGSeed`` before the call (OpenCV's RANSAC uses its global
        generator; USAC seeds itself).

    Returns
    -------
    H : (3, 3) float64 array or None
    inlier_mask : (N,) bool array
    """
    import cv2

    methods = {"ransac": cv2.RANSAC, "magsac": cv2.USAC_MAGSAC, "lmeds": cv2.LMEDS, "dlt": 0}
    if method not in methods:
        raise ValueError(f"method must be one of {', '.join(methods)}, got {method!r}")
    src, dst = _pair(src, dst, 4, "homography")
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    confidence = check_number(confidence, "confidence", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    max_iters = check_int(max_iters, "max_iters", minimum=1)
    cv2.setRNGSeed(check_int(seed, "seed", minimum=0))
    H, mask = cv2.findHomography(src.astype(np.float32), dst.astype(np.float32), methods[method],
                                 threshold_px, maxIters=max_iters, confidence=confidence)
    if H is None or not np.all(np.isfinite(H)):
        return None, np.zeros(len(src), dtype=bool)
    mask = np.ones(len(src), bool) if mask is None else mask.ravel().astype(bool)
    return H.astype(np.float64), mask
