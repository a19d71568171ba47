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
