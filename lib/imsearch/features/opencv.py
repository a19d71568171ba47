"""OpenCV's detectors and SIFT (chapters 4–5): the practitioner's tools the course compares its code with.

:func:`opencv_sift` is the library's one OpenCV SIFT extraction (detect and describe, or
describe given keypoints); :func:`detect_opencv` converts OpenCV's keypoints to this
package's ``(x, y, scale[, angle])`` convention.

References: D. Lowe, IJCV 60(2), 2004 (SIFT). E. Rosten, T. Drummond. Machine learning
for high-speed corner detection. ECCV 2006 (FAST). E. Rublee, V. Rabaud, K. Konolige,
G. Bradski. ORB: an efficient alternative to SIFT or SURF. ICCV 2011.
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


# ----------------------------------------------------------------------------- OpenCV SIFT

def opencv_sift(image, n_features: int = 0, contrast_threshold=0.04, keypoints=None, root_sift: bool = False):
    """SIFT keypoints and descriptors with OpenCV (the practitioner's tool): the library's one OpenCV SIFT.

    Detects difference-of-Gaussians keypoints and describes them, or, given
    ``keypoints``, describes those (to compare OpenCV's descriptor with
    :func:`imsearch.features.sift_descriptor` on the same regions). Every other
    SIFT extraction (:func:`imsearch.features.extract_features`, the second stage of
    chapter 6, :func:`imsearch.matching.tentative_matches`) calls this function.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    n_features : int >= 0
        Keep the strongest ``n_features`` keypoints (0: all). Detection only.
    contrast_threshold : float > 0
        OpenCV's DoG contrast threshold. Detection only.
    keypoints : (N, 4) float array of ``(x, y, scale, angle_rad)``, optional
        Describe these instead of detecting: converted to ``cv2.KeyPoint`` with
        ``size = 2σ``, ``angle = degrees(angle_rad)`` and the pyramid octave/layer that
        OpenCV's SIFT would have assigned to σ.
    root_sift : bool
        Return RootSIFT descriptors (:func:`imsearch.features.root_sift`; Arandjelović &
        Zisserman, CVPR 2012) instead of OpenCV's.

    Returns
    -------
    keypoints : (N, 4) float64 array
        ``[x, y, scale, angle_rad]``, the convention of :mod:`imsearch.features`: ``scale`` is
        the Gaussian σ (OpenCV's ``size / 2``) and ``angle_rad`` OpenCV's angle in radians,
        in ``[0, 2π)``, measured from +x towards +y (clockwise on screen).
    descriptors : (N, 128) float32 array
        OpenCV's vectors (unit vectors ×512, saturated at 255), or RootSIFT.
    """
    from ..features.sift import root_sift as _root_sift

    img = check_image(image, "image")
    n_features = check_int(n_features, "n_features", minimum=0)
    contrast_threshold = check_number(contrast_threshold, "contrast_threshold", minimum=0.0, strict_min=True)
    cv2 = _cv2()
    gray = to_uint8(to_gray(img)) if img.ndim == 3 or img.dtype != np.uint8 else img
    if keypoints is None:
        sift = cv2.SIFT_create(nfeatures=n_features, contrastThreshold=contrast_threshold)
        kps, desc = sift.detectAndCompute(gray, None)
        if desc is None or not kps:
            return np.zeros((0, 4)), np.zeros((0, 128), np.float32)
        k = np.array([[p.pt[0], p.pt[1], p.size / 2.0, np.deg2rad(p.angle) % (2 * np.pi)] for p in kps],
                     dtype=np.float64)
    else:
        k = _check_keypoints(keypoints, 4).astype(np.float64)
        if len(k) == 0:
            return np.zeros((0, 4)), np.zeros((0, 128), np.float32)
        kps, desc = cv2.SIFT_create().compute(gray, _opencv_keypoints(k))
        if desc is None or len(kps) != len(k):
            raise RuntimeError("OpenCV dropped keypoints while describing them")
    desc = desc.astype(np.float32)
    return k, (_root_sift(desc) if root_sift else desc)
