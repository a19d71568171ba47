"""Instructor solutions of chapter 3 (one function per exercise, named as in the notebook).

Each function is self-contained: it may use ``np`` (imported by the notebook's first
cell); any other import is inside its body. None calls the library's reference.
"""
import numpy as np


def squared_distances(queries, database):
    """All squared Euclidean distances, by broadcasting in float64 (no uint8 wrap-around)."""
    q = np.asarray(queries, dtype=np.float64)
    x = np.asarray(database, dtype=np.float64)
    diff = q[:, None, :] - x[None, :, :]
    return (diff ** 2).sum(axis=-1)


def color_histogram(image, bins):
    """Joint RGB histogram with bins*bins*bins cells, normalised to sum to 1."""
    pixels = np.asarray(image).reshape(-1, 3).astype(np.int64)
    idx = pixels * bins // 256                      # bin of each channel
    joint = (idx[:, 0] * bins + idx[:, 1]) * bins + idx[:, 2]
    counts = np.bincount(joint, minlength=bins ** 3)
    return counts / len(pixels)


def histogram_intersection(a, b):
    """Swain & Ballard's intersection, normalised by the model histogram b."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.minimum(a, b).sum(axis=-1) / b.sum(axis=-1)


def predict_psnr(noise_sigma, variance, correlation):
    """Noise: MSE = σ². Shift: E[(x - y)²] = Var x + Var y - 2 Cov(x, y) = 2 v (1 - ρ)."""
    mse_noise = noise_sigma ** 2
    mse_shift = 2 * variance * (1 - correlation)
    return 10 * np.log10(255 ** 2 / mse_noise), 10 * np.log10(255 ** 2 / mse_shift)
