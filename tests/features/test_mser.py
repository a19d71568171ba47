"""imsearch.features.mser: Maximally stable extremal regions (chapter 4), as ellipses of the regions' second moments."""
import math
import numpy as np
import pytest

from imsearch import features


def test_mser_finds_a_dark_elliptic_bowl_as_an_ellipse_of_the_same_shape():
    # a dark bowl (intensity rising towards its elliptic rim, semi-axes 15 and 8), then a step up:
    # the extremal regions are nested ellipses of this shape; MSER keeps the most stable one
    yy, xx = np.mgrid[0:80, 0:80]
    q = (xx - 40) ** 2 / 15 ** 2 + (yy - 35) ** 2 / 8 ** 2
    img = np.clip(np.where(q <= 1, 0.2 + 0.3 * q, 0.8) + np.random.default_rng(0).normal(0, 0.01, q.shape), 0, 1)
    e = features.mser_regions(img, min_area=20, max_area_frac=0.2)
    assert e.shape[1] == 5 and len(e) >= 1
    best = e[np.argmin(np.hypot(e[:, 0] - 40, e[:, 1] - 35))]
    assert best[0] == pytest.approx(40, abs=0.5) and best[1] == pytest.approx(35, abs=0.5)
    # axis-aligned, with the axis ratio 15 : 8 (the equal-moment ellipse of a filled ellipse is itself)
    assert abs(best[3]) < 0.05 * best[2]
    assert math.sqrt(best[4] / best[2]) == pytest.approx(15 / 8, rel=0.1)
    assert 1 / math.sqrt(best[2]) <= 15.5


def _disc_on_ramp():
    """A dark disc of radius 10 (value 40) on a background that brightens from 120 to 220 left to right."""
    yy, xx = np.mgrid[0:60, 0:80]
    img = np.tile(np.linspace(120, 220, 80), (60, 1))
    img[(xx - 30) ** 2 + (yy - 30) ** 2 <= 100] = 40
    return img.astype(np.uint8)


def test_extremal_region_areas_and_the_stable_run_of_a_dark_disc():
    img = _disc_on_ramp()
    disc = int(np.count_nonzero(img == 40))
    t, a = features.extremal_region_areas(img, 30, 30)
    assert np.all(a[t < 40] == 0) and np.all(a[(t >= 40) & (t < 144)] == disc)   # the disc alone up to 143
    assert a[-1] == img.size and np.all(np.diff(a) >= 0)                        # then merges with the ramp
    # once merged with the ramp the region is huge and grows slowly: relatively "stable" too, longer
    assert features.stable_threshold_range(t, a, delta=5) == (149, 250)
    np.testing.assert_array_equal(features.extremal_region(img, 30, 30, 100), img == 40)
    assert not features.extremal_region(img, 30, 30, 20).any()
    # max_area stops the sweep there (the areas after it are -1, never stable): the disc's run remains
    t, a = features.extremal_region_areas(img, 30, 30, max_area=2 * disc)
    assert a[-1] == -1 and a[t == 100][0] == disc
    assert features.stable_threshold_range(t, a, delta=5) == (45, 138)   # merges with the ramp at 144
    best = features.threshold_sweep(img, np.array([[5, 5], [30, 30]]), max_area_frac=0.2)
    assert best["seed"] == (30, 30) and best["stable"] == (45, 138)


def test_threshold_sweep_helpers_bad_inputs():
    img = _disc_on_ramp()
    with pytest.raises(ValueError, match="thresholds"):
        features.extremal_region_areas(img, 30, 30, thresholds=np.array([300]))
    with pytest.raises(ValueError, match="increasing"):
        features.extremal_region_areas(img, 30, 30, thresholds=np.array([5, 4]))
    with pytest.raises(ValueError, match="x"):
        features.extremal_region_areas(img, 80, 30)
    with pytest.raises(ValueError, match="consecutive"):
        features.stable_threshold_range(np.array([0, 2]), np.array([1, 1]))
    with pytest.raises(ValueError, match="seeds"):
        features.threshold_sweep(img, np.array([1.5, 2.0]))
