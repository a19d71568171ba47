"""Distortion of a signal (chapter 1): mean squared error and peak signal-to-noise ratio.

The measures of chapter 1's quantizers, used again by chapter 2 (demosaicing) and chapter
3 (edits); :mod:`imsearch.eval` re-exports them with the retrieval metrics.
"""
from __future__ import annotations

import numpy as np

from .._util.validation import check_array, check_number, check_same_shape


def mse(a, b) -> float:
    """Mean squared error between two arrays of the same shape.

    Parameters
    ----------
    a, b : (...) array_like of bool/int/float, same shape, not empty
        For example two ``(H, W, 3)`` uint8 images. Integer inputs are converted to
        float64 before subtracting, so ``uint8`` wrap-around cannot happen.

    Returns
    -------
    float
        ``mean((a - b) ** 2)`` over every element.
    """
    a = check_array(a, "a")
    b = check_array(b, "b")
    check_same_shape(a, b)
    d = a.astype(np.float64) - b.astype(np.float64)
    return float(np.mean(d * d))


def psnr(a, b, data_range=None) -> float:
    """Peak signal-to-noise ratio in decibels: ``10 log10(data_range² / MSE)``.

    Parameters
    ----------
    a, b : (...) array_like, same shape
        The reference and the distorted signal.
    data_range : float, optional
        The peak value ``Max``. Defaults to 255 for integer inputs and 1.0 for float
        inputs (both must then be of the same kind).

    Returns
    -------
    float
        PSNR in dB; ``inf`` when the arrays are equal.
    """
    a = check_array(a, "a")
    b = check_array(b, "b")
    check_same_shape(a, b)
    if data_range is None:
        int_a, int_b = a.dtype.kind in "biu", b.dtype.kind in "biu"
        if int_a != int_b:
            raise TypeError(f"a and b must both be integer or both be float when data_range is not given, "
                            f"got {a.dtype} and {b.dtype}")
        data_range = 255.0 if int_a else 1.0
    data_range = check_number(data_range, "data_range", minimum=0.0, strict_min=True)
    err = mse(a, b)
    if err == 0.0:
        return float("inf")
    return float(10.0 * np.log10(data_range ** 2 / err))
