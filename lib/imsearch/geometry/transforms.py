"""The hierarchy of planar transformations (chapter 5): applying, fitting, invariants, warping.

Each transformation (translation, rigid, similarity, affine, homography) is estimated by
linear least squares from point correspondences and returned as a ``(3, 3)`` float64
matrix acting on homogeneous pixel coordinates ``(x, y, 1)``; points are ``(N, 2)``
arrays of ``(x, y)`` (x right, y down) and a model ``M`` maps ``src`` onto ``dst``.

References: R. Hartley, A. Zisserman. Multiple View Geometry in Computer Vision, 2nd ed.,
2003 (ch. 2 and 4). R. Hartley. In defense of the eight-point algorithm. TPAMI 19(6),
1997. S. Umeyama. Least-squares estimation of transformation parameters between two
point patterns. TPAMI 13(4), 1991.
"""
from __future__ import annotations


import math

import numpy as np

from .._util.validation import as_rng, check_array, check_image, check_int, check_number

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


def _cross(a, b, c):
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


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
    from ..image import to_float, to_gray

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
