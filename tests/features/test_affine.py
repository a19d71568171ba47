"""imsearch.features.affine: Affine adaptation (chapter 4): shape-adapted second-moment matrices, normalised patches, Harris-Affine."""
import math
import numpy as np
import pytest

from imsearch import features
from image_helpers import blob as _blob


@pytest.mark.parametrize("A", [np.array([[1.0, 0.6], [0.0, 1.0]]),      # shear
                               np.array([[1.5, 0.0], [0.0, 1 / 1.5]]),   # anisotropic scaling
                               np.array([[1.2, 0.3], [-0.2, 0.9]])])     # general
def test_affine_adapt_recovers_the_shear_of_a_blob(A):
    img = _blob(121, 60, 6.0, A)
    shape, history = features.affine_adapt(img, 60, 60, 5.0, return_history=True)
    assert shape.shape == (2, 2) and np.allclose(shape, shape.T)
    assert np.linalg.det(shape) == pytest.approx(1.0, rel=1e-9)
    # covariance: the isotropic blob's region becomes (A Aᵀ)⁻¹, normalised to det 1
    expected = np.linalg.inv(A @ A.T)
    expected /= np.sqrt(np.linalg.det(expected))
    ev = np.linalg.eigvalsh(shape)
    sv = np.linalg.svd(A, compute_uv=False)
    assert math.sqrt(ev[1] / ev[0]) == pytest.approx(sv[0] / sv[1], rel=0.05)
    np.testing.assert_allclose(shape, expected, atol=0.05)
    np.testing.assert_allclose(history[0], np.eye(2))
    np.testing.assert_allclose(history[-1], shape)
    assert 2 <= len(history) <= 8


def test_affine_adapt_leaves_an_isotropic_blob_circular():
    shape = features.affine_adapt(_blob(81, 40, 5.0), 40, 40, 4.0)
    np.testing.assert_allclose(shape, np.eye(2), atol=1e-3)


def test_normalized_patch_undoes_the_deformation():
    A = np.array([[1.4, 0.5], [0.0, 0.8]])
    img = _blob(121, 60, 6.0, A)
    shape = features.affine_adapt(img, 60, 60, 5.0)
    patch = features.normalized_patch(img, 60, 60, shape, 5.0, size_px=41)
    assert patch.shape == (41, 41) and patch.min() >= 0 and patch.max() <= 1
    # the normalised blob is round: its intensity-weighted second moments are isotropic (up to rotation)
    w = patch - patch.min()
    yy, xx = np.mgrid[0:41, 0:41] - 20.0
    m = np.array([[np.sum(w * xx * xx), np.sum(w * xx * yy)], [np.sum(w * xx * yy), np.sum(w * yy * yy)]])
    ev = np.linalg.eigvalsh(m)
    assert ev[0] / ev[1] > 0.93
    # the raw (identity-shape) patch of the sheared blob is not
    raw = features.normalized_patch(img, 60, 60, np.eye(2), 5.0, size_px=41) - patch.min()
    m2 = np.array([[np.sum(raw * xx * xx), np.sum(raw * xx * yy)], [np.sum(raw * xx * yy), np.sum(raw * yy * yy)]])
    e2 = np.linalg.eigvalsh(m2)
    assert e2[0] / e2[1] < 0.6
    assert patch[20, 20] == pytest.approx(img[60, 60], abs=0.02)


def test_regions_and_harris_affine(camera):
    e = features.regions_to_ellipses(np.array([[3.0, 4.0, 2.0], [5.0, 6.0, 1.0]]))
    np.testing.assert_allclose(e, [[3, 4, 1 / 36, 0, 1 / 36], [5, 6, 1 / 9, 0, 1 / 9]])
    ha = features.harris_affine(camera, n_best=30)
    assert ha.shape[1] == 5 and len(ha) >= 10
    det = ha[:, 2] * ha[:, 4] - ha[:, 3] ** 2
    assert np.all(ha[:, 2] > 0) and np.all(det > 0)
    hl = features.harris_laplace(camera, n_best=30)
    # the area of each ellipse is that of the disc of radius 3σ
    np.testing.assert_allclose(det ** -0.5, (3 * hl[:, 2]) ** 2, rtol=1e-6)


def test_region_patch_is_the_normalized_patch_of_the_disc_of_equal_area():
    img = _blob(61, 30, sigma=5.0)
    region = np.array([30.0, 30.0, 1 / 144, 0.0, 1 / 144])        # a disc of radius 12 = 3σ with σ = 4
    np.testing.assert_allclose(features.region_patch(img, region),
                               features.normalized_patch(img, 30.0, 30.0, np.diag([1 / 144, 1 / 144]), 4.0))
    with pytest.raises(ValueError, match="positive definite"):
        features.region_patch(img, [30.0, 30.0, 1.0, 2.0, 1.0])
