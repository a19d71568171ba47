"""imsearch.widgets.sliders: Sliders and pickers that the chapters use to explore a parameter live."""
import numpy as np
import pytest
import matplotlib
matplotlib.use("Agg")

from imsearch.geometry import transforms as g
from imsearch import widgets
from imsearch.data import load_default_image


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


def _photo(size=None):

    img = load_default_image("chelsea")   # (300, 451, 3)
    if size is not None:
        import cv2
        img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
    return img


def test_ratio_test_slider_draws_once():
    import matplotlib

    matplotlib.use("Agg")
    from imsearch import widgets

    k1, k2, d1, d2, H = _synthetic_keypoints()
    img = np.zeros((400, 400), np.uint8)
    w = widgets.ratio_test_slider(img, img, k1, k2, d1, d2, H, value=0.7, threshold_px=2.0)
    assert w.children[0].value == pytest.approx(0.7)
    assert w.children[0].min == pytest.approx(0.3) and w.children[0].max == pytest.approx(1.0)
    with pytest.raises(ValueError, match="min must be < max"):
        widgets.float_slider(lambda v: None, "x", 0.5, 1.0, 0.0)


def test_color_picker_draws_once_and_on_change():
    seen = []
    widget = widgets.color_picker(seen.append, "color", "#3a7bd5")
    assert seen == ["#3a7bd5"]
    widget.children[0].value = "#ff0000"
    assert seen == ["#3a7bd5", "#ff0000"]
    with pytest.raises(ValueError, match="value must look like '#rrggbb'"):
        widgets.color_picker(seen.append, "c", "blue")
    with pytest.raises(TypeError, match="callback must be callable"):
        widgets.color_picker(None)


def test_gabor_response_slider_draws_once_headless():
    import matplotlib

    matplotlib.use("Agg")
    from imsearch import widgets

    w = widgets.gabor_response_slider(_photo(64), value=3, n_scales=2, n_orientations=4)
    slider = w.children[0]
    assert slider.value == 3 and slider.min == 0 and slider.max == 7
    matplotlib.pyplot.close("all")


def test_int_slider_calls_back_once_and_on_change():
    seen = []
    w = widgets.int_slider(seen.append, "k", value=3, min=1, max=10)
    assert seen == [3]
    w.children[0].value = 7
    assert seen[-1] == 7
    with pytest.raises(ValueError, match="min must be < max"):
        widgets.int_slider(print, "k", 1, 5, 5)
    with pytest.raises(ValueError, match="value must be <= 10"):
        widgets.int_slider(print, "k", 11, 1, 10)
    with pytest.raises(TypeError, match="callback must be callable"):
        widgets.int_slider(3, "k", 1, 1, 10)


def test_chapter_1_sliders_draw_once_headless():
    gray = np.linspace(0, 1, 64 * 64).reshape(64, 64)
    for make in (lambda: widgets.sampling_step_slider(gray, value=2, max_step=4),
                 lambda: widgets.gray_levels_slider(gray, value=4, max_k=16),
                 lambda: widgets.color_quantization_slider(np.dstack([gray] * 3), value=4, max_k=8)):
        w = make()
        assert w.children  # a slider and its output area


def test_float_sliders_call_back_with_every_value():
    seen = []
    w = widgets.float_sliders(lambda **kw: seen.append(kw), k=(0.05, 0.01, 0.2, 0.01), sigma=(1.0, 0.5, 3.0, 0.5))
    assert seen[0] == {"k": 0.05, "sigma": 1.0}
    w.children[1].value = 2.0
    assert seen[-1]["sigma"] == 2.0
    with pytest.raises(ValueError, match="at least one slider"):
        widgets.float_sliders(print)
    with pytest.raises(TypeError, match="callback must be callable"):
        widgets.float_sliders(3, k=(1, 0, 2, 1))
