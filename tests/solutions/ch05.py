"""Instructor solutions of chapter 5 (one function per exercise, named as in the notebook).

Each function is self-contained: it may use ``np`` (imported by the notebook's first
cell); any other import is inside its body. None calls the library's reference.
"""
import numpy as np


def ratio_test(desc1, desc2, ratio=0.8):
    """Lowe's ratio test: keep i -> j (nearest) when d1 < ratio * d2 (second nearest)."""
    d1 = np.asarray(desc1, dtype=np.float64)
    d2 = np.asarray(desc2, dtype=np.float64)
    # all squared distances at once: |a|² + |b|² - 2 a·b
    sq = (d1 ** 2).sum(1)[:, None] + (d2 ** 2).sum(1)[None, :] - 2.0 * d1 @ d2.T
    dist = np.sqrt(np.maximum(sq, 0.0))
    order = np.argsort(dist, axis=1, kind="stable")[:, :2]
    best = np.take_along_axis(dist, order, axis=1)
    keep = best[:, 0] < ratio * best[:, 1]
    i = np.flatnonzero(keep)
    matches = np.column_stack([i, order[keep, 0]]).astype(np.int64)
    return matches, best[keep, 0]


def fit_affine(src, dst):
    """Least squares [x y 1] A^T = [x' y'] for the 2x3 matrix A."""
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    X = np.column_stack([src, np.ones(len(src))])
    A = np.linalg.lstsq(X, dst, rcond=None)[0].T  # (2, 3)
    return np.vstack([A, [0.0, 0.0, 1.0]])


def fit_homography(src, dst):
    """Normalised DLT (Hartley): normalise both point sets, SVD, denormalise, H[2, 2] = 1."""
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)

    def normalise(p):
        c = p.mean(axis=0)
        s = np.sqrt(2.0) / np.linalg.norm(p - c, axis=1).mean()
        T = np.array([[s, 0.0, -s * c[0]], [0.0, s, -s * c[1]], [0.0, 0.0, 1.0]])
        return (p - c) * s, T

    ps, Ts = normalise(src)
    pd, Td = normalise(dst)
    rows = []
    for (x, y), (u, v) in zip(ps, pd):
        rows.append([-x, -y, -1.0, 0.0, 0.0, 0.0, u * x, u * y, u])
        rows.append([0.0, 0.0, 0.0, -x, -y, -1.0, v * x, v * y, v])
    A = np.array(rows)
    if len(A) < 9:
        A = np.vstack([A, np.zeros((9 - len(A), 9))])
    h = np.linalg.svd(A)[2][-1]
    H = np.linalg.inv(Td) @ h.reshape(3, 3) @ Ts
    return H / H[2, 2]


def ransac_iterations(inlier_ratio, sample_size, confidence):
    """N = ceil(log(1 - p) / log(1 - w^s)), at least 1."""
    good = inlier_ratio ** sample_size
    if good >= 1.0:
        return 1
    return max(1, int(np.ceil(np.log(1.0 - confidence) / np.log(1.0 - good))))
