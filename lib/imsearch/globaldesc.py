"""Global descriptors: one vector per image, and distances between them.

Chapter 3 compares two extremes: the image's pixels themselves (a thumbnail
flattened into a vector; very discriminative, not invariant) and its global colour
histogram (Swain & Ballard, "Color indexing", IJCV 1991; very invariant, not
discriminative). Chapter 6 adds more colour spaces, the earth mover's distance and GIST.

Histogram distances work on the last axis and broadcast over the leading ones, so
``chi2(h, database)`` compares one ``(D,)`` histogram with every row of an
``(N, D)`` array.
"""
from __future__ import annotations

import numpy as np

from ._guard import reference
from ._validation import check_array, check_image, check_int
from .image import to_float, to_uint8

__all__ = ["pixel_descriptor", "color_histogram", "l1", "chi2", "intersection"]


def _check_size(size, name="size") -> tuple:
    if isinstance(size, (str, bytes)) or not hasattr(size, "__len__") or len(size) != 2:
        raise TypeError(f"{name} must be a pair (height, width) of ints, got {size!r}")
    return tuple(check_int(s, f"{name}[{i}]", minimum=1) for i, s in enumerate(size))


def pixel_descriptor(image, size=(16, 16)) -> np.ndarray:
    """The image as a vector: resize to ``size`` (area averaging) and flatten.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    size : (int, int)
        ``(height, width)`` of the thumbnail, each >= 1. The aspect ratio is not kept.

    Returns
    -------
    (height·width·C,) float32 in [0, 1]
        Row-major (row, column, channel) order; C = 3 for color, 1 for grayscale.
        Squared L2 distance between two descriptors is ``D · MSE`` of the thumbnails.
    """
    img = to_float(check_image(image, "image")).astype(np.float32)
    h, w = _check_size(size)
    if img.shape[:2] != (h, w):
        import cv2

        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img, dtype=np.float32).ravel()


def _check_bins(bins, n_channels: int) -> tuple:
    if isinstance(bins, (bool, np.bool_)):
        raise TypeError(f"bins must be an int or a tuple of {n_channels} ints, got {bins!r}")
    if isinstance(bins, (int, np.integer)):
        bins = (int(bins),) * n_channels
    if isinstance(bins, (str, bytes)) or not hasattr(bins, "__len__"):
        raise TypeError(f"bins must be an int or a tuple of {n_channels} ints, got {bins!r}")
    if len(bins) != n_channels:
        raise ValueError(f"bins must have {n_channels} entries for this image, got {len(bins)}")
    return tuple(check_int(b, f"bins[{i}]", minimum=1, maximum=256) for i, b in enumerate(bins))


@reference("3.2")
def color_histogram(image, bins=(8, 8, 8), space="rgb") -> np.ndarray:
    """Joint colour histogram of an image, normalised to sum to 1.

    Each channel's 256 levels are cut into ``n`` equal bins (level ``v`` falls in bin
    ``v·n // 256``); a pixel ``(r, g, b)`` counts in joint bin
    ``(i_r·n_g + i_g)·n_b + i_b``.

    Parameters
    ----------
    image : (H, W, 3) or (H, W) uint8, or float in [0, 1] (rounded to 256 levels)
    bins : int or tuple of int
        Bins per channel (1..256); an int means the same for every channel. A
        grayscale image has one channel.
    space : {"rgb"}
        Colour space of the bins (chapter 6 adds others).

    Returns
    -------
    (prod(bins),) float64
        Fraction of the pixels in each bin (sums to 1). Swain & Ballard, IJCV 1991.
    """
    img = to_uint8(check_image(image, "image"))
    if space != "rgb":
        raise ValueError(f"space must be 'rgb', got {space!r}")
    channels = img.reshape(-1, 1) if img.ndim == 2 else img.reshape(-1, 3)
    nbins = _check_bins(bins, channels.shape[1])
    index = np.zeros(channels.shape[0], dtype=np.int64)
    for c, n in enumerate(nbins):
        index = index * n + (channels[:, c].astype(np.int64) * n >> 8)
    counts = np.bincount(index, minlength=int(np.prod(nbins)))
    return counts / channels.shape[0]


def _pair(a, b, nonnegative: bool):
    a = check_array(a, "a", ndim=(1, 2, 3), min_value=0 if nonnegative else None).astype(np.float64)
    b = check_array(b, "b", ndim=(1, 2, 3), min_value=0 if nonnegative else None).astype(np.float64)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"a and b must have the same length along the last axis, got {a.shape} and {b.shape}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"a and b must broadcast against each other, got {a.shape} and {b.shape}") from None
    return a, b


def l1(a, b) -> np.ndarray:
    """L1 (Manhattan) distance along the last axis: ``sum |a - b|``.

    Parameters
    ----------
    a, b : (..., D) array_like, broadcastable
        Histograms or any vectors.

    Returns
    -------
    float or (...) float64 array
        0 for equal vectors; at most 2 for two L1-normalised histograms.
    """
    a, b = _pair(a, b, nonnegative=False)
    return np.abs(a - b).sum(axis=-1)


def chi2(a, b) -> np.ndarray:
    """Symmetric chi-squared distance: ``½ Σ (a - b)² / (a + b)``, empty bins (a + b = 0) adding 0.

    Parameters
    ----------
    a, b : (..., D) array_like of non-negative values, broadcastable

    Returns
    -------
    float or (...) float64 array
        In [0, 1] for two L1-normalised histograms; small differences in
        sparsely filled bins weigh more than under L1.
    """
    a, b = _pair(a, b, nonnegative=True)
    s = a + b
    d = a - b
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, d * d / np.where(s > 0, s, 1.0), 0.0)
    return 0.5 * terms.sum(axis=-1)


@reference("3.3")
def intersection(a, b) -> np.ndarray:
    """Histogram intersection (a similarity): ``Σ min(a, b) / Σ b``, along the last axis.

    Parameters
    ----------
    a : (..., D) array_like of non-negative values
        The image's histogram.
    b : (..., D) array_like of non-negative values, broadcastable with ``a``
        The model (database) histogram; each must have a positive sum.

    Returns
    -------
    float or (...) float64 array
        In [0, 1]: 1 when ``a >= b`` in every bin (e.g. equal histograms), 0 when
        they share no bin. For two L1-normalised histograms it is
        ``1 - l1(a, b) / 2``. Normalised by the model as in Swain & Ballard, IJCV 1991.
    """
    a, b = _pair(a, b, nonnegative=True)
    total = b.sum(axis=-1)
    if np.any(total <= 0):
        raise ValueError("b must have a positive sum along the last axis (an empty histogram cannot be a model)")
    return np.minimum(a, b).sum(axis=-1) / total
