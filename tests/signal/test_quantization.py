"""imsearch.signal.quantization: Scalar and vector quantization, and halftoning."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from imsearch.signal import quantization as Q
from imsearch.eval import psnr
from imsearch.signal import gaussian_blur


def _floyd_steinberg_loop(gray, levels=2):
    """Floyd & Steinberg (1976), pixel by pixel in raster order."""
    e = np.array(gray, dtype=float) * (levels - 1)
    h, w = e.shape
    out = np.zeros_like(e)
    for y in range(h):
        for x in range(w):
            old = e[y, x]
            new = min(max(np.floor(old + 0.5), 0), levels - 1)
            out[y, x] = new
            err = old - new
            if x + 1 < w:
                e[y, x + 1] += err * (7 / 16)
            if y + 1 < h:
                if x >= 1:
                    e[y + 1, x - 1] += err * (3 / 16)
                e[y + 1, x] += err * (5 / 16)
                if x + 1 < w:
                    e[y + 1, x + 1] += err * (1 / 16)
    return out / (levels - 1)


def test_uniform_quantize_closed_forms_and_dtype():
    q = Q.uniform_quantize(np.array([0.0, 0.2499, 0.25, 0.5, 0.9999999999]), 4)
    assert q.dtype == np.int64
    assert_array_equal(q, [0, 0, 1, 2, 3])
    assert_array_equal(Q.uniform_quantize(np.nextafter(1.0, 0.0), 3), 2)   # x k rounds up to k
    assert Q.uniform_quantize(np.zeros((0,)), 5).shape == (0,)


def test_uniform_reconstruct_is_the_cell_centre():
    assert_allclose(Q.uniform_reconstruct(np.arange(4), 4), [0.125, 0.375, 0.625, 0.875])
    x = np.random.default_rng(0).random(1000)
    for k in (1, 7, 256):
        xr = Q.uniform_reconstruct(Q.uniform_quantize(x, k), k)
        assert np.all(np.abs(x - xr) <= 0.5 / k + 1e-15)
        # quantizing a reconstruction gives the same cell back (idempotent)
        assert_array_equal(Q.uniform_quantize(xr, k), Q.uniform_quantize(x, k))


@pytest.mark.parametrize("k", [2, 3, 16, 1000])
def test_measured_mse_matches_one_over_twelve_k_squared(k):
    x = np.random.default_rng(k).random(1_000_000)
    err = x - Q.uniform_reconstruct(Q.uniform_quantize(x, k), k)
    # the error is uniform on [-1/2k, 1/2k): variance 1/(12 k²), standard error of the mean of
    # squared errors ≈ (1/(12k²))·sqrt(4/5)/sqrt(N), so 1 % is > 10 standard errors
    assert np.mean(err ** 2) == pytest.approx(Q.expected_quantization_mse(k), rel=0.01)
    assert np.mean(err) == pytest.approx(0.0, abs=0.01 / k)


def test_expected_psnr_law_is_six_db_per_bit():
    assert Q.expected_quantization_psnr(1) == pytest.approx(10 * np.log10(12))
    assert Q.expected_quantization_psnr(256) == pytest.approx(10 * np.log10(12 * 256 ** 2))
    bits = np.arange(1, 17)
    law = np.array([Q.expected_quantization_psnr(2 ** b) for b in bits])
    slope = np.polyfit(bits, law, 1)[0]
    assert slope == pytest.approx(20 * np.log10(2))        # 6.0206 dB per bit
    assert law[15] == pytest.approx(107.12, abs=0.01)       # 16-bit audio, full-scale uniform signal


def test_quantization_psnr_measured_on_samples_follows_the_law():
    rng = np.random.default_rng(1)
    x = rng.random(1_000_000)
    for k in (2, 32, 1024):
        assert Q.quantization_psnr(x, k) == pytest.approx(Q.expected_quantization_psnr(k), abs=0.05)


def test_quantization_psnr_closed_forms_and_skimage():
    from skimage.metrics import peak_signal_noise_ratio
    assert Q.quantization_psnr((np.arange(5) + 0.5) / 5, 5) == np.inf
    assert Q.quantization_psnr(np.arange(8) / 8, 8) == pytest.approx(10 * np.log10(4 * 64))
    x = np.random.default_rng(2).random((7, 9))
    xr = Q.uniform_reconstruct(Q.uniform_quantize(x, 6), 6)
    assert Q.quantization_psnr(x, 6) == pytest.approx(peak_signal_noise_ratio(x, xr, data_range=1.0))


def test_quantize_image_levels_and_psnr():
    ramp = np.linspace(0, 1, 256 * 64).reshape(64, 256)
    for k in (2, 8, 64):
        out = Q.quantize_image(ramp, k)
        assert_allclose(np.unique(out), (np.arange(k) + 0.5) / k)
        # a ramp is (nearly) uniform: the law holds
        assert psnr(ramp, out) == pytest.approx(Q.expected_quantization_psnr(k), abs=0.1)
    img = np.random.default_rng(3).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    out = Q.quantize_image(img, 4)
    assert out.shape == img.shape and out.dtype == np.float64
    assert_allclose(out, (np.minimum(np.floor(img / 255 * 4), 3) + 0.5) / 4)


@pytest.mark.parametrize("func,args,err", [
    (Q.uniform_quantize, (np.array([0.5, 1.0]), 4), ValueError),
    (Q.uniform_quantize, (np.array([-0.1]), 4), ValueError),
    (Q.uniform_quantize, (np.array([np.nan]), 4), ValueError),
    (Q.uniform_quantize, (np.array([1, 2]), 4), TypeError),
    (Q.uniform_quantize, (np.array([0.5]), 0), ValueError),
    (Q.uniform_quantize, (np.array([0.5]), 2.0), TypeError),
    (Q.uniform_reconstruct, (np.array([0, 4]), 4), ValueError),
    (Q.uniform_reconstruct, (np.array([0.5]), 4), TypeError),
    (Q.quantization_psnr, (np.array([]), 4), ValueError),
    (Q.quantization_psnr, ("0.5", 4), TypeError),
    (Q.expected_quantization_psnr, (0,), ValueError),
    (Q.quantize_image, (np.zeros((4, 4)), 0), ValueError),
    (Q.quantize_image, (np.zeros((4, 4, 4)), 2), ValueError),
])
def test_scalar_bad_inputs(func, args, err):
    with pytest.raises(err):
        func(*args)


# Max (1960), Table I: optimum levels and MSE of a unit Gaussian quantized to 2, 4 and 8 levels.
MAX_1960 = {2: ([0.7980], 0.3634), 4: ([0.4528, 1.510], 0.1175), 8: ([0.2451, 0.7560, 1.344, 2.152], 0.03454)}


@pytest.mark.parametrize("k", [2, 4, 8])
def test_lloyd_max_reproduces_max_1960_on_a_gaussian(k):
    g = np.random.default_rng(k).standard_normal(200_000)
    g = np.concatenate([g, -g])                              # symmetric, as the Gaussian is
    levels = Q.lloyd_max(g, k, n_iter=300)
    positive, mse = MAX_1960[k]
    assert_allclose(levels, np.concatenate([-np.array(positive[::-1]), positive]), atol=0.006)
    assert_allclose(np.mean((g - Q.scalar_quantize(g, levels)) ** 2), mse, rtol=0.02)


def test_lloyd_max_is_lloyd_step_in_one_dimension_and_never_raises_the_mse():
    rng = np.random.default_rng(1)
    x = rng.beta(2, 5, size=3000)
    levels = np.quantile(x, (np.arange(6) + 0.5) / 6)
    assert_allclose(Q.lloyd_max(x, 6, n_iter=0), levels)
    mses = []
    for it in range(1, 8):
        levels = Q.lloyd_step(x[:, None], levels[:, None])[0][:, 0]      # the k-means step, d = 1
        assert_allclose(Q.lloyd_max(x, 6, n_iter=it), levels, rtol=1e-12)
        mses.append(np.mean((x - Q.scalar_quantize(x, levels)) ** 2))
    assert np.all(np.diff(mses) <= 1e-15)


def test_lloyd_max_closed_forms():
    u = (np.arange(4000) + 0.5) / 4000                    # evenly spread: the uniform quantizer is optimal
    assert_allclose(Q.lloyd_max(u, 4), (np.arange(4) + 0.5) / 4, atol=1e-12)
    assert_allclose(Q.lloyd_max(np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0]), 2), [0.0, 1.0])
    x = np.array([0.2, 0.4, 0.9])
    assert_allclose(Q.lloyd_max(x, 1), [x.mean()])
    # 9 zeros and a one, 3 levels: the quantiles start at 0, 0, 0; the middle cell stays empty and keeps 0
    assert_array_equal(Q.lloyd_max(np.array([0.0] * 9 + [1.0]), 3), [0.0, 0.0, 1.0])


def test_scalar_quantize_nearest_level_with_ties_to_the_lower():
    levels = np.array([0.0, 1.0, 3.0])
    assert_array_equal(Q.scalar_quantize(np.array([[-5.0, 0.49, 0.5, 0.51], [2.0, 2.1, 9.0, 1.0]]), levels),
                       [[0.0, 0.0, 0.0, 1.0], [1.0, 3.0, 3.0, 1.0]])
    x = np.random.default_rng(2).random(500)
    brute = levels[np.argmin(np.abs(x[:, None] - levels[None, :]), axis=1)]
    assert_array_equal(Q.scalar_quantize(x, levels), brute)


@pytest.mark.parametrize("func,args,err", [
    (Q.lloyd_max, (np.array([]), 2), ValueError),
    (Q.lloyd_max, (np.array([1, 2]), 2), TypeError),
    (Q.lloyd_max, (np.array([0.1, np.inf]), 2), ValueError),
    (Q.lloyd_max, (np.array([0.1]), 0), ValueError),
    (Q.lloyd_max, (np.array([0.1]), 2, -1), ValueError),
    (Q.scalar_quantize, (np.array([0.1]), np.array([1.0, 0.0])), ValueError),
    (Q.scalar_quantize, (np.array([0.1]), np.array([])), ValueError),
    (Q.scalar_quantize, (np.array([0.1]), np.zeros((2, 2))), ValueError),
])
def test_lloyd_max_bad_inputs(func, args, err):
    with pytest.raises(err):
        func(*args)


def test_bayer_matrix_closed_forms_and_permutation():
    assert_array_equal(Q.bayer_matrix(1), [[0]])
    assert_array_equal(Q.bayer_matrix(2), [[0, 2], [3, 1]])
    assert_array_equal(Q.bayer_matrix(4), [[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]])
    b = Q.bayer_matrix(16)
    assert_array_equal(np.sort(b.ravel()), np.arange(256))
    # each 2×2 block of the first thresholds is spread out: the 4 smallest sit in different quadrants
    quads = [b[:8, :8], b[:8, 8:], b[8:, :8], b[8:, 8:]]
    assert sorted(int(q.min()) for q in quads) == [0, 1, 2, 3]


@pytest.mark.parametrize("n,err", [(3, ValueError), (0, ValueError), (2.0, TypeError)])
def test_bayer_matrix_bad_inputs(n, err):
    with pytest.raises(err):
        Q.bayer_matrix(n)


def test_ordered_dither_flat_grays_turn_on_exactly_i_of_n2_pixels():
    for n in (2, 4, 8):
        for i in range(n * n + 1):
            out = Q.ordered_dither(np.full((2 * n, 3 * n), i / (n * n)), 2, matrix_size=n)
            assert set(np.unique(out)) <= {0.0, 1.0}
            assert out.mean() == pytest.approx(i / (n * n))


def test_ordered_dither_matches_a_pixel_loop_and_its_matrix_size_one_is_rounding():
    rng = np.random.default_rng(4)
    g = rng.random((11, 13))
    b = Q.bayer_matrix(4)
    for levels in (2, 3, 6):
        ref = np.empty_like(g)
        for y in range(11):
            for x in range(13):
                v = g[y, x] * (levels - 1)
                lo = np.floor(v)
                ref[y, x] = min(lo + (v - lo > (b[y % 4, x % 4] + 0.5) / 16), levels - 1) / (levels - 1)
        assert_allclose(Q.ordered_dither(g, levels), ref, atol=0)
    # with a 1×1 matrix the threshold is 1/2 everywhere: plain rounding (away from exact halves)
    assert_allclose(Q.ordered_dither(g, 2, matrix_size=1), Q.nearest_level(g, 2))
    assert_allclose(Q.ordered_dither(g, 5, matrix_size=1), np.round(g * 4) / 4)


@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1), (12, 17), (30, 8)])
@pytest.mark.parametrize("levels", [2, 4])
def test_error_diffusion_equals_the_raster_loop_exactly(shape, levels):
    g = np.random.default_rng(5).random(shape)
    assert_array_equal(Q.error_diffusion(g, levels), _floyd_steinberg_loop(g, levels))


def test_error_diffusion_preserves_the_mean_of_flat_grays():
    for v in (0.1, 0.25, 0.5, 0.73):
        out = Q.error_diffusion(np.full((64, 64), v))
        assert set(np.unique(out)) <= {0.0, 1.0}
        assert out[8:-8, 8:-8].mean() == pytest.approx(v, abs=0.01)   # interior: no error lost


def test_error_diffusion_reads_uint8_as_value_over_255():
    img = np.random.default_rng(6).integers(0, 256, (20, 20), dtype=np.uint8)
    assert_array_equal(Q.error_diffusion(img), _floyd_steinberg_loop(img / 255.0))


@pytest.mark.parametrize("func", [Q.ordered_dither, Q.error_diffusion, Q.nearest_level])
@pytest.mark.parametrize("gray,levels,err", [
    (np.zeros((4, 4, 3)), 2, ValueError), (np.zeros(4), 2, ValueError),
    (np.full((4, 4), 1.5), 2, ValueError), (np.full((4, 4), np.nan), 2, ValueError),
    (np.zeros((4, 4), dtype=np.int16), 2, TypeError), (np.zeros((4, 4)), 1, ValueError),
    (np.zeros((0, 4)), 2, ValueError),
])
def test_halftoning_bad_inputs(func, gray, levels, err):
    with pytest.raises(err):
        func(gray, levels)


def test_assign_matches_brute_force_and_breaks_ties_low():
    rng = np.random.default_rng(7)
    x, c = rng.normal(size=(500, 4)), rng.normal(size=(9, 4))
    ref = np.array([np.argmin([np.sum((p - q) ** 2) for q in c]) for p in x])
    assert_array_equal(Q.assign(x, c), ref)
    assert_array_equal(Q.assign(np.array([[0.5]]), np.array([[1.0], [0.0]])), [0])
    assert_array_equal(Q.assign(x, np.vstack([c, c])), ref)          # duplicates: the first copy
    assert Q.assign(x.astype(np.float32), c).dtype == np.int64


def test_assign_is_invariant_to_translation_and_rotation():
    rng = np.random.default_rng(8)
    x, c = rng.normal(size=(300, 2)), rng.normal(size=(6, 2))
    rot = np.array([[np.cos(0.7), -np.sin(0.7)], [np.sin(0.7), np.cos(0.7)]])
    shift = np.array([3.0, -2.0])
    assert_array_equal(Q.assign(x @ rot.T + shift, c @ rot.T + shift), Q.assign(x, c))


def test_assign_agrees_with_faiss():
    import faiss
    rng = np.random.default_rng(9)
    x, c = rng.random((2000, 16)).astype(np.float32), rng.random((32, 16)).astype(np.float32)
    index = faiss.IndexFlatL2(16)
    index.add(c)
    _, ids = index.search(x, 1)
    agree = np.mean(Q.assign(x, c) == ids[:, 0])
    assert agree > 0.999    # float32 rounding in faiss may flip a near-tie


def test_lloyd_step_moves_centroids_to_cell_means_and_lowers_the_mse():
    rng = np.random.default_rng(10)
    x = rng.normal(size=(400, 2))
    c = x[:5].copy()
    new, a = Q.lloyd_step(x, c)
    assert_array_equal(a, Q.assign(x, c))
    for j in range(5):
        assert_allclose(new[j], x[a == j].mean(axis=0))
    assert Q.kmeans_objective(x, new) <= Q.kmeans_objective(x, c) + 1e-12


def test_lloyd_step_reseeds_an_empty_cell_on_the_worst_point():
    x = np.array([[0.0], [1.0], [10.0]])
    c = np.array([[0.5], [100.0]])            # the second centroid gets no point
    new, a = Q.lloyd_step(x, c)
    assert_array_equal(a, [0, 0, 0])
    assert_allclose(new, [[11 / 3], [10.0]])  # mean of the cell, and the farthest point


def test_kmeans_finds_well_separated_clusters_exactly():
    rng = np.random.default_rng(11)
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=float)
    x = np.concatenate([c + 0.3 * rng.normal(size=(50, 2)) for c in centres])
    c, a = Q.kmeans(x, 4, seed=0)
    assert_array_equal(a, Q.assign(x, c))
    # every true cluster maps to one centroid, which is its mean
    for i in range(4):
        labels = a[i * 50:(i + 1) * 50]
        assert len(set(labels)) == 1
        assert_allclose(c[labels[0]], x[i * 50:(i + 1) * 50].mean(axis=0))


def test_kmeans_objective_is_close_to_sklearn_and_faiss():
    import faiss
    from sklearn.cluster import KMeans
    rng = np.random.default_rng(12)
    x = np.concatenate([rng.normal(size=(300, 2)) + m for m in rng.uniform(-6, 6, size=(8, 2))])
    ours = min(Q.kmeans_objective(x, Q.kmeans(x, 8, n_iter=50, seed=s)[0]) for s in range(5))
    sk = KMeans(8, n_init=5, random_state=0).fit(x).inertia_ / len(x)
    fk = faiss.Kmeans(2, 8, niter=50, nredo=5, seed=1)
    fk.train(x.astype(np.float32))
    fa = Q.kmeans_objective(x, fk.centroids.astype(np.float64))
    assert ours <= 1.03 * sk and ours <= 1.03 * fa


def test_kmeans_is_deterministic_and_handles_few_distinct_points():
    x = np.random.default_rng(13).random((100, 3))
    c1, a1 = Q.kmeans(x, 5, seed=3)
    c2, a2 = Q.kmeans(x, 5, seed=3)
    assert_array_equal(c1, c2)
    assert_array_equal(a1, a2)
    c, a = Q.kmeans(np.repeat(np.eye(2), 10, axis=0), 3, seed=0, init="random")
    assert Q.kmeans_objective(np.repeat(np.eye(2), 10, axis=0), c, a) == pytest.approx(0.0)
    assert Q.kmeans(x, 1)[0] == pytest.approx(x.mean(axis=0)[None])


def test_kmeans_random_init_also_converges():
    rng = np.random.default_rng(14)
    x = np.concatenate([rng.normal(size=(100, 2)) * 0.2 + m for m in ([0, 0], [5, 5])])
    c, _ = Q.kmeans(x, 2, seed=1, init="random")
    assert sorted(np.round(c[:, 0]).tolist()) == [0.0, 5.0]


@pytest.mark.parametrize("func,args,kwargs,err", [
    (Q.assign, (np.zeros((5, 2)), np.zeros((3, 3))), {}, ValueError),
    (Q.assign, (np.zeros(5), np.zeros((3, 1))), {}, ValueError),
    (Q.assign, (np.zeros((0, 2)), np.zeros((3, 2))), {}, ValueError),
    (Q.assign, (np.full((2, 2), np.nan), np.zeros((3, 2))), {}, ValueError),
    (Q.assign, (np.zeros((2, 2), dtype=complex), np.zeros((3, 2))), {}, TypeError),
    (Q.kmeans, (np.zeros((5, 2)), 6), {}, ValueError),
    (Q.kmeans, (np.zeros((5, 2)), 0), {}, ValueError),
    (Q.kmeans, (np.zeros((5, 2)), 2), {"init": "forgy"}, ValueError),
    (Q.kmeans, (np.zeros((5, 2)), 2), {"seed": -1}, TypeError),
    (Q.kmeans, (np.zeros((5, 2)), 2), {"n_iter": 0}, ValueError),
    (Q.kmeans_objective, (np.zeros((5, 2)), np.zeros((2, 2)), np.array([0, 1, 2, 0, 0])), {}, ValueError),
    (Q.color_quantize, (np.zeros((4, 4)), 2), {}, ValueError),
    (Q.color_quantize, (np.zeros((2, 2, 3)), 5), {}, ValueError),
    (Q.color_quantize, (np.zeros((4, 4, 3), dtype=np.int32), 2), {}, TypeError),
])
def test_vector_bad_inputs(func, args, kwargs, err):
    with pytest.raises(err):
        func(*args, **kwargs)


def test_color_quantize_reproduces_an_image_with_k_colors_exactly():
    rng = np.random.default_rng(15)
    palette = rng.integers(0, 256, (6, 3), dtype=np.uint8)
    img = palette[rng.integers(0, 6, (40, 50))]
    out, pal = Q.color_quantize(img, 6, seed=0)
    assert out.dtype == np.uint8 and pal.shape == (6, 3) and pal.dtype == np.uint8
    assert_array_equal(out, img)
    assert psnr(img, out) == np.inf


def test_color_quantize_uses_its_palette_and_improves_with_k():
    from skimage import data
    img = data.astronaut()[::4, ::4]
    scores = []
    for k in (2, 8, 32):
        out, pal = Q.color_quantize(img, k, seed=0)
        colors = {tuple(c) for c in out.reshape(-1, 3)}
        assert colors <= {tuple(c) for c in pal} and len(colors) <= k
        # every pixel got its nearest palette color
        assert_array_equal(out.reshape(-1, 3), pal[Q.assign(img.reshape(-1, 3), pal)])
        scores.append(psnr(img, out))
    assert scores[0] < scores[1] < scores[2]
    assert scores[2] > 27


def test_color_quantize_is_close_to_sklearn_kmeans_on_the_same_pixels():
    from skimage import data
    from sklearn.cluster import KMeans
    img = data.coffee()[::8, ::8]
    pixels = img.reshape(-1, 3).astype(float)
    out, _ = Q.color_quantize(img, 16, seed=0, max_samples=len(pixels))
    sk = KMeans(16, n_init=1, random_state=0).fit(pixels)
    sk_img = np.clip(np.round(sk.cluster_centers_), 0, 255).astype(np.uint8)[sk.labels_].reshape(img.shape)
    assert psnr(img, out) > psnr(img, sk_img) - 0.5


def test_halftones_keep_the_local_mean_better_than_thresholding():
    # a smooth image: blurred halftones are close to the blurred original, thresholding is not
    yy, xx = np.mgrid[0:96, 0:96]
    g = 0.5 + 0.4 * np.sin(xx / 15.0) * np.cos(yy / 11.0)
    blur = lambda z: gaussian_blur(z, 2.0)  # noqa: E731
    p_thr = psnr(blur(g), blur(Q.nearest_level(g)))
    p_od = psnr(blur(g), blur(Q.ordered_dither(g)))
    p_fs = psnr(blur(g), blur(Q.error_diffusion(g)))
    assert p_thr < 15 < 25 < p_od and p_thr < 15 < 25 < p_fs


def test_quantizer_law_is_the_expected_mse_psnr_and_6_db_per_bit():
    mse, psnr_db, per_bit = Q.quantizer_law(8)
    assert mse == pytest.approx(1 / 768) and psnr_db == pytest.approx(10 * np.log10(768))
    assert per_bit == pytest.approx(Q.expected_quantization_psnr(16) - Q.expected_quantization_psnr(8))
    assert Q.quantizer_law(3)[2] == per_bit                  # the same gain at every k
    with pytest.raises(ValueError, match="k"):
        Q.quantizer_law(0)
