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
