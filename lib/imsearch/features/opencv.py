"""Local features: interest-point detectors, scale space, affine normalization,
repeatability, and the SIFT descriptor.

The algorithms the course teaches are written here from their papers in numpy/scipy;
OpenCV provides the peers a practitioner would use (:func:`detect_opencv`,
:func:`opencv_sift_descriptor`).

Conventions
-----------
* Images: ``(H, W)`` grayscale or ``(H, W, 3)`` RGB, ``uint8`` or float in ``[0, 1]``;
  every detector works on the luma as float64 in ``[0, 1]`` (:func:`imsearch.image.to_gray`).
* Coordinates are pixels, ``x`` to the right (column) and ``y`` down (row), pixel
  centres at integers.
* A keypoint is ``(x, y)``, ``(x, y, scale)`` or ``(x, y, scale, angle)``: ``scale`` is
  the Gaussian σ in pixels at which it was found, and its region is the disc of radius
  ``3·scale`` (``REGION_FACTOR``); ``angle`` is in radians, measured from the +x axis
  towards +y (clockwise on screen, since y points down).
* An elliptical region is ``(x, y, a, b, c)``: the points ``p`` with
  ``a·dx² + 2b·dx·dy + c·dy² <= 1``, the format of Mikolajczyk et al.'s benchmark.

References
----------
- C. Harris, M. Stephens. A combined corner and edge detector. Alvey Vision Conf., 1988.
- T. Lindeberg. Feature detection with automatic scale selection. IJCV 30(2), 1998.
- T. Lindeberg, J. Gårding. Shape-adapted smoothing in estimation of 3-D shape cues from affine
  deformations of local 2-D brightness structure. Image and Vision Computing 15(6), 1997.
- K. Mikolajczyk, C. Schmid. Scale & affine invariant interest point detectors. IJCV 60(1), 2004.
- J. Matas, O. Chum, M. Urban, T. Pajdla. Robust wide-baseline stereo from maximally stable
  extremal regions. Image and Vision Computing 22(10), 2004.
- K. Mikolajczyk, T. Tuytelaars, C. Schmid, A. Zisserman, J. Matas, F. Schaffalitzky, T. Kadir,
  L. Van Gool. A comparison of affine region detectors. IJCV 65(1/2), 2005.
- D. Lowe. Distinctive image features from scale-invariant keypoints. IJCV 60(2), 2004.
- E. Rosten, T. Drummond. Machine learning for high-speed corner detection. ECCV 2006 (FAST).
- E. Rublee, V. Rabaud, K. Konolige, G. Bradski. ORB: an efficient alternative to SIFT or SURF. ICCV 2011.
- R. Arandjelović, A. Zisserman. Three things everyone should know to improve object
  retrieval. CVPR 2012 (RootSIFT).
"""
from __future__ import annotations


import math

import numpy as np

from .._util.validation import check_image, check_int, check_number
from ..image import to_gray, to_uint8


from ..features._common import REGION_FACTOR, _cv2, _gray
from ..features.mser import _ellipse_scale, mser_regions
from ..features.sift import _check_keypoints


_OPENCV_METHODS = ("sift", "orb", "fast", "mser", "harris")


def detect_opencv(gray, method, n_best=None, with_angle=False):
    """Keypoints from OpenCV's detectors, in this module's ``(x, y, scale)`` convention.

    ``sift``: difference-of-Gaussians extrema (Lowe 2004), ``scale = size / 2`` (OpenCV's
    size is 2σ). ``orb``: FAST corners in an image pyramid ranked by the Harris measure
    (Rublee et al. 2011), ``fast``: FAST-9 corners (Rosten & Drummond 2006), ``harris``:
    ``goodFeaturesToTrack`` with the Harris measure (5×5 window, k = 0.04); for these
    three the region is the patch OpenCV describes, ``scale = size / 6`` (radius ``3σ``),
    ``harris`` gets 2 px. ``mser``: :func:`mser_regions`, the scale of the disc of equal
    area. Keypoints are sorted by OpenCV's response, strongest first (MSER: smallest first).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    method : {"sift", "orb", "fast", "mser", "harris"}
    n_best : int, optional
        Keep at most this many.
    with_angle : bool
        Return a fourth column, the orientation in radians (this module's convention:
        from +x towards +y); only for ``sift`` and ``orb``.

    Returns
    -------
    (N, 3) or (N, 4) float64 array
    """
    img = _gray(gray)
    if not isinstance(method, str) or method not in _OPENCV_METHODS:
        raise ValueError(f"method must be one of {_OPENCV_METHODS}, got {method!r}")
    n_best = None if n_best is None else check_int(n_best, "n_best", minimum=1)
    if with_angle and method not in ("sift", "orb"):
        raise ValueError(f"with_angle is only available for 'sift' and 'orb', got method={method!r}")
    cv2 = _cv2()
    u8 = to_uint8(img)
    if method == "mser":
        e = mser_regions(img, n_best=n_best)
        return np.c_[e[:, :2], _ellipse_scale(e)]
    if method == "harris":
        pts = cv2.goodFeaturesToTrack(u8, maxCorners=n_best or 0, qualityLevel=0.01, minDistance=3,
                                      blockSize=5, useHarrisDetector=True, k=0.04)
        pts = np.zeros((0, 2)) if pts is None else pts.reshape(-1, 2).astype(np.float64)
        return np.c_[pts, np.full(len(pts), 2.0)]
    if method == "sift":
        kps = cv2.SIFT_create(nfeatures=n_best or 0).detect(u8, None)
        factor = 0.5
    elif method == "orb":
        kps = cv2.ORB_create(nfeatures=n_best or 500).detect(u8, None)
        factor = 1.0 / (2 * REGION_FACTOR)
    else:
        kps = cv2.FastFeatureDetector_create().detect(u8, None)
        factor = 1.0 / (2 * REGION_FACTOR)
    if not kps:
        return np.zeros((0, 4 if with_angle else 3))
    arr = np.array([[k.pt[0], k.pt[1], k.size * factor, k.angle, k.response] for k in kps], dtype=np.float64)
    arr = arr[np.argsort(-arr[:, 4], kind="stable")]
    if with_angle:
        out = np.c_[arr[:, :3], np.deg2rad(arr[:, 3]) % (2 * np.pi)]
    else:
        # SIFT repeats a keypoint once per dominant orientation: keep each location once
        _, first = np.unique(arr[:, :3], axis=0, return_index=True)
        out = arr[np.sort(first), :3]
    return out[:n_best] if n_best is not None else out


def _opencv_keypoints(k):
    """(N, 4) keypoints -> cv2.KeyPoint list, with the octave/layer OpenCV's SIFT expects."""
    cv2 = _cv2()
    out = []
    for x, y, sigma, angle in k:
        t = 3.0 * math.log2(max(sigma, 1e-6) / 1.6)     # = 3·octave + layer (+ subpixel)
        octave = int(math.floor((t - 0.5) / 3.0))
        layer = int(min(3, max(1, round(t - 3 * octave))))
        if octave < -1:
            octave, layer = -1, 1
        packed = (octave & 255) | (layer << 8) | (128 << 16)
        out.append(cv2.KeyPoint(float(x), float(y), float(2.0 * sigma), float(np.rad2deg(angle) % 360.0),
                                0.0, packed))
    return out


def opencv_sift_descriptor(gray, keypoints):
    """OpenCV's SIFT descriptors of given keypoints, for comparison with :func:`sift_descriptor`.

    Keypoints are converted to ``cv2.KeyPoint`` with ``size = 2σ``,
    ``angle = degrees(angle_rad)`` (both measured from +x towards +y, since image y points
    down) and the pyramid octave/layer that OpenCV's SIFT would have assigned to σ.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    keypoints : (N, 4) float array of ``(x, y, scale, angle_rad)``

    Returns
    -------
    (N, 128) float32 array
        OpenCV's vectors scaled to unit norm (OpenCV stores them ×512, saturated to 255).
    """
    img = _gray(gray)
    k = _check_keypoints(keypoints, 4)
    if len(k) == 0:
        return np.zeros((0, 128), dtype=np.float32)
    cv2 = _cv2()
    kps, desc = cv2.SIFT_create().compute(to_uint8(img), _opencv_keypoints(k))
    if desc is None or len(kps) != len(k):
        raise RuntimeError("OpenCV dropped keypoints while describing them")
    desc = desc.astype(np.float64)
    norm = np.linalg.norm(desc, axis=1, keepdims=True)
    return (desc / np.where(norm > 0, norm, 1.0)).astype(np.float32)


# ----------------------------------------------------------------------------- OpenCV SIFT

def opencv_sift(image, n_features: int = 0, contrast_threshold=0.04):
    """Detect SIFT keypoints and compute their descriptors with OpenCV (the practitioner's tool).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    n_features : int >= 0
        Keep the strongest ``n_features`` keypoints (0: all).
    contrast_threshold : float > 0
        OpenCV's DoG contrast threshold.

    Returns
    -------
    keypoints : (N, 4) float64 array
        ``[x, y, scale, angle_rad]``, the convention of :mod:`imsearch.features`: ``scale`` is
        the Gaussian σ (OpenCV's ``size / 2``) and ``angle_rad`` OpenCV's angle in radians,
        in ``[0, 2π)``, measured from +x towards +y (clockwise on screen).
    descriptors : (N, 128) float32 array
    """
    import cv2

    from ..image import to_uint8

    img = check_image(image, "image")
    n_features = check_int(n_features, "n_features", minimum=0)
    contrast_threshold = check_number(contrast_threshold, "contrast_threshold", minimum=0.0, strict_min=True)
    gray = to_uint8(to_gray(img)) if img.ndim == 3 or img.dtype != np.uint8 else img
    sift = cv2.SIFT_create(nfeatures=n_features, contrastThreshold=contrast_threshold)
    kps, desc = sift.detectAndCompute(gray, None)
    if desc is None or not kps:
        return np.zeros((0, 4)), np.zeros((0, 128), np.float32)
    arr = np.array([[k.pt[0], k.pt[1], k.size / 2.0, np.deg2rad(k.angle) % (2 * np.pi)] for k in kps], dtype=np.float64)
    return arr, desc.astype(np.float32)
