"""Instructor solutions of chapter 4 (one function per exercise, named as in the notebook).

Each function is self-contained: it may use ``np`` (imported by the notebook's first
cell); any other import is inside its body. None calls the library's reference.
"""
import numpy as np


def harris_response(gray, sigma_d, sigma_i, k):
    """R = det(M) − k trace(M)², M the scale-normalised structure tensor."""
    from scipy.ndimage import gaussian_filter

    gray = np.asarray(gray, dtype=np.float64)
    ix = gaussian_filter(gray, sigma_d, order=(0, 1))
    iy = gaussian_filter(gray, sigma_d, order=(1, 0))
    axx = sigma_d ** 2 * gaussian_filter(ix * ix, sigma_i)
    axy = sigma_d ** 2 * gaussian_filter(ix * iy, sigma_i)
    ayy = sigma_d ** 2 * gaussian_filter(iy * iy, sigma_i)
    return axx * ayy - axy ** 2 - k * (axx + ayy) ** 2


def local_maxima(response, threshold):
    """Pixels above the threshold and >= their 8 neighbours (outside the image = −inf)."""
    r = np.asarray(response, dtype=np.float64)
    h, w = r.shape
    padded = np.full((h + 2, w + 2), -np.inf)
    padded[1:-1, 1:-1] = r
    keep = r > threshold
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy or dx:
                keep &= r >= padded[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
    return keep


def repeatability(pts1, pts2, H, shape1, shape2, eps_px):
    """Mikolajczyk's repeatability of two point sets related by H (point criterion)."""
    pts1 = np.asarray(pts1, dtype=np.float64)
    pts2 = np.asarray(pts2, dtype=np.float64)
    H = np.asarray(H, dtype=np.float64)

    def project(M, p):
        q = np.c_[p, np.ones(len(p))] @ M.T
        return q[:, :2] / q[:, 2:3]

    def inside(p, shape):
        return (p[:, 0] >= 0) & (p[:, 0] <= shape[1] - 1) & (p[:, 1] >= 0) & (p[:, 1] <= shape[0] - 1)

    mapped = project(H, pts1)
    keep1 = inside(mapped, shape2)
    keep2 = inside(project(np.linalg.inv(H), pts2), shape1)
    n = min(keep1.sum(), keep2.sum())
    if n == 0:
        return 0.0
    a, b = mapped[keep1], pts2[keep2]
    dist = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1)
    pairs = sorted((dist[i, j], i, j) for i, j in zip(*np.nonzero(dist <= eps_px)))
    used_a, used_b = set(), set()
    for _, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a) / n


def orientation_histograms(magnitude, orientation_rad, n_cells=4, n_bins=8):
    """Per-cell orientation histograms, linear interpolation between orientation bins."""
    m = np.asarray(magnitude, dtype=np.float64)
    theta = np.mod(np.asarray(orientation_rad, dtype=np.float64), 2 * np.pi)
    p = m.shape[0]
    c = p // n_cells
    hist = np.zeros((n_cells, n_cells, n_bins))
    o = theta * n_bins / (2 * np.pi)
    b0 = np.floor(o).astype(int)
    frac = o - b0
    for r in range(p):
        for col in range(p):
            cell = hist[r // c, col // c]
            cell[b0[r, col] % n_bins] += m[r, col] * (1 - frac[r, col])
            cell[(b0[r, col] + 1) % n_bins] += m[r, col] * frac[r, col]
    return hist.ravel()


def smallest_corner_ratio(k):
    """R / λ1² = r - k (1 + r)² > 0  <=>  k r² + (2k - 1) r + k < 0: r above the smaller root of the quadratic."""
    if k == 0:
        return 0.0
    roots = np.roots([k, 2 * k - 1, k])
    return float(np.min(roots.real))
