"""imsearch.descriptors.pixels: The image itself as a descriptor (chapter 3): a small thumbnail flattened into a vector."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import descriptors


def _random(shape=(24, 32, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_pixel_descriptor_at_full_size_is_the_flattened_image():
    img = _random((16, 16, 3))
    d = descriptors.pixel_descriptor(img, size_px=(16, 16))
    assert d.dtype == np.float32 and d.shape == (768,)
    np.testing.assert_allclose(d, img.ravel() / 255.0, atol=1e-7)


def test_pixel_descriptor_halving_averages_2x2_blocks():
    img = _random((32, 48, 3))
    d = descriptors.pixel_descriptor(img, size_px=(16, 24))
    blocks = img.astype(float).reshape(16, 2, 24, 2, 3).mean(axis=(1, 3)) / 255.0
    np.testing.assert_allclose(d, blocks.ravel(), atol=1e-6)


def test_pixel_descriptor_grayscale_and_l2_is_d_times_mse():
    from imsearch.eval import mse

    a, b = _random((8, 8), 1), _random((8, 8), 2)
    da, db = descriptors.pixel_descriptor(a, size_px=(8, 8)), descriptors.pixel_descriptor(b, size_px=(8, 8))
    assert da.shape == (64,)
    assert np.sum((da.astype(float) - db) ** 2) == pytest.approx(64 * mse(a / 255.0, b / 255.0), rel=1e-5)


def test_pixel_descriptor_is_not_invariant_to_shuffling_or_flipping():
    img = _random((16, 16, 3))
    shuffled = img.reshape(-1, 3)[np.random.default_rng(0).permutation(256)].reshape(img.shape)
    assert not np.allclose(descriptors.pixel_descriptor(img), descriptors.pixel_descriptor(shuffled))
    assert not np.allclose(descriptors.pixel_descriptor(img), descriptors.pixel_descriptor(img[:, ::-1]))


def test_pixel_descriptor_bad_inputs():
    with pytest.raises(ValueError, match="image must have shape"):
        descriptors.pixel_descriptor(np.zeros(5, np.uint8))
    with pytest.raises(TypeError, match="size_px must be a pair"):
        descriptors.pixel_descriptor(_random(), size_px=16)
    with pytest.raises(ValueError, match=r"size_px\[1\] must be >= 1"):
        descriptors.pixel_descriptor(_random(), size_px=(16, 0))
    with pytest.raises(ValueError, match="finite"):
        descriptors.pixel_descriptor(np.full((4, 4), np.nan))


def test_predicted_edit_psnr_matches_measurements_on_synthetic_images():
    rng = np.random.default_rng(7)
    # noise: the PSNR of N(0, σ²) errors is 10 log10(255² / σ²)
    assert descriptors.predicted_edit_psnr(25, 100, 0.5)[0] == pytest.approx(20 * np.log10(255 / 25))
    # shift: an AR(1) row x[t] = ρ x[t-1] + e has neighbour correlation ρ; E[(x[t+1] - x[t])²] = 2 v (1 - ρ)
    rho, v = 0.9, 400.0
    e = rng.normal(scale=np.sqrt(v * (1 - rho ** 2)), size=200_000)
    x = np.empty_like(e)
    x[0] = rng.normal(scale=np.sqrt(v))
    for t in range(1, len(e)):
        x[t] = rho * x[t - 1] + e[t]
    measured = 10 * np.log10(255 ** 2 / np.mean((x[1:] - x[:-1]) ** 2))
    assert descriptors.predicted_edit_psnr(25, v, rho)[1] == pytest.approx(measured, abs=0.1)
    # closed form: variance 255²/2 and no correlation give 0 dB
    assert descriptors.predicted_edit_psnr(255, 255 ** 2 / 2, 0.0) == pytest.approx((0.0, 0.0))
    with pytest.raises(ValueError, match="correlation"):
        descriptors.predicted_edit_psnr(25, 100, 1.0)
    with pytest.raises(ValueError, match="noise_sigma"):
        descriptors.predicted_edit_psnr(0, 100, 0.5)
