"""imsearch.geometry.epipolar: Two views of a 3-D scene (chapter 5): the fundamental matrix, epipolar distances, plane-induced homographies."""
import math
import numpy as np
import pytest

from imsearch import geometry
from image_helpers import two_views as _two_views


def test_fit_fundamental_on_a_3d_scene():
    x1, x2 = _two_views()
    F, mask = geometry.fit_fundamental(x1, x2, threshold_px=1.0)
    assert mask.all()
    assert np.linalg.matrix_rank(F, tol=1e-6 * np.abs(F).max()) == 2
    assert geometry.epipolar_distance(F, x1, x2).max() < 1e-3
    # no homography explains a non-planar scene
    H = geometry.fit_homography(x1, x2)
    assert np.median(geometry.transfer_error(H, x1, x2)) > 1.0
    with pytest.raises(ValueError, match="at least 8 point pair"):
        geometry.fit_fundamental(x1[:7], x2[:7])


def test_plane_induced_homography_and_fundamental_from_cameras():
    rng = np.random.default_rng(0)
    K = np.array([[400.0, 0, 160], [0, 400, 120], [0, 0, 1]])
    a = 0.2
    R = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    t = np.array([-0.3, 0.05, 0.1])
    n, d = np.array([0.2, -0.1, 1.0]), 5.0
    # points of the plane n.X = d, projected in both cameras
    xy = rng.uniform(-1, 1, (20, 2))
    Z = (d - xy @ n[:2]) / n[2]
    X = np.column_stack([xy, Z])
    x1 = (K @ X.T).T
    x2 = (K @ (R @ X.T + t[:, None])).T
    x1, x2 = x1[:, :2] / x1[:, 2:], x2[:, :2] / x2[:, 2:]
    H = geometry.plane_induced_homography(K, R, t, n, d)
    np.testing.assert_allclose(geometry.apply_homography(H, x1), x2, atol=1e-8)
    F = geometry.fundamental_from_cameras(K, R, t)
    assert geometry.epipolar_distance(F, x1, x2).max() < 1e-8
    # F is compatible with every plane's homography: Hᵀ F is antisymmetric
    HF = H.T @ F
    np.testing.assert_allclose(HF + HF.T, 0, atol=1e-12)
    with pytest.raises(ValueError, match="distance must be nonzero"):
        geometry.plane_induced_homography(K, R, t, n, 0.0)
    with pytest.raises(ValueError, match="t must be nonzero"):
        geometry.fundamental_from_cameras(K, R, np.zeros(3))


def test_epipolar_distance_closed_form():
    # pure horizontal translation: F = [e]x with e = (1, 0, 0), epipolar lines are rows y = const
    F = np.array([[0.0, 0, 0], [0, 0, -1], [0, 1, 0]])
    np.testing.assert_allclose(geometry.epipolar_distance(F, [[10, 5], [3, 7]], [[40, 5], [1, 9]]), [0.0, 2.0])
