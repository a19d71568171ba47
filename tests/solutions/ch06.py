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


def emd_knn(query, database, k):
    """Visit by increasing centroid bound, stop once the bound reaches the k-th best exact EMD."""
    from imsearch import descriptors

    def centroid(colors, weights):
        weights = np.asarray(weights, dtype=np.float64)
        return weights @ np.asarray(colors, dtype=np.float64) / weights.sum()

    cq = centroid(*query)
    bounds = np.array([np.linalg.norm(cq - centroid(c, w)) for c, w in database])
    found = []  # (emd, visiting rank, index)
    for rank, i in enumerate(np.argsort(bounds, kind="stable")):
        if len(found) >= k and bounds[i] >= sorted(found)[k - 1][0]:
            break
        found.append((descriptors.emd(*query, *database[i]), rank, int(i)))
    best = sorted(found)[:k]
    return np.array([i for _, _, i in best], dtype=np.int64), len(found)


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


def shortlist_length(similarity, relevant, recall=0.9):
    """The first L at which the mean over queries of the fraction of positives in the top L reaches the target."""
    similarity = np.asarray(similarity, dtype=np.float64)
    relevant = np.asarray(relevant, dtype=bool)
    order = np.argsort(-similarity, axis=1, kind="stable")
    found = np.take_along_axis(relevant, order, axis=1).cumsum(axis=1)
    mean_recall = (found / relevant.sum(axis=1, keepdims=True)).mean(axis=0)
    return int(np.argmax(mean_recall >= recall)) + 1
