"""Instructor solutions of chapter 1 (one function per exercise, named as in the notebook).

Each function is self-contained: it may use ``np`` (imported by the notebook's first
cell); any other import is inside its body. None calls the library's reference.
"""
import numpy as np


def lloyd_max(x, k, n_iter=30):
    """Quantile start, then n_iter times: cells between midpoints, levels to the cells' means."""
    x = np.asarray(x, dtype=np.float64).ravel()
    levels = np.quantile(x, (np.arange(k) + 0.5) / k)
    for _ in range(n_iter):
        cell = np.searchsorted((levels[:-1] + levels[1:]) / 2, x)     # side="left": ties go down
        counts = np.bincount(cell, minlength=k)
        sums = np.bincount(cell, weights=x, minlength=k)
        levels = np.where(counts > 0, sums / np.maximum(counts, 1), levels)
    return levels


def quantization_psnr(x, k):
    """PSNR (Max = 1) between x and the centre of its quantization cell."""
    x = np.asarray(x, dtype=np.float64)
    q = np.minimum(np.floor(x * k), k - 1)
    x_hat = (q + 0.5) / k
    mse = np.mean((x - x_hat) ** 2)
    if mse == 0:
        return float("inf")
    return float(10 * np.log10(1.0 / mse))


def ordered_dither(gray, levels=2):
    """Ordered dithering with the 4×4 Bayer matrix, thresholds (b + 1/2) / 16."""
    b2 = np.array([[0, 2], [3, 1]])
    b4 = np.block([[4 * b2, 4 * b2 + 2], [4 * b2 + 3, 4 * b2 + 1]])
    gray = np.asarray(gray, dtype=np.float64)
    h, w = gray.shape
    rows, cols = np.indices((h, w))
    t = (b4[rows % 4, cols % 4] + 0.5) / 16
    v = gray * (levels - 1)
    low = np.floor(v)
    out = np.where(v - low > t, low + 1, low)
    return np.minimum(out, levels - 1) / (levels - 1)


def assign(points, centroids):
    """Nearest centroid by squared Euclidean distance; np.argmin keeps the first (lowest) index."""
    points = np.asarray(points, dtype=np.float64)
    centroids = np.asarray(centroids, dtype=np.float64)
    d2 = ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return np.argmin(d2, axis=1)


def choose_prefilter_sigma(step, max_alias_rms):
    """Bracket the crossing on a sweep of sigma / step, then halve the bracket (aliasing falls with sigma)."""
    from imsearch import signal

    def alias(sigma):
        return signal.zone_plate_alias_rms(step, sigma if sigma > 0 else None)

    if alias(0) <= max_alias_rms:
        return 0.0
    grid = np.linspace(0.0, 1.0, 26) * step
    above = [s for s in grid if alias(s) > max_alias_rms]
    lo = max(above)
    hi = lo + grid[1]
    while hi - lo > 0.002 * step:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if alias(mid) <= max_alias_rms else (mid, hi)
    return hi


def predict_quantizer(k):
    """The error is uniform on [-1/(2k), 1/(2k)): MSE = Δ²/12; each bit divides it by 4."""
    mse = 1.0 / (12.0 * k * k)
    return mse, 10 * np.log10(1.0 / mse), 10 * np.log10(4.0)
