"""Conventions and small helpers shared by the local-feature modules (chapters 4–5).

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
"""
from __future__ import annotations



import numpy as np

from .._util.validation import check_array, check_image, check_int, check_number
from ..image import to_gray

#: A keypoint of scale σ stands for the disc of radius ``REGION_FACTOR · σ``.
REGION_FACTOR = 3.0


# ============================================================================ helpers

def _ndi():
    import scipy.ndimage as ndi  # imported lazily: `import imsearch` stays quick
    return ndi


def _cv2():
    import cv2
    return cv2


def _gray(gray, name="gray") -> np.ndarray:
    """Validate a library image and return its luma as float64 (H, W) in [0, 1]."""
    check_image(gray, name)
    return to_gray(gray)


def _positive(value, name) -> float:
    return check_number(value, name, minimum=0.0, strict_min=True)


def _check_points(points, name, ncols=(2, 3, 4, 5), allow_empty=True) -> np.ndarray:
    """Return keypoints as float64 (N, C) with C in ``ncols``; (0, C) arrays are allowed."""
    arr = check_array(points, name, ndim=2, kinds="iuf", allow_empty=allow_empty)
    allowed = (ncols,) if isinstance(ncols, int) else tuple(ncols)
    if arr.shape[1] not in allowed:
        want = " or ".join(f"(N, {c})" for c in allowed)
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    return arr.astype(np.float64)


def _check_homography(H, name="H") -> np.ndarray:
    H = check_array(H, name, shape=(3, 3), kinds="iuf").astype(np.float64)
    if abs(np.linalg.det(H)) < 1e-12:
        raise ValueError(f"{name} must be invertible, got a singular matrix")
    return H


def _check_shape(shape, name) -> tuple:
    if isinstance(shape, np.ndarray) or not isinstance(shape, (tuple, list)) or len(shape) not in (2, 3):
        raise TypeError(f"{name} must be an image shape tuple (H, W) or (H, W, 3), got {shape!r}")
    h, w = shape[0], shape[1]
    check_int(h, f"{name}[0]", minimum=1)
    check_int(w, f"{name}[1]", minimum=1)
    return int(h), int(w)


def _project(H, pts):
    """Apply a homography to (N, 2) points."""
    ph = np.c_[pts, np.ones(len(pts))] @ H.T
    return ph[:, :2] / ph[:, 2:3]


def _inside(pts, shape):
    h, w = shape
    return (pts[:, 0] >= 0) & (pts[:, 0] <= w - 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= h - 1)


def _sqrtm_sym(M, inverse=False):
    """(Inverse) square root of symmetric positive-definite (..., 2, 2) matrices."""
    w, V = np.linalg.eigh(M)
    w = np.maximum(w, 1e-300)
    p = -0.5 if inverse else 0.5
    return (V * w[..., None, :] ** p) @ np.swapaxes(V, -1, -2)


# ============================================================================ Harris

def _gaussian_kernel(sigma, order):
    """The sampled Gaussian (derivative) kernel of ``scipy.ndimage.gaussian_filter1d``, reversed."""
    radius = int(4.0 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    phi = np.exp(-0.5 * x * x / sigma ** 2)
    phi /= phi.sum()
    if order == 1:
        phi = -x / sigma ** 2 * phi
    elif order == 2:
        phi = (x * x / sigma ** 4 - 1.0 / sigma ** 2) * phi
    return phi[::-1].copy()       # correlation with the reversed kernel = convolution


def _gaussian(img, sigma, order=(0, 0)):
    """``scipy.ndimage.gaussian_filter(img, sigma, order)`` (mode 'reflect'), computed by OpenCV.

    The same sampled kernels and border rule as scipy (equal to ~1e-15), about twice as
    fast; ``order = (order along y, order along x)``.
    """
    cv2 = _cv2()
    ky = _gaussian_kernel(sigma, order[0])
    kx = _gaussian_kernel(sigma, order[1])
    return cv2.sepFilter2D(np.ascontiguousarray(img, dtype=np.float64), cv2.CV_64F, kx, ky,
                           borderType=cv2.BORDER_REFLECT)
