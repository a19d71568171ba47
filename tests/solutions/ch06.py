"""Instructor solutions of chapter 6 (one function per exercise, named as in the notebook).

Each function is self-contained: it may use ``np`` (imported by the notebook's first
cell); any other import is inside its body. None calls the library's reference.
"""
import numpy as np


def soft_hue_histogram(hue, weights, bins):
    """Linear interpolation between the two nearest bin centres, indices taken modulo bins."""
    hue = np.asarray(hue, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    u = hue * bins - 0.5
    lower = np.floor(u)
    t = u - lower
    j0 = lower.astype(np.int64) % bins
    j1 = (j0 + 1) % bins
    hist = np.zeros(bins)
    np.add.at(hist, j0, (1 - t) * weights)
    np.add.at(hist, j1, t * weights)
    return hist / weights.sum()


def emd_1d(a, b):
    """On a line the EMD is the L1 distance between the cumulative histograms."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.abs(np.cumsum(a, axis=-1) - np.cumsum(b, axis=-1)).sum(axis=-1)


def grid_pool(energy, grid):
    """Mean of each cell, with cell borders floor(i·H/grid) and floor(j·W/grid)."""
    energy = np.asarray(energy, dtype=np.float64)
    h, w = energy.shape[-2:]
    out = np.empty(energy.shape[:-2] + (grid, grid))
    for i in range(grid):
        r0, r1 = i * h // grid, (i + 1) * h // grid
        for j in range(grid):
            c0, c1 = j * w // grid, (j + 1) * w // grid
            out[..., i, j] = energy[..., r0:r1, c0:c1].mean(axis=(-2, -1))
    return out


def shortlist_recall(similarity, relevant, length):
    """Stable sort by decreasing similarity, count the relevant items in the first `length`."""
    similarity = np.asarray(similarity, dtype=np.float64)
    relevant = np.asarray(relevant, dtype=bool)
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :length]
    found = np.take_along_axis(relevant, order, axis=1).sum(axis=1)
    return float(np.mean(found / relevant.sum(axis=1)))
