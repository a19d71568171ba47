"""Batched augmentations: seeded, closed forms (ramps, identity), OpenCV / SciPy / scikit-image references, bad inputs."""
import cv2
import numpy as np
import pytest
import torch
from scipy import ndimage
from skimage.color import rgb2hsv

from imsearch import nn as inn


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def _batch(n=6, h=32, w=32, seed=0, dtype=torch.float32):
    return torch.rand(n, 3, h, w, generator=_gen(seed), dtype=dtype)


@pytest.mark.parametrize("preset", sorted(inn.PRESETS))
def test_same_seed_same_views_and_range(preset):
    x = _batch()
    a = inn.simclr_augment(x, _gen(3), preset)
    b = inn.simclr_augment(x, _gen(3), preset)
    c = inn.simclr_augment(x, _gen(4), preset)
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert a.shape == x.shape and a.dtype == x.dtype
    assert float(a.min()) >= 0 and float(a.max()) <= 1
    assert inn.simclr_augment(x, _gen(3), preset, size=24).shape == (6, 3, 24, 24)


def test_crop_of_whole_image_is_identity():
    x = _batch()
    y = inn.random_resized_crop(x, _gen(), scale=(1.0, 1.0), ratio=(1.0, 1.0))
    torch.testing.assert_close(y, x, atol=1e-5, rtol=0)


def test_crop_samples_a_box_of_the_drawn_area_and_ratio():
    # a ramp of column indices: inside the crop, consecutive output columns differ by (crop width) / (output width)
    h = w = 32
    cols = torch.arange(w, dtype=torch.float64).expand(4, 3, h, w).contiguous()
    rows = cols.transpose(2, 3).contiguous()
    for scale, ratio, dx, dy in (((0.25, 0.25), (1.0, 1.0), 0.5, 0.5), ((0.5, 0.5), (2.0, 2.0), 1.0, 0.5)):
        yc = inn.random_resized_crop(cols, _gen(1), scale=scale, ratio=ratio)
        yr = inn.random_resized_crop(rows, _gen(1), scale=scale, ratio=ratio)
        np.testing.assert_allclose(np.diff(yc[:, 0, 5, 1:-1].numpy(), axis=1), dx, atol=1e-6)
        np.testing.assert_allclose(np.diff(yr[:, 0, 1:-1, 5].numpy(), axis=1), dy, atol=1e-6)
        assert float(yc.min()) >= 0 and float(yc.max()) <= w - 1


def test_flip_probabilities():
    x = _batch(200, 4, 5)
    torch.testing.assert_close(inn.horizontal_flip(x, _gen(), p=1.0), x.flip(3))
    torch.testing.assert_close(inn.horizontal_flip(x, _gen(), p=0.0), x)
    y = inn.horizontal_flip(x, _gen(), p=0.5)
    flipped = (y == x.flip(3)).flatten(1).all(1)
    assert torch.equal(flipped | (y == x).flatten(1).all(1), torch.ones(200, dtype=torch.bool))
    assert 70 < int(flipped.sum()) < 130


def test_grayscale_matches_opencv():
    x = _batch(3)
    y = inn.random_grayscale(x, _gen(), p=1.0)
    for i in range(3):
        ref = cv2.cvtColor(x[i].permute(1, 2, 0).numpy(), cv2.COLOR_RGB2GRAY)
        for ch in range(3):
            np.testing.assert_allclose(y[i, ch].numpy(), ref, atol=1e-5)
    torch.testing.assert_close(inn.random_grayscale(x, _gen(), p=0.0), x)


def test_color_jitter_identities():
    x = _batch(dtype=torch.float64)
    torch.testing.assert_close(inn.color_jitter(x, _gen(), 0, 0, 0, 0, p=1.0), x, atol=1e-6, rtol=0)
    torch.testing.assert_close(inn.color_jitter(x, _gen(), p=0.0), x)
    # brightness alone multiplies each image by one factor (no clipping below 0.5 with factors <= 1.4)
    y = inn.color_jitter(x * 0.5, _gen(), brightness=0.4, contrast=0, saturation=0, hue=0, p=1.0)
    ratio = (y / (x * 0.5)).flatten(1)
    torch.testing.assert_close(ratio.min(1).values, ratio.max(1).values, atol=1e-5, rtol=0)
    assert float(ratio.min()) >= 0.6 - 1e-6 and float(ratio.max()) <= 1.4 + 1e-6
    # grey images stay grey under saturation and hue changes
    g = x[:, :1].expand_as(x)
    y = inn.color_jitter(g, _gen(), brightness=0, contrast=0, saturation=0.8, hue=0.3, p=1.0)
    torch.testing.assert_close(y, g, atol=1e-6, rtol=0)


def test_hue_shift_rotates_hue_keeps_saturation_and_value():
    x = _batch(4, 8, 8, dtype=torch.float64)
    y = inn.color_jitter(x, _gen(), brightness=0, contrast=0, saturation=0, hue=0.3, p=1.0)
    hx = rgb2hsv(x.permute(0, 2, 3, 1).numpy())
    hy = rgb2hsv(y.permute(0, 2, 3, 1).numpy())
    np.testing.assert_allclose(hy[..., 1:], hx[..., 1:], atol=1e-9)
    shift = (hy[..., 0] - hx[..., 0]) % 1.0
    for i in range(4):
        d = shift[i].ravel()
        d = np.minimum(np.abs(d - d[0]), 1 - np.abs(d - d[0]))     # circular spread around the first
        assert d.max() < 1e-9
        assert min(shift[i, 0, 0], 1 - shift[i, 0, 0]) <= 0.3 + 1e-9


def test_blur_matches_scipy():
    x = _batch(3, 20, 24, dtype=torch.float64)
    sigma = 1.3
    y = inn.gaussian_blur(x, _gen(), sigma_range=(sigma, sigma), p=1.0)
    radius = 4  # ceil(3 sigma)
    for i in range(3):
        for ch in range(3):
            ref = ndimage.gaussian_filter(x[i, ch].numpy(), sigma, mode="mirror", truncate=radius / sigma)
            np.testing.assert_allclose(y[i, ch].numpy(), ref, atol=1e-12)
    torch.testing.assert_close(inn.gaussian_blur(x, _gen(), p=0.0), x)
    c = torch.full((2, 3, 16, 16), 0.3)
    torch.testing.assert_close(inn.gaussian_blur(c, _gen(), (2.0, 5.0), p=1.0), c)


def test_blur_sigma_is_per_image():
    x = torch.zeros(50, 3, 31, 31)
    x[:, :, 15, 15] = 1.0
    y = inn.gaussian_blur(x, _gen(), sigma_range=(0.5, 3.0), p=1.0)
    peaks = y[:, 0, 15, 15]
    assert float(peaks.max() - peaks.min()) > 0.2        # different sigmas, different peaks
    torch.testing.assert_close(y.sum((2, 3)), torch.ones(50, 3), atol=1e-4, rtol=0)


def test_mixup():
    x = _batch(8)
    mixed, partner, lam = inn.mixup(x, _gen(), alpha=0.4)
    assert sorted(partner.tolist()) == list(range(8))
    assert lam.shape == (8,) and float(lam.min()) >= 0 and float(lam.max()) <= 1
    ref = lam.view(-1, 1, 1, 1) * x + (1 - lam.view(-1, 1, 1, 1)) * x[partner]
    torch.testing.assert_close(mixed, ref)
    assert torch.equal(inn.mixup(x, _gen(5), 1.0)[0], inn.mixup(x, _gen(5), 1.0)[0])


def test_cutmix_box_share_is_the_weight():
    x = _batch(16)
    mixed, partner, w = inn.cutmix(x, _gen(), alpha=1.0)
    assert sorted(partner.tolist()) == list(range(16))
    from_self = (mixed == x).all(1)
    from_partner = (mixed == x[partner]).all(1)
    assert bool((from_self | from_partner).all())
    for i in range(16):
        if partner[i] != i:
            assert float(from_self[i].float().mean()) == pytest.approx(float(w[i]), abs=1e-6)


def test_presets_differ_as_described():
    x = _batch(64)
    crop = inn.simclr_augment(x, _gen(), "crop")
    gray = crop.std(1).flatten(1).max(1).values < 1e-6
    assert not bool(gray.any())                              # no grayscale in "crop"
    color = inn.simclr_augment(x, _gen(), "color")
    same_or_flipped = ((color == x).flatten(1).all(1) | (color == x.flip(3)).flatten(1).all(1))
    assert 0 < int(same_or_flipped.sum()) < 30               # p = 0.8 jitter, 0.2 grey: a few untouched
    for name, cfg in inn.PRESETS.items():
        assert isinstance(cfg["what"], str) and cfg["what"]
    assert inn.PRESETS["strong"]["crop_scale"][0] < inn.PRESETS["all"]["crop_scale"][0]


def test_bad_inputs():
    x = _batch(2)
    with pytest.raises(TypeError, match="x must be a floating-point"):
        inn.horizontal_flip((x * 255).to(torch.uint8), _gen())
    with pytest.raises(ValueError, match=r"x must have shape \(N, 3, H, W\)"):
        inn.color_jitter(x[:, :2], _gen())
    with pytest.raises(ValueError, match=r"x must have shape"):
        inn.random_grayscale(x[:0], _gen())
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        inn.gaussian_blur(x, 0)
    with pytest.raises(ValueError, match="p must be <= 1"):
        inn.horizontal_flip(x, _gen(), p=1.5)
    with pytest.raises(ValueError, match="scale"):
        inn.random_resized_crop(x, _gen(), scale=(0.5, 1.5))
    with pytest.raises(ValueError, match="sigma_range"):
        inn.gaussian_blur(x, _gen(), sigma_range=(2.0, 1.0))
    with pytest.raises(ValueError, match="alpha must be > 0"):
        inn.mixup(x, _gen(), 0.0)
    with pytest.raises(ValueError, match="preset must be one of"):
        inn.simclr_augment(x, _gen(), "nope")


def test_adjust_functions_closed_forms():
    x = _batch(3, 5, 6, dtype=torch.float64)
    grey = (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2])[:, None]
    torch.testing.assert_close(inn.adjust_saturation(x, 0.0), grey.expand_as(x))
    torch.testing.assert_close(inn.adjust_saturation(x, 1.0), x)
    torch.testing.assert_close(inn.adjust_saturation(x, 2.0), (2 * x - grey).clamp(0, 1))
    per_image = inn.adjust_saturation(x, torch.tensor([0.0, 1.0, 2.0]))
    torch.testing.assert_close(per_image[1], x[1])
    torch.testing.assert_close(inn.adjust_brightness(x, 0.5), x * 0.5)
    m = grey.mean(dim=(2, 3), keepdim=True)
    torch.testing.assert_close(inn.adjust_contrast(x, 0.0), m.expand_as(x))
    torch.testing.assert_close(inn.adjust_hue(x, 1.0), x)          # a full turn
    with pytest.raises(ValueError, match="factor must be a number or an"):
        inn.adjust_saturation(x, torch.ones(2))
