"""imsearch.viz.matching: Figures of matching and geometry (chapter 5): matches, precision-recall curves, fits, RANSAC, epipolar lines."""
import numpy as np
import pytest

from imsearch.geometry import transforms as g
from imsearch import matching as mt


def _synthetic_keypoints(seed=0, n=120, d=32, noise=0.15):
    """Image 2 = image 1 under H: matching keypoints carry noisy copies of the descriptors."""
    rng = np.random.default_rng(seed)
    H = g.random_transformation("homography", seed=seed, center=(200, 200), scale_px=200)
    k1 = rng.uniform(0, 400, (n, 2))
    k2 = np.vstack([g.apply_homography(H, k1[: n // 2]), rng.uniform(1000, 1400, (n // 2, 2))])
    d1 = rng.normal(size=(n, d))
    d2 = np.vstack([d1[: n // 2] + noise * rng.normal(size=(n // 2, d)), rng.normal(size=(n // 2, d))])
    perm = rng.permutation(n)
    return k1, k2[perm], d1, d2[perm], H


def test_plot_matches_colours_and_pr_curves():
    import matplotlib

    matplotlib.use("Agg")
    from imsearch import viz

    a = np.zeros((30, 40, 3), np.uint8)
    b = np.zeros((20, 50), np.uint8)
    pa = np.array([[1.0, 2], [10, 10], [30, 5]])
    pb = np.array([[3.0, 4], [12, 11], [40, 15]])
    fig = viz.plot_matches(a, b, pa, pb, np.array([True, False, True]))
    ax = fig.axes[0]
    from matplotlib.colors import to_rgba

    (lines,) = ax.collections                    # all match lines in one LineCollection
    assert [tuple(c) for c in lines.get_colors()] == [to_rgba(c, 0.8) for c in ("lime", "red", "lime")]
    np.testing.assert_allclose(lines.get_segments()[2], [[30, 5], [40 + 10 + 40, 15]])  # B after A and a 10 px gap
    assert "3 matches, 2 correct" in ax.get_title()
    fig = viz.plot_matches(a, b, np.zeros((500, 2)), np.zeros((500, 2)), max_lines=20)
    assert len(fig.axes[0].collections[0].get_segments()) == 20
    with pytest.raises(ValueError, match="same length"):
        viz.plot_matches(a, b, pa, pb[:2])
    k1, k2, d1, d2, H = _synthetic_keypoints()
    curves = mt.matching_curves(d1, d2, k1, k2, H, threshold_px=2.0)
    fig = viz.plot_pr_curves({"ratio": curves["ratio"], "nn": curves["nn"]}, marks={"x": (0.5, 0.9, "point")})
    labels = [l.get_label() for l in fig.axes[0].lines]
    assert labels[0].startswith("ratio (AP ") and labels[-1] == "point"
    with pytest.raises(ValueError, match="curves must be a non-empty dict"):
        viz.plot_pr_curves({})
