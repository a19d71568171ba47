"""Planar geometry between two views: the hierarchy of 2-D transformations, RANSAC, warping.

Chapter 5. Each transformation of the hierarchy (translation, rigid, similarity,
affine, homography) is estimated by linear least squares from point
correspondences and returned as a ``(3, 3)`` float64 matrix acting on homogeneous
pixel coordinates ``(x, y, 1)``. RANSAC (Fischler & Bolles 1981) finds the
correspondences that agree with one model among many wrong matches; it is written
here from scratch so that every step (minimal sample, fit, inlier count, adaptive
number of iterations, final refit) can be read and stepped through.

Conventions: points are ``(N, 2)`` arrays of ``(x, y)`` pixel coordinates (x to the
right, y down); a model ``M`` maps ``src`` onto ``dst``: ``dst ≈ M · src``.

References: R. Hartley, A. Zisserman, *Multiple View Geometry in Computer Vision*,
2nd ed., Cambridge University Press 2003 (ch. 2 and 4); R. Hartley, "In defense of the
eight-point algorithm", IEEE TPAMI 19(6), 1997 (normalisation); S. Umeyama,
"Least-squares estimation of transformation parameters between two point patterns",
IEEE TPAMI 13(4), 1991; M. Fischler, R. Bolles, "Random sample consensus", CACM 24(6), 1981.
"""
from __future__ import annotations

import math
import time

import numpy as np

from ._guard import reference
from ._validation import as_rng, check_array, check_image, check_int, check_number

__all__ = [
    "TRANSFORMATIONS",
    "apply_homography",
    "transfer_error",
    "normalize_points",
    "fit_translation",
    "fit_rigid",
    "fit_similarity",
    "fit_affine",
    "fit_homography",
    "fit_model",
    "is_degenerate_sample",
    "ransac_iterations",
    "ransac",
    "ransac_homography",
    "ransac_trace",
    "opencv_homography",
    "random_transformation",
    "cross_ratio",
    "INVARIANTS",
    "invariant_changes",
    "warp_onto",
    "superpose",
    "fit_fundamental",
    "epipolar_distance",
    "plane_induced_homography",
    "fundamental_from_cameras",
    "two_plane_pair",
    "homography_pair_metrics",
    "evaluate_homography_estimators",
    "labelled_pair_metrics",
    "summarize_homography_results",
]

#: The hierarchy of planar transformations: degrees of freedom, minimal sample size
#: (point pairs) and what each one preserves (Hartley & Zisserman 2003, table 2.1).
TRANSFORMATIONS = {
    "translation": {"dof": 2, "min_samples": 1,
                    "preserves": "everything but absolute position: lengths, angles, areas, orientation"},
    "rigid": {"dof": 3, "min_samples": 2, "preserves": "lengths, angles, areas"},
    "similarity": {"dof": 4, "min_samples": 2, "preserves": "ratios of lengths, angles"},
    "affine": {"dof": 6, "min_samples": 3, "preserves": "parallelism, ratios of areas, ratios of lengths on a line"},
    "homography": {"dof": 8, "min_samples": 4, "preserves": "collinearity, cross-ratio of 4 collinear points"},
}


# ----------------------------------------------------------------------------- helpers

def _points(pts, name: str, allow_empty: bool = False) -> np.ndarray:
    arr = check_array(pts, name, shape=(None, 2), kinds="iuf", allow_empty=allow_empty)
    return arr.astype(np.float64, copy=False)


def _pair(src, dst, min_points: int, model: str):
    src = _points(src, "src")
    dst = _points(dst, "dst")
    if src.shape != dst.shape:
        raise ValueError(f"src and dst must have the same shape, got {src.shape} and {dst.shape}")
    if len(src) < min_points:
        raise ValueError(f"src and dst must hold at least {min_points} point pair(s) for a {model}, "
                         f"got {len(src)}")
    return src, dst


def _matrix33(H, name: str = "H") -> np.ndarray:
    return check_array(H, name, shape=(3, 3), kinds="iuf").astype(np.float64, copy=False)


def _check_model(model) -> str:
    if not isinstance(model, str) or model not in TRANSFORMATIONS:
        raise ValueError(f"model must be one of {', '.join(TRANSFORMATIONS)}, got {model!r}")
    return model


# ----------------------------------------------------------------------------- applying

def apply_homography(H, pts) -> np.ndarray:
    """Map points through a 3×3 transformation in homogeneous coordinates.

    Parameters
    ----------
    H : (3, 3) array_like of float
        Any model of the hierarchy (a homography in general).
    pts : (N, 2) array_like of float
        Pixel coordinates ``(x, y)``; ``N`` may be 0.

    Returns
    -------
    (N, 2) float64 array
        ``(x', y') = (h1·p / h3·p, h2·p / h3·p)`` with ``p = (x, y, 1)``; points sent to
        infinity (``h3·p = 0``) come out as ``inf``.
    """
    H = _matrix33(H)
    pts = _points(pts, "pts", allow_empty=True)
    return _apply(H, pts)


def _apply(H: np.ndarray, pts: np.ndarray) -> np.ndarray:
    w = pts @ H[2, :2] + H[2, 2]
    xy = pts @ H[:2, :2].T + H[:2, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = xy / w[:, None]
    out[~np.isfinite(out)] = np.inf
    return out


def transfer_error(H, src, dst) -> np.ndarray:
    """One-way transfer error ``‖dst − H(src)‖`` of each correspondence, in pixels.

    Parameters
    ----------
    H : (3, 3) array_like of float
        A model mapping ``src`` onto ``dst``.
    src, dst : (N, 2) array_like of float
        Corresponding points.

    Returns
    -------
    (N,) float64 array
        Euclidean distance in ``dst``'s image between each point and its mapped partner
        (Hartley & Zisserman 2003, sec. 4.2.2); ``inf`` for points mapped to infinity.
    """
    H = _matrix33(H)
    src, dst = _pair(src, dst, 0, "model")
    return _transfer(H, src, dst)


def _transfer(H: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    d = _apply(H, src) - dst
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.sqrt(np.einsum("ij,ij->i", d, d))
    err[~np.isfinite(err)] = np.inf
    return err


# ----------------------------------------------------------------------------- fitting

def normalize_points(pts):
    """Hartley's normalisation: move the centroid to the origin and scale to a mean distance of √2.

    Parameters
    ----------
    pts : (N, 2) array_like of float, N >= 1

    Returns
    -------
    normalized : (N, 2) float64 array
        ``T · pts``.
    T : (3, 3) float64 array
        The similarity ``[[s, 0, -s·cx], [0, s, -s·cy], [0, 0, 1]]``.

    Raises
    ------
    ValueError
        If all points coincide (no scale can be defined).

    References
    ----------
    R. Hartley, "In defense of the eight-point algorithm", TPAMI 1997.
    """
    pts = _points(pts, "pts")
    return _normalize(pts)


def _normalize(pts: np.ndarray):
    c = pts.mean(axis=0)
    d = np.sqrt(((pts - c) ** 2).sum(axis=1)).mean()
    if not d > 1e-12 * max(1.0, float(np.abs(c).max())):
        raise ValueError("points are degenerate: they all coincide")
    s = math.sqrt(2.0) / d
    T = np.array([[s, 0.0, -s * c[0]], [0.0, s, -s * c[1]], [0.0, 0.0, 1.0]])
    return (pts - c) * s, T


def fit_translation(src, dst) -> np.ndarray:
    """Least-squares translation (2 DOF): ``t = mean(dst − src)``.

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 1

    Returns
    -------
    (3, 3) float64 array
        ``[[1, 0, tx], [0, 1, ty], [0, 0, 1]]``.
    """
    src, dst = _pair(src, dst, 1, "translation")
    M = np.eye(3)
    M[:2, 2] = (dst - src).mean(axis=0)
    return M


def _procrustes(src, dst, with_scale: bool):
    # Umeyama (1991): the rotation from the SVD of the cross-covariance, a reflection
    # turned back into a rotation, and for a similarity the optimal scale.
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    sc, dc = src - mu_s, dst - mu_d
    var_s = (sc ** 2).sum(axis=1).mean()
    if not var_s > 1e-24 * max(1.0, float(np.abs(mu_s).max()) ** 2):
        raise ValueError("src points are degenerate: they all coincide")
    cov = dc.T @ sc / len(src)
    U, D, Vt = np.linalg.svd(cov)
    S = np.diag([1.0, np.sign(np.linalg.det(U) * np.linalg.det(Vt)) or 1.0])
    R = U @ S @ Vt
    scale = float(np.trace(np.diag(D) @ S) / var_s) if with_scale else 1.0
    M = np.eye(3)
    M[:2, :2] = scale * R
    M[:2, 2] = mu_d - scale * R @ mu_s
    return M


def fit_rigid(src, dst) -> np.ndarray:
    """Least-squares rigid (Euclidean) transformation, rotation + translation (3 DOF).

    Minimises ``Σ ‖dst_i − (R src_i + t)‖²`` over rotations ``R`` (no reflection) and
    translations ``t`` in closed form (Procrustes; Umeyama 1991 without scale).

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 2, src not all at one point

    Returns
    -------
    (3, 3) float64 array
        ``[[R, t], [0, 0, 1]]`` with ``det R = 1``.
    """
    src, dst = _pair(src, dst, 2, "rigid transformation")
    return _procrustes(src, dst, with_scale=False)


def fit_similarity(src, dst) -> np.ndarray:
    """Least-squares similarity, rotation + uniform scale + translation (4 DOF).

    Minimises ``Σ ‖dst_i − (s R src_i + t)‖²`` in closed form (Umeyama 1991).

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 2, src not all at one point

    Returns
    -------
    (3, 3) float64 array
        ``[[s R, t], [0, 0, 1]]``.
    """
    src, dst = _pair(src, dst, 2, "similarity")
    return _procrustes(src, dst, with_scale=True)


def _collinear(pts: np.ndarray, rel_tol: float = 1e-9) -> bool:
    # all points on one line <=> the centred coordinates have rank < 2
    c = pts - pts.mean(axis=0)
    s = np.linalg.svd(c, compute_uv=False)
    return bool(s[0] == 0 or (len(s) < 2 or s[1] <= rel_tol * s[0]))


@reference("5.2")
def fit_affine(src, dst) -> np.ndarray:
    """Least-squares affine transformation (6 DOF).

    Solves ``[x y 1] · Aᵀ = [x' y']`` for the 2×3 matrix ``A`` by linear least squares.

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 3, src not all on one line

    Returns
    -------
    (3, 3) float64 array
        ``[[a11, a12, tx], [a21, a22, ty], [0, 0, 1]]``.
    """
    src, dst = _pair(src, dst, 3, "affine transformation")
    if _collinear(src):
        raise ValueError("src points are degenerate: they are all on one line")
    return _fit_affine(src, dst)


def _fit_affine(src, dst):
    X = np.column_stack([src, np.ones(len(src))])
    A, *_ = np.linalg.lstsq(X, dst, rcond=None)
    M = np.eye(3)
    M[:2, :] = A.T
    return M


@reference("5.3")
def fit_homography(src, dst) -> np.ndarray:
    """Homography (8 DOF) by the normalised direct linear transform (DLT).

    Each pair ``(x, y) → (u, v)`` gives two rows of ``A h = 0``::

        [-x, -y, -1,  0,  0,  0, u·x, u·y, u]
        [ 0,  0,  0, -x, -y, -1, v·x, v·y, v]

    computed on points normalised by :func:`normalize_points` (centroid at 0, mean
    distance √2) in each image; ``h`` is the right singular vector of the smallest
    singular value (exact for 4 pairs, algebraic least squares for more), and the
    normalisation is undone: ``H = T_dst⁻¹ Ĥ T_src``.

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 4

    Returns
    -------
    (3, 3) float64 array
        Scaled so that ``H[2, 2] = 1`` (or unit Frobenius norm in the rare case
        ``H[2, 2] ≈ 0``).

    Raises
    ------
    ValueError
        For fewer than 4 pairs or a degenerate configuration (three of four points on
        a line, all points on a line, a rank-deficient system or a singular solution).

    References
    ----------
    Hartley & Zisserman 2003, algorithm 4.2; Hartley, TPAMI 1997.
    """
    src, dst = _pair(src, dst, 4, "homography")
    H = _fit_homography(src, dst)
    if H is None:
        raise ValueError("src and dst are degenerate: no unique homography maps src onto dst "
                         "(three of four points on a line, or all points on a line)")
    return H


def _fit_homography(src, dst):
    try:
        s_n, Ts = _normalize(src)
        d_n, Td = _normalize(dst)
    except ValueError:
        return None
    n = len(src)
    A = np.zeros((max(2 * n, 9), 9))  # a zero row for n = 4 keeps the SVD square
    x, y = s_n[:, 0], s_n[:, 1]
    u, v = d_n[:, 0], d_n[:, 1]
    r0, r1 = slice(0, 2 * n, 2), slice(1, 2 * n, 2)
    A[r0, 0], A[r0, 1], A[r0, 2] = -x, -y, -1.0
    A[r0, 6], A[r0, 7], A[r0, 8] = u * x, u * y, u
    A[r1, 3], A[r1, 4], A[r1, 5] = -x, -y, -1.0
    A[r1, 6], A[r1, 7], A[r1, 8] = v * x, v * y, v
    _, S, Vt = np.linalg.svd(A, full_matrices=False)
    # the solution is unique only if the null space is one-dimensional: the second
    # smallest singular value of A (the 8th) must not vanish
    if S[7] <= 1e-10 * S[0]:
        return None
    Hn = Vt[-1].reshape(3, 3)
    if abs(np.linalg.det(Hn)) <= 1e-12 * np.abs(Hn).max() ** 3:
        return None
    H = np.linalg.solve(Td, Hn @ Ts)
    if abs(H[2, 2]) > 1e-12 * np.abs(H).max():
        return H / H[2, 2]
    return H / np.linalg.norm(H)


_FITS = {
    "translation": lambda s, d: fit_translation(s, d),
    "rigid": lambda s, d: fit_rigid(s, d),
    "similarity": lambda s, d: fit_similarity(s, d),
    "affine": lambda s, d: fit_affine(s, d),
    "homography": lambda s, d: fit_homography(s, d),
}


def fit_model(src, dst, model: str = "homography") -> np.ndarray:
    """Least-squares fit of any model of the hierarchy (see :data:`TRANSFORMATIONS`).

    Parameters
    ----------
    src, dst : (N, 2) array_like of float
        At least ``TRANSFORMATIONS[model]["min_samples"]`` pairs.
    model : {"translation", "rigid", "similarity", "affine", "homography"}

    Returns
    -------
    (3, 3) float64 array
    """
    return _FITS[_check_model(model)](src, dst)


def _fit_unchecked(model: str, src, dst):
    """The fit for RANSAC's inner loop: no validation, ``None`` when degenerate."""
    if model == "homography":
        return _fit_homography(src, dst)
    try:
        if model == "translation":
            M = np.eye(3)
            M[:2, 2] = (dst - src).mean(axis=0)
            return M
        if model == "affine":
            return None if _collinear(src) else _fit_affine(src, dst)
        return _procrustes(src, dst, with_scale=(model == "similarity"))
    except ValueError:
        return None


# ----------------------------------------------------------------------------- RANSAC

def _cross(a, b, c):
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


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


@reference("5.4")
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


def _ransac(src, dst, model, threshold, confidence, max_iters, seed, refit, record):
    model = _check_model(model)
    s = TRANSFORMATIONS[model]["min_samples"]
    src, dst = _pair(src, dst, s, model)
    threshold = check_number(threshold, "threshold", minimum=0.0, strict_min=True)
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
                "best_n_inliers": best_count, "iterations_needed": min(needed, max_iters)}
        if _degenerate(src[idx], dst[idx], model):
            step["degenerate"] = True
        else:
            M = _fit_unchecked(model, src[idx], dst[idx])
            if M is None:
                step["degenerate"] = True
            else:
                mask = _transfer(M, src, dst) < threshold
                count = int(mask.sum())
                step["n_inliers"] = count
                if count > best_count:
                    best_M, best_mask, best_count = M, mask, count
                    # the adaptive stopping rule: with the best inlier ratio seen so far
                    needed = _n_iters(count / n, s, confidence)
                step["best_n_inliers"] = best_count
                step["iterations_needed"] = min(needed, max_iters)
        if record is not None:
            step["model"] = None if step["degenerate"] else M
            record.append(step)

    if best_M is None or best_count < s:
        return None, np.zeros(n, dtype=bool), it
    if refit:
        # final refit on all inliers, then count again; repeated while the consensus grows
        for _ in range(5):
            M = _fit_unchecked(model, src[best_mask], dst[best_mask])
            if M is None:
                break
            mask = _transfer(M, src, dst) < threshold
            if mask.sum() < best_count or np.array_equal(mask, best_mask):
                if mask.sum() >= best_count:
                    best_M, best_mask = M, mask
                break
            best_M, best_mask, best_count = M, mask, int(mask.sum())
    return best_M, best_mask, it


def ransac(src, dst, model: str = "homography", threshold=3.0, confidence=0.999, max_iters=10000,
           seed=None, refit: bool = True):
    """RANSAC for any model of the hierarchy, written from scratch.

    1. draw a minimal sample (1, 2, 3 or 4 pairs), reject it if degenerate
       (:func:`is_degenerate_sample`);
    2. fit the model to the sample;
    3. count the inliers, the pairs whose transfer error is below ``threshold``;
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
    threshold : float > 0
        Inlier threshold on the transfer error ``‖dst − M(src)‖``, in pixels.
    confidence : float in (0, 1)
        Probability ``p`` of drawing at least one all-inlier sample, which sets the
        adaptive number of iterations (:func:`ransac_iterations`).
    max_iters : int >= 1
        Upper bound on the number of samples drawn.
    seed : int or numpy.random.Generator, optional
        Source of the random samples (``None`` means seed 0).
    model : {"translation", "rigid", "similarity", "affine", "homography"}
    refit : bool
        Do step 5 (default). Without it the best minimal-sample model is returned.

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
    M, mask, _ = _ransac(src, dst, model, threshold, confidence, max_iters, seed, refit, None)
    return M, mask


def ransac_homography(src, dst, threshold=3.0, confidence=0.999, max_iters=10000, seed=None):
    """Robust homography between two views: RANSAC over 4-point samples + normalised DLT refit.

    Same as ``ransac(src, dst, "homography", ...)``.

    Parameters
    ----------
    src, dst : (N, 2) array_like of float
        Tentative correspondences ``src[i] ↔ dst[i]`` (pixels); ``N`` at least the
        minimal sample size (4 for a homography).
    threshold : float > 0
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
    return ransac(src, dst, "homography", threshold, confidence, max_iters, seed)


def ransac_trace(src, dst, model: str = "homography", threshold=3.0, confidence=0.999,
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
        ``model`` ((3, 3) or None), ``n_inliers`` of that sample's model,
        ``best_n_inliers`` so far and ``iterations_needed`` (the adaptive bound after
        this iteration, capped by ``max_iters``).
    """
    steps: list = []
    M, mask, _ = _ransac(src, dst, model, threshold, confidence, max_iters, seed, True, steps)
    return M, mask, steps


def opencv_homography(src, dst, method: str = "ransac", threshold=3.0, confidence=0.999,
                      max_iters=10000, seed=0):
    """``cv2.findHomography`` with the same inputs and outputs as :func:`ransac_homography`.

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 4
    method : {"ransac", "magsac", "lmeds", "dlt"}
        ``cv2.RANSAC``, ``cv2.USAC_MAGSAC`` (Barath et al., CVPR 2019), ``cv2.LMEDS`` or
        plain least squares (``0``).
    threshold, confidence, max_iters
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
    threshold = check_number(threshold, "threshold", minimum=0.0, strict_min=True)
    confidence = check_number(confidence, "confidence", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    max_iters = check_int(max_iters, "max_iters", minimum=1)
    cv2.setRNGSeed(check_int(seed, "seed", minimum=0))
    H, mask = cv2.findHomography(src.astype(np.float32), dst.astype(np.float32), methods[method],
                                 threshold, maxIters=max_iters, confidence=confidence)
    if H is None or not np.all(np.isfinite(H)):
        return None, np.zeros(len(src), dtype=bool)
    mask = np.ones(len(src), bool) if mask is None else mask.ravel().astype(bool)
    return H.astype(np.float64), mask


# ----------------------------------------------------------------------------- invariants

def random_transformation(model: str = "homography", seed=None, center=(0.0, 0.0), scale_px=100.0,
                          strength=0.2) -> np.ndarray:
    """A random transformation of a given kind, for tests, demos and synthetic pairs.

    Parameters
    ----------
    model : {"translation", "rigid", "similarity", "affine", "homography"}
    seed : int or numpy.random.Generator, optional
    center : (2,) array_like of float
        The point around which the transformation acts (e.g. the image centre).
    scale_px : float > 0
        Typical size of the region (e.g. half the image diagonal); translations are
        drawn up to ``strength · scale_px``.
    strength : float >= 0
        How far from the identity: rotation up to ``strength·π/2``, log-scale up to
        ``strength``, shear/anisotropy up to ``strength/2``, perspective such that the
        corners of the region move by up to about ``strength/4 · scale_px``.

    Returns
    -------
    (3, 3) float64 array
        ``T_c · M · T_c⁻¹`` with ``H[2, 2] = 1``.
    """
    model = _check_model(model)
    rng = as_rng(seed)
    c = check_array(center, "center", shape=(2,), kinds="iuf").astype(np.float64)
    L = check_number(scale_px, "scale_px", minimum=0.0, strict_min=True)
    k = check_number(strength, "strength", minimum=0.0)
    M = np.eye(3)
    M[:2, 2] = rng.uniform(-1, 1, 2) * k * L
    if model != "translation":
        a = rng.uniform(-1, 1) * k * math.pi / 2
        R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        s = math.exp(rng.uniform(-1, 1) * k) if model != "rigid" else 1.0
        A = s * R
        if model in ("affine", "homography"):
            sh = np.array([[1.0 + rng.uniform(-0.5, 0.5) * k, rng.uniform(-0.5, 0.5) * k],
                           [0.0, 1.0 + rng.uniform(-0.5, 0.5) * k]])
            A = A @ sh
        M[:2, :2] = A
    if model == "homography":
        M[2, :2] = rng.uniform(-1, 1, 2) * k / (4.0 * L)
    Tc = np.array([[1.0, 0.0, c[0]], [0.0, 1.0, c[1]], [0.0, 0.0, 1.0]])
    Tci = np.array([[1.0, 0.0, -c[0]], [0.0, 1.0, -c[1]], [0.0, 0.0, 1.0]])
    H = Tc @ M @ Tci
    return H / H[2, 2]


def cross_ratio(pts) -> float:
    """Cross-ratio of four collinear points, the invariant of a homography on a line.

    ``CR(p1, p2; p3, p4) = (|p1p3| · |p2p4|) / (|p2p3| · |p1p4|)`` with signed
    distances along the line (Hartley & Zisserman 2003, sec. 2.5).

    Parameters
    ----------
    pts : (4, 2) array_like of float
        Four distinct points on one line.

    Returns
    -------
    float
    """
    p = _points(pts, "pts")
    if p.shape != (4, 2):
        raise ValueError(f"pts must have shape (4, 2), got {p.shape}")
    d = p[-1] - p[0] if np.any(p[-1] != p[0]) else p[1] - p[0]
    norm = np.linalg.norm(d)
    if norm == 0:
        raise ValueError("pts must be four distinct points")
    t = (p - p[0]) @ (d / norm)  # signed positions along the line
    resid = np.abs((p - p[0]) @ np.array([-d[1], d[0]]) / norm)
    if resid.max() > 1e-6 * max(1.0, float(np.ptp(t))):
        raise ValueError("pts must be collinear")
    den = (t[2] - t[1]) * (t[3] - t[0])
    if den == 0:
        raise ValueError("pts must be four distinct points")
    return float((t[2] - t[0]) * (t[3] - t[1]) / den)


#: The quantities :func:`invariant_changes` measures, in the order of the lecture's table.
INVARIANTS = ("position", "length", "angle", "length ratio", "area ratio", "parallelism", "cross-ratio")


def invariant_changes(M, seed=0, n_trials: int = 20) -> dict:
    """How much a transformation changes each geometric quantity, measured on random figures.

    For random points in a 200 × 200 px square, compares before and after ``M``:
    ``position`` (a point), ``length`` (a segment), ``angle`` (between two segments),
    ``length ratio`` (of two segments), ``area ratio`` (of two triangles),
    ``parallelism`` (the sine of the angle between the images of two parallel
    segments) and ``cross-ratio`` (of four collinear points).

    Parameters
    ----------
    M : (3, 3) array_like of float
    seed : int or numpy.random.Generator
    n_trials : int >= 1
        Random figures per quantity.

    Returns
    -------
    dict of str -> float
        The largest relative change of each quantity of :data:`INVARIANTS` (absolute
        for ``angle`` in radians and ``parallelism``); ~1e-12 means preserved.
    """
    M = _matrix33(M, "M")
    rng = as_rng(seed)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    out = {k: 0.0 for k in INVARIANTS}

    def rel(a, b):
        return abs(a - b) / max(abs(b), 1e-12)

    def area(p):
        return 0.5 * abs(_cross(p[0], p[1], p[2]))

    def angle(o, a, b):
        u, v = a - o, b - o
        return math.atan2(u[0] * v[1] - u[1] * v[0], u @ v)

    for _ in range(n_trials):
        p = rng.uniform(0, 200, (6, 2))
        q = _apply(M, p)
        out["position"] = max(out["position"], float(np.linalg.norm(q[0] - p[0]) / 200.0))
        out["length"] = max(out["length"], rel(np.linalg.norm(q[1] - q[0]), np.linalg.norm(p[1] - p[0])))
        out["angle"] = max(out["angle"], abs(angle(q[0], q[1], q[2]) - angle(p[0], p[1], p[2])))
        r0 = np.linalg.norm(p[1] - p[0]) / np.linalg.norm(p[3] - p[2])
        out["length ratio"] = max(out["length ratio"],
                                  rel(np.linalg.norm(q[1] - q[0]) / np.linalg.norm(q[3] - q[2]), r0))
        out["area ratio"] = max(out["area ratio"], rel(area(q[:3]) / area(q[3:]), area(p[:3]) / area(p[3:])))
        par = np.vstack([p[:2], p[2:3], p[2:3] + (p[1] - p[0])])   # segment 0-1 and a parallel 2-3
        qp = _apply(M, par)
        e1, e2 = qp[1] - qp[0], qp[3] - qp[2]
        out["parallelism"] = max(out["parallelism"],
                                 abs(e1[0] * e2[1] - e1[1] * e2[0]) / (np.linalg.norm(e1) * np.linalg.norm(e2)))
        t = np.sort(rng.uniform(0, 1, 4))
        line = p[4] + t[:, None] * (p[5] - p[4])
        out["cross-ratio"] = max(out["cross-ratio"], rel(cross_ratio(_apply(M, line)), cross_ratio(line)))
    return out


# ----------------------------------------------------------------------------- warping

def warp_onto(image_b, H, shape_a) -> np.ndarray:
    """Warp image B into image A's frame with a homography that maps B onto A.

    Parameters
    ----------
    image_b : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    H : (3, 3) array_like of float
        Maps pixel coordinates of B to pixel coordinates of A.
    shape_a : tuple
        ``image_a.shape`` (only the first two entries are used).

    Returns
    -------
    array of image_b's dtype, shape ``shape_a[:2] + image_b.shape[2:]``
        Pixels of A's frame not covered by B are 0 (``cv2.warpPerspective``, bilinear).
    """
    import cv2

    img = check_image(image_b, "image_b")
    H = _matrix33(H)
    if not isinstance(shape_a, (tuple, list)) or len(shape_a) < 2:
        raise ValueError(f"shape_a must be an image shape (H, W[, 3]), got {shape_a!r}")
    h, w = check_int(shape_a[0], "shape_a[0]", minimum=1), check_int(shape_a[1], "shape_a[1]", minimum=1)
    src = img.astype(np.float32) if img.dtype != np.uint8 else img
    out = cv2.warpPerspective(src, H, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=0)
    if img.dtype != np.uint8:
        out = np.clip(out, 0.0, 1.0).astype(img.dtype)
    return out


def superpose(image_a, image_b, H, mode: str = "blend", alpha=0.5, tiles=8) -> np.ndarray:
    """Superpose image B on image A after warping it with ``H`` (B → A).

    Parameters
    ----------
    image_a, image_b : (H, W) or (H, W, 3) uint8 or float [0, 1] arrays
    H : (3, 3) array_like of float
        Maps B's pixel coordinates onto A's.
    mode : {"blend", "checker", "color"}
        ``"blend"``: ``(1 − alpha)·A + alpha·warp(B)`` where B covers A, A elsewhere;
        ``"checker"``: tiles alternating between A and warped B (misalignment shows as
        broken edges); ``"color"``: A's gray in the red channel, warped B's in green and
        blue (aligned structure looks gray, misaligned red or cyan; plain gray where B
        does not reach).
    alpha : float in [0, 1]
    tiles : int >= 1
        Number of checker tiles along the longer side.

    Returns
    -------
    (H_a, W_a, 3) float64 array in [0, 1]
    """
    from .image import to_float, to_gray

    a = to_float(image_a)
    b = to_float(image_b)
    if mode not in ("blend", "checker", "color"):
        raise ValueError(f"mode must be 'blend', 'checker' or 'color', got {mode!r}")
    alpha = check_number(alpha, "alpha", minimum=0.0, maximum=1.0)
    tiles = check_int(tiles, "tiles", minimum=1)
    a3 = a if a.ndim == 3 else np.repeat(a[..., None], 3, axis=2)
    b3 = b if b.ndim == 3 else np.repeat(b[..., None], 3, axis=2)
    warped = warp_onto(b3, H, a3.shape)
    cover = warp_onto(np.ones(b3.shape[:2]), H, a3.shape) > 0.5
    if mode == "color":
        ga = to_gray(a3)
        out = np.repeat(ga[..., None], 3, axis=2)  # gray where B does not reach
        out[..., 1] = out[..., 2] = np.where(cover, to_gray(warped), ga)
        return out
    if mode == "blend":
        out = a3.copy()
        out[cover] = (1 - alpha) * a3[cover] + alpha * warped[cover]
        return out
    side = max(a3.shape[:2]) / tiles
    yy, xx = np.mgrid[0:a3.shape[0], 0:a3.shape[1]]
    chk = ((yy // side + xx // side) % 2).astype(bool) & cover
    out = a3.copy()
    out[chk] = warped[chk]
    return out


# ----------------------------------------------------------------------------- epipolar

def fit_fundamental(src, dst, threshold=1.0, confidence=0.999, max_iters=10000, seed=0):
    """Fundamental matrix of a non-planar scene by RANSAC (``cv2.findFundamentalMat``).

    For a general 3-D scene no homography relates the views; a point in one image
    only constrains its match to a line in the other, the epipolar line ``F x``
    (``x'ᵀ F x = 0``; Hartley & Zisserman 2003, ch. 9 and 11).

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 8
    threshold : float > 0
        Maximum distance in pixels from a point to its epipolar line.
    confidence : float in (0, 1)
    max_iters : int
    seed : int
        For ``cv2.setRNGSeed``.

    Returns
    -------
    F : (3, 3) float64 array or None
        Rank 2, with ``dst_hᵀ F src_h ≈ 0`` for inliers; ``None`` if OpenCV finds none.
    inlier_mask : (N,) bool array
    """
    import cv2

    src, dst = _pair(src, dst, 8, "fundamental matrix")
    threshold = check_number(threshold, "threshold", minimum=0.0, strict_min=True)
    confidence = check_number(confidence, "confidence", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    max_iters = check_int(max_iters, "max_iters", minimum=1)
    cv2.setRNGSeed(check_int(seed, "seed", minimum=0))
    F, mask = cv2.findFundamentalMat(src.astype(np.float32), dst.astype(np.float32), cv2.FM_RANSAC,
                                     threshold, confidence, max_iters)
    if F is None or F.shape != (3, 3):
        return None, np.zeros(len(src), dtype=bool)
    return F.astype(np.float64), mask.ravel().astype(bool)


def plane_induced_homography(K, R, t, normal, distance) -> np.ndarray:
    """The homography between two views induced by a 3-D plane: ``K (R + t nᵀ / d) K⁻¹``.

    Camera 1 is ``K [I | 0]``, camera 2 is ``K [R | t]``; the plane is ``nᵀ X = d`` in
    camera 1's frame: a point ``X`` of the plane satisfies ``nᵀX / d = 1``, so
    ``R X + t = (R + t nᵀ / d) X`` (Hartley & Zisserman 2003, result 13.1, with their
    plane ``(vᵀ, 1)`` written as ``v = −n / d``). Every plane of the scene
    has its own homography; only the fundamental matrix is shared by all of them.

    Parameters
    ----------
    K : (3, 3) array_like of float
        Intrinsic matrix (the same for both cameras).
    R : (3, 3) array_like of float
        Rotation from camera 1 to camera 2.
    t : (3,) array_like of float
        Translation of camera 2.
    normal : (3,) array_like of float
        Plane normal ``n`` (need not be unit: ``d`` scales with it).
    distance : float, nonzero
        ``d`` in ``nᵀ X = d``.

    Returns
    -------
    (3, 3) float64 array
        Maps image 1's pixels to image 2's, ``H[2, 2] = 1``.
    """
    K = _matrix33(K, "K")
    R = _matrix33(R, "R")
    t = check_array(t, "t", shape=(3,), kinds="iuf").astype(np.float64)
    n = check_array(normal, "normal", shape=(3,), kinds="iuf").astype(np.float64)
    d = check_number(distance, "distance")
    if d == 0:
        raise ValueError("distance must be nonzero (a plane through camera 1's centre is seen edge-on)")
    H = K @ (R + np.outer(t, n) / d) @ np.linalg.inv(K)
    return H / H[2, 2]


def fundamental_from_cameras(K, R, t) -> np.ndarray:
    """The fundamental matrix ``K⁻ᵀ [t]ₓ R K⁻¹`` of cameras ``K [I | 0]`` and ``K [R | t]``.

    Parameters
    ----------
    K, R : (3, 3) array_like of float
    t : (3,) array_like of float, nonzero

    Returns
    -------
    (3, 3) float64 array
        ``x₂ᵀ F x₁ = 0`` for matching pixels, scaled to unit Frobenius norm.
    """
    K = _matrix33(K, "K")
    R = _matrix33(R, "R")
    t = check_array(t, "t", shape=(3,), kinds="iuf").astype(np.float64)
    if not np.any(t):
        raise ValueError("t must be nonzero: without a baseline there is no epipolar geometry")
    tx = np.array([[0.0, -t[2], t[1]], [t[2], 0.0, -t[0]], [-t[1], t[0], 0.0]])
    Ki = np.linalg.inv(K)
    F = Ki.T @ tx @ R @ Ki
    return F / np.linalg.norm(F)


def two_plane_pair(image, fold_deg=35.0, baseline=0.25, noise_std=0.01, seed=0) -> dict:
    """A synthetic non-planar scene: a photo folded like an open book, seen from two viewpoints.

    The left half of ``image`` lies on one plane and the right half on another, meeting
    along the vertical line through the image centre; camera 2 moves sideways by
    ``baseline`` (in units of the distance to the fold) and turns to keep the fold in
    the middle of its view. Each
    half moves by its own homography (:func:`plane_induced_homography`), so no single
    homography explains all correct matches, while the fundamental matrix does.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
        Seen by camera 1 as it is.
    fold_deg : float
        Each half is turned by this angle about the fold (0 gives a flat page).
    baseline : float in (0, 0.9]
        Sideways translation of camera 2.
    noise_std : float >= 0
        Gaussian noise added to view 2 (in [0, 1] units).
    seed : int or numpy.random.Generator

    Returns
    -------
    dict
        ``"A"`` (the input as uint8), ``"B"`` (view 2, uint8), ``"F"`` with
        ``x_Bᵀ F x_A = 0``, ``"H_left"``, ``"H_right"`` (A → B for each half) and
        ``"fold_x"``, the column of the fold in A.
    """
    import cv2

    from .image import to_uint8

    img = to_uint8(check_image(image))
    fold = math.radians(check_number(fold_deg, "fold_deg", minimum=-80.0, maximum=80.0))
    baseline = check_number(baseline, "baseline", minimum=0.0, maximum=0.9, strict_min=True)
    turn = math.asin(baseline)  # keeps the fold (0, 0, 1) on camera 2's optical axis
    noise_std = check_number(noise_std, "noise_std", minimum=0.0)
    rng = as_rng(seed)
    h, w = img.shape[:2]
    f = 1.2 * max(h, w)
    K = np.array([[f, 0.0, (w - 1) / 2], [0.0, f, (h - 1) / 2], [0.0, 0.0, 1.0]])
    Z0 = 1.0
    R = np.array([[math.cos(turn), 0.0, math.sin(turn)], [0.0, 1.0, 0.0], [-math.sin(turn), 0.0, math.cos(turn)]])
    t = np.array([-baseline, 0.0, 0.0])
    Hs = []
    for sign in (-1.0, 1.0):  # left half, right half: planes through the fold (0, y, Z0)
        n = np.array([sign * math.sin(fold), 0.0, math.cos(fold)])
        Hs.append(plane_induced_homography(K, R, t, n, float(n @ np.array([0.0, 0.0, Z0]))))
    fold_x = (w - 1) / 2
    left = np.zeros((h, w), np.float32)
    left[:, : int(round(fold_x)) + 1] = 1.0
    out = np.zeros(img.shape, np.float64)
    weight = np.zeros((h, w), np.float64)
    for H, m in zip(Hs, (left, 1.0 - left)):
        wm = cv2.warpPerspective(m, H, (w, h), flags=cv2.INTER_LINEAR)
        wi = cv2.warpPerspective(img, H, (w, h), flags=cv2.INTER_LINEAR).astype(np.float64)
        out += wi * (wm if img.ndim == 2 else wm[..., None])
        weight += wm
    out = out / np.maximum(weight, 1e-6)[..., None] if img.ndim == 3 else out / np.maximum(weight, 1e-6)
    out += rng.normal(0.0, noise_std * 255.0, out.shape)
    B = np.clip(np.round(out), 0, 255).astype(np.uint8)
    return {"A": img, "B": B, "F": fundamental_from_cameras(K, R, t), "H_left": Hs[0], "H_right": Hs[1],
            "fold_x": fold_x}


def epipolar_distance(F, src, dst) -> np.ndarray:
    """Symmetric point-to-epipolar-line distance of each correspondence, in pixels.

    Parameters
    ----------
    F : (3, 3) array_like of float
        Fundamental matrix with ``dst_hᵀ F src_h = 0``.
    src, dst : (N, 2) array_like of float

    Returns
    -------
    (N,) float64 array
        ``(d(dst, F src) + d(src, Fᵀ dst)) / 2``.
    """
    F = _matrix33(F, "F")
    src, dst = _pair(src, dst, 0, "fundamental matrix")
    xs = np.column_stack([src, np.ones(len(src))])
    xd = np.column_stack([dst, np.ones(len(dst))])
    l2 = xs @ F.T  # lines in dst
    l1 = xd @ F    # lines in src
    num = np.abs(np.einsum("ij,ij->i", xd, l2))
    with np.errstate(divide="ignore", invalid="ignore"):
        d2 = num / np.hypot(l2[:, 0], l2[:, 1])
        d1 = num / np.hypot(l1[:, 0], l1[:, 1])
    return 0.5 * (d1 + d2)


# ----------------------------------------------------------------------------- evaluation

def homography_pair_metrics(H, inlier_mask, matches, H_gt, verified, threshold_px=3.0, success_px=5.0) -> dict:
    """Quality of an estimated homography on one benchmark pair with a ground-truth model.

    Parameters
    ----------
    H : (3, 3) array_like of float or None
        The estimate, mapping the ``src`` columns of ``matches`` onto the ``dst`` columns.
    inlier_mask : (N,) array_like of bool
        The estimator's inliers among the tentative matches.
    matches : (N, 4) array_like of float
        Tentative correspondences ``[x_dst, y_dst, x_src, y_src]`` — the CMP layout
        ``[xA, yA, xB, yB]`` with models mapping B (src) → A (dst).
    H_gt : (3, 3) array_like of float
        Ground-truth model B → A.
    verified : (K, 4) array_like of float
        Manually verified correspondences in the same layout, on which the transfer
        error is measured (the image corners are a poor yardstick where matches
        cover only part of the image).
    threshold_px : float
        Ground-truth inliers are the tentative matches whose transfer error under
        ``H_gt`` is below this.
    success_px : float
        A pair is a success when the mean transfer error of ``H`` on ``verified`` is
        below this.

    Returns
    -------
    dict
        ``found`` (bool), ``error_px`` (mean transfer error on the verified pairs, inf if
        not found), ``success`` (bool), ``n_inliers``, ``n_gt_inliers``, ``precision``,
        ``recall`` (of the inlier mask against the ground-truth inliers; precision is 0
        for an empty mask).
    """
    m = check_array(matches, "matches", shape=(None, 4), kinds="iuf").astype(np.float64)
    v = check_array(verified, "verified", shape=(None, 4), kinds="iuf").astype(np.float64)
    mask = check_array(inlier_mask, "inlier_mask", shape=(len(m),), kinds="b", allow_empty=True)
    Hg = _matrix33(H_gt, "H_gt")
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    success_px = check_number(success_px, "success_px", minimum=0.0, strict_min=True)
    gt = _transfer(Hg, m[:, 2:], m[:, :2]) < threshold_px
    found = H is not None
    err = float(_transfer(_matrix33(H), v[:, 2:], v[:, :2]).mean()) if found else math.inf
    tp = int((mask & gt).sum())
    return {
        "found": found,
        "error_px": err,
        "success": bool(found and err < success_px),
        "n_inliers": int(mask.sum()),
        "n_gt_inliers": int(gt.sum()),
        "precision": tp / int(mask.sum()) if mask.any() else 0.0,
        "recall": tp / int(gt.sum()) if gt.any() else 0.0,
    }


def labelled_pair_metrics(H, inlier_mask, labels, matches, success_px=5.0) -> dict:
    """Quality of an estimate on a pair whose tentative matches are labelled (e.g. CMP EVD).

    Parameters
    ----------
    H : (3, 3) array_like of float or None
        The estimate, mapping the ``src`` columns of ``matches`` onto the ``dst`` columns.
    inlier_mask : (N,) array_like of bool
    labels : (N,) array_like of int
        > 0 for a correct match (an inlier), 0 for a wrong one.
    matches : (N, 4) array_like of float
        ``[x_dst, y_dst, x_src, y_src]`` (CMP ``[xA, yA, xB, yB]``).
    success_px : float > 0
        A pair is a success when the median transfer error of the labelled inliers
        under ``H`` is below this: the model explains the correct matches.

    Returns
    -------
    dict
        ``found``, ``error_px`` (median transfer error of the labelled inliers; inf if
        not found, NaN without labelled inliers), ``success``, ``n_inliers``,
        ``n_labelled``, ``precision`` and ``recall`` of the mask against the labels.
    """
    lab = check_array(labels, "labels", ndim=1, kinds="biuf") > 0
    mask = check_array(inlier_mask, "inlier_mask", shape=(len(lab),), kinds="b")
    m = check_array(matches, "matches", shape=(len(lab), 4), kinds="iuf").astype(np.float64)
    success_px = check_number(success_px, "success_px", minimum=0.0, strict_min=True)
    found = H is not None
    tp = int((mask & lab).sum())
    if not lab.any():
        err = math.nan
    elif found:
        err = float(np.median(_transfer(_matrix33(H), m[lab, 2:], m[lab, :2])))
    else:
        err = math.inf
    return {"found": found, "error_px": err, "success": bool(found and err < success_px),
            "n_inliers": int(mask.sum()), "n_labelled": int(lab.sum()),
            "precision": tp / int(mask.sum()) if mask.any() else 0.0,
            "recall": tp / int(lab.sum()) if lab.any() else 0.0}


def evaluate_homography_estimators(pairs, estimators, threshold_px=3.0, success_px=5.0, progress=True):
    """Run several homography estimators on benchmark pairs and measure each on each pair.

    Parameters
    ----------
    pairs : sequence of dict
        Each with ``"name"`` and ``"matches"`` ((N, 4) ``[xA, yA, xB, yB]``), and either
        ``"H_BtoA"`` + ``"verified"`` (a ground-truth model: :func:`homography_pair_metrics`)
        or ``"labels"`` only (:func:`labelled_pair_metrics`; the success criterion is then
        the median error of the labelled inliers). ``imsearch.data.load_cmp_pair``
        returns such dicts.
    estimators : dict of str -> callable
        ``estimator(src, dst) -> (H or None, inlier_mask)``, called with ``src`` = B's
        points and ``dst`` = A's, so ``H`` maps B → A like the ground truth.
    threshold_px, success_px : float
        See :func:`homography_pair_metrics` (``threshold_px`` is also the inlier
        threshold the estimators should use; it is not passed to them).
    progress : bool
        Show a ``tqdm.auto`` progress bar over the pairs.

    Returns
    -------
    list of dict
        One row per (pair, estimator): ``pair``, ``method``, ``time_s`` and the metrics.
    """
    from tqdm.auto import tqdm

    pairs = list(pairs)
    if not isinstance(estimators, dict) or not estimators:
        raise ValueError("estimators must be a non-empty dict of name -> callable")
    for name, est in estimators.items():
        if not callable(est):
            raise TypeError(f"estimators[{name!r}] must be callable, got {type(est).__name__}")
    rows = []
    for pair in tqdm(pairs, desc="pairs", disable=not progress):
        if not isinstance(pair, dict) or "matches" not in pair:
            raise ValueError("each pair must be a dict with a 'matches' (N, 4) array")
        m = check_array(pair["matches"], "matches", shape=(None, 4), kinds="iuf").astype(np.float64)
        src, dst = m[:, 2:], m[:, :2]
        for name, est in estimators.items():
            t0 = time.perf_counter()
            H, mask = est(src, dst)
            dt = time.perf_counter() - t0
            mask = np.asarray(mask, dtype=bool).ravel()
            if "H_BtoA" in pair:
                met = homography_pair_metrics(H, mask, m, pair["H_BtoA"], pair["verified"],
                                              threshold_px, success_px)
            else:
                met = labelled_pair_metrics(H, mask, pair["labels"], m, success_px)
            rows.append({"pair": pair.get("name", str(len(rows))), "method": name, "time_s": dt, **met})
    return rows


def summarize_homography_results(rows) -> list:
    """Aggregate :func:`evaluate_homography_estimators` rows per method.

    Parameters
    ----------
    rows : list of dict
        One per (pair, method), with ``method``, ``success``, ``error_px``,
        ``precision``, ``recall`` and ``time_s``.

    Returns
    -------
    list of dict
        One per method, in first-seen order: ``method``, ``n_pairs``, ``success_rate``,
        ``median_error_px`` (over all pairs; inf counts as a failure),
        ``mean_error_success_px`` (mean over the successful pairs, NaN if none),
        ``precision`` and ``recall`` (means over pairs), ``time_ms`` (mean per pair).
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must not be empty")
    out = []
    for method in dict.fromkeys(r["method"] for r in rows):
        rs = [r for r in rows if r["method"] == method]
        err = np.array([r["error_px"] for r in rs], dtype=np.float64)
        ok = np.array([r["success"] for r in rs], dtype=bool)
        out.append({
            "method": method,
            "n_pairs": len(rs),
            "success_rate": float(ok.mean()),
            "median_error_px": float(np.median(err)),
            "mean_error_success_px": float(err[ok].mean()) if ok.any() else math.nan,
            "precision": float(np.mean([r["precision"] for r in rs])),
            "recall": float(np.mean([r["recall"] for r in rs])),
            "time_ms": 1000.0 * float(np.mean([r["time_s"] for r in rs])),
        })
    return out
