"""Conversions between the library's two image conventions, in one place.

Images are either ``uint8`` in ``0..255`` or floating point in ``[0, 1]``; grayscale is
``(H, W)`` and color is RGB ``(H, W, 3)``.
"""
from __future__ import annotations


import numpy as np

from ._util.validation import check_image


def to_float(image) -> np.ndarray:
    """Return ``image`` as float64 in ``[0, 1]``.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array

    Returns
    -------
    (H, W) or (H, W, 3) float64 array in [0, 1]
    """
    arr = check_image(image)
    if arr.dtype == np.uint8:
        return arr.astype(np.float64) / 255.0
    return arr.astype(np.float64, copy=False)


def to_uint8(image) -> np.ndarray:
    """Return ``image`` as ``uint8``, rounding floats in ``[0, 1]`` to the nearest of 256 levels.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array

    Returns
    -------
    (H, W) or (H, W, 3) uint8 array
    """
    arr = check_image(image)
    if arr.dtype == np.uint8:
        return arr
    return np.round(arr * 255.0).astype(np.uint8)


def to_gray(image) -> np.ndarray:
    """Return the luma of an RGB image (ITU-R BT.601 weights) as float64 in ``[0, 1]``.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array

    Returns
    -------
    (H, W) float64 array in [0, 1]; a grayscale input is only converted to float.
    """
    arr = to_float(image)
    if arr.ndim == 2:
        return arr
    return np.clip(arr @ np.array([0.299, 0.587, 0.114]), 0.0, 1.0)
