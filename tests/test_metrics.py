"""imsearch.eval.metrics: mean squared error and PSNR."""
import numpy as np
import pytest

from imsearch.eval import mse, psnr


def test_mse_closed_forms_and_numpy_reference():
    assert mse(np.zeros((3, 4)), np.full((3, 4), 0.5)) == pytest.approx(0.25)
    assert mse([1, 2, 3], [1, 2, 3]) == 0.0
    rng = np.random.default_rng(0)
    a, b = rng.random((8, 9, 3)), rng.random((8, 9, 3))
    ref = sum((x - y) ** 2 for x, y in zip(a.ravel(), b.ravel())) / a.size
    assert mse(a, b) == pytest.approx(ref, rel=1e-12)


def test_mse_uint8_has_no_wraparound_and_is_symmetric():
    a = np.array([[0, 255]], dtype=np.uint8)
    b = np.array([[255, 0]], dtype=np.uint8)
    assert mse(a, b) == 255.0 ** 2
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 256, (2, 10, 10), dtype=np.uint8)
    assert mse(x, y) == mse(y, x)


def test_mse_and_psnr_agree_with_skimage():
    from skimage.metrics import mean_squared_error, peak_signal_noise_ratio
    rng = np.random.default_rng(2)
    a = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    b = np.clip(a.astype(int) + rng.integers(-20, 21, a.shape), 0, 255).astype(np.uint8)
    assert mse(a, b) == pytest.approx(mean_squared_error(a, b))
    assert psnr(a, b) == pytest.approx(peak_signal_noise_ratio(a, b))
    fa, fb = a / 255.0, b / 255.0
    assert psnr(fa, fb) == pytest.approx(peak_signal_noise_ratio(fa, fb, data_range=1.0))
    assert psnr(fa, fb) == pytest.approx(psnr(a, b))     # the same images in either convention
    assert psnr(fa, fb, data_range=2.0) == pytest.approx(peak_signal_noise_ratio(fa, fb, data_range=2.0))


def test_psnr_closed_forms():
    # uniform quantization with k levels of a uniform signal: 10 log10(12 k²)
    k = 16
    x = (np.arange(100 * k) + 0.5) / (100 * k)                       # 100 evenly spread values per cell
    xr = (np.floor(x * k) + 0.5) / k
    m = 100
    assert psnr(x, xr) == pytest.approx(10 * np.log10(12 * k * k * m * m / (m * m - 1)))
    # a constant error of one gray level on uint8: 20 log10(255)
    a = np.full((4, 4), 100, dtype=np.uint8)
    assert psnr(a, a + 1) == pytest.approx(20 * np.log10(255))
    # black versus white is 0 dB
    assert psnr(np.zeros(5), np.ones(5)) == pytest.approx(0.0)
    assert psnr(a, a) == np.inf


def test_psnr_scales_by_20_log10_of_the_data_range():
    rng = np.random.default_rng(3)
    a, b = rng.random(50), rng.random(50)
    assert psnr(a, b, data_range=10.0) - psnr(a, b) == pytest.approx(20.0)


def test_psnr_is_symmetric_and_decreases_with_noise():
    rng = np.random.default_rng(4)
    a = rng.random((20, 20))
    noisy = [np.clip(a + s * rng.normal(size=a.shape), 0, 1) for s in (0.01, 0.05, 0.2)]
    scores = [psnr(a, n) for n in noisy]
    assert scores[0] > scores[1] > scores[2]
    assert psnr(noisy[1], a) == pytest.approx(scores[1])


@pytest.mark.parametrize("func", [mse, psnr])
@pytest.mark.parametrize("a,b,err", [
    (np.zeros((3, 3)), np.zeros((3, 4)), ValueError),
    (np.zeros((0,)), np.zeros((0,)), ValueError),
    (np.array([np.nan, 1.0]), np.zeros(2), ValueError),
    (np.zeros(2), np.array([np.inf, 0.0]), ValueError),
    (np.array(["a", "b"]), np.zeros(2), TypeError),
    (None, np.zeros(2), TypeError),
    (np.zeros(2, dtype=complex), np.zeros(2, dtype=complex), TypeError),
])
def test_bad_inputs(func, a, b, err):
    with pytest.raises(err):
        func(a, b)


def test_psnr_bad_data_range_and_mixed_kinds():
    a = np.zeros(4)
    with pytest.raises(ValueError):
        psnr(a, a + 0.1, data_range=0)
    with pytest.raises(ValueError):
        psnr(a, a + 0.1, data_range=float("nan"))
    with pytest.raises(TypeError):
        psnr(a, a + 0.1, data_range="1")
    with pytest.raises(TypeError, match="both be integer or both be float"):
        psnr(np.zeros(4, dtype=np.uint8), np.zeros(4))
    assert psnr(np.zeros(4, dtype=np.uint8), np.full(4, 0.5), data_range=1.0) == pytest.approx(10 * np.log10(4))
