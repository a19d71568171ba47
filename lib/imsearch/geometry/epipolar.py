"""Two views of a 3-D scene (chapter 5): the fundamental matrix, epipolar distances, plane-induced homographies.

Reference: R. Hartley, A. Zisserman. Multiple View Geometry in Computer Vision, 2nd
ed., 2003 (ch. 9, 11 and 13).
"""
from __future__ import annotations


import math

import numpy as np

from .._util.validation import as_rng, check_array, check_image, check_int, check_number
from ..geometry.transforms import _matrix33, _pair


# ----------------------------------------------------------------------------- epipolar

def fit_fundamental(src, dst, threshold_px=1.0, confidence=0.999, max_iters=10000, seed=0):
    """Fundamental matrix of a non-planar scene by RANSAC (``cv2.findFundamentalMat``).

    For a general 3-D scene no homography relates the views; a point in one image
    only constrains its match to a line in the other, the epipolar line ``F x``
    (``x'ᵀ F x = 0``; Hartley & Zisserman 2003, ch. 9 and 11).

    Parameters
    ----------
    src, dst : (N, 2) array_like of float, N >= 8
    threshold_px : float > 0
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
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    confidence = check_number(confidence, "confidence", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    max_iters = check_int(max_iters, "max_iters", minimum=1)
    cv2.setRNGSeed(check_int(seed, "seed", minimum=0))
    F, mask = cv2.findFundamentalMat(src.astype(np.float32), dst.astype(np.float32), cv2.FM_RANSAC,
                                     threshold_px, confidence, max_iters)
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

    from ..image import to_uint8

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
