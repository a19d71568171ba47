"""imsearch.viz.features: Figures of local features (chapters 4–5): keypoints, Harris maps, eigenvalue classes, repeatability."""
import numpy as np

from imsearch import features
from image_helpers import blob as _blob


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


def test_plot_threshold_sweep_draws_each_mask_and_the_area_curve():
    import pytest
    from imsearch import viz

    img = np.tile(np.linspace(0, 200, 40), (30, 1)).astype(np.uint8)
    masks = [features.extremal_region(img, 0, 0, t) for t in (50, 100)]
    t, a = features.extremal_region_areas(img, 0, 0)
    fig = viz.plot_threshold_sweep(img, masks, [50, 100], t, a, (60, 80), seed=(0, 0))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith(f"t = 50: {int(masks[0].sum())} px") and "stable" not in titles[0]
    assert fig.axes[-1].get_yscale() == "log" and "grey level" in fig.axes[-1].get_xlabel()
    with pytest.raises(ValueError, match="one entry per mask"):
        viz.plot_threshold_sweep(img, masks, [50], t, a, None)
    fig = viz.plot_threshold_sweep(img, masks, [50, 100], t, a, None, seed=(20, 15), window_px=5)
    assert fig.axes[0].get_xlim() == (15, 25) and fig.axes[0].get_ylim() == (20, 10)
    with pytest.raises(ValueError, match="window_px needs a seed"):
        viz.plot_threshold_sweep(img, masks, [50, 100], t, a, None, window_px=5)
