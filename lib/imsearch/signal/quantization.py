"""Scalar and vector quantization, and halftoning.

Chapter 1. Quantization maps a continuous value (or vector) to one of ``k``
integers, each standing for a reproduction value:

* the uniform scalar quantizer of ``[0, 1)`` with ``k`` cells, ``Q(x) = floor(x k)``,
  its reconstruction at the centre of each cell, and its error
  (``MSE = 1 / (12 k²)``, i.e. about 6 dB of PSNR per bit);
* the Lloyd–Max quantizer, whose levels follow the histogram of the data;
* halftoning, which quantizes to very few levels but arranges the errors spatially
  so that the local mean survives: ordered (Bayer) dithering and Floyd–Steinberg
  error diffusion;
* vector quantization: a codebook of ``k`` centroids learnt with k-means (Lloyd's
  algorithm); the nearest-centroid rule partitions the space into Voronoi cells.
  Color quantization of a photo is its first use.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import as_rng, check_array, check_image, check_int
from ..image import to_float


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


# ----------------------------------------------------------------------------- scalar quantization: error

def expected_quantization_mse(k):
    """Expected squared error of the uniform quantizer with ``k`` cells on uniform data: ``1 / (12 k²)``.

    A value uniform in ``[0, 1)`` falls in a cell of width ``Δ = 1/k`` and is
    reconstructed at the cell's centre, so the error is uniform on ``[-Δ/2, Δ/2)`` and
    its mean square is ``Δ² / 12`` (Bennett 1948).

    Parameters
    ----------
    k : int >= 1

    Returns
    -------
    float
    """
    k = check_int(k, "k", minimum=1)
    return 1.0 / (12.0 * k * k)


def expected_quantization_psnr(k):
    """PSNR in dB of the uniform quantizer with ``k`` cells on uniform data in ``[0, 1)``.

    ``10 log10(1 / MSE) = 10 log10(12 k²) ≈ 10.79 + 6.02 log2(k)``: about 6 dB more
    for every bit spent (every doubling of ``k``).

    Parameters
    ----------
    k : int >= 1

    Returns
    -------
    float
    """
    return float(10.0 * np.log10(1.0 / expected_quantization_mse(k)))


def quantizer_law(k):
    """The three numbers that describe the uniform quantizer with ``k`` cells on uniform data.

    Parameters
    ----------
    k : int >= 1

    Returns
    -------
    mse : float
        ``1 / (12 k²)`` (:func:`expected_quantization_mse`).
    psnr_db : float
        ``10 log10(12 k²)`` (:func:`expected_quantization_psnr`).
    db_per_bit : float
        PSNR gained by each extra bit (``k → 2k``): ``20 log10 2 ≈ 6.0206`` dB, whatever ``k``.
    """
    return expected_quantization_mse(k), expected_quantization_psnr(k), float(20.0 * np.log10(2.0))


def quantization_psnr(x, k):
    """Measured PSNR in dB of quantizing ``x`` with ``k`` uniform cells and reconstructing at the centres.

    Parameters
    ----------
    x : (...) array_like of float, values in [0, 1), not empty
    k : int >= 1

    Returns
    -------
    float
        ``10 log10(1 / mean((x - x̂)²))`` with ``x̂ = (floor(x k) + 1/2) / k``
        (``Max = 1``); ``inf`` when every value sits on a cell centre.
    """
    from .distortion import psnr

    x = check_array(x, "x", kinds="f")
    q = uniform_quantize(x, k)
    return psnr(x, uniform_reconstruct(q, k), data_range=1.0)


def quantize_image(image, k):
    """Quantize every pixel value of an image to ``k`` uniform levels (cell centres).

    The image is read as floats in ``[0, 1]`` and quantized with ``Q(x) = floor(x k)``
    (a value of exactly 1 goes to the last cell), then reconstructed at ``(q + 1/2) / k``.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array in [0, 1]
    k : int >= 1
        Number of gray levels (per channel for a color image).

    Returns
    -------
    (H, W) or (H, W, 3) float64 array in (0, 1) with at most ``k`` distinct values per channel
    """
    x = to_float(image)
    k = check_int(k, "k", minimum=1)
    q = np.minimum(np.floor(x * k), k - 1)
    return (q + 0.5) / k


def _interval_cells(x, levels):
    """Cell of each value for sorted ``levels``: the number of midpoints strictly below it."""
    return np.searchsorted((levels[:-1] + levels[1:]) / 2, x, side="left")


def lloyd_max(x, k, n_iter=30):
    """Lloyd–Max scalar quantizer: the ``k`` reproduction levels that (locally) minimise the MSE on ``x``.

    Starts from equal-population cells (levels at the ``(j + 1/2) / k`` quantiles of ``x``),
    then alternates the two conditions of an optimal quantizer ``n_iter`` times:
    thresholds halfway between neighbouring levels (nearest level), and each level at the
    mean of its cell's values (centroid). A value exactly on a threshold goes to the lower
    cell; a level whose cell is empty stays where it is. This is Lloyd's algorithm
    (:func:`lloyd_step`) in one dimension, where the cells are intervals.

    Parameters
    ----------
    x : (...) array_like of float, not empty, finite
        The values to quantize (any range).
    k : int >= 1
        Number of levels.
    n_iter : int >= 0
        Number of Lloyd iterations.

    Returns
    -------
    (k,) float64 array
        The levels, ascending.

    References
    ----------
    J. Max, "Quantizing for minimum distortion", IRE Transactions on Information Theory
    6(1), 1960. S. P. Lloyd, "Least squares quantization in PCM", IEEE Transactions on
    Information Theory 28(2), 1982.
    """
    x = check_array(x, "x", kinds="f").ravel().astype(np.float64)
    k = check_int(k, "k", minimum=1)
    n_iter = check_int(n_iter, "n_iter", minimum=0)
    levels = np.quantile(x, (np.arange(k) + 0.5) / k)
    for _ in range(n_iter):
        cells = _interval_cells(x, levels)
        counts = np.bincount(cells, minlength=k)
        sums = np.bincount(cells, weights=x, minlength=k)
        levels = np.where(counts > 0, sums / np.maximum(counts, 1), levels)
    return levels


def scalar_quantize(x, levels):
    """Replace every value by its nearest level (a value halfway between two goes to the lower one).

    Parameters
    ----------
    x : (...) array_like of float, finite
    levels : (k,) array_like of float, ascending, not empty

    Returns
    -------
    (...) float64 array of x's shape, every value one of ``levels``
    """
    x = check_array(x, "x", kinds="f", allow_empty=True).astype(np.float64)
    levels = check_array(levels, "levels", ndim=1, kinds="iuf").astype(np.float64)
    if np.any(np.diff(levels) < 0):
        raise ValueError("levels must be sorted in ascending order")
    return levels[_interval_cells(x, levels)]


# ----------------------------------------------------------------------------- halftoning

def nearest_level(gray, levels=2):
    """Round each pixel to the nearest of ``levels`` evenly spaced values ``0, 1/(L-1), ..., 1``.

    Plain thresholding (at 1/2 when ``levels = 2``); halves round up.

    Parameters
    ----------
    gray : (H, W) uint8 or float array in [0, 1]
    levels : int >= 2

    Returns
    -------
    (H, W) float64 array with values in {0, 1/(L-1), ..., 1}
    """
    x = to_float(check_image(gray, "gray", color=False))
    levels = check_int(levels, "levels", minimum=2)
    return np.floor(x * (levels - 1) + 0.5) / (levels - 1)


def bayer_matrix(n):
    """The ``n`` × ``n`` Bayer index matrix of ordered dithering (``n`` a power of two).

    Built recursively from ``B₁ = [[0]]`` and
    ``B₂ₙ = [[4Bₙ, 4Bₙ + 2], [4Bₙ + 3, 4Bₙ + 1]]``, so ``B₂ = [[0, 2], [3, 1]]``.
    Consecutive thresholds are spread as far apart as possible, which makes the
    dither pattern of any flat gray as fine-grained as it can be (Bayer 1973).

    Parameters
    ----------
    n : int, a power of two (1, 2, 4, 8, ...)

    Returns
    -------
    (n, n) int64 array holding each of 0 .. n²-1 once

    References
    ----------
    B. E. Bayer, "An optimum method for two-level rendition of continuous-tone
    pictures", IEEE International Conference on Communications, 1973.
    """
    n = check_int(n, "n", minimum=1, maximum=256)
    if n & (n - 1):
        raise ValueError(f"n must be a power of two, got {n}")
    b = np.zeros((1, 1), dtype=np.int64)
    while b.shape[0] < n:
        b = np.block([[4 * b, 4 * b + 2], [4 * b + 3, 4 * b + 1]])
    return b


def ordered_dither(gray, levels=2, matrix_size=4):
    """Ordered dithering: quantize to ``levels`` values with a tiled Bayer threshold matrix.

    Each value is scaled to ``v = x (L - 1)``; its integer part ``floor(v)`` is the level
    below, and it goes one level up when its fractional part exceeds the threshold
    ``t = (B[y mod n, x mod n] + 1/2) / n²`` of its position (``B`` from
    :func:`bayer_matrix`, ``y`` the row). A flat gray therefore becomes a fine
    pattern whose local mean approximates it.

    Parameters
    ----------
    gray : (H, W) uint8 or float array in [0, 1]
    levels : int >= 2
        Number of output values (2 for black and white).
    matrix_size : int, power of two
        Side ``n`` of the Bayer matrix; 1 gives plain rounding (threshold 1/2, halves down).

    Returns
    -------
    (H, W) float64 array with values in {0, 1/(L-1), ..., 1}

    References
    ----------
    Bayer 1973 (see :func:`bayer_matrix`).
    """
    x = to_float(check_image(gray, "gray", color=False))
    levels = check_int(levels, "levels", minimum=2)
    b = bayer_matrix(matrix_size)
    n = b.shape[0]
    h, w = x.shape
    thresholds = (np.tile(b, (-(-h // n), -(-w // n)))[:h, :w] + 0.5) / (n * n)
    v = x * (levels - 1)
    base = np.floor(v)
    out = base + (v - base > thresholds)
    return np.minimum(out, levels - 1) / (levels - 1)


def error_diffusion(gray, levels=2):
    """Floyd–Steinberg error diffusion: quantize each pixel and push its error onto unvisited neighbours.

    Pixels are visited in raster order; each is rounded to the nearest of ``levels``
    values (halves up) and its error ``e`` is added to its neighbours as
    ``7/16 e`` (right), ``3/16 e`` (below left), ``5/16 e`` (below), ``1/16 e``
    (below right); error leaving the image is dropped. The local mean is preserved
    and the error is pushed to high spatial frequencies, which the eye averages out.

    Pixel ``(y, x)`` only depends on pixels with a smaller ``x + 2y``, so every pixel of
    a wavefront ``x + 2y = t`` is processed at once (``W + 2H`` vectorized steps instead
    of ``H W`` Python iterations), with exactly the raster-order result.

    Parameters
    ----------
    gray : (H, W) uint8 or float array in [0, 1]
    levels : int >= 2

    Returns
    -------
    (H, W) float64 array with values in {0, 1/(L-1), ..., 1}

    References
    ----------
    R. W. Floyd and L. Steinberg, "An adaptive algorithm for spatial greyscale",
    Proceedings of the Society for Information Display 17(2), 1976.
    """
    x = to_float(check_image(gray, "gray", color=False))
    levels = check_int(levels, "levels", minimum=2)
    h, w = x.shape
    work = x * (levels - 1)  # in units of one level step
    out = np.empty_like(work)
    all_y = np.arange(h)
    for t in range(w + 2 * (h - 1)):
        ys = all_y[(t - 2 * all_y >= 0) & (t - 2 * all_y < w)]
        xs = t - 2 * ys
        old = work[ys, xs]
        new = np.clip(np.floor(old + 0.5), 0, levels - 1)
        out[ys, xs] = new
        err = old - new
        # same order of additions as the raster loop: a target receives its error from
        # the row above (down-left) before the pixel on its left (right)
        below = ys + 1 < h
        m = below & (xs + 1 < w)
        work[ys[m] + 1, xs[m] + 1] += err[m] * (1.0 / 16.0)
        work[ys[below] + 1, xs[below]] += err[below] * (5.0 / 16.0)
        m = below & (xs >= 1)
        work[ys[m] + 1, xs[m] - 1] += err[m] * (3.0 / 16.0)
        m = xs + 1 < w
        work[ys[m], xs[m] + 1] += err[m] * (7.0 / 16.0)
    return out / (levels - 1)


# ----------------------------------------------------------------------------- vector quantization

def _check_points(points, name="points"):
    return check_array(points, name, ndim=2, kinds="biuf").astype(np.float64, copy=False)


def assign(points, centroids):
    """Index of the nearest centroid (squared Euclidean distance) of each point; ties go to the lower index.

    This is the quantizer of a codebook: it maps every point of the space to one of
    ``k`` reproduction values, and the set of points mapped to centroid ``j`` is its
    Voronoi cell.

    Parameters
    ----------
    points : (N, d) array_like of float/int
    centroids : (k, d) array_like of float/int, same ``d``

    Returns
    -------
    (N,) int64 array with values in 0 .. k-1
    """
    x = _check_points(points, "points")
    c = _check_points(centroids, "centroids")
    if x.shape[1] != c.shape[1]:
        raise ValueError(f"points and centroids must have the same dimension d, "
                         f"got points {x.shape} and centroids {c.shape}")
    out = np.empty(len(x), dtype=np.int64)
    chunk = max(1, 2_000_000 // (len(c) * x.shape[1]))
    for start in range(0, len(x), chunk):
        diff = x[start:start + chunk, None, :] - c[None, :, :]
        # differences, not |x|² - 2 x·c + |c|²: exact ties stay ties; argmin keeps the first
        out[start:start + chunk] = np.argmin(np.einsum("nkd,nkd->nk", diff, diff), axis=1)
    return out


def kmeans_objective(points, centroids, assignments=None):
    """Mean squared distance of the points to their centroid: the MSE of the vector quantizer.

    Parameters
    ----------
    points : (N, d) array_like
    centroids : (k, d) array_like
    assignments : (N,) array_like of int, optional
        Cell of each point; the nearest centroid (:func:`assign`) when omitted.

    Returns
    -------
    float
        ``mean_i |x_i - c_{a(i)}|²`` (sum over dimensions, mean over points).
    """
    x = _check_points(points, "points")
    c = _check_points(centroids, "centroids")
    if assignments is None:
        assignments = assign(x, c)
    a = check_array(assignments, "assignments", shape=(len(x),), kinds="iu", min_value=0, max_value=len(c) - 1)
    if x.shape[1] != c.shape[1]:
        raise ValueError(f"points and centroids must have the same dimension d, got {x.shape} and {c.shape}")
    d = x - c[a]
    return float(np.mean(np.sum(d * d, axis=1)))


def lloyd_step(points, centroids):
    """One iteration of Lloyd's algorithm: assign every point, then move each centroid to its cell's mean.

    A centroid whose cell is empty is moved onto the point that is currently worst
    quantized (farthest from its centroid), so no reproduction value is wasted.

    Parameters
    ----------
    points : (N, d) array_like
    centroids : (k, d) array_like

    Returns
    -------
    centroids : (k, d) float64 array
        The updated centroids.
    assignments : (N,) int64 array
        The assignment used for the update (to the *input* centroids).

    References
    ----------
    S. P. Lloyd, "Least squares quantization in PCM", IEEE Transactions on
    Information Theory 28(2), 1982.
    """
    x = _check_points(points, "points")
    c = _check_points(centroids, "centroids")
    a = assign(x, c)
    k, d = c.shape
    counts = np.bincount(a, minlength=k)
    sums = np.zeros((k, d))
    np.add.at(sums, a, x)
    new = c.copy()
    full = counts > 0
    new[full] = sums[full] / counts[full, None]
    empty = np.flatnonzero(~full)
    if len(empty):
        err = np.sum((x - c[a]) ** 2, axis=1)
        worst = np.argsort(-err, kind="stable")[:len(empty)]
        new[empty[:len(worst)]] = x[worst]
    return new, a


def _kmeans_pp(x, k, rng):
    """k-means++ seeding: each new centroid drawn with probability proportional to D(x)²."""
    n = len(x)
    centres = [x[rng.integers(n)]]
    d2 = np.sum((x - centres[0]) ** 2, axis=1)
    for _ in range(1, k):
        total = d2.sum()
        if total <= 0:  # fewer distinct points than k: pick any point
            idx = rng.integers(n)
        else:
            idx = min(int(np.searchsorted(np.cumsum(d2), rng.random() * total, side="right")), n - 1)
        centres.append(x[idx])
        d2 = np.minimum(d2, np.sum((x - x[idx]) ** 2, axis=1))
    return np.array(centres)


def kmeans(points, k, n_iter=20, seed=0, init="k-means++"):
    """k-means clustering with Lloyd's algorithm: the codebook of a vector quantizer.

    Alternates :func:`assign` (each point to its nearest centroid) and the mean update
    (:func:`lloyd_step`) until the assignments stop changing or ``n_iter`` iterations
    have run. Each step can only lower the quantization MSE (:func:`kmeans_objective`),
    which converges to a local minimum.

    Parameters
    ----------
    points : (N, d) array_like of float/int, N >= k
    k : int >= 1
        Number of centroids (codebook size).
    n_iter : int >= 1
        Maximum number of Lloyd iterations.
    seed : int or numpy.random.Generator
        Seed of the initialisation.
    init : {"k-means++", "random"}
        k-means++ seeding (Arthur & Vassilvitskii 2007) or ``k`` distinct random points.

    Returns
    -------
    centroids : (k, d) float64 array
    assignments : (N,) int64 array in 0 .. k-1
        The nearest centroid of each point, for the returned centroids.

    References
    ----------
    Lloyd 1982 (see :func:`lloyd_step`); D. Arthur and S. Vassilvitskii,
    "k-means++: the advantages of careful seeding", SODA 2007; A. Gersho and
    R. M. Gray, "Vector Quantization and Signal Compression", Kluwer, 1992.
    """
    x = _check_points(points, "points")
    k = check_int(k, "k", minimum=1, maximum=len(x))
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    rng = as_rng(seed)
    if init == "k-means++":
        c = _kmeans_pp(x, k, rng)
    elif init == "random":
        c = x[rng.choice(len(x), size=k, replace=False)].copy()
    else:
        raise ValueError(f"init must be 'k-means++' or 'random', got {init!r}")
    previous = None
    for _ in range(n_iter):
        c, a = lloyd_step(x, c)
        if previous is not None and np.array_equal(a, previous):
            break
        previous = a
    return c, assign(x, c)


def color_quantize(image, k, seed=0, n_iter=20, max_samples=20000):
    """Reduce an RGB image to ``k`` colors with k-means on its pixel colors.

    The palette is learnt on at most ``max_samples`` pixels drawn at random (a sample
    suffices to place ``k`` centroids and keeps this fast), rounded to ``uint8``, and
    every pixel is replaced by its nearest palette color.

    Parameters
    ----------
    image : (H, W, 3) uint8 or float array in [0, 1]
    k : int >= 1
        Number of colors of the palette.
    seed : int or numpy.random.Generator
    n_iter : int >= 1
        Lloyd iterations.
    max_samples : int >= 1
        Number of pixels the palette is learnt from.

    Returns
    -------
    quantized : (H, W, 3) uint8 array
        The image painted with the palette.
    palette : (k, 3) uint8 array
        The ``k`` colors (duplicates possible when the image has fewer than ``k`` colors).

    References
    ----------
    P. Heckbert, "Color image quantization for frame buffer display", SIGGRAPH 1982.
    """
    from ..image import to_uint8

    img = to_uint8(check_image(image, "image", gray=False))
    k = check_int(k, "k", minimum=1, maximum=256 * 256 * 256)
    max_samples = check_int(max_samples, "max_samples", minimum=1)
    rng = as_rng(seed)
    pixels = img.reshape(-1, 3).astype(np.float64)
    if k > len(pixels):
        raise ValueError(f"k must be <= the number of pixels ({len(pixels)}), got {k}")
    sample = pixels if len(pixels) <= max_samples else pixels[rng.choice(len(pixels), max_samples, replace=False)]
    if k > len(sample):
        sample = pixels
    centroids, _ = kmeans(sample, k, n_iter=n_iter, seed=rng)
    palette = np.clip(np.round(centroids), 0, 255).astype(np.uint8)
    labels = assign(pixels, palette.astype(np.float64))
    return palette[labels].reshape(img.shape), palette
