"""Scalar and vector quantization.

Chapter 1: the uniform scalar quantizer of ``[0, 1)`` with ``k`` levels,
``Q(x) = floor(x k)``, and its reconstruction at the centre of each cell.
"""
from __future__ import annotations

import numpy as np

from ._guard import reference
from ._validation import check_array, check_int

__all__ = ["uniform_quantize", "uniform_reconstruct"]


@reference("1.1")
def uniform_quantize(x, k):
    """Uniform scalar quantizer of ``[0, 1)`` into ``k`` cells: ``Q(x) = floor(x k)``.

    Parameters
    ----------
    x : (...) array_like of float, values in [0, 1)
    k : int >= 1
        Number of quantization cells (reproduction values).

    Returns
    -------
    (...) int64 array
        The index of the cell of each value, in ``0 .. k-1``.
    """
    x = check_array(x, "x", kinds="f", allow_empty=True)
    k = check_int(k, "k", minimum=1)
    if x.size and (x.min() < 0.0 or x.max() >= 1.0):
        raise ValueError(f"x must lie in [0, 1), got values in [{x.min():.4g}, {x.max():.4g}]")
    q = np.floor(x * k).astype(np.int64)
    return np.minimum(q, k - 1)  # x*k can round up to k for x just below 1


def uniform_reconstruct(q, k):
    """Reconstruction of the uniform quantizer: the centre ``(q + 1/2) / k`` of cell ``q``.

    The centre minimises the mean squared error for values uniform in the cell.

    Parameters
    ----------
    q : (...) array_like of int, values in 0..k-1
    k : int >= 1

    Returns
    -------
    (...) float64 array in (0, 1)
    """
    k = check_int(k, "k", minimum=1)
    q = check_array(q, "q", kinds="iu", allow_empty=True, min_value=0, max_value=k - 1)
    return (q.astype(np.float64) + 0.5) / k
