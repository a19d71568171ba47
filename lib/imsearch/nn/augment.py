"""Batched, seeded image augmentations on torch tensors: the views of SimCLR (ch 9) and SSCD (ch 11).

Every function takes a batch ``x`` of ``(N, 3, H, W)`` float RGB images in ``[0, 1]`` and a
``torch.Generator`` from which it draws every random number, so the same seed gives the same
views. Each image of the batch gets its own random parameters, drawn in one call for the
whole batch (no Python loop over images): a crop is one ``affine_grid`` + ``grid_sample``, a
blur one grouped convolution with a kernel per image.

* :func:`random_resized_crop`, :func:`horizontal_flip`, :func:`color_jitter`,
  :func:`random_grayscale`, :func:`gaussian_blur`: the augmentations of SimCLR
  (Chen et al., ICML 2020, Appendix A), applied in that order by :func:`simclr_augment`.
* :func:`mixup`, :func:`cutmix`: mix each image with a partner of the same batch
  (Zhang et al. 2018; Yun et al. 2019), as SSCD does (Pizzi et al., CVPR 2022); they return
  the partner index and the mixing weight, which the loss needs.
* :data:`PRESETS`: named recipes ("crop", "color", "crop+color", "all", "strong").
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .._util.validation import check_int, check_number

__all__ = ["PRESETS", "adjust_brightness", "adjust_contrast", "adjust_hue", "adjust_saturation", "color_jitter", "cutmix", "gaussian_blur", "horizontal_flip", "mixup",
           "random_grayscale", "random_resized_crop", "simclr_augment"]

#: Named augmentation recipes of :func:`simclr_augment`. ``crop_scale`` None = no crop (the view
#: keeps the whole image); ``color_p`` / ``grayscale_p`` / ``blur_p`` are per-image probabilities;
#: ``blur_sigma`` in pixels; ``blur_sigma_max_fraction`` (if set) makes the upper end of the blur
#: range that fraction of the output size. A horizontal flip (p = 0.5) is part of every preset.
PRESETS = {
    "crop": {"what": "random resized crop (scale 0.08-1) + flip", "crop_scale": (0.08, 1.0),
             "color_p": 0.0, "grayscale_p": 0.0, "blur_p": 0.0, "blur_sigma": (0.1, 2.0)},
    "color": {"what": "colour jitter (p 0.8) + grayscale (p 0.2) + flip, no crop", "crop_scale": None,
              "color_p": 0.8, "grayscale_p": 0.2, "blur_p": 0.0, "blur_sigma": (0.1, 2.0)},
    "crop+color": {"what": "crop + flip + colour jitter + grayscale (SimCLR's CIFAR-10 recipe)",
                   "crop_scale": (0.08, 1.0), "color_p": 0.8, "grayscale_p": 0.2, "blur_p": 0.0,
                   "blur_sigma": (0.1, 2.0)},
    "all": {"what": "crop + flip + colour jitter + grayscale + Gaussian blur sigma 0.1-2 px, p 0.5 "
                    "(SimCLR's ImageNet recipe)", "crop_scale": (0.08, 1.0), "color_p": 0.8,
            "grayscale_p": 0.2, "blur_p": 0.5, "blur_sigma": (0.1, 2.0)},
    "strong": {"what": "all, with larger crops range (scale 0.05-1) and strong blur (sigma up to size/10) "
                       "(chapter 11, SSCD)", "crop_scale": (0.05, 1.0), "color_p": 0.8, "grayscale_p": 0.2,
               "blur_p": 0.5, "blur_sigma": (0.1, 2.0), "blur_sigma_max_fraction": 0.1},
}

_GRAY = (0.299, 0.587, 0.114)   # ITU-R BT.601 luma weights


def _check_batch(x, name="x"):
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point torch.Tensor, got {type(x).__name__}")
    if x.ndim != 4 or x.shape[1] != 3 or x.shape[0] == 0 or x.shape[2] == 0 or x.shape[3] == 0:
        raise ValueError(f"{name} must have shape (N, 3, H, W) with N >= 1, got {tuple(x.shape)}")
    return x


def _check_generator(generator):
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    return generator


def _check_p(p, name="p"):
    return check_number(p, name, minimum=0.0, maximum=1.0)


def _check_range(r, name, minimum=0.0, strict=False):
    if not isinstance(r, (tuple, list)) or len(r) != 2:
        raise ValueError(f"{name} must be a pair (low, high), got {r!r}")
    lo = check_number(r[0], f"{name}[0]", minimum=minimum, strict_min=strict)
    hi = check_number(r[1], f"{name}[1]", minimum=minimum, strict_min=strict)
    if lo > hi:
        raise ValueError(f"{name} must have low <= high, got {r!r}")
    return lo, hi


def _uniform(n, lo, hi, generator, dtype=torch.float32):
    return lo + (hi - lo) * torch.rand(n, generator=generator, dtype=dtype)


def _chosen(n, p, generator):
    """(n,) bool: which images an augmentation applied with probability ``p`` touches."""
    return torch.rand(n, generator=generator) < p


def _choose(x, generator, p):
    """Check a batch, its generator and ``p``, then draw which images the augmentation touches."""
    x = _check_batch(x)
    _check_generator(generator)
    p = _check_p(p)
    return x, _chosen(len(x), p, generator)


def _where(mask, a, b):
    return torch.where(mask.view(-1, 1, 1, 1), a, b)


def random_resized_crop(x, generator, size=None, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3)):
    """Crop a random rectangle of each image and resize it to ``size`` (bilinear).

    The rectangle covers a fraction ``s ~ U(scale)`` of the image area with aspect ratio
    ``r`` (width / height) log-uniform in ``ratio``; its position is uniform among those where
    it fits. Unlike torchvision's 10 rejection attempts, a side longer than the image is
    clipped to the image (the ratio then changes a little), so every draw is used and the whole
    batch is cropped in one ``grid_sample``.

    Parameters
    ----------
    x : (N, 3, H, W) float tensor in [0, 1]
    generator : torch.Generator
    size : int or (int, int), optional
        Output ``(height, width)``; default the input's.
    scale : (float, float) in (0, 1]
    ratio : (float, float) > 0

    Returns
    -------
    (N, 3, size_h, size_w) float tensor

    References
    ----------
    C. Szegedy et al. Going deeper with convolutions. CVPR 2015 (the crop of Inception).
    """
    x = _check_batch(x)
    _check_generator(generator)
    lo, hi = _check_range(scale, "scale", 0.0, strict=True)
    if hi > 1:
        raise ValueError(f"scale must lie in (0, 1], got {scale!r}")
    rlo, rhi = _check_range(ratio, "ratio", 0.0, strict=True)
    n, _, h, w = x.shape
    out_h, out_w = _size(size, h, w)
    area = _uniform(n, lo, hi, generator)
    log_r = _uniform(n, math.log(rlo), math.log(rhi), generator)
    r = torch.exp(log_r)
    # relative width / height of the crop: (cw·W)·(ch·H) = s·W·H and (cw·W)/(ch·H) = r
    cw = torch.sqrt(area * r * h / w).clamp(max=1.0)
    ch = torch.sqrt(area / r * w / h).clamp(max=1.0)
    # centre in normalised coordinates [-1, 1], uniform where the crop fits
    cx = (1 - cw) * (2 * torch.rand(n, generator=generator) - 1)
    cy = (1 - ch) * (2 * torch.rand(n, generator=generator) - 1)
    return _affine_resample(x, cw, ch, cx, cy, out_h, out_w)


def _size(size, h, w):
    if size is None:
        return h, w
    if isinstance(size, (tuple, list)):
        if len(size) != 2:
            raise ValueError(f"size must be an int or a pair (height, width), got {size!r}")
        return check_int(size[0], "size[0]", minimum=1), check_int(size[1], "size[1]", minimum=1)
    s = check_int(size, "size", minimum=1)
    return s, s


def _affine_resample(x, cw, ch, cx, cy, out_h, out_w):
    """Sample the boxes (relative half-sizes ``cw``, ``ch``, centres ``cx``, ``cy`` in [-1, 1]) to ``out_h × out_w``."""
    n = x.shape[0]
    theta = torch.zeros(n, 2, 3, dtype=x.dtype)
    theta[:, 0, 0], theta[:, 0, 2] = cw.to(x.dtype), cx.to(x.dtype)
    theta[:, 1, 1], theta[:, 1, 2] = ch.to(x.dtype), cy.to(x.dtype)
    grid = F.affine_grid(theta, (n, x.shape[1], out_h, out_w), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def horizontal_flip(x, generator, p=0.5):
    """Mirror each image left-right with probability ``p``.

    Parameters
    ----------
    x : (N, 3, H, W) float tensor
    generator : torch.Generator
    p : float in [0, 1]

    Returns
    -------
    (N, 3, H, W) float tensor
    """
    x, chosen = _choose(x, generator, p)
    return _where(chosen, x.flip(3), x)


def _gray(x):
    w = torch.tensor(_GRAY, dtype=x.dtype).view(1, 3, 1, 1)
    return (x * w).sum(dim=1, keepdim=True)


def _rgb_to_hsv(x):
    r, g, b = x.unbind(1)
    maxc, _ = x.max(dim=1)
    minc, _ = x.min(dim=1)
    delta = maxc - minc
    safe = torch.where(delta > 0, delta, torch.ones_like(delta))
    h = torch.where(maxc == r, ((g - b) / safe) % 6,
                    torch.where(maxc == g, (b - r) / safe + 2, (r - g) / safe + 4)) / 6
    h = torch.where(delta > 0, h, torch.zeros_like(h))
    s = torch.where(maxc > 0, delta / torch.where(maxc > 0, maxc, torch.ones_like(maxc)), torch.zeros_like(maxc))
    return h, s, maxc


def _hsv_to_rgb(h, s, v):
    # f(k) = v - v s max(0, min(k, 4 - k, 1)),  k = (n + 6h) mod 6 for n = 5, 3, 1 (R, G, B)
    out = []
    for n in (5, 3, 1):
        k = (n + 6 * h) % 6
        out.append(v - v * s * torch.clamp(torch.minimum(k, 4 - k), 0, 1))
    return torch.stack(out, dim=1)


def _factor(factor, x, name):
    """A float or an (N,) tensor of per-image factors, as an (N, 1, 1, 1) tensor of x's dtype."""
    if isinstance(factor, torch.Tensor):
        if factor.shape not in ((), (len(x),)):
            raise ValueError(f"{name} must be a number or an ({len(x)},) tensor, got shape {tuple(factor.shape)}")
        return factor.to(x.dtype).reshape(-1, 1, 1, 1)
    return torch.tensor(check_number(factor, name), dtype=x.dtype).reshape(1, 1, 1, 1)


def adjust_brightness(x, factor):
    """``clip(factor · x)``: brightness scaled by ``factor`` (one number, or one per image).

    Parameters
    ----------
    x : (N, 3, H, W) float tensor in [0, 1]
    factor : float >= 0 or (N,) tensor

    Returns
    -------
    (N, 3, H, W) float tensor in [0, 1]
    """
    x = _check_batch(x)
    return (x * _factor(factor, x, "factor")).clamp(0, 1)


def adjust_contrast(x, factor):
    """``clip(factor · (x − m) + m)`` with ``m`` the image's mean grey level (BT.601 luma).

    Parameters and returns as :func:`adjust_brightness`.
    """
    x = _check_batch(x)
    m = _gray(x).mean(dim=(2, 3), keepdim=True)
    return ((x - m) * _factor(factor, x, "factor") + m).clamp(0, 1)


def adjust_saturation(x, factor):
    """``clip(factor · (x − g) + g)`` with ``g`` each pixel's grey level (BT.601 luma ``0.299 R + 0.587 G + 0.114 B``).

    ``factor = 0`` gives the grey image, ``1`` the image itself, ``> 1`` more saturated colours.

    Parameters and returns as :func:`adjust_brightness`.
    """
    x = _check_batch(x)
    g = _gray(x)
    return ((x - g) * _factor(factor, x, "factor") + g).clamp(0, 1)


def adjust_hue(x, shift):
    """Rotate each pixel's hue by ``shift`` (a fraction of the colour circle), keeping saturation and value (HSV).

    Parameters
    ----------
    x : (N, 3, H, W) float tensor in [0, 1]
    shift : float or (N,) tensor

    Returns
    -------
    (N, 3, H, W) float tensor in [0, 1]
    """
    x = _check_batch(x)
    h, s, v = _rgb_to_hsv(x)
    return _hsv_to_rgb((h + _factor(shift, x, "shift")[:, 0]) % 1.0, s, v).clamp(0, 1)


def color_jitter(x, generator, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, p=0.8):
    """Random brightness, contrast, saturation and hue changes, each image with probability ``p``.

    For a chosen image, factors ``b ~ U(1 − brightness, 1 + brightness)`` (and likewise ``c``,
    ``s``) and a hue shift ``δ ~ U(−hue, hue)`` (fraction of the colour circle) are drawn, and
    applied in this fixed order (torchvision shuffles it): ``x ← b·x``; ``x ← c·(x − mean
    grey) + mean grey``; ``x ← s·(x − grey) + grey``; rotate the hue by ``δ``; clipping to
    [0, 1] after each. SimCLR's strength ``s`` gives ``(0.8s, 0.8s, 0.8s, 0.2s)``; the
    defaults are its CIFAR-10 strength ``s = 0.5``.

    Parameters
    ----------
    x : (N, 3, H, W) float tensor in [0, 1]
    generator : torch.Generator
    brightness, contrast, saturation : float in [0, 1]
    hue : float in [0, 0.5]
    p : float in [0, 1]

    Returns
    -------
    (N, 3, H, W) float tensor in [0, 1]
    """
    brightness = check_number(brightness, "brightness", minimum=0.0, maximum=1.0)
    contrast = check_number(contrast, "contrast", minimum=0.0, maximum=1.0)
    saturation = check_number(saturation, "saturation", minimum=0.0, maximum=1.0)
    hue = check_number(hue, "hue", minimum=0.0, maximum=0.5)
    x, chosen = _choose(x, generator, p)
    n = len(x)
    b = _uniform(n, 1 - brightness, 1 + brightness, generator)
    c = _uniform(n, 1 - contrast, 1 + contrast, generator)
    s = _uniform(n, 1 - saturation, 1 + saturation, generator)
    d = _uniform(n, -hue, hue, generator)
    y = adjust_saturation(adjust_contrast(adjust_brightness(x, b), c), s)
    if hue > 0:
        y = adjust_hue(y, d)
    return _where(chosen, y, x)


def random_grayscale(x, generator, p=0.2):
    """Replace each image by its grey level (BT.601 luma, on all three channels) with probability ``p``.

    Parameters
    ----------
    x : (N, 3, H, W) float tensor
    generator : torch.Generator
    p : float in [0, 1]

    Returns
    -------
    (N, 3, H, W) float tensor
    """
    x, chosen = _choose(x, generator, p)
    return _where(chosen, _gray(x).expand_as(x), x)


def gaussian_blur(x, generator, sigma_range=(0.1, 2.0), p=0.5):
    """Blur each image, with probability ``p``, by a Gaussian of its own ``sigma ~ U(sigma_range)`` pixels.

    A separable kernel of radius ``ceil(3 · max sigma)`` (at most ``min(H, W) − 1``), reflected
    borders; the whole batch is one grouped convolution per axis. The "strong blur" of SSCD
    (chapter 11) is this function with a large range (sigma up to a tenth of the image size).

    Parameters
    ----------
    x : (N, 3, H, W) float tensor
    generator : torch.Generator
    sigma_range : (float, float), 0 < low <= high, in pixels
    p : float in [0, 1]

    Returns
    -------
    (N, 3, H, W) float tensor
    """
    lo, hi = _check_range(sigma_range, "sigma_range", 0.0, strict=True)
    x, chosen = _choose(x, generator, p)
    n, c, h, w = x.shape
    sigma = _uniform(n, lo, hi, generator, dtype=x.dtype)
    radius = min(int(math.ceil(3 * hi)), h - 1, w - 1)
    if radius < 1 or not bool(chosen.any()):
        return x
    t = torch.arange(-radius, radius + 1, dtype=x.dtype)
    k = torch.exp(-0.5 * (t[None, :] / sigma[:, None]) ** 2)
    k = (k / k.sum(dim=1, keepdim=True)).repeat_interleave(c, dim=0)       # (N·3, 2r+1)
    y = F.pad(x.reshape(1, n * c, h, w), (radius, radius, radius, radius), mode="reflect")
    y = F.conv2d(y, k.view(n * c, 1, 1, -1), groups=n * c)
    y = F.conv2d(y, k.view(n * c, 1, -1, 1), groups=n * c)
    return _where(chosen, y.view(n, c, h, w).clamp(x.min(), x.max()), x)


def _beta(n, alpha, generator, dtype):
    """``n`` draws of Beta(alpha, alpha), from a numpy generator seeded by ``generator`` (torch has no seeded Beta)."""
    import numpy as np

    seed = int(torch.randint(0, 2 ** 62, (1,), generator=generator))
    return torch.from_numpy(np.random.default_rng(seed).beta(alpha, alpha, size=n)).to(dtype)


def _partner(n, generator):
    return torch.randperm(n, generator=generator)


def mixup(x, generator, alpha):
    """Mixup inside a batch: ``x'_i = λ_i x_i + (1 − λ_i) x_{π(i)}``, ``λ_i ~ Beta(alpha, alpha)``.

    Parameters
    ----------
    x : (N, 3, H, W) float tensor
    generator : torch.Generator
    alpha : float > 0

    Returns
    -------
    mixed : (N, 3, H, W) float tensor
    partner : (N,) int64 tensor
        ``π``: a random permutation of the batch (an image may be its own partner).
    weight : (N,) float tensor
        ``λ``: the share of the image's own content.

    References
    ----------
    H. Zhang et al. mixup: Beyond empirical risk minimization. ICLR 2018.
    """
    x = _check_batch(x)
    _check_generator(generator)
    alpha = check_number(alpha, "alpha", minimum=0.0, strict_min=True)
    n = len(x)
    partner = _partner(n, generator)
    lam = _beta(n, alpha, generator, x.dtype)
    mixed = lam.view(-1, 1, 1, 1) * x + (1 - lam.view(-1, 1, 1, 1)) * x[partner]
    return mixed, partner, lam


def cutmix(x, generator, alpha):
    """CutMix inside a batch: paste a box of a partner image; the weight is the share left of the image.

    A box of area fraction ``1 − λ`` (``λ ~ Beta(alpha, alpha)``) and the image's aspect
    ratio, centred uniformly and clipped to the image, is copied from ``x[π(i)]``; the
    returned weight is recomputed from the clipped box: ``1 − box area / (H W)``.

    Parameters
    ----------
    x : (N, 3, H, W) float tensor
    generator : torch.Generator
    alpha : float > 0

    Returns
    -------
    mixed : (N, 3, H, W) float tensor
    partner : (N,) int64 tensor
    weight : (N,) float tensor in [0, 1]

    References
    ----------
    S. Yun et al. CutMix: Regularization strategy to train strong classifiers with localizable
    features. ICCV 2019.
    """
    x = _check_batch(x)
    _check_generator(generator)
    alpha = check_number(alpha, "alpha", minimum=0.0, strict_min=True)
    n, _, h, w = x.shape
    partner = _partner(n, generator)
    lam = _beta(n, alpha, generator, torch.float64)
    side = torch.sqrt(1 - lam)
    cy = torch.rand(n, generator=generator, dtype=torch.float64) * h
    cx = torch.rand(n, generator=generator, dtype=torch.float64) * w
    y0 = (cy - side * h / 2).round().clamp(0, h).long()
    y1 = (cy + side * h / 2).round().clamp(0, h).long()
    x0 = (cx - side * w / 2).round().clamp(0, w).long()
    x1 = (cx + side * w / 2).round().clamp(0, w).long()
    rows = torch.arange(h).view(1, h, 1)
    cols = torch.arange(w).view(1, 1, w)
    box = ((rows >= y0.view(-1, 1, 1)) & (rows < y1.view(-1, 1, 1))
           & (cols >= x0.view(-1, 1, 1)) & (cols < x1.view(-1, 1, 1)))          # (N, H, W)
    mixed = torch.where(box[:, None], x[partner], x)
    weight = 1 - box.flatten(1).sum(1).to(x.dtype) / (h * w)
    return mixed, partner, weight


def simclr_augment(x, generator, preset="all", size=None):
    """One random view of each image: the composed augmentations of a :data:`PRESETS` recipe.

    Order: random resized crop (if the preset crops, else a resize to ``size``), horizontal
    flip, colour jitter, random grayscale, Gaussian blur. Call it twice on the same batch for
    SimCLR's two views.

    Parameters
    ----------
    x : (N, 3, H, W) float tensor in [0, 1]
    generator : torch.Generator
    preset : str or dict
        A key of :data:`PRESETS` or a dict of the same form.
    size : int or (int, int), optional
        Output size (default the input's).

    Returns
    -------
    (N, 3, size_h, size_w) float tensor in [0, 1]

    References
    ----------
    T. Chen, S. Kornblith, M. Norouzi, G. Hinton. A simple framework for contrastive learning
    of visual representations. ICML 2020 (Appendix A: data augmentation details).
    """
    x = _check_batch(x)
    _check_generator(generator)
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {preset!r}")
        cfg = PRESETS[preset]
    elif isinstance(preset, dict):
        cfg = preset
    else:
        raise TypeError(f"preset must be a str or a dict, got {type(preset).__name__}")
    out_h, out_w = _size(size, x.shape[2], x.shape[3])
    if cfg.get("crop_scale") is not None:
        x = random_resized_crop(x, generator, (out_h, out_w), scale=tuple(cfg["crop_scale"]))
    elif (out_h, out_w) != tuple(x.shape[2:]):
        x = F.interpolate(x, size=(out_h, out_w), mode="bilinear", align_corners=False, antialias=True)
    x = horizontal_flip(x, generator, cfg.get("flip_p", 0.5))
    if cfg.get("color_p", 0) > 0:
        x = color_jitter(x, generator, p=cfg["color_p"], **cfg.get("color", {}))
    if cfg.get("grayscale_p", 0) > 0:
        x = random_grayscale(x, generator, cfg["grayscale_p"])
    if cfg.get("blur_p", 0) > 0:
        lo, hi = cfg.get("blur_sigma", (0.1, 2.0))
        if cfg.get("blur_sigma_max_fraction"):
            hi = max(lo, cfg["blur_sigma_max_fraction"] * min(out_h, out_w))
        x = gaussian_blur(x, generator, (lo, hi), cfg["blur_p"])
    return x
