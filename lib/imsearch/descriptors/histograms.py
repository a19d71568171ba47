"""Colour and edge histograms and their distances (chapters 3 and 6).

Global colour histograms in RGB, HSV and CIELAB, a soft hue histogram that knows the hue
circle wraps around, edge-orientation histograms; L1, χ² and intersection distances
work on the last axis and broadcast over the leading ones (``chi2(h, database)``).

Reference: M. Swain, D. Ballard. Color indexing. IJCV 7(1), 1991.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_image, check_int, check_number
from ..image import to_gray, to_uint8

#: Colour spaces of :func:`color_histogram`.
SPACES = ("rgb", "hsv", "lab")
#: Ranges binned for each CIELAB coordinate: the extent of the sRGB gamut in L*a*b* (D65),
#: rounded outwards (a* spans -86.2..98.2 and b* -107.9..94.5 over the 256³ sRGB colours).
LAB_RANGES = ((0.0, 100.0), (-87.0, 99.0), (-108.0, 95.0))


def _check_size(size, name="size") -> tuple:
    if isinstance(size, (str, bytes)) or not hasattr(size, "__len__") or len(size) != 2:
        raise TypeError(f"{name} must be a pair (height, width) of ints, got {size!r}")
    return tuple(check_int(s, f"{name}[{i}]", minimum=1) for i, s in enumerate(size))


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
    space : {"rgb", "hsv", "lab"}
        Colour space of the bins. ``"rgb"``: as above. ``"hsv"``
        (:func:`imsearch.signal.color.rgb_to_hsv`, each coordinate in [0, 1]) and ``"lab"``
        (:func:`imsearch.signal.color.rgb_to_lab`, over :data:`LAB_RANGES`): a coordinate ``x`` of
        range ``[lo, hi]`` falls in bin ``floor((x - lo) / (hi - lo) · n)``, clipped to
        ``0 .. n-1``. Both need a colour image. In HSV, hue bins are arcs of the hue
        circle starting at red; grays have hue 0 (see :func:`soft_hue_histogram`).

    Returns
    -------
    (prod(bins),) float64
        Fraction of the pixels in each bin (sums to 1). Swain & Ballard, IJCV 1991.
    """
    img = to_uint8(check_image(image, "image"))
    if not isinstance(space, str) or space not in SPACES:
        raise ValueError(f"space must be one of {', '.join(map(repr, SPACES))}, got {space!r}")
    if space != "rgb":
        return _converted_histogram(img, bins, space)
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


# ----------------------------------------------------------------------------- chapter 6: other spaces

def _to_space(pixels: np.ndarray, space: str) -> np.ndarray:
    """(..., 3) uint8 RGB -> float64 coordinates in ``space``."""
    from ..signal import color

    if space == "rgb":
        return pixels.astype(np.float64)
    if space == "hsv":
        return color.rgb_to_hsv(pixels)
    return color.rgb_to_lab(pixels)


def _ranges(space: str):
    return {"rgb": ((0.0, 256.0),) * 3, "hsv": ((0.0, 1.0),) * 3, "lab": LAB_RANGES}[space]


def _converted_histogram(img: np.ndarray, bins, space: str) -> np.ndarray:
    if img.ndim != 3:
        raise ValueError(f"image must have shape (H, W, 3) for space {space!r}, got {img.shape}")
    nbins = _check_bins(bins, 3)
    x = _to_space(img.reshape(-1, 3), space)
    index = np.zeros(x.shape[0], dtype=np.int64)
    for c, (n, (lo, hi)) in enumerate(zip(nbins, _ranges(space))):
        i = np.clip(np.floor((x[:, c] - lo) / (hi - lo) * n), 0, n - 1).astype(np.int64)
        index = index * n + i
    return np.bincount(index, minlength=int(np.prod(nbins))) / x.shape[0]


def soft_hue_histogram(hue, weights, bins) -> np.ndarray:
    """Histogram of hues on the hue circle, each hue shared between its two nearest bin centres.

    Bin ``j`` is centred on hue ``(j + ½) / bins``. A hue ``h`` at position
    ``u = h·bins - ½`` gives ``(1 - t)·w`` to bin ``floor(u) mod bins`` and ``t·w`` to the
    next bin, ``(floor(u) + 1) mod bins``, with ``t = u - floor(u)`` (linear
    interpolation). The modulo makes the histogram circular: a red of hue 0.99 and one of
    hue 0.01 vote for the same two bins, and rotating every hue by ``1/bins`` rolls the
    histogram by one bin exactly. Hard binning (``floor(h·bins)``) separates them.

    Parameters
    ----------
    hue : (N,) array_like of float in [0, 1]
        Hues as fractions of a turn (:func:`imsearch.signal.color.rgb_to_hsv`); 1 is 0 again.
    weights : (N,) array_like of float >= 0
        Weight of each hue, e.g. the chroma ``S·V`` (grays, whose hue means nothing,
        then weigh 0). The total must be positive.
    bins : int >= 1

    Returns
    -------
    (bins,) float64
        Sums to 1.
    """
    h = check_array(hue, "hue", ndim=1, kinds="iuf", min_value=0.0, max_value=1.0).astype(np.float64)
    w = check_array(weights, "weights", shape=(h.shape[0],), kinds="iuf", min_value=0.0).astype(np.float64)
    bins = check_int(bins, "bins", minimum=1, maximum=4096)
    total = w.sum()
    if total <= 0:
        raise ValueError("weights must have a positive sum")
    u = h * bins - 0.5
    lower = np.floor(u)
    t = u - lower
    j0 = lower.astype(np.int64) % bins
    hist = np.bincount(j0, weights=(1.0 - t) * w, minlength=bins)
    hist += np.bincount((j0 + 1) % bins, weights=t * w, minlength=bins)
    return hist / total


# ----------------------------------------------------------------------------- a shape cue

def edge_orientation_histogram(image, bins=8, grid=1, sigma_px=1.0, quantiles=(0.8, 0.9)) -> np.ndarray:
    """Histogram of gradient orientations on the image's Canny edges, weighted by gradient magnitude.

    A global *shape* cue: where colour histograms count colours, this counts the
    directions of the contours. The luma (:func:`imsearch.image.to_gray`) is smoothed by
    a Gaussian of ``sigma_px`` and differentiated with Sobel filters; the edge pixels are
    those Canny's detector keeps (``skimage.feature.canny`` with the same sigma: gradient
    maxima across the edge, linked by hysteresis). Each edge pixel votes for its gradient
    orientation ``theta = atan2(-d/drow, d/dcol)`` — measured counter-clockwise as the image
    is displayed, 0 pointing right (dark on the left, bright on the right) — with
    a weight equal to its gradient magnitude. Bin ``j`` is centred on ``2*pi*j / bins``; a
    vote is shared between the two nearest bin centres by linear interpolation (as
    :func:`soft_hue_histogram` does on the hue circle), so rotating the image by 90 degrees
    (``np.rot90``) rolls each cell's histogram by exactly ``bins / 4`` bins when ``bins``
    is a multiple of 4, and a left-right mirror (``theta -> pi - theta``) moves the weight
    of bin ``j`` to bin ``(bins / 2 - j) mod bins`` when ``bins`` is even.

    With ``grid > 1`` the image is cut into ``grid x grid`` cells of (nearly) equal size
    (pixel ``(r, c)`` falls in cell ``(r * grid // H, c * grid // W)``) and each cell gets its
    own histogram, which keeps a coarse layout of the contours (as SIFT does inside a
    patch and GIST over the image). The whole vector, not each cell, is normalised, so
    summing the cells gives the ``grid=1`` histogram and cells with more edges weigh more.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    bins : int
        Orientation bins over the full circle, 1..360. 8 bins are 45 degrees wide.
    grid : int
        Cells per side, 1 <= grid <= min(H, W).
    sigma_px : float
        Standard deviation in pixels of the Gaussian smoothing before differentiation
        (>= 0; 0 differentiates the raw pixels). Larger values keep only coarser contours.
    quantiles : (float, float)
        Canny's low and high hysteresis thresholds, as quantiles of the image's own
        gradient magnitudes, ``0 <= low <= high <= 1``. The default keeps at most the
        strongest 20% of the pixels, whatever the image's contrast: multiplying a float
        image by a constant leaves the descriptor unchanged (up to rounding).

    Returns
    -------
    (grid * grid * bins,) float64
        Cell-major order (cell row, cell column, orientation bin); non-negative, sums
        to 1. An image without edge pixels (a constant image; Canny also ignores the
        outermost pixels) gets the uniform histogram ``1 / (grid * grid * bins)``: no
        direction is preferred.

    References
    ----------
    J. Canny, "A computational approach to edge detection", IEEE TPAMI 8(6):679–698, 1986.
    Orientation histograms as descriptors: W. T. Freeman, M. Roth, "Orientation histograms
    for hand gesture recognition", 1995; D. G. Lowe, IJCV 2004 (SIFT); N. Dalal, B. Triggs,
    CVPR 2005 (HOG).
    """
    gray = to_gray(check_image(image, "image"))
    bins = check_int(bins, "bins", minimum=1, maximum=360)
    h, w = gray.shape
    grid = check_int(grid, "grid", minimum=1)
    if grid > min(h, w):
        raise ValueError(f"grid must be <= the image's smaller side ({min(h, w)} px), got {grid}")
    sigma = check_number(sigma_px, "sigma_px", minimum=0.0)
    if isinstance(quantiles, (str, bytes)) or not hasattr(quantiles, "__len__") or len(quantiles) != 2:
        raise TypeError(f"quantiles must be a pair (low, high) of numbers, got {quantiles!r}")
    low = check_number(quantiles[0], "quantiles[0]", minimum=0.0, maximum=1.0)
    high = check_number(quantiles[1], "quantiles[1]", minimum=low, maximum=1.0)

    from scipy import ndimage
    from skimage.feature import canny

    n_out = grid * grid * bins
    smoothed = ndimage.gaussian_filter(gray, sigma, mode="nearest") if sigma > 0 else gray
    d_col = ndimage.sobel(smoothed, axis=1, mode="nearest")
    d_up = -ndimage.sobel(smoothed, axis=0, mode="nearest")
    magnitude = np.hypot(d_col, d_up)
    if not np.any(magnitude > 0):
        return np.full(n_out, 1.0 / n_out)
    edges = canny(gray, sigma=sigma, low_threshold=low, high_threshold=high, use_quantiles=True, mode="nearest")
    rows, cols = np.nonzero(edges)
    weight = magnitude[rows, cols]
    total = weight.sum()
    if total <= 0:
        return np.full(n_out, 1.0 / n_out)
    theta = np.arctan2(d_up[rows, cols], d_col[rows, cols])
    u = theta * (bins / (2.0 * np.pi))
    lower = np.floor(u)
    t = u - lower
    j0 = lower.astype(np.int64) % bins
    base = ((rows * grid // h) * grid + (cols * grid // w)) * bins
    hist = np.bincount(base + j0, weights=(1.0 - t) * weight, minlength=n_out)
    hist += np.bincount(base + (j0 + 1) % bins, weights=t * weight, minlength=n_out)
    return hist / total
