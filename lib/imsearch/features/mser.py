"""Maximally stable extremal regions (chapter 4), as ellipses of the regions' second moments.

Reference: J. Matas, O. Chum, M. Urban, T. Pajdla. Robust wide-baseline stereo from
maximally stable extremal regions. Image and Vision Computing 22(10), 2004.
"""
from __future__ import annotations



import numpy as np

from .._util.validation import check_int, check_number
from ..image import to_uint8
from ..features._common import REGION_FACTOR, _cv2, _gray


# ============================================================================ OpenCV peers

def mser_regions(gray, delta=5, min_area=30, max_area_frac=0.05, n_best=None):
    """Maximally stable extremal regions (OpenCV), as the ellipses of equal second moments.

    An extremal region is a connected component of the pixels above (or below) a
    threshold; it is maximally stable when its area changes least as the threshold
    sweeps over ``delta`` grey levels (Matas et al. 2004). Each region is returned as
    the ellipse with its centroid and covariance ``C`` (the boundary ``dᵀ(4C)⁻¹d = 1``
    of a filled ellipse with these moments), as in Mikolajczyk et al. (IJCV 2005).

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    delta : int >= 1
        Stability step in grey levels (of 255).
    min_area : int >= 1
        Smallest region in pixels.
    max_area_frac : float in (0, 1]
        Largest region as a fraction of the image area.
    n_best : int, optional
        Keep at most this many, the smallest regions first (OpenCV reports no stability
        score; small regions are the most localised).

    Returns
    -------
    (N, 5) float64 array of ellipses ``(x, y, a, b, c)``
    """
    img = _gray(gray)
    delta = check_int(delta, "delta", minimum=1)
    min_area = check_int(min_area, "min_area", minimum=1)
    frac = check_number(max_area_frac, "max_area_frac", minimum=0.0, maximum=1.0, strict_min=True)
    n_best = None if n_best is None else check_int(n_best, "n_best", minimum=1)
    cv2 = _cv2()
    u8 = to_uint8(img)
    max_area = max(min_area + 1, int(frac * img.size))
    mser = cv2.MSER_create(delta, min_area, max_area)
    regions, _ = mser.detectRegions(u8)
    out, areas = [], []
    for reg in regions:
        pts = reg.reshape(-1, 2).astype(np.float64)
        if len(pts) < 3:
            continue
        c = pts.mean(axis=0)
        cov = np.cov(pts.T, bias=True) + np.eye(2) / 12.0   # + the spread of a pixel
        m = np.linalg.inv(4.0 * cov)
        out.append([c[0], c[1], m[0, 0], m[0, 1], m[1, 1]])
        areas.append(len(pts))
    if not out:
        return np.zeros((0, 5))
    out = np.asarray(out)
    order = np.argsort(np.asarray(areas), kind="stable")
    if n_best is not None:
        order = order[:n_best]
    return out[order]


def _ellipse_scale(ellipses):
    """Scale σ of the disc with the ellipse's area: radius (det M)^(-1/4) = 3σ."""
    det = ellipses[:, 2] * ellipses[:, 4] - ellipses[:, 3] ** 2
    return det ** -0.25 / REGION_FACTOR


# ============================================================================ the threshold sweep

def extremal_region_areas(gray, x, y, thresholds=None, max_area=None):
    """Area of the dark extremal region that contains pixel ``(x, y)``, at every threshold.

    At threshold ``t`` the dark extremal regions are the connected components
    (4-connectivity) of the pixels with grey level ``<= t``; the one containing
    ``(x, y)`` grows as ``t`` rises and merges with its neighbours. A *maximally stable*
    region is one whose area barely changes over a range of thresholds (Matas et al.
    2004), which :func:`stable_threshold_range` finds in these areas.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
        Converted to grey levels 0..255.
    x, y : int
        Column and row of the seed pixel.
    thresholds : (T,) array_like of int, optional
        Increasing grey levels in 0..255 (default: all 256).
    max_area : int, optional
        Stop growing the region once its area exceeds this many pixels (it has merged
        into the background): the remaining thresholds get area -1.

    Returns
    -------
    thresholds : (T,) int64 array
    areas : (T,) int64 array
        Pixels in the region; 0 while the seed pixel itself is brighter than ``t``, -1
        past ``max_area``.
    """
    from scipy import ndimage

    u8 = to_uint8(_gray(gray))
    h, w = u8.shape
    x = check_int(x, "x", minimum=0, maximum=w - 1)
    y = check_int(y, "y", minimum=0, maximum=h - 1)
    t = np.arange(256) if thresholds is None else np.asarray(thresholds)
    if t.ndim != 1 or t.size == 0 or t.dtype.kind not in "iu" or t.min() < 0 or t.max() > 255:
        raise ValueError(f"thresholds must be a non-empty 1-D array of integers in 0..255, got {t!r}")
    if np.any(np.diff(t) <= 0):
        raise ValueError("thresholds must be increasing")
    max_area = h * w if max_area is None else check_int(max_area, "max_area", minimum=1)
    areas = np.zeros(len(t), dtype=np.int64)
    for i, level in enumerate(t):
        if u8[y, x] > level:
            continue
        labels, _ = ndimage.label(u8 <= level)
        areas[i] = np.count_nonzero(labels == labels[y, x])
        if areas[i] > max_area:
            areas[i + 1:] = -1
            break
    return t.astype(np.int64), areas


def stable_threshold_range(thresholds, areas, delta=5, max_variation=0.25):
    """The longest run of thresholds over which an extremal region's area is stable.

    The stability of Matas et al. (2004) at threshold ``t`` is the relative growth
    ``q(t) = (A(t + delta) - A(t - delta)) / A(t)``; the region is kept near the minimum of
    ``q``. This returns the longest run of consecutive thresholds with ``q <= max_variation``.

    Parameters
    ----------
    thresholds, areas : (T,) arrays
        As returned by :func:`extremal_region_areas`, for consecutive grey levels
        (areas <= 0 are never stable).
    delta : int >= 1
        Grey levels on each side (OpenCV's ``delta``).
    max_variation : float > 0

    Returns
    -------
    (low, high) : tuple of int, or None
        The first and last threshold of the run; None when no threshold is stable.
    """
    t = np.asarray(thresholds)
    a = np.asarray(areas, dtype=np.float64)
    if t.ndim != 1 or a.shape != t.shape:
        raise ValueError(f"thresholds and areas must be 1-D arrays of one length, got {t.shape} and {a.shape}")
    if len(t) > 1 and np.any(np.diff(t) != 1):
        raise ValueError("thresholds must be consecutive grey levels")
    delta = check_int(delta, "delta", minimum=1)
    max_variation = check_number(max_variation, "max_variation", minimum=0.0, strict_min=True)
    stable = np.zeros(len(t), dtype=bool)
    for i in range(delta, len(t) - delta):
        if a[i - delta] > 0 and a[i + delta] > 0:
            stable[i] = (a[i + delta] - a[i - delta]) / a[i] <= max_variation
    best, start = None, None
    for i, s in enumerate(np.append(stable, False)):
        if s and start is None:
            start = i
        elif not s and start is not None:
            if best is None or i - start > best[1] - best[0] + 1:
                best = (start, i - 1)
            start = None
    return None if best is None else (int(t[best[0]]), int(t[best[1]]))



def extremal_region(gray, x, y, threshold):
    """The dark extremal region containing pixel ``(x, y)`` at one threshold, as a mask.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    x, y : int
        Column and row of the seed pixel.
    threshold : int in 0..255

    Returns
    -------
    (H, W) bool array
        The connected component (4-connectivity) of ``gray <= threshold`` holding the seed;
        all False when the seed is brighter than the threshold.
    """
    from scipy import ndimage

    u8 = to_uint8(_gray(gray))
    h, w = u8.shape
    x = check_int(x, "x", minimum=0, maximum=w - 1)
    y = check_int(y, "y", minimum=0, maximum=h - 1)
    threshold = check_int(threshold, "threshold", minimum=0, maximum=255)
    if u8[y, x] > threshold:
        return np.zeros((h, w), dtype=bool)
    labels, _ = ndimage.label(u8 <= threshold)
    return labels == labels[y, x]


def threshold_sweep(gray, seeds, delta=5, max_variation=0.25, max_area_frac=0.05):
    """Sweep the threshold from several seed pixels and keep the one whose region is stable longest.

    For each seed, :func:`extremal_region_areas` (up to ``max_area_frac`` of the image)
    and :func:`stable_threshold_range`; the seed with the longest stable run wins (ties:
    the first). The picture of MSER's definition: below the run the region is still
    growing fast, above it it merges with its neighbours.

    Parameters
    ----------
    gray : (H, W) or (H, W, 3) uint8 or float [0, 1] array
    seeds : (S, 2) array_like of int
        ``(x, y)`` seed pixels, e.g. the centres of :func:`mser_regions`.
    delta, max_variation : as in :func:`stable_threshold_range`
    max_area_frac : float in (0, 1]

    Returns
    -------
    dict
        ``seed`` (x, y), ``thresholds`` (256,), ``areas`` (256,) and ``stable`` (low, high),
        or None when no seed has a stable run.
    """
    img = _gray(gray)
    s = np.asarray(seeds)
    if s.ndim != 2 or s.shape[1] != 2 or s.dtype.kind not in "iu":
        raise ValueError(f"seeds must be an (S, 2) integer array of (x, y), got {s.shape} {s.dtype}")
    frac = check_number(max_area_frac, "max_area_frac", minimum=0.0, maximum=1.0, strict_min=True)
    max_area = max(1, int(frac * img.shape[0] * img.shape[1]))
    best = None
    for x, y in s:
        t, a = extremal_region_areas(img, int(x), int(y), max_area=max_area)
        run = stable_threshold_range(t, a, delta, max_variation)
        if run is not None and (best is None or run[1] - run[0] > best["stable"][1] - best["stable"][0]):
            best = {"seed": (int(x), int(y)), "thresholds": t, "areas": a, "stable": run}
    return best
