"""imsearch.geometry.robust: RANSAC (chapter 5): the library's one robust-estimation engine, written from scratch."""
import numpy as np
import pytest

from imsearch import geometry


def _scene(model="homography", n=60, noise=0.0, outliers=0.0, seed=0):
    """Random correspondences under a random model of the given kind, with noise and outliers."""
    rng = np.random.default_rng(seed)
    M = geometry.random_transformation(model, seed=rng, center=(320, 240), scale_px=300, strength=0.3)
    src = rng.uniform(0, 640, (n, 2))
    dst = geometry.apply_homography(M, src) + rng.normal(0, noise, (n, 2)) if noise else geometry.apply_homography(M, src)
    out = np.zeros(n, bool)
    out[rng.permutation(n)[: int(round(outliers * n))]] = True
    dst[out] = rng.uniform(0, 640, (out.sum(), 2))
    return M, src, dst, ~out


def test_ransac_iterations_closed_form():
    assert geometry.ransac_iterations(0.5, 4, 0.99) == 72  # ceil(log(0.01) / log(1 - 1/16))
    assert geometry.ransac_iterations(1.0, 4, 0.99) == 1
    assert geometry.ransac_iterations(0.8, 2, 0.95) == 3  # ceil(log(0.05) / log(0.36)) = ceil(2.93)
    assert geometry.ransac_iterations(0.3, 4, 0.999) > geometry.ransac_iterations(0.3, 4, 0.99)
    assert geometry.ransac_iterations(0.3, 8, 0.99) > geometry.ransac_iterations(0.3, 4, 0.99)
    for w in (0.1, 0.37, 0.8):
        n = geometry.ransac_iterations(w, 4, 0.95)
        assert (1 - w ** 4) ** n <= 0.05 < (1 - w ** 4) ** (n - 1)


@pytest.mark.parametrize("args, err", [
    ((0.0, 4, 0.99), ValueError), ((1.2, 4, 0.99), ValueError), ((0.5, 0, 0.99), ValueError),
    ((0.5, 4, 1.0), ValueError), ((0.5, 4.0, 0.99), TypeError), ((float("nan"), 4, 0.99), ValueError),
])
def test_ransac_iterations_bad_input(args, err):
    with pytest.raises(err):
        geometry.ransac_iterations(*args)


def test_ransac_trace_adaptive_stopping():
    M, src, dst, truth = _scene("homography", n=100, noise=0.3, outliers=0.5, seed=12)
    H, mask, steps = geometry.ransac_trace(src, dst, seed=3)
    H_plain, mask_plain = geometry.ransac_homography(src, dst, seed=3)
    np.testing.assert_array_equal(mask, mask_plain)
    np.testing.assert_array_equal(H, H_plain)
    # it stops as soon as the bound computed from the best inlier ratio is reached
    assert len(steps) == steps[-1]["iterations_needed"] < 10000
    best = max(s["n_inliers"] for s in steps)
    assert steps[-1]["iterations_needed"] == geometry.ransac_iterations(best / 100, 4, 0.999)
    assert [s["iteration"] for s in steps] == list(range(1, len(steps) + 1))
    assert all(s["best_n_inliers"] == max(t["n_inliers"] for t in steps[: i + 1]) for i, s in enumerate(steps))
    # exact data without outliers: the first good sample explains everything, N = 1
    _, src0, dst0, _ = _scene("homography", n=30, seed=13)
    _, mask0, steps0 = geometry.ransac_trace(src0, dst0, seed=0)
    assert mask0.all() and len(steps0) == sum(s["degenerate"] for s in steps0) + 1


def test_ransac_returns_none_when_every_sample_is_degenerate():
    # any 4 of these 5 points hold 3 on a line: no homography, but well-formed input
    pts = np.array([[0.0, 0], [1, 0], [2, 0], [3, 0], [0, 1]])
    H, mask = geometry.ransac_homography(pts, pts * 2, max_iters=50)
    assert H is None and mask.dtype == bool and mask.shape == (5,) and not mask.any()


def test_ransac_bad_input():
    pts = np.random.default_rng(0).uniform(0, 100, (10, 2))
    with pytest.raises(ValueError, match="at least 4 point pair"):
        geometry.ransac_homography(pts[:3], pts[:3])
    line = np.column_stack([np.arange(10.0), 2 * np.arange(10.0)])
    with pytest.raises(ValueError, match="all on one line"):
        geometry.ransac_homography(line, line)
    with pytest.raises(ValueError, match="src and dst must have the same shape"):
        geometry.ransac_homography(pts, pts[:9])
    bad = pts.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="dst must contain only finite values"):
        geometry.ransac_homography(pts, bad)
    with pytest.raises(ValueError, match="threshold_px must be > 0"):
        geometry.ransac_homography(pts, pts, threshold_px=0)
    with pytest.raises(ValueError, match="confidence must be < 1"):
        geometry.ransac_homography(pts, pts, confidence=1.0)
    with pytest.raises(ValueError, match="max_iters must be >= 1"):
        geometry.ransac_homography(pts, pts, max_iters=0)
    with pytest.raises(TypeError, match="seed must be"):
        geometry.ransac_homography(pts, pts, seed=-1)
    with pytest.raises(ValueError, match="model must be one of"):
        geometry.ransac(pts, pts, model="fundamental")


def test_is_degenerate_sample():
    sq = np.array([[0.0, 0], [1, 0], [1, 1], [0, 1]])
    assert not geometry.is_degenerate_sample(sq, sq * 3 + 2)
    assert not geometry.is_degenerate_sample(sq, sq * [-1, 1])  # a mirror flips all four triangles
    assert geometry.is_degenerate_sample(np.array([[0.0, 0], [1, 0], [2, 0], [0, 1]]), sq)
    assert geometry.is_degenerate_sample(sq, sq[[0, 1, 3, 2]])  # some triangles flip, others do not
    assert geometry.is_degenerate_sample(sq[:3], np.array([[0.0, 0], [1, 1], [2, 2]]), "affine")
    assert geometry.is_degenerate_sample(np.array([[1.0, 1], [1, 1]]), sq[:2], "similarity")
    assert not geometry.is_degenerate_sample(sq[:1], sq[:1], "translation")
    with pytest.raises(ValueError, match="a minimal sample for a homography has 4"):
        geometry.is_degenerate_sample(np.vstack([sq, sq]), np.vstack([sq, sq]))


def test_ransac_homography_counted_is_ransac_with_its_sample_count():
    rng = np.random.default_rng(5)
    H = geometry.random_transformation("homography", seed=1, center=(200, 200), scale_px=300, strength=0.3)
    src = rng.uniform(0, 400, (80, 2))
    dst = geometry.apply_homography(H, src) + rng.normal(0, 0.3, (80, 2))
    dst[:40] = rng.uniform(0, 400, (40, 2))                      # 50 % outliers
    H1, mask1, n = geometry.ransac_homography_counted(src, dst, 3.0, 0.99, 5000, seed=3)
    H2, mask2 = geometry.ransac_homography(src, dst, 3.0, 0.99, 5000, seed=3)
    np.testing.assert_array_equal(mask1, mask2)
    np.testing.assert_allclose(H1, H2)
    _, _, steps = geometry.ransac_trace(src, dst, "homography", 3.0, 0.99, 5000, seed=3)
    assert n == len(steps)
    # the adaptive rule stopped it: the bound of the last step is reached, far below the cap
    assert n == steps[-1]["iterations_needed"] < 5000
    assert geometry.ransac_homography_counted(src, dst, 3.0, 0.99, 7, seed=3)[2] == 7  # the cap
