"""imsearch.signal.sampling: Sampling: rasterizing a continuous signal on a grid, and subsampling without aliasing."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

from imsearch.signal import gaussian_blur, gaussian_kernel, ideal_lowpass, subsample, zone_plate, zone_plate_frequency


def _zone_plate_reference(size, f_max):
    """Straight from the definition, one pixel at a time."""
    c = (size - 1) / 2
    r_max = np.hypot(c, c)
    out = np.empty((size, size))
    for y in range(size):
        for x in range(size):
            r2 = (x - c) ** 2 + (y - c) ** 2
            out[y, x] = 0.5 + 0.5 * np.cos(np.pi * f_max * r2 / r_max)
    return out


def test_zone_plate_matches_definition():
    assert_allclose(zone_plate(23, 0.37), _zone_plate_reference(23, 0.37), atol=1e-12)


def test_zone_plate_range_centre_and_symmetry():
    z = zone_plate(64, 0.5)
    assert z.shape == (64, 64) and z.dtype == np.float64
    assert 0.0 <= z.min() and z.max() <= 1.0
    assert_allclose(z, z[::-1], atol=1e-12)          # symmetric up/down
    assert_allclose(z, z[:, ::-1], atol=1e-12)       # left/right
    assert_allclose(z, z.T, atol=1e-12)              # radial: transpose invariant
    zo = zone_plate(65, 0.5)
    assert zo[32, 32] == pytest.approx(1.0)           # cos(0) at the centre pixel


def test_zone_plate_local_frequency_by_counting_zero_crossings():
    # along the central row the signal is cos(φ(r)) with φ(r) = π f_max r²/r_max: between two
    # radii there are (φ(r2) - φ(r1)) / π zero crossings, i.e. twice ∫ f(r) dr
    size, f_max = 1025, 0.4
    z = zone_plate(size, f_max)
    f = zone_plate_frequency(size, f_max)
    row = z[size // 2, size // 2:] - 0.5           # r = 0, 1, ..., 512
    radii = np.arange(len(row))
    r_max = np.hypot(512, 512)
    for r1, r2 in [(50, 150), (200, 260), (400, 512)]:
        seg = row[r1:r2 + 1]
        crossings = np.count_nonzero(np.sign(seg[1:]) != np.sign(seg[:-1]))
        expected = np.pi * f_max * (r2 ** 2 - r1 ** 2) / r_max / np.pi
        assert abs(crossings - expected) <= 1.0
    # and the map agrees with f(r) = f_max r / r_max, reaching f_max in the corners
    assert_allclose(f[size // 2, size // 2:], f_max * radii / r_max, atol=1e-12)
    assert f[0, 0] == pytest.approx(f_max) and f.max() == pytest.approx(f_max)


def test_zone_plate_supersampling_is_a_box_filter_of_a_finer_raster():
    # averaging s×s point samples per pixel equals box-filtering the raster that is s times finer
    s, size, f = 3, 20, 0.9
    # the same continuous signal cos(a r²) on an s× denser grid: a (per pixel²) shrinks by s², and
    # f_max is the frequency at the fine grid's own corner distance
    r_max, r_max_fine = np.sqrt(2) * (size - 1) / 2, np.sqrt(2) * (size * s - 1) / 2
    fine = zone_plate(size * s, f * r_max_fine / (r_max * s ** 2))
    box = fine.reshape(size, s, size, s).mean(axis=(1, 3))
    assert_allclose(zone_plate(size, f, supersample=s), box, atol=1e-12)


def test_zone_plate_supersampling_attenuates_aliasing():
    # above Nyquist (corners at 1 cycle/pixel) the point-sampled raster is full-contrast moiré;
    # integrating over the pixel area damps it
    point = zone_plate(128, 1.0)
    area = zone_plate(128, 1.0, supersample=4)
    f = zone_plate_frequency(128, 1.0)
    outer = f > 0.75
    assert np.std(point[outer]) > 0.3
    assert np.std(area[outer]) < 0.5 * np.std(point[outer])


@pytest.mark.parametrize("kwargs,err", [
    (dict(size_px=1), ValueError), (dict(size_px=8.0), TypeError), (dict(size_px=8, max_frequency=0), ValueError),
    (dict(size_px=8, max_frequency=float("nan")), ValueError), (dict(size_px=8, supersample=0), ValueError),
    (dict(size_px=8, max_frequency="0.5"), TypeError),
])
def test_zone_plate_bad_inputs(kwargs, err):
    with pytest.raises(err):
        zone_plate(**kwargs)


def test_gaussian_kernel_matches_scipy_radius_and_sums_to_one():
    from scipy.ndimage import _filters
    for sigma in [0.3, 1.0, 2.5, 7.0]:
        k = gaussian_kernel(sigma)
        assert k.sum() == pytest.approx(1.0)
        assert len(k) == 2 * int(4.0 * sigma + 0.5) + 1
        assert_allclose(k, k[::-1])
        assert_allclose(k, _filters._gaussian_kernel1d(sigma, 0, int(4.0 * sigma + 0.5))[::-1], atol=1e-15)


@pytest.mark.parametrize("shape", [(31, 40), (5, 3), (24, 17, 3)])
@pytest.mark.parametrize("sigma", [0.5, 1.7, 6.0])
def test_gaussian_blur_matches_scipy(shape, sigma):
    from scipy.ndimage import gaussian_filter
    x = np.random.default_rng(0).random(shape)
    sig = (sigma, sigma, 0) if len(shape) == 3 else sigma
    assert_allclose(gaussian_blur(x, sigma), gaussian_filter(x, sig, mode="reflect"), atol=1e-12)


def test_gaussian_blur_preserves_constants_and_mean_and_accepts_uint8():
    assert_allclose(gaussian_blur(np.full((10, 12), 0.3), 2.0), 0.3, atol=1e-12)
    img = np.random.default_rng(1).integers(0, 256, (16, 16), dtype=np.uint8)
    out = gaussian_blur(img, 1.0)
    assert out.dtype == np.float64 and 0 <= out.min() and out.max() <= 1
    assert out.mean() == pytest.approx(img.mean() / 255, abs=0.01)


def test_gaussian_blur_attenuates_a_sinusoid_as_its_transfer_function():
    # the Fourier transform of a Gaussian: a cosine of frequency f is scaled by exp(-2 π² σ² f²)
    f, sigma = 1 / 16, 2.0
    x = np.arange(256)
    img = np.tile(0.5 + 0.4 * np.cos(2 * np.pi * f * x), (8, 1))
    out = gaussian_blur(img, sigma)
    amp = (out[4, 64:192].max() - out[4, 64:192].min()) / 2
    assert amp == pytest.approx(0.4 * np.exp(-2 * np.pi ** 2 * sigma ** 2 * f ** 2), rel=1e-3)


def test_gaussian_blur_commutes_with_translation():
    x = np.random.default_rng(2).random((40, 40))
    a = gaussian_blur(x, 1.5)[10:28, 10:28]   # away from the borders (kernel radius 6)
    b = gaussian_blur(np.roll(x, (3, 5), axis=(0, 1)), 1.5)[13:31, 15:33]
    assert_allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("image,sigma,err", [
    (np.zeros((4, 4)), 0.0, ValueError), (np.zeros((4, 4)), -1.0, ValueError),
    (np.zeros((4, 4)), float("nan"), ValueError), (np.zeros(5), 1.0, ValueError),
    (np.zeros((4, 4, 2)), 1.0, ValueError), (np.full((4, 4), 2.0), 1.0, ValueError),
    (np.zeros((4, 4), dtype=np.int32), 1.0, TypeError), (np.zeros((0, 4)), 1.0, ValueError),
    (np.full((3, 3), np.nan), 1.0, ValueError),
])
def test_gaussian_blur_bad_inputs(image, sigma, err):
    with pytest.raises(err):
        gaussian_blur(image, sigma)


def test_subsample_without_prefilter_is_slicing():
    img = np.random.default_rng(3).integers(0, 256, (11, 14, 3), dtype=np.uint8)
    out = subsample(img, 3)
    assert out.shape == (4, 5, 3)
    assert_allclose(out, img[::3, ::3] / 255.0)
    assert_allclose(subsample(img, 1), img / 255.0)


def test_subsample_with_prefilter_matches_scipy_then_slicing():
    from scipy.ndimage import gaussian_filter
    x = np.random.default_rng(4).random((33, 29))
    assert_allclose(subsample(x, 4, prefilter_sigma=2.0), gaussian_filter(x, 2.0, mode="reflect")[::4, ::4],
                    atol=1e-12)


def test_subsampling_a_frequency_above_nyquist_aliases_to_the_predicted_frequency():
    # a cosine at 0.4 cycles/pixel sampled every 2 pixels is 0.8 cycles per new pixel, above the
    # new Nyquist 0.5: it folds back to |0.8 - 1| = 0.2 cycles per new pixel
    f, step = 0.4, 2
    x = np.arange(512)
    img = np.tile(0.5 + 0.5 * np.cos(2 * np.pi * f * x), (4, 1))
    row = subsample(img, step)[0] - 0.5
    spectrum = np.abs(np.fft.rfft(row))
    alias = np.fft.rfftfreq(len(row))[np.argmax(spectrum)]
    assert alias == pytest.approx(abs(f * step - round(f * step)), abs=1 / len(row))
    # with the prefilter σ = step/2 the alias is damped like exp(-2π²σ²f²)
    blurred = subsample(img, step, prefilter_sigma=step / 2)[0] - 0.5
    assert np.abs(np.fft.rfft(blurred)).max() < 0.1 * spectrum.max()


def test_prefilter_removes_aliasing_of_the_zone_plate():
    # the pixels whose original local frequency exceeds the new Nyquist 0.5/step should be a
    # flat gray after an alias-free subsampling; raw subsampling leaves full-contrast moiré there
    z = zone_plate(256, 0.5)
    f = zone_plate_frequency(256, 0.5)[::4, ::4]
    above = f > 0.5 / 4 * 1.3
    raw = subsample(z, 4)
    smooth = subsample(z, 4, prefilter_sigma=2.0)
    assert np.sqrt(np.mean((raw[above] - 0.5) ** 2)) > 0.3
    assert np.sqrt(np.mean((smooth[above] - 0.5) ** 2)) < 0.03


@pytest.mark.parametrize("step,sigma,err", [(0, None, ValueError), (2.0, None, TypeError),
                                            (2, 0.0, ValueError), (2, "1", TypeError)])
def test_subsample_bad_inputs(step, sigma, err):
    with pytest.raises(err):
        subsample(np.zeros((8, 8)), step, prefilter_sigma=sigma)


def test_ideal_lowpass_keeps_low_and_removes_high_frequencies():
    n = 128
    x = np.arange(n)
    low = 0.25 * np.cos(2 * np.pi * (8 / (2 * n)) * 2 * x)   # 1/16 cycles/pixel
    high = 0.2 * np.cos(2 * np.pi * 0.375 * x)
    img = 0.5 + np.add.outer(np.zeros(n), low + high)
    out = ideal_lowpass(img, 0.25)
    expected = 0.5 + np.add.outer(np.zeros(n), low)
    # away from the borders the result is the low component alone
    assert_allclose(out[:, 16:-16], expected[:, 16:-16], atol=0.02)


def test_ideal_lowpass_at_nyquist_is_identity_and_constant_is_kept():
    x = np.random.default_rng(5).random((20, 24, 3))
    assert_allclose(ideal_lowpass(x, 0.5), x, atol=1e-10)
    assert_allclose(ideal_lowpass(np.full((9, 7), 0.4), 0.1), 0.4, atol=1e-12)


@pytest.mark.parametrize("cutoff,err", [(0.0, ValueError), (0.6, ValueError), (None, TypeError)])
def test_ideal_lowpass_bad_inputs(cutoff, err):
    with pytest.raises(err):
        ideal_lowpass(np.zeros((8, 8)), cutoff)


# ----------------------------------------------------------------------------- measuring aliasing

def test_subsampling_psnr_is_the_psnr_against_the_ideal_lowpass_reference():
    from imsearch.signal import psnr, subsampling_psnr
    image = np.random.default_rng(3).random((40, 48))
    ref = ideal_lowpass(image, 0.5 / 4)[::4, ::4]
    assert subsampling_psnr(image, 4, 2.0) == pytest.approx(psnr(ref, subsample(image, 4, 2.0), data_range=1.0))
    assert subsampling_psnr(image, 1) > 100              # step 1 keeps everything: only rounding is lost
    with pytest.raises(ValueError, match="step"):
        subsampling_psnr(image, 0)


def test_zone_plate_alias_rms_from_its_definition_and_limits():
    from imsearch.signal import zone_plate_alias_rms
    z = zone_plate(64, 0.5)
    above = zone_plate_frequency(64, 0.5)[::4, ::4] > 0.125
    s = gaussian_blur(z, 1.5)[::4, ::4]
    assert zone_plate_alias_rms(4, 1.5, size_px=64) == pytest.approx(np.sqrt(np.mean((s[above] - 0.5) ** 2)))
    # no blur: the samples of a cosine of amplitude 1/2, RMS close to 1/(2√2)
    assert zone_plate_alias_rms(4) == pytest.approx(1 / (2 * np.sqrt(2)), abs=0.01)
    rms = [zone_plate_alias_rms(4, s, size_px=128) for s in (0.5, 1.0, 1.5, 2.0, 3.0)]
    assert np.all(np.diff(rms) < 0) and rms[-1] < 0.01     # more blur, less aliasing
    with pytest.raises(ValueError, match="step"):
        zone_plate_alias_rms(1)


def test_smallest_antialias_sigma_is_the_crossing_of_the_tolerance():
    from imsearch.signal import smallest_antialias_sigma, zone_plate_alias_rms
    sigma = smallest_antialias_sigma(4, 0.05, size_px=128)
    assert zone_plate_alias_rms(4, sigma, size_px=128) <= 0.05 < zone_plate_alias_rms(4, sigma - 0.01, size_px=128)
    assert smallest_antialias_sigma(4, 0.4) == 0.0                        # the raw aliasing is tolerated
    assert smallest_antialias_sigma(4, 0.03) > smallest_antialias_sigma(4, 0.08)   # stricter, more blur
    with pytest.raises(ValueError, match="not reached"):
        smallest_antialias_sigma(2, 1e-6, size_px=64)
    with pytest.raises(ValueError, match="max_alias_rms"):
        smallest_antialias_sigma(4, 0.0)
