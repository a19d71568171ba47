"""imsearch.features.multiscale: Scale space (chapter 4): Gaussian pyramids, the scale-normalised Laplacian, characteristic scales, Harris-Laplace."""
import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi

from imsearch import features
from image_helpers import blob as _blob


def test_scale_space_and_pyramid(camera):
    sigmas = np.array([1.0, 2.0, 4.0])
    ss = features.scale_space(camera, sigmas)
    assert ss.shape == (3, 128, 128)
    np.testing.assert_allclose(ss[1], ndi.gaussian_filter(camera, 2.0), atol=1e-12)
    pyr = features.gaussian_pyramid(camera, 4)
    assert [p.shape for p in pyr] == [(128, 128), (64, 64), (32, 32), (16, 16)]
    assert abs(pyr[3].mean() - camera.mean()) < 0.02
    assert len(features.gaussian_pyramid(camera, 3, downscale=1.5)) == 3


def test_characteristic_scale_of_a_gaussian_blob_is_its_sigma():
    # closed form: the normalised Laplacian of a blob of std s peaks at σ = s (Lindeberg 1998)
    sigmas = 2.0 ** np.arange(0, 4.5, 0.25)
    for s in (3.0, 4.0, 6.0):
        img = _blob(121, 60, s)
        assert features.characteristic_scale(img, 60, 60, sigmas) == pytest.approx(s, rel=0.04)
    # and it doubles when the blob is twice as large
    a = features.characteristic_scale(_blob(121, 60, 3.0), 60, 60, sigmas)
    b = features.characteristic_scale(_blob(121, 60, 6.0), 60, 60, sigmas)
    assert b / a == pytest.approx(2.0, rel=0.03)
    log = features.laplacian_of_gaussian(_blob(61, 30, 4.0), [4.0])
    assert log.shape == (1, 61, 61) and np.argmin(log[0]) == 30 * 61 + 30


def test_harris_laplace_scales_double_when_the_image_is_zoomed(camera):
    a = features.harris_laplace(camera, n_scales=12, n_best=None)
    assert a.ndim == 2 and a.shape[1] == 3 and len(a) > 20
    zoomed = np.clip(cv2.resize(camera, (256, 256), interpolation=cv2.INTER_CUBIC), 0, 1)
    b = features.harris_laplace(zoomed, n_scales=16, n_best=None)
    mapped = 2 * a[:, :2] + 0.5          # pixel centres: x' = 2x + 0.5
    from scipy.spatial import cKDTree
    d, j = cKDTree(b[:, :2]).query(mapped)
    ok = d <= 2.0
    assert ok.sum() >= 0.5 * len(a)
    ratios = b[j[ok], 2] / a[ok, 2]
    assert np.median(ratios) == pytest.approx(2.0, rel=0.1)
    assert np.mean(np.abs(np.log2(ratios) - 1) <= 0.26) >= 0.7   # within one scale step (2^¼)


def test_harris_laplace_options(camera):
    k, r = features.harris_laplace(camera, n_best=10, return_response=True)
    assert k.shape == (10, 3) and np.all(np.diff(r) <= 0)
    assert len(features.harris_laplace(np.full((40, 40), 0.5))) == 0
