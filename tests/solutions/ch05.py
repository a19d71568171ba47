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


def ransac_homography(src, dst, threshold_px=3.0, confidence=0.999, max_iters=10000, seed=0):
    """RANSAC: seeded minimal samples, consensus, the adaptive stopping rule, the refit.

    Fits with ``fit_homography`` of exercise 5.3 (the library's is hidden while grading).
    """
    from imsearch import geometry

    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    n = len(src)
    rng = np.random.default_rng(seed)
    best_H, best_mask, best_count = None, np.zeros(n, dtype=bool), 0
    needed, drawn = max_iters, 0
    while drawn < min(needed, max_iters):
        drawn += 1
        idx = rng.choice(n, size=4, replace=False)
        if geometry.is_degenerate_sample(src[idx], dst[idx]):
            continue
        H = fit_homography(src[idx], dst[idx])
        mask = geometry.transfer_error(H, src, dst) < threshold_px
        if mask.sum() > best_count:
            best_H, best_mask, best_count = H, mask, int(mask.sum())
            needed = geometry.ransac_iterations(best_count / n, 4, confidence)
    for _ in range(5):  # refit on the inliers while the inlier set changes without shrinking
        H = fit_homography(src[best_mask], dst[best_mask])
        mask = geometry.transfer_error(H, src, dst) < threshold_px
        if mask.sum() < best_count:
            break
        changed = not np.array_equal(mask, best_mask)
        best_H, best_mask, best_count = H, mask, int(mask.sum())
        if not changed:
            break
    return best_H, best_mask, drawn


def ratio_for_precision(ratios, correct, precision=0.9):
    """The largest ratio threshold t (one of the ratios) whose kept matches (ratio <= t) reach the precision."""
    ratios = np.asarray(ratios, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    best = 0.0
    for t in np.unique(ratios):
        kept = ratios <= t
        if correct[kept].mean() >= precision:
            best = float(t)
    return best
