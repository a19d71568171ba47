"""Synthetic test data shared by several test files: keypoint pairs, blobs, two camera views, photos."""
import math

import numpy as np


def similar_keypoint_pair(rng, n_in=30, n_out=30, angle=0.6, scale=1.5, t=(20.0, -10.0)):
    """Keypoints (x, y, scale, angle) of image a, the same mapped by a similarity into b (plus outliers)."""
    ka = np.c_[rng.random((n_in + n_out, 2)) * 200, rng.random(n_in + n_out) * 3 + 1, rng.random(n_in + n_out) * 6]
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    kb = ka.copy()
    kb[:, :2] = scale * ka[:, :2] @ R.T + t + rng.normal(0, 0.5, (len(ka), 2))
    kb[:, 2] = ka[:, 2] * scale
    kb[:, 3] = ka[:, 3] + angle
    kb[n_in:, :2] = rng.random((n_out, 2)) * 300           # outliers: anywhere
    kb[n_in:, 3] = rng.random(n_out) * 6
    pairs = np.c_[np.arange(len(ka)), np.arange(len(ka))]
    return ka, kb, pairs


def photo(name):
    """An embedded photo, longer side 256."""
    from imsearch.data import load_default_image
    from imsearch.edits import downscale

    return downscale(load_default_image(name), 256)


def warp(image, seed=0, strength=0.12):
    """The image seen through a random mild homography (corners moved by up to strength × size)."""
    import cv2

    rng = np.random.default_rng(seed)
    h, w = image.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + (rng.uniform(-1, 1, (4, 2)) * strength * np.array([w, h])).astype(np.float32)
    H = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(image, H, (w, h), borderMode=cv2.BORDER_REFLECT)


def blob(n, c, sigma, A=None):
    """A Gaussian blob of standard deviation sigma at (c, c), optionally warped by x' = A x about c."""
    yy, xx = np.mgrid[0:n, 0:n].astype(float)
    d = np.stack([xx - c, yy - c], axis=-1)
    if A is not None:
        d = d @ np.linalg.inv(A).T
    return 0.2 + 0.6 * np.exp(-np.sum(d ** 2, axis=-1) / (2 * sigma ** 2))


def two_views(n=80, seed=0):
    """Pixel projections (N, 2), (N, 2) of a random 3-D scene in two calibrated cameras."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(-1, 1, n), rng.uniform(-1, 1, n), rng.uniform(4, 8, n)])  # a 3-D scene
    K = np.array([[500.0, 0, 320], [0, 500, 240], [0, 0, 1]])
    a = 0.15
    R = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    t = np.array([-1.0, 0.1, 0.2])
    x1 = (K @ X.T).T
    x2 = (K @ (R @ X.T + t[:, None])).T
    return x1[:, :2] / x1[:, 2:], x2[:, :2] / x2[:, 2:]
