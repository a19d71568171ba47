"""Instructor solutions of chapter 8 (one function per exercise, named as in the notebook).

Each function is self-contained: it may use ``np`` and ``torch`` (imported by the notebook's
first cell); any other import is inside its body. None calls the library's reference.
"""
import numpy as np
import torch


def gem_pool(x, p):
    """The generalised mean of each channel over the positions."""
    return x.pow(p).mean(dim=(2, 3)).pow(1.0 / p)


def whitened_similarity(train, queries, database, n_components):
    """PCA by SVD of the centred training set; divide by the standard deviations; cosine."""
    train = np.asarray(train, dtype=np.float64)
    mean = train.mean(axis=0)
    _, s, vt = np.linalg.svd(train - mean, full_matrices=False)
    axes, std = vt[:n_components], s[:n_components] / np.sqrt(len(train))

    def white(x):
        y = (np.asarray(x, dtype=np.float64) - mean) @ axes.T / std
        return y / np.linalg.norm(y, axis=1, keepdims=True)

    return white(queries) @ white(database).T


def contrastive(a, b, same, margin):
    """Pull matching pairs together, push the others out to the margin."""
    d = (a - b).pow(2).sum(dim=1).sqrt()
    same = same.to(a.dtype)
    return (0.5 * (same * d ** 2 + (1 - same) * torch.clamp(margin - d, min=0) ** 2)).mean()


def residual_forward(x, w1, w2):
    """Two convolutions, then add the input before the last ReLU."""
    h = torch.relu(torch.nn.functional.conv2d(x, w1, padding=1))
    return torch.relu(torch.nn.functional.conv2d(h, w2, padding=1) + x)


def predict_map_size(size_px, layers):
    """Apply floor((n + 2p - k) / s) + 1 layer after layer."""
    n = size_px
    for k, s, p in layers:
        n = (n + 2 * p - k) // s + 1
    return n
