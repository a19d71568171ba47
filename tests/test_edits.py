"""imsearch.edits: closed forms, identities, determinism, comparisons with scipy, bad inputs."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from imsearch import edits  # noqa: E402
from imsearch.eval.metrics import psnr  # noqa: E402

ALL = list(edits.EDITS)


def _photo(h=48, w=64):
    """A smooth synthetic colour picture (gradients and a disc): JPEG-friendly, not constant."""
    y, x = np.mgrid[0:h, 0:w]
    r = 255 * x / (w - 1)
    g = 255 * y / (h - 1)
    b = np.where((x - w / 2) ** 2 + (y - h / 2) ** 2 < (h / 3) ** 2, 220.0, 40.0)
    return np.round(np.stack([r, g, b], -1)).astype(np.uint8)


def _random(shape=(20, 30, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_registry_holds_the_seven_edits_in_order():
    assert ALL == ["gaussian_noise", "crop_and_scale", "jpeg", "rotate", "flip", "color_jitter", "blur"]
    for name, func in edits.EDITS.items():
        assert getattr(edits, name) is func


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape", [(24, 36, 3), (24, 36)])
def test_every_edit_keeps_shape_and_returns_uint8(name, shape):
    img = _random(shape)
    out = edits.apply_edit(name, img, seed=3)
    assert out.dtype == np.uint8 and out.shape == shape


@pytest.mark.parametrize("name", ALL)
def test_every_edit_is_deterministic_given_its_seed(name):
    img = _photo()
    a = edits.apply_edit(name, img, seed=7)
    b = edits.apply_edit(name, img, seed=7)
    np.testing.assert_array_equal(a, b)
    # seed=None is seed 0, not fresh entropy
    np.testing.assert_array_equal(edits.apply_edit(name, img), edits.apply_edit(name, img, seed=0))


@pytest.mark.parametrize("name", [n for n in ALL if n != "flip"])
def test_random_parameters_differ_across_seeds(name):
    img = _photo()
    outs = [edits.apply_edit(name, img, seed=s) for s in range(4)]
    assert any(not np.array_equal(outs[0], o) for o in outs[1:])


def test_float_input_is_rounded_to_uint8_first():
    img = _photo()
    np.testing.assert_array_equal(edits.flip(img / 255.0), edits.flip(img))
    np.testing.assert_array_equal(edits.jpeg(img / 255.0, 50), edits.jpeg(img, 50))


def test_input_is_not_modified():
    img = _photo()
    before = img.copy()
    for name in ALL:
        edits.apply_edit(name, img, seed=1)
    np.testing.assert_array_equal(img, before)


# ----------------------------------------------------------------------------- noise

def test_gaussian_noise_has_the_requested_standard_deviation():
    gray = np.full((256, 256), 128, np.uint8)  # far from 0 and 255: no clipping
    for sigma in (2.0, 10.0, 25.0):
        noisy = edits.gaussian_noise(gray, sigma=sigma, seed=1).astype(float)
        d = noisy - 128
        # rounding adds variance 1/12
        assert abs(d.std() - np.sqrt(sigma ** 2 + 1 / 12)) < 0.03 * sigma + 0.05
        assert abs(d.mean()) < 0.2
    np.testing.assert_array_equal(edits.gaussian_noise(gray, sigma=0, seed=1), gray)


def test_gaussian_noise_psnr_matches_the_closed_form():
    # MSE of unclipped noise is sigma² (+1/12 from rounding): PSNR = 10 log10(255² / sigma²)
    img = np.full((200, 200, 3), 120, np.uint8)
    noisy = edits.gaussian_noise(img, sigma=20.0, seed=0)
    assert psnr(img, noisy) == pytest.approx(10 * np.log10(255 ** 2 / (400 + 1 / 12)), abs=0.05)


def test_gaussian_noise_clips():
    out = edits.gaussian_noise(np.full((50, 50), 250, np.uint8), sigma=30, seed=0)
    assert out.max() == 255 and (out == 255).mean() > 0.3


# ----------------------------------------------------------------------------- crop and scale

def test_crop_fraction_one_is_identity():
    img = _random()
    np.testing.assert_array_equal(edits.crop_and_scale(img, crop_fraction=1.0, seed=5), img)


def test_crop_and_scale_is_a_resized_window():
    import cv2

    img = _random((40, 60, 3))
    out = edits.crop_and_scale(img, crop_fraction=0.5, seed=2)
    # find the window: the same generator draws y0 then x0
    rng = np.random.default_rng(2)
    y0, x0 = int(rng.integers(0, 21)), int(rng.integers(0, 31))
    expected = cv2.resize(np.ascontiguousarray(img[y0:y0 + 20, x0:x0 + 30]), (60, 40),
                          interpolation=cv2.INTER_LINEAR)
    np.testing.assert_array_equal(out, expected)


def test_crop_of_a_constant_image_is_constant():
    img = np.full((30, 40, 3), (10, 200, 90), np.uint8)
    out = edits.crop_and_scale(img, seed=4)
    np.testing.assert_array_equal(out, img)


def test_crop_and_scale_by_two_upsamples_the_centre_of_a_linear_ramp():
    # a horizontal ramp stays a ramp: bilinear upsampling of a linear function is linear
    x = np.tile(np.arange(0, 200, 2, dtype=np.uint8), (10, 1))  # (10, 100)
    out = edits.crop_and_scale(x, crop_fraction=0.5, seed=0).astype(float)
    slope = np.diff(out[:, 10:-10], axis=1)
    assert np.all(np.abs(slope - 1.0) <= 1.0)  # 2 levels per source pixel -> ~1 per output pixel


# ----------------------------------------------------------------------------- jpeg

def test_jpeg_quality_100_is_near_lossless_and_quality_5_is_not():
    import skimage.data

    photo = skimage.data.chelsea()
    assert psnr(photo, edits.jpeg(photo, quality=100)) > 42  # colour: 4:2:0 chroma subsampling remains
    gray = np.ascontiguousarray(photo[..., 0])
    assert psnr(gray, edits.jpeg(gray, quality=100)) > 50
    assert np.abs(edits.jpeg(gray, quality=100).astype(int) - gray).max() <= 4
    assert psnr(photo, edits.jpeg(photo, quality=5)) < 30


def test_jpeg_psnr_grows_with_quality():
    import skimage.data

    img = skimage.data.chelsea()[::2, ::2]
    values = [psnr(img, edits.jpeg(img, q)) for q in (5, 20, 50, 90)]
    assert values == sorted(values)


def test_jpeg_grayscale_matches_opencv_roundtrip():
    import cv2

    img = _photo()[..., 0].copy()
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 30])
    np.testing.assert_array_equal(edits.jpeg(img, 30), cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE))


def test_jpeg_keeps_rgb_order():
    img = np.zeros((32, 32, 3), np.uint8)
    img[..., 0] = 255  # pure red
    out = edits.jpeg(img, 90).astype(int)
    assert out[..., 0].mean() > 240 and out[..., 2].mean() < 15


# ----------------------------------------------------------------------------- rotate

def test_rotate_360_is_identity():
    img = _random((21, 33, 3))
    np.testing.assert_array_equal(edits.rotate(img, 360), img)
    np.testing.assert_array_equal(edits.rotate(img, -720), img)


def test_rotate_90_of_a_square_is_rot90():
    img = _random((17, 17, 3))
    np.testing.assert_array_equal(edits.rotate(img, 90), np.rot90(img))  # counter-clockwise
    np.testing.assert_array_equal(edits.rotate(img, -90), np.rot90(img, -1))
    np.testing.assert_array_equal(edits.rotate(img, 180), img[::-1, ::-1])


def test_rotate_blackens_the_corners_and_keeps_the_centre():
    img = np.full((41, 41), 200, np.uint8)
    out = edits.rotate(img, 45)
    assert out[0, 0] == 0 and out[-1, -1] == 0 and out[20, 20] == 200


# ----------------------------------------------------------------------------- flip

def test_flip_twice_is_identity_and_flips_the_right_axis():
    img = _random()
    np.testing.assert_array_equal(edits.flip(edits.flip(img)), img)
    np.testing.assert_array_equal(edits.flip(img, horizontal=True), img[:, ::-1])
    np.testing.assert_array_equal(edits.flip(img, horizontal=False), img[::-1])


def test_flip_with_random_direction_uses_the_seed():
    img = _random()
    outs = {edits.flip(img, horizontal=None, seed=s).tobytes() for s in range(10)}
    assert outs == {img[:, ::-1].tobytes(), img[::-1].tobytes()}


# ----------------------------------------------------------------------------- colour jitter

def test_color_jitter_neutral_parameters_are_identity():
    img = _random()
    np.testing.assert_array_equal(edits.color_jitter(img, 1, 1, 1, 0), img)
    np.testing.assert_array_equal(edits.color_jitter(img[..., 1], 1, 1, 1, 0), img[..., 1])


def test_color_jitter_closed_forms():
    img = np.full((4, 4, 3), (100, 50, 20), np.uint8)
    np.testing.assert_array_equal(edits.color_jitter(img, 0.5, 1, 1, 0), np.full_like(img, (50, 25, 10)))
    np.testing.assert_array_equal(edits.color_jitter(img, 2.0, 1, 1, 0), np.full_like(img, (200, 100, 40)))
    gray = round(0.299 * 100 + 0.587 * 50 + 0.114 * 20)
    np.testing.assert_array_equal(edits.color_jitter(img, 1, 1, 0, 0), np.full_like(img, gray))
    # contrast 0 gives the mean luma everywhere (on a two-level gray image)
    two = np.zeros((2, 2), np.uint8)
    two[0] = 200
    np.testing.assert_array_equal(edits.color_jitter(two, 1, 0, 1, 0), np.full_like(two, 100))


def test_color_jitter_hue_shift_of_one_third_turns_red_into_green():
    img = np.zeros((4, 4, 3), np.uint8)
    img[..., 0] = 200
    out = edits.color_jitter(img, 1, 1, 1, 1 / 3)
    np.testing.assert_allclose(out.astype(int), np.full_like(img, (0, 200, 0)).astype(int), atol=1)
    # a full-turn round trip: +0.25 then -0.25 restores the colour (within rounding)
    pic = _photo()
    back = edits.color_jitter(edits.color_jitter(pic, 1, 1, 1, 0.25), 1, 1, 1, -0.25)
    assert np.abs(back.astype(int) - pic).max() <= 2


def test_color_jitter_fixing_one_parameter_keeps_the_other_draws():
    img = _photo()
    rng = np.random.default_rng(11)
    b, c, s, h = rng.uniform(0.6, 1.4), rng.uniform(0.6, 1.4), rng.uniform(0.4, 1.6), rng.uniform(-0.1, 0.1)
    np.testing.assert_array_equal(edits.color_jitter(img, seed=11), edits.color_jitter(img, b, c, s, h))
    np.testing.assert_array_equal(edits.color_jitter(img, brightness=1.0, seed=11),
                                  edits.color_jitter(img, 1.0, c, s, h))


# ----------------------------------------------------------------------------- blur

def test_blur_matches_scipy_gaussian_filter():
    from scipy.ndimage import gaussian_filter

    img = _random((40, 50, 3), seed=2)
    for sigma in (0.8, 2.0):
        out = edits.blur(img, sigma_px=sigma).astype(float)
        ref = np.stack([gaussian_filter(img[..., c].astype(float), sigma, truncate=3.0, mode="mirror")
                        for c in range(3)], -1)
        diff = np.abs(out - ref)
        assert diff.max() <= 1.5 and diff.mean() < 0.4  # OpenCV's 8-bit fixed-point kernel


def test_blur_zero_is_identity_and_keeps_a_constant():
    img = _random()
    np.testing.assert_array_equal(edits.blur(img, 0), img)
    const = np.full((20, 20, 3), 77, np.uint8)
    np.testing.assert_array_equal(edits.blur(const, 3.0), const)


def test_blur_lowers_the_variance_of_noise():
    img = _random((64, 64), seed=5)
    assert edits.blur(img, 2.0).std() < 0.3 * img.std()


# ----------------------------------------------------------------------------- by name

def test_apply_edit_passes_parameters():
    img = _photo()
    np.testing.assert_array_equal(edits.apply_edit("jpeg", img, quality=5), edits.jpeg(img, 5))
    np.testing.assert_array_equal(edits.apply_edit("gaussian_noise", img, seed=4, sigma=10),
                                  edits.gaussian_noise(img, 10, seed=4))


def test_random_edit_is_reproducible_and_reports_what_it_did():
    img = _photo()
    out, applied = edits.random_edit(img, seed=5)
    out2, applied2 = edits.random_edit(img, seed=5)
    np.testing.assert_array_equal(out, out2)
    assert applied == applied2 and len(applied) == 1 and applied[0] in ALL
    chained, names = edits.random_edit(img, seed=5, n_edits=3)
    assert len(set(names)) == 3
    # replaying the chain with the same child seeds gives the same image
    rng = np.random.default_rng(5)
    order = [ALL[i] for i in rng.choice(len(ALL), size=3, replace=False)]
    assert tuple(order) == names
    replay = img
    for name in order:
        replay = edits.apply_edit(name, replay, seed=int(rng.integers(0, 2 ** 31 - 1)))
    np.testing.assert_array_equal(chained, replay)
    seen = {edits.random_edit(img, seed=s)[1][0] for s in range(40)}
    assert seen == set(ALL)
    only, names = edits.random_edit(img, seed=1, names=["flip"])
    assert names == ("flip",)
    np.testing.assert_array_equal(only, img[:, ::-1])


def test_register_edit_extends_the_registry():
    @edits.register_edit("_test_invert")
    def invert(image, seed=None):
        return 255 - image

    try:
        np.testing.assert_array_equal(edits.apply_edit("_test_invert", _photo()), 255 - _photo())
        with pytest.raises(ValueError, match="already a registered edit"):
            edits.register_edit("_test_invert")(lambda image, seed=None: image)
    finally:
        del edits.EDITS["_test_invert"]


# ----------------------------------------------------------------------------- bad inputs

@pytest.mark.parametrize("name", ALL)
def test_bad_images(name):
    with pytest.raises(ValueError, match=r"image must have shape \(H, W\) or \(H, W, 3\), got \(5,\)"):
        edits.apply_edit(name, np.zeros(5, np.uint8))
    with pytest.raises(ValueError, match="image must have shape"):
        edits.apply_edit(name, np.zeros((4, 4, 4), np.uint8))
    with pytest.raises(TypeError, match="image must be uint8 or float"):
        edits.apply_edit(name, np.zeros((4, 4), np.int32))
    with pytest.raises(ValueError, match="finite"):
        edits.apply_edit(name, np.full((4, 4), np.nan))
    with pytest.raises(ValueError, match=r"values must lie in \[0, 1\]"):
        edits.apply_edit(name, np.full((4, 4), 2.0))
    with pytest.raises(ValueError, match="must not be empty"):
        edits.apply_edit(name, np.zeros((0, 4, 3), np.uint8))
    with pytest.raises(TypeError, match="seed must be"):
        edits.apply_edit(name, np.zeros((4, 4), np.uint8), seed=-1)


def test_bad_parameters():
    img = _photo()
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        edits.gaussian_noise(img, sigma=-1)
    with pytest.raises(ValueError, match="sigma must be finite"):
        edits.gaussian_noise(img, sigma=np.nan)
    with pytest.raises(ValueError, match="crop_fraction must be > 0"):
        edits.crop_and_scale(img, crop_fraction=0)
    with pytest.raises(ValueError, match="crop_fraction must be <= 1"):
        edits.crop_and_scale(img, crop_fraction=1.5)
    with pytest.raises(ValueError, match="quality must be <= 100"):
        edits.jpeg(img, 101)
    with pytest.raises(ValueError, match="quality must be >= 1"):
        edits.jpeg(img, 0)
    with pytest.raises(TypeError, match="quality must be an integer"):
        edits.jpeg(img, 50.5)
    with pytest.raises(TypeError, match="degrees must be a real number"):
        edits.rotate(img, "90")
    with pytest.raises(TypeError, match="horizontal must be a bool"):
        edits.flip(img, horizontal=1)
    with pytest.raises(ValueError, match="hue must be <= 0.5"):
        edits.color_jitter(img, hue=0.7)
    with pytest.raises(ValueError, match="saturation must be >= 0"):
        edits.color_jitter(img, saturation=-0.1)
    with pytest.raises(ValueError, match="sigma_px must be >= 0"):
        edits.blur(img, sigma_px=-2)
    with pytest.raises(ValueError, match="name must be one of"):
        edits.apply_edit("sharpen", img)
    with pytest.raises(TypeError, match="name must be a str"):
        edits.apply_edit(3, img)
    with pytest.raises(ValueError, match="n_edits must be <= 7"):
        edits.random_edit(img, n_edits=8)
    with pytest.raises(ValueError, match="names must not be empty"):
        edits.random_edit(img, names=[])
    with pytest.raises(TypeError, match="name must be a non-empty str"):
        edits.register_edit("")


def test_edit_slider_draws_once_and_checks_its_arguments():
    from imsearch import widgets

    img = _photo()
    widget = widgets.edit_slider(img, "jpeg", "quality", 5, 1, 100)
    assert widget.children[0].value == 5 and type(widget.children[0]).__name__ == "IntSlider"
    widget = widgets.edit_slider(img, "gaussian_noise", "sigma", 25.0, 0.0, 60.0)
    assert type(widget.children[0]).__name__ == "FloatSlider"
    with pytest.raises(ValueError, match="parameter must be one of"):
        widgets.edit_slider(img, "jpeg", "sigma", 5, 1, 100)
    with pytest.raises(ValueError, match="edit must be one of"):
        widgets.edit_slider(img, "sharpen", "amount", 5, 1, 100)
    with pytest.raises(ValueError, match="min must be < max"):
        widgets.edit_slider(img, "jpeg", "quality", 5, 10, 1)
    with pytest.raises(ValueError, match="value must be <= 100"):
        widgets.edit_slider(img, "jpeg", "quality", 500, 1, 100)


# ----------------------------------------------------------------------------- collections

def test_downscale_keeps_the_aspect_and_averages():
    img = _random((64, 96, 3))
    small = edits.downscale(img, 48)
    assert small.shape == (32, 48, 3) and small.dtype == np.uint8
    blocks = img.astype(float).reshape(32, 2, 48, 2, 3).mean(axis=(1, 3))
    assert np.abs(small - blocks).max() <= 0.5 + 1e-9  # INTER_AREA on an exact 2x: the block mean, rounded
    np.testing.assert_array_equal(edits.downscale(img, 200), img)  # never upscales
    assert edits.downscale(_random((10, 1000)), 100).shape == (1, 100)
    with pytest.raises(ValueError, match="max_side must be >= 1"):
        edits.downscale(img, 0)


def test_random_crops_are_windows_of_the_sources():
    sources = [_random((60, 80, 3), seed=1), _random((90, 50, 3), seed=2)]
    crops = edits.random_crops(sources, 12, crop_fraction=(0.5, 0.5), max_side=1000, seed=4)
    assert len(crops) == 12
    for c in crops:
        found = False
        for s in sources:
            h, w = c.shape[:2]
            if (h, w) == (30, 40) and s.shape == (60, 80, 3) or (h, w) == (45, 25) and s.shape == (90, 50, 3):
                found |= any(np.array_equal(s[y:y + h, x:x + w], c)
                             for y in range(s.shape[0] - h + 1) for x in range(s.shape[1] - w + 1))
        assert found
    again = edits.random_crops(sources, 12, crop_fraction=(0.5, 0.5), max_side=1000, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(crops, again))
    small = edits.random_crops(sources, 5, seed=0, max_side=16)
    assert all(max(c.shape[:2]) <= 16 for c in small)


def test_random_crops_bad_inputs():
    with pytest.raises(ValueError, match="images must not be empty"):
        edits.random_crops([], 3)
    with pytest.raises(ValueError, match="n must be >= 1"):
        edits.random_crops([_photo()], 0)
    with pytest.raises(ValueError, match="crop_fraction must be a pair"):
        edits.random_crops([_photo()], 2, crop_fraction=0.5)
    with pytest.raises(ValueError, match=r"crop_fraction\[1\] must be >= 0.6"):
        edits.random_crops([_photo()], 2, crop_fraction=(0.6, 0.5))
    with pytest.raises(ValueError, match="image must have shape"):
        edits.random_crops([np.zeros(3, np.uint8)], 2)


# ============================================================================= DISC-style edits

NEW = ["text_overlay", "shape_overlay", "paste_into", "collage", "mixup", "cutmix", "perspective"]


def test_disc_registry_holds_the_seven_then_the_new_edits_and_edits_is_unchanged():
    assert list(edits.DISC_EDITS) == ALL + NEW
    assert list(edits.EDITS) == ALL  # chapter 3's registry (and random_edit's default) stay as they were
    for name, func in edits.DISC_EDITS.items():
        assert getattr(edits, name) is func
    assert set(edits.SECOND_PHOTO_ARGUMENT) == {"paste_into", "collage", "mixup", "cutmix"}


@pytest.mark.parametrize("name", NEW)
@pytest.mark.parametrize("shape", [(24, 36, 3), (24, 36)])
def test_disc_edits_keep_shape_dtype_and_are_deterministic(name, shape):
    img = _random(shape)
    out = edits.apply_edit(name, img, seed=3)
    assert out.dtype == np.uint8 and out.shape == shape
    np.testing.assert_array_equal(out, edits.apply_edit(name, img, seed=3))
    np.testing.assert_array_equal(edits.apply_edit(name, img), edits.apply_edit(name, img, seed=0))
    outs = [edits.apply_edit(name, _photo(), seed=s) for s in range(4)]
    assert any(not np.array_equal(outs[0], o) for o in outs[1:])


@pytest.mark.parametrize("name", NEW)
def test_disc_edits_do_not_modify_their_inputs_and_round_floats(name):
    img, other = _photo(), _random((30, 20, 3), seed=4)
    before, other_before = img.copy(), other.copy()
    kw = {edits.SECOND_PHOTO_ARGUMENT[name]: other} if name in edits.SECOND_PHOTO_ARGUMENT else {}
    out = edits.apply_edit(name, img, seed=2, **kw)
    np.testing.assert_array_equal(img, before)
    np.testing.assert_array_equal(other, other_before)
    np.testing.assert_array_equal(edits.apply_edit(name, img / 255.0, seed=2, **kw), out)


@pytest.mark.parametrize("name", NEW)
def test_disc_edits_bad_images(name):
    test_bad_images(name)
    if name in edits.SECOND_PHOTO_ARGUMENT:
        arg = edits.SECOND_PHOTO_ARGUMENT[name]
        with pytest.raises(ValueError, match=rf"{arg} must have shape \(H, W\) or \(H, W, 3\)"):
            edits.apply_edit(name, _photo(), **{arg: np.zeros((4, 4, 2), np.uint8)})
        with pytest.raises(TypeError, match=f"{arg} must be uint8 or float"):
            edits.apply_edit(name, _photo(), **{arg: np.zeros((4, 4), np.int64)})


# ----------------------------------------------------------------------------- text overlay

def test_text_overlay_equals_opencv_puttext_and_leaves_the_rest_unchanged():
    import cv2

    img = np.full((60, 120, 3), 30, np.uint8)
    out = edits.text_overlay(img, text="Copy 42", color=(250, 200, 10), font_scale=0.8, thickness=2,
                             position_px=(10, 15), seed=0)
    # the default font of seed 0, drawn by hand
    face = getattr(cv2, edits._FONTS[_seed0_font()])
    (w, h), base = cv2.getTextSize("Copy 42", face, 0.8, 2)
    ref = img.copy()
    cv2.putText(ref, "Copy 42", (10, 15 + h), face, 0.8, (250, 200, 10), 2, cv2.LINE_AA)
    np.testing.assert_array_equal(out, ref)
    changed = np.any(out != img, axis=2)
    ys, xs = np.nonzero(changed)
    assert changed.sum() > 50
    assert xs.min() >= 10 - 3 and xs.max() <= 10 + w + 3 and ys.min() >= 15 - 3 and ys.max() <= 15 + h + base + 3


def _seed0_font():
    rng = np.random.default_rng(0)
    rng.choice(list(edits._TEXT_ALPHABET), size=int(rng.integers(4, 13)))
    return int(rng.integers(0, len(edits._FONTS)))


def test_random_text_overlay_changes_only_a_band_and_fixing_one_parameter_keeps_the_others():
    img = np.full((80, 160, 3), 128, np.uint8)
    for s in range(5):
        out = edits.text_overlay(img, seed=s)
        changed = np.any(out != img, axis=2)
        assert 0 < changed.mean() < 0.6
    a = edits.text_overlay(img, seed=3)
    b = edits.text_overlay(img, color=(0, 0, 0), seed=3)
    # same text, size and place, only the colour differs: the same pixels are touched (up to
    # anti-aliased edge pixels whose blend rounds back to the background for one colour)
    ca, cb = np.any(a != img, axis=2), np.any(b != img, axis=2)
    assert (ca & cb).sum() / (ca | cb).sum() > 0.97
    gray = edits.text_overlay(img[..., 0], color=(255, 255, 255), seed=3)
    assert gray.max() == 255 and gray.ndim == 2


def test_text_overlay_bad_parameters():
    img = _photo()
    with pytest.raises(ValueError, match="printable ASCII"):
        edits.text_overlay(img, text="café")
    with pytest.raises(ValueError, match="printable ASCII"):
        edits.text_overlay(img, text="")
    with pytest.raises(TypeError, match="text must be a str"):
        edits.text_overlay(img, text=5)
    with pytest.raises(ValueError, match=r"color\[1\] must be <= 255"):
        edits.text_overlay(img, color=(0, 300, 0))
    with pytest.raises(TypeError, match="color must be an"):
        edits.text_overlay(img, color=(0, 0))
    with pytest.raises(ValueError, match="font_scale must be > 0"):
        edits.text_overlay(img, font_scale=0)
    with pytest.raises(ValueError, match="thickness must be >= 1"):
        edits.text_overlay(img, thickness=0)
    with pytest.raises(TypeError, match="position_px must be a pair"):
        edits.text_overlay(img, position_px=3)


# ----------------------------------------------------------------------------- shape overlay

def test_shape_overlay_circle_closed_form():
    img = np.full((40, 50, 3), 100, np.uint8)
    out = edits.shape_overlay(img, shape="circle", center_px=(20, 15), radius_px=8, color=(200, 0, 50), opacity=1.0)
    yy, xx = np.mgrid[0:40, 0:50]
    dist = np.hypot(xx - 20, yy - 15)
    assert np.all(out[dist <= 7] == (200, 0, 50))
    assert np.all(out[dist >= 9] == 100)
    half = edits.shape_overlay(img, shape="circle", center_px=(20, 15), radius_px=8, color=(200, 0, 50),
                               opacity=0.5)
    assert np.all(half[dist <= 7] == (150, 50, 75))  # round(0.5 * 100 + 0.5 * c)
    np.testing.assert_array_equal(edits.shape_overlay(img, opacity=0.0, seed=4), img)


def test_shape_overlay_polygon_stays_within_its_circle_and_fills_its_centre():
    img = _photo(60, 80)
    out = edits.shape_overlay(img, shape="polygon", center_px=(40, 30), radius_px=12, n_vertices=5,
                              color=(0, 255, 0), opacity=1.0, seed=1)
    changed = np.any(out != img, axis=2)
    ys, xs = np.nonzero(changed)
    assert np.all(np.hypot(xs - 40, ys - 30) <= 12.8)
    assert tuple(out[30, 40]) == (0, 255, 0) and changed.sum() > 0.5 * np.pi * 12 ** 2
    gray = edits.shape_overlay(np.zeros((30, 30), np.uint8), shape="circle", center_px=(15, 15), radius_px=5,
                               color=(255, 255, 255), opacity=1.0)
    assert gray[15, 15] == 255 and gray[0, 0] == 0


def test_shape_overlay_bad_parameters():
    img = _photo()
    with pytest.raises(ValueError, match="shape must be 'circle' or 'polygon'"):
        edits.shape_overlay(img, shape="star")
    with pytest.raises(ValueError, match="radius_px must be >= 1"):
        edits.shape_overlay(img, radius_px=0)
    with pytest.raises(ValueError, match="opacity must be <= 1"):
        edits.shape_overlay(img, opacity=1.5)
    with pytest.raises(ValueError, match="n_vertices must be >= 3"):
        edits.shape_overlay(img, n_vertices=2)
    with pytest.raises(TypeError, match=r"center_px\[0\] must be an integer"):
        edits.shape_overlay(img, center_px=(1.5, 2))


# ----------------------------------------------------------------------------- paste, collage, mix

def test_paste_into_puts_the_scaled_image_at_the_stated_place():
    import cv2

    img, bg = _random((40, 60, 3), seed=1), _random((90, 70, 3), seed=2)
    out = edits.paste_into(img, background=bg, scale=0.5, position_px=(7, 11))
    bg_resized = cv2.resize(bg, (60, 40), interpolation=cv2.INTER_AREA)
    small = cv2.resize(img, (30, 20), interpolation=cv2.INTER_AREA)
    np.testing.assert_array_equal(out[11:31, 7:37], small)
    mask = np.ones((40, 60), bool)
    mask[11:31, 7:37] = False
    np.testing.assert_array_equal(out[mask], bg_resized[mask])
    # scale 1 covers the whole frame with the image itself
    np.testing.assert_array_equal(edits.paste_into(img, background=bg, scale=1.0), img)
    # a gray image on a colour background: the background's luma
    gray = edits.paste_into(img[..., 0], background=np.full((5, 5, 3), (255, 0, 0), np.uint8), scale=0.5,
                            position_px=(0, 0))
    assert gray[39, 59] == round(0.299 * 255)


def test_paste_into_random_position_fits_and_synthetic_background_is_smooth():
    img = np.full((40, 60, 3), 255, np.uint8)
    for s in range(6):
        out = edits.paste_into(img, seed=s)
        white = np.all(out == 255, axis=2)
        ys, xs = np.nonzero(white)
        h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
        assert 0.3 * 40 - 1 <= h <= 0.7 * 40 + 1 and 0.3 * 60 - 1 <= w <= 0.7 * 60 + 1
    bg = edits._synthetic_photo((40, 60, 3), np.random.default_rng(0))
    assert np.abs(np.diff(bg.astype(int), axis=1)).max() < 40  # a smooth colour field, not noise


def test_collage_places_both_photos_side_by_side():
    import cv2

    img, other = _random((30, 40, 3), seed=1), _random((50, 20, 3), seed=2)
    out = edits.collage(img, other=other, layout="horizontal", fraction=0.5, image_first=True)
    np.testing.assert_array_equal(out[:, :20], cv2.resize(img, (20, 30), interpolation=cv2.INTER_AREA))
    np.testing.assert_array_equal(out[:, 20:], cv2.resize(other, (20, 30), interpolation=cv2.INTER_AREA))
    out = edits.collage(img, other=other, layout="vertical", fraction=0.6, image_first=False)
    np.testing.assert_array_equal(out[12:], cv2.resize(img, (40, 18), interpolation=cv2.INTER_AREA))
    with pytest.raises(ValueError, match="at least 2 pixels wide"):
        edits.collage(np.zeros((5, 1, 3), np.uint8), layout="horizontal")
    with pytest.raises(ValueError, match="fraction must be < 1"):
        edits.collage(img, fraction=1.0)
    with pytest.raises(ValueError, match="layout must be"):
        edits.collage(img, layout="diagonal")
    with pytest.raises(TypeError, match="image_first must be a bool"):
        edits.collage(img, image_first=1)


def test_mixup_closed_forms():
    img, other = np.full((10, 12, 3), 100, np.uint8), np.full((5, 5, 3), 200, np.uint8)
    np.testing.assert_array_equal(edits.mixup(img, other=other, alpha=0.25), np.full_like(img, 125))
    np.testing.assert_array_equal(edits.mixup(img, other=other, alpha=0.0), img)
    np.testing.assert_array_equal(edits.mixup(img, other=other, alpha=1.0), np.full_like(img, 200))
    with pytest.raises(ValueError, match="alpha must be <= 1"):
        edits.mixup(img, alpha=1.5)


def test_cutmix_replaces_exactly_one_rectangle():
    img, other = _random((40, 50, 3), seed=1), _random((40, 50, 3), seed=2)
    out = edits.cutmix(img, other=other, fraction=0.4, position_px=(5, 9))
    np.testing.assert_array_equal(out[9:25, 5:25], other[9:25, 5:25])
    mask = np.ones((40, 50), bool)
    mask[9:25, 5:25] = False
    np.testing.assert_array_equal(out[mask], img[mask])
    np.testing.assert_array_equal(edits.cutmix(img, other=other, fraction=1.0), other)
    with pytest.raises(ValueError, match="position_px must keep the 16x20 rectangle inside"):
        edits.cutmix(img, other=other, fraction=0.4, position_px=(40, 0))


def test_paste_into_bad_parameters():
    img = _photo()
    with pytest.raises(ValueError, match="scale must be > 0"):
        edits.paste_into(img, scale=0)
    with pytest.raises(ValueError, match="position_px must keep the"):
        edits.paste_into(img, scale=0.5, position_px=(-1, 0))
    with pytest.raises(ValueError, match="background must contain only finite values"):
        edits.paste_into(img, background=np.full((4, 4), np.nan))


# ----------------------------------------------------------------------------- perspective

def test_perspective_with_zero_offsets_is_the_identity():
    img = _random((31, 45, 3), seed=3)
    np.testing.assert_array_equal(edits.perspective(img, offsets_px=np.zeros((4, 2))), img)
    np.testing.assert_array_equal(edits.perspective(img, strength=0.0, seed=5), img)


def test_perspective_translation_shifts_the_image():
    img = _random((20, 30), seed=1)
    out = edits.perspective(img, offsets_px=np.tile([3.0, 2.0], (4, 1)))
    np.testing.assert_array_equal(out[2:, 3:], img[:-2, :-3])
    assert np.all(out[:2] == 0) and np.all(out[:, :3] == 0)


def test_perspective_moves_a_dot_where_the_homography_says():
    import cv2

    img = np.zeros((80, 100), np.uint8)
    img[29:32, 59:62] = 255  # a 3x3 dot centred on (x=60, y=30)
    offsets = np.array([[8, 5], [-6, 3], [-4, -7], [5, -2]], float)
    out = edits.perspective(img, offsets_px=offsets)
    src = np.array([[0, 0], [99, 0], [99, 79], [0, 79]], np.float32)
    hom = cv2.getPerspectiveTransform(src, (src + offsets).astype(np.float32))
    expected = cv2.perspectiveTransform(np.array([[[60.0, 30.0]]]), hom)[0, 0]
    ys, xs = np.nonzero(out > 0)
    weights = out[ys, xs].astype(float)
    centre = np.array([np.average(xs, weights=weights), np.average(ys, weights=weights)])
    np.testing.assert_allclose(centre, expected, atol=0.5)


def test_perspective_bad_parameters():
    img = _photo()
    with pytest.raises(ValueError, match="strength must be <= 0.5"):
        edits.perspective(img, strength=0.6)
    with pytest.raises(ValueError, match=r"offsets_px must have shape \(4, 2\)"):
        edits.perspective(img, offsets_px=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="finite"):
        edits.perspective(img, offsets_px=np.full((4, 2), np.inf))
    collapse = -np.array([[0, 0], [63, 0], [63, 47], [0, 47]], float)  # every corner onto (0, 0)
    with pytest.raises(ValueError, match="non-degenerate"):
        edits.perspective(img, offsets_px=collapse)


# ----------------------------------------------------------------------------- disc_edit

def test_disc_edit_is_reproducible_and_follows_its_documented_draws():
    img, others = _photo(), [_random((30, 40, 3), seed=9), _random((20, 20, 3), seed=8)]
    out, applied = edits.disc_edit(img, seed=12, other_images=others)
    out2, applied2 = edits.disc_edit(img, seed=12, other_images=others)
    np.testing.assert_array_equal(out, out2)
    assert applied == applied2 and 1 <= len(applied) <= 3 and set(applied) <= set(edits.DISC_EDITS)
    # replay: n_edits, the edits, then per edit a child seed (+ the second photo's index)
    names = list(edits.DISC_EDITS)
    rng = np.random.default_rng(12)
    n = int(rng.integers(1, 4))
    chosen = [names[i] for i in rng.choice(len(names), size=n, replace=False)]
    assert tuple(chosen) == applied
    replay = img
    for name in chosen:
        child = int(rng.integers(0, 2 ** 31 - 1))
        kw = {}
        if name in edits.SECOND_PHOTO_ARGUMENT:
            kw[edits.SECOND_PHOTO_ARGUMENT[name]] = others[int(rng.integers(0, 2))]
        replay = edits.apply_edit(name, replay, seed=child, **kw)
    np.testing.assert_array_equal(out, replay)


def test_disc_edit_draws_one_to_three_edits_from_every_disc_edit():
    img = _photo()
    results = [edits.disc_edit(img, seed=s)[1] for s in range(120)]
    assert {len(a) for a in results} == {1, 2, 3}
    assert set().union(*results) == set(edits.DISC_EDITS)
    out, applied = edits.disc_edit(img, seed=0, names=["mixup"], other_images=[np.full((8, 8, 3), 255, np.uint8)])
    assert applied == ("mixup",) and out.mean() > img.mean()  # blended with white
    assert len(edits.disc_edit(img, seed=1, n_edits=3)[1]) == 3


def test_disc_edit_bad_inputs():
    img = _photo()
    with pytest.raises(ValueError, match="other_images must not be empty"):
        edits.disc_edit(img, other_images=[])
    with pytest.raises(TypeError, match="sequence of images, not a single image"):
        edits.disc_edit(img, other_images=img)
    with pytest.raises(ValueError, match=r"other_images\[1\] must have shape"):
        edits.disc_edit(img, other_images=[img, np.zeros(3, np.uint8)])
    with pytest.raises(ValueError, match="n_edits must be <= 14"):
        edits.disc_edit(img, n_edits=15)
    with pytest.raises(ValueError, match="names must not be empty"):
        edits.disc_edit(img, names=[])
    with pytest.raises(ValueError, match="name must be one of"):
        edits.disc_edit(img, names=["sharpen"])
    with pytest.raises(TypeError, match="disc_only must be a bool"):
        edits.register_edit("x", disc_only="yes")
    with pytest.raises(ValueError, match="already a registered edit"):
        edits.register_edit("mixup")(lambda image, seed=None: image)
