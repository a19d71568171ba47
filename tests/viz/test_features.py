"""imsearch.viz.features: Figures of local features (chapters 4–5): keypoints, Harris maps, eigenvalue classes, repeatability."""
import cv2
import numpy as np
import pytest

from imsearch import features
from imsearch.data import load_default_image
from imsearch.image import to_gray


@pytest.fixture(scope="module")
def camera():
    """A 128×128 photo with corners, edges and texture (float [0, 1])."""
    g = to_gray(load_default_image("camera"))
    return cv2.resize(g, (128, 128), interpolation=cv2.INTER_AREA)


def _blob(n, c, sigma, A=None):
    """A Gaussian blob of standard deviation sigma at (c, c), optionally warped by x' = A x about c."""
    yy, xx = np.mgrid[0:n, 0:n].astype(float)
    d = np.stack([xx - c, yy - c], axis=-1)
    if A is not None:
        d = d @ np.linalg.inv(A).T
    return 0.2 + 0.6 * np.exp(-np.sum(d ** 2, axis=-1) / (2 * sigma ** 2))


def test_chapter_4_plots_draw(camera):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from imsearch import viz
    from imsearch import widgets
    k = features.harris_laplace(camera, n_best=20)
    figs = [viz.draw_keypoints(camera, k[:, :2], title="points"), viz.draw_keypoints(camera, k, title="circles"),
            viz.draw_keypoints(camera, features.assign_orientations(camera, k), title="oriented"),
            viz.draw_keypoints(camera, features.regions_to_ellipses(k), title="ellipses"),
            viz.plot_shape_adaptation(_blob(81, 40, 5.0), 40, 40, 4.0, [np.eye(2), np.diag([2.0, 0.5])]),
            viz.plot_repeatability_curves({"a": {"x": np.array([0.5, 0.4])}, "b": {"x": np.array([0.9, 0.1])}}),
            viz.plot_repeatability_curves({"a": {"x": np.array([0.5, 0.4])}}, {"a": np.array([20, 30])}, "angle"),
            viz.show_maps([camera, -camera], ["a", "b"]),
            viz.plot_orientation_histograms(np.random.default_rng(0).random(128), camera[:16, :16])]
    for fig in figs:
        assert fig.axes and fig.axes[0].get_title()
    w = widgets.harris_sliders(camera[:48, :48], n_best=10)
    assert len(w.children) >= 4
    plt.close("all")
