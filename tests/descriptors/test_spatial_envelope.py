"""imsearch.descriptors.spatial_envelope: GIST: the layout of a scene in a few hundred numbers (Oliva & Torralba, IJCV 2001)."""
import numpy as np
import pytest

from imsearch import edits
from imsearch.descriptors import spatial_envelope as gist


def _photo(size=None):
    from imsearch.data import load_default_image

    img = load_default_image("chelsea")   # (300, 451, 3)
    if size is not None:
        import cv2
        img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
    return img


def _naive_pool(e, g):
    h, w = e.shape[-2:]
    out = np.zeros(e.shape[:-2] + (g, g))
    for i in range(g):
        for j in range(g):
            out[..., i, j] = e[..., i * h // g:(i + 1) * h // g, j * w // g:(j + 1) * w // g].mean(axis=(-2, -1))
    return out


def test_gabor_parameters_closed_form():
    peaks, thetas = gist.gabor_parameters(4, 8)
    assert peaks.shape == thetas.shape == (32,)
    np.testing.assert_allclose(peaks[::8], [0.3, 0.3 / 1.85, 0.3 / 1.85 ** 2, 0.3 / 1.85 ** 3])
    np.testing.assert_allclose(thetas[:8], np.arange(8) * np.pi / 8)
    np.testing.assert_array_equal(thetas[8:16], thetas[:8])


def test_gabor_filters_peak_at_their_frequency_and_are_one_sided():
    n = 256
    bank = gist.gabor_filters(n, 4, 8)
    assert bank.shape == (32, n, n) and bank.min() >= 0 and bank.max() <= 1
    peaks, thetas = gist.gabor_parameters(4, 8)
    for i in [0, 3, 10, 21, 31]:
        f0, th = peaks[i], thetas[i]
        kx, ky = int(round(f0 * np.cos(th) * n)), int(round(f0 * np.sin(th) * n))
        near = bank[i][ky % n, kx % n]                   # close to the peak
        opposite = bank[i][-ky % n, -kx % n]             # the mirrored frequency
        assert near > 0.9, (i, near)
        assert opposite < 1e-6, (i, opposite)
        assert bank[i][0, 0] < 1e-6                      # no response to the mean
    with pytest.raises(ValueError):
        bank[0, 0, 0] = 1.0                              # cached, read-only


def test_gabor_filter_transfer_function_matches_its_formula():
    n = 64
    bank = gist.gabor_filters(n, 2, 4)
    f = np.fft.fftfreq(n)
    y, x = 5, 60                                          # fy = 5/64, fx = -4/64
    fx, fy = f[x], f[y]
    radius, angle = np.hypot(fx, fy), np.arctan2(fy, fx)
    peaks, thetas = gist.gabor_parameters(2, 4)
    for i in range(8):
        d = (angle - thetas[i] + np.pi) % (2 * np.pi) - np.pi
        expected = np.exp(-3.5 * (radius / peaks[i] - 1) ** 2 - 2 * np.pi * (4 / 8) ** 2 * d ** 2)
        assert bank[i][y, x] == pytest.approx(expected, rel=1e-12)


def test_gabor_response_to_a_sinusoid_has_its_closed_form():
    """cos(ωx) = (e^{iωx} + e^{-iωx}) / 2, so filter i outputs (G_i(ω) e^{iωx} + G_i(-ω) e^{-iωx}) / 2."""
    n, k = 128, 20                                        # 20 cycles across: f = 0.156 c/px, near scale 1
    x = np.arange(n)
    image = np.tile(np.cos(2 * np.pi * k * x / n), (n, 1))   # vertical stripes: frequency along +x
    energy = gist.gabor_energy(image, 4, 8, pad_px=0)
    bank = gist.gabor_filters(n, 4, 8)
    phase = np.exp(2j * np.pi * k * x / n)
    for i in range(32):
        expected = 0.5 * np.abs(bank[i][0, k] * phase + bank[i][0, -k] * np.conj(phase))
        np.testing.assert_allclose(energy[i], np.tile(expected, (n, 1)), atol=1e-6)  # float32 FFT
    matching = 8 * 1 + 0                                  # scale 1, orientation 0
    orthogonal = 8 * 1 + 4                                # scale 1, orientation π/2
    assert energy[matching].mean() > 0.45
    assert energy[orthogonal].mean() < 1e-3 * energy[matching].mean()
    assert int(np.argmax(energy.mean(axis=(1, 2)))) == matching


def test_gabor_response_to_an_oblique_sinusoid_picks_its_orientation():
    n = 128
    yy, xx = np.mgrid[:n, :n]
    image = np.cos(2 * np.pi * (16 * xx + 16 * yy) / n)   # frequency (1/8, 1/8): 45°, 0.177 c/px
    energy = gist.gabor_energy(image, 4, 8, pad_px=0).mean(axis=(1, 2))
    per_orientation = energy.reshape(4, 8).max(axis=0)
    assert int(np.argmax(per_orientation)) == 2          # π/4
    assert per_orientation[6] < 1e-3 * per_orientation[2]  # 3π/4, orthogonal


def test_prefilter_of_a_constant_image_is_zero_and_removes_smooth_illumination():
    np.testing.assert_allclose(gist.prefilter(np.full((40, 40), 0.6)), 0, atol=1e-9)
    gray = np.asarray(_photo(128).mean(axis=2) / 255.0)
    ramp = np.linspace(0.7, 1.0, 128)[None, :]           # a slow change of illumination across the image
    a, b = gist.prefilter(gray), gist.prefilter(gray * ramp)
    assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.98
    assert a.shape == gray.shape and abs(a.mean()) < 0.1


@pytest.mark.parametrize("shape, g", [((8, 8), 4), ((3, 10, 13), 3), ((2, 5, 7, 9), 4), ((6, 6), 1), ((5, 5), 5)])
def test_grid_pool_matches_the_definition(shape, g):
    e = np.random.default_rng(0).random(shape)
    np.testing.assert_allclose(gist.grid_pool(e, g), _naive_pool(e, g), rtol=1e-12)


def test_grid_pool_closed_form():
    e = np.arange(16.0).reshape(4, 4)
    np.testing.assert_allclose(gist.grid_pool(e, 2), [[2.5, 4.5], [10.5, 12.5]])
    np.testing.assert_allclose(gist.grid_pool(np.ones((7, 9)), 3), np.ones((3, 3)))


def test_grid_pool_bad_inputs():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        gist.grid_pool(np.ones(5), 2)
    with pytest.raises(ValueError, match="grid must be <= 3"):
        gist.grid_pool(np.ones((3, 8)), 4)
    with pytest.raises(ValueError, match="finite"):
        gist.grid_pool(np.full((4, 4), np.nan), 2)
    with pytest.raises(TypeError, match="grid must be an integer"):
        gist.grid_pool(np.ones((4, 4)), 2.0)


def test_gist_shapes_and_dimension():
    img = _photo()
    g = gist.gist(img)
    assert g.shape == (512,) and g.dtype == np.float32 and np.all(g >= 0)
    assert gist.gist(img, color=True).shape == (1536,) == (gist.gist_dimension(color=True),)
    assert gist.gist(img, n_scales=3, n_orientations=6, grid=2).shape == (3 * 6 * 4,)
    assert gist.gist(img[..., 0]).shape == (512,)                       # a gray image


def test_gist_many_equals_gist():
    imgs = [_photo(), edits.flip(_photo()), _photo(96)]
    many = gist.gist_many(imgs, batch_size=2, progress=False)
    for row, im in zip(many, imgs):
        np.testing.assert_allclose(row, gist.gist(im), rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match="sequence of images"):
        gist.gist_many(_photo())
    with pytest.raises(ValueError, match="must not be empty"):
        gist.gist_many([])


def test_a_flip_permutes_cells_and_orientations():
    """GIST is not flip-invariant but flip-equivariant: orientation θ -> π - θ, column c -> 3 - c."""
    img = _photo(128)                                    # already 128: no resampling
    a = gist.gist(img).reshape(4, 8, 4, 4)
    b = gist.gist(img[:, ::-1]).reshape(4, 8, 4, 4)
    mirrored = a[:, (-np.arange(8)) % 8][..., ::-1]
    # equal up to the FFT grid's one asymmetry: the Nyquist column -n/2 has no mirror +n/2
    np.testing.assert_allclose(b, mirrored, rtol=1e-2, atol=1e-4)
    assert np.abs(b - mirrored).mean() < 1e-3 * np.abs(a).mean()
    assert np.linalg.norm(a - b) > 0.2 * np.linalg.norm(a)


def test_gist_is_nearly_invariant_to_photometric_edits_but_not_to_geometry():
    img = _photo()
    g = gist.gist(img)

    def dist(other):
        return float(np.linalg.norm(gist.gist(other) - g))

    brighter = np.clip(img.astype(int) + 10, 0, 255).astype(np.uint8)
    small = {"brightness +10": dist(brighter), "JPEG q=50": dist(edits.jpeg(img, quality=50)),
             "noise σ=5": dist(edits.gaussian_noise(img, sigma=5, seed=0)),
             "blur σ=0.5": dist(edits.blur(img, sigma_px=0.5))}
    large = {"flip": dist(edits.flip(img)), "rotate 90": dist(np.ascontiguousarray(np.rot90(img))),
             "crop 50%": dist(edits.crop_and_scale(img, crop_fraction=0.5, seed=0))}
    assert max(small.values()) < 0.25 * min(large.values()), (small, large)
    assert small["brightness +10"] < 0.1 * np.linalg.norm(g)


def test_gist_bad_inputs():
    with pytest.raises(ValueError, match="image must have shape"):
        gist.gist(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(ValueError, match="size_px must be >= 16"):
        gist.gist(_photo(), size_px=8)
    with pytest.raises(TypeError, match="n_scales must be an integer"):
        gist.gist(_photo(), n_scales=2.5)
    with pytest.raises(ValueError, match="image must be square"):
        gist.gabor_energy(np.zeros((8, 9)))
    with pytest.raises(ValueError, match="fc_cycles must be > 0"):
        gist.prefilter(np.zeros((8, 8)), fc_cycles=0)
    with pytest.raises(ValueError, match="gray must have shape"):
        gist.prefilter(np.zeros((8, 8, 3)))


def test_gist_figures_have_titles_and_labels():
    import matplotlib

    matplotlib.use("Agg")
    from imsearch import viz

    bank = gist.gabor_filters(64, 2, 4)
    fig = viz.plot_gabor_bank(bank, *gist.gabor_parameters(2, 4), n_orientations=4)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), np.fft.fftshift(bank, axes=(1, 2)).max(axis=0))
    freq = fig.axes[0]
    assert "Gabor" in freq.get_title() and "frequency" in freq.get_xlabel() and "frequency" in freq.get_ylabel()
    assert len(fig.axes) == 1 + 2 * 4
    img = _photo(96)
    pre = gist.prefilter(gist.square(img))
    energy = gist.gabor_energy(pre, 4, 8)
    cells = gist.grid_pool(energy, 4)
    fig = viz.plot_gabor_response(pre, energy, cells, 5, *gist.gabor_parameters(4, 8))
    assert len(fig.axes) == 4 and "filter 5" in fig.axes[1].get_title()       # 3 panels + colour bar
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), pre)      # what is shown
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), energy[5])
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), cells[5])
    fig = viz.plot_gist(img, gist.gist(img), title="t")
    ax = fig.axes[0]
    assert ax.get_title() == "t" and ax.get_xlabel() == "cell column" and len(ax.lines) >= 4 * 4 * 8
    with pytest.raises(ValueError, match=r"descriptor must have shape \(512,\)"):
        viz.plot_gist(img, np.ones(10))
    with pytest.raises(ValueError, match="index must be <= 31"):
        viz.plot_gabor_response(pre, energy, cells, 32, *gist.gabor_parameters(4, 8))
    matplotlib.pyplot.close("all")


def test_square_resizes_to_a_float_square():
    sq = gist.square(_photo(), 64)
    assert sq.shape == (64, 64) and sq.dtype == np.float32 and 0 <= sq.min() and sq.max() <= 1
    assert gist.square(_photo(), 32, color=True).shape == (32, 32, 3)
    np.testing.assert_allclose(gist.square(_photo(64), 64), _photo(64).astype(float) @ [0.299, 0.587, 0.114] / 255,
                               atol=1e-5)
