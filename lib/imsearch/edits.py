"""Image edits: the transformations that turn a photo into an edited copy of itself.

Chapter 3 measures how pixel and colour-histogram comparisons survive these edits;
later chapters reuse them to build a copy-detection benchmark in the style of
DISC2021 (Douze et al., "The 2021 Image Similarity Dataset and Challenge", 2021).

Every edit is a plain function ``edit(image, <parameters>, seed=None) -> image``:

* ``image`` is ``(H, W, 3)`` RGB or ``(H, W)`` grayscale, ``uint8`` or float in
  ``[0, 1]`` (floats are rounded to ``uint8`` first);
* the result is ``uint8`` with the same shape as the input;
* a parameter left at ``None`` is drawn at random from ``as_rng(seed)``, so an edit
  called with only a seed is a reproducible random edit, and ``seed=None`` means
  seed 0 (the course prints the same numbers on every run).

:data:`EDITS` maps each edit's name to its function; :func:`apply_edit` and
:func:`random_edit` draw edited copies by name. New edits (overlays, pasting,
collages, perspective...) are added with the :func:`register_edit` decorator.
:func:`downscale` and :func:`random_crops` prepare image collections; they are not
edits and are not in the registry.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ._validation import as_rng, check_image, check_int, check_number
from .image import to_uint8

__all__ = [
    "EDITS", "register_edit", "apply_edit", "random_edit",
    "gaussian_noise", "crop_and_scale", "jpeg", "rotate", "flip", "color_jitter", "blur",
    "downscale", "random_crops",
]

#: name -> edit function, in registration order.
EDITS: dict[str, Callable] = {}


def register_edit(name: str):
    """Decorator: add an edit function to :data:`EDITS` under ``name``.

    Parameters
    ----------
    name : str
        The edit's name, e.g. ``"jpeg"``; must not be registered already.

    Returns
    -------
    callable
        A decorator that registers ``func`` and returns it unchanged. ``func`` must
        accept ``(image, seed=...)`` with every other parameter optional.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")

    def decorate(func):
        if not callable(func):
            raise TypeError(f"func must be callable, got {type(func).__name__}")
        if name in EDITS and EDITS[name] is not func:
            raise ValueError(f"name {name!r} is already a registered edit")
        EDITS[name] = func
        return func
    return decorate


def _as_uint8(image) -> np.ndarray:
    return np.ascontiguousarray(to_uint8(check_image(image, "image")))


def _cv2():
    import cv2  # heavy import kept out of `import imsearch`
    return cv2


# ----------------------------------------------------------------------------- edits

@register_edit("gaussian_noise")
def gaussian_noise(image, sigma=None, seed=None) -> np.ndarray:
    """Add white Gaussian noise of standard deviation ``sigma`` gray levels, then round and clip.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    sigma : float, optional
        Standard deviation in gray levels of the 0..255 scale (>= 0). Drawn
        uniformly in [5, 40] when ``None``.
    seed : int or numpy.random.Generator, optional
        Source of the parameter and of the noise.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        ``clip(round(image + N(0, sigma²)), 0, 255)``, independently per pixel and channel.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    if sigma is None:
        sigma = rng.uniform(5.0, 40.0)
    sigma = check_number(sigma, "sigma", minimum=0.0)
    noisy = img + rng.normal(0.0, sigma, img.shape)
    return np.clip(np.round(noisy), 0, 255).astype(np.uint8)


@register_edit("crop_and_scale")
def crop_and_scale(image, crop_fraction=None, seed=None) -> np.ndarray:
    """Crop a random window and resize it back to the original size (bilinear).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    crop_fraction : float, optional
        Side of the crop as a fraction of the image side, in (0, 1]; the crop is
        ``round(f·H) × round(f·W)`` pixels at a random position. Drawn uniformly in
        [0.5, 0.9] when ``None``. ``1`` returns the image unchanged.
    seed : int or numpy.random.Generator, optional
        Source of the fraction and of the crop position.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    if crop_fraction is None:
        crop_fraction = rng.uniform(0.5, 0.9)
    f = check_number(crop_fraction, "crop_fraction", minimum=0.0, maximum=1.0, strict_min=True)
    h, w = img.shape[:2]
    ch, cw = max(1, int(round(f * h))), max(1, int(round(f * w)))
    y0 = int(rng.integers(0, h - ch + 1))
    x0 = int(rng.integers(0, w - cw + 1))
    crop = np.ascontiguousarray(img[y0:y0 + ch, x0:x0 + cw])
    if (ch, cw) == (h, w):
        return crop.copy()
    cv2 = _cv2()
    return cv2.resize(crop, (w, h), interpolation=cv2.INTER_LINEAR)


@register_edit("jpeg")
def jpeg(image, quality=None, seed=None) -> np.ndarray:
    """Compress with JPEG at ``quality`` (OpenCV's libjpeg encoder) and decode again.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    quality : int, optional
        JPEG quality factor, 1 (worst) to 100 (best). Drawn uniformly in 5..50 when ``None``.
    seed : int or numpy.random.Generator, optional
        Source of the quality when it is not given.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        The decoded image (4:2:0 chroma subsampling for color, OpenCV's default).
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    if quality is None:
        quality = int(rng.integers(5, 51))
    quality = check_int(quality, "quality", minimum=1, maximum=100)
    cv2 = _cv2()
    src = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - libjpeg does not fail on a valid uint8 image
        raise RuntimeError("OpenCV could not encode the image as JPEG")
    if img.ndim == 2:
        return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


@register_edit("rotate")
def rotate(image, degrees=None, seed=None) -> np.ndarray:
    """Rotate about the image centre, keeping the size; uncovered corners become black.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    degrees : float, optional
        Angle, counter-clockwise as displayed. Drawn with a magnitude uniform in
        [5, 45] and a random sign when ``None``.
    seed : int or numpy.random.Generator, optional
        Source of the angle when it is not given.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        Bilinear interpolation; a multiple of 360 degrees returns the image.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    if degrees is None:
        degrees = rng.uniform(5.0, 45.0) * rng.choice([-1.0, 1.0])
    degrees = check_number(degrees, "degrees")
    h, w = img.shape[:2]
    cv2 = _cv2()
    m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


@register_edit("flip")
def flip(image, horizontal=True, seed=None) -> np.ndarray:
    """Mirror the image left–right (``horizontal=True``) or upside down.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    horizontal : bool or None
        ``True`` mirrors columns (left–right), ``False`` rows (top–bottom); ``None``
        draws the direction at random.
    seed : int or numpy.random.Generator, optional
        Used only when ``horizontal`` is ``None``.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    if horizontal is None:
        horizontal = bool(rng.random() < 0.5)
    if not isinstance(horizontal, (bool, np.bool_)):
        raise TypeError(f"horizontal must be a bool or None, got {type(horizontal).__name__}")
    return np.ascontiguousarray(img[:, ::-1] if horizontal else img[::-1])


def _luma(x: np.ndarray) -> np.ndarray:
    return x @ np.array([0.299, 0.587, 0.114]) if x.ndim == 3 else x


@register_edit("color_jitter")
def color_jitter(image, brightness=None, contrast=None, saturation=None, hue=None, seed=None) -> np.ndarray:
    """Change brightness, contrast, saturation and hue, in that order, clipping to [0, 1] after each step.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    brightness : float, optional
        Factor >= 0 multiplying every value (1 = unchanged). Random in [0.6, 1.4].
    contrast : float, optional
        Factor >= 0 scaling the deviation from the image's mean luma (BT.601).
        Random in [0.6, 1.4].
    saturation : float, optional
        Factor >= 0 scaling each pixel's deviation from its own luma (0 = gray).
        Random in [0.4, 1.6]. No effect on a grayscale image.
    hue : float, optional
        Hue shift as a fraction of the colour circle, in [-0.5, 0.5]. Random in
        [-0.1, 0.1]. No effect on a grayscale image.
    seed : int or numpy.random.Generator, optional
        The four random values are always drawn in this order and then replaced by
        the given ones, so fixing one parameter does not change the others.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        All factors 1 and ``hue=0`` return the image unchanged.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    drawn = (rng.uniform(0.6, 1.4), rng.uniform(0.6, 1.4), rng.uniform(0.4, 1.6), rng.uniform(-0.1, 0.1))
    b = check_number(drawn[0] if brightness is None else brightness, "brightness", minimum=0.0)
    c = check_number(drawn[1] if contrast is None else contrast, "contrast", minimum=0.0)
    s = check_number(drawn[2] if saturation is None else saturation, "saturation", minimum=0.0)
    h = check_number(drawn[3] if hue is None else hue, "hue", minimum=-0.5, maximum=0.5)
    x = img.astype(np.float64) / 255.0
    x = np.clip(x * b, 0.0, 1.0)
    mean = _luma(x).mean()
    x = np.clip((x - mean) * c + mean, 0.0, 1.0)
    if x.ndim == 3:
        gray = _luma(x)[..., None]
        x = np.clip(gray + s * (x - gray), 0.0, 1.0)
        if h != 0.0:
            cv2 = _cv2()
            hsv = cv2.cvtColor(x.astype(np.float32), cv2.COLOR_RGB2HSV)  # H in degrees [0, 360)
            hsv[..., 0] = np.mod(hsv[..., 0] + 360.0 * h, 360.0)
            x = np.clip(cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB).astype(np.float64), 0.0, 1.0)
    return np.round(x * 255.0).astype(np.uint8)


@register_edit("blur")
def blur(image, sigma_px=None, seed=None) -> np.ndarray:
    """Gaussian blur of standard deviation ``sigma_px`` pixels (OpenCV, mirrored borders).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    sigma_px : float, optional
        Standard deviation in pixels (>= 0; 0 returns the image). Drawn uniformly in
        [0.5, 3] when ``None``.
    seed : int or numpy.random.Generator, optional
        Source of ``sigma_px`` when it is not given.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        The kernel is truncated at 3 sigma (OpenCV's choice for 8-bit images).
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    if sigma_px is None:
        sigma_px = rng.uniform(0.5, 3.0)
    sigma_px = check_number(sigma_px, "sigma_px", minimum=0.0)
    if sigma_px == 0.0:
        return img.copy()
    cv2 = _cv2()
    return cv2.GaussianBlur(img, (0, 0), sigmaX=sigma_px, sigmaY=sigma_px, borderType=cv2.BORDER_REFLECT_101)


# ----------------------------------------------------------------------------- by name

def _check_name(name) -> Callable:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name not in EDITS:
        raise ValueError(f"name must be one of {', '.join(EDITS)}; got {name!r}")
    return EDITS[name]


def apply_edit(name, image, seed=None, **params) -> np.ndarray:
    """Apply the edit called ``name``, drawing every parameter not given from ``seed``.

    Parameters
    ----------
    name : str
        A key of :data:`EDITS`, e.g. ``"jpeg"``.
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    seed : int or numpy.random.Generator, optional
    **params
        Parameters passed on to the edit (e.g. ``quality=5``).

    Returns
    -------
    (H, W) or (H, W, 3) uint8
    """
    return _check_name(name)(image, seed=seed, **params)


def random_edit(image, seed=None, names=None, n_edits=1):
    """Apply ``n_edits`` distinct edits chosen at random, each with random parameters.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    seed : int or numpy.random.Generator, optional
        Chooses the edits, their order and their parameters.
    names : sequence of str, optional
        The edits to choose from (default: every registered edit).
    n_edits : int
        How many different edits to chain (1 <= n_edits <= len(names)).

    Returns
    -------
    edited : (H, W) or (H, W, 3) uint8
    applied : tuple of str
        The names of the edits, in the order they were applied.
    """
    names = list(EDITS) if names is None else list(names)
    if not names:
        raise ValueError("names must not be empty")
    for name in names:
        _check_name(name)
    n_edits = check_int(n_edits, "n_edits", minimum=1, maximum=len(names))
    rng = as_rng(seed)
    chosen = [names[i] for i in rng.choice(len(names), size=n_edits, replace=False)]
    out = _as_uint8(image)
    for name in chosen:
        out = EDITS[name](out, seed=int(rng.integers(0, 2 ** 31 - 1)))
    return out, tuple(chosen)


# ----------------------------------------------------------------------------- collections

def downscale(image, max_side=128) -> np.ndarray:
    """Shrink an image so that its longer side is at most ``max_side`` pixels (area averaging).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    max_side : int
        Longest side of the result (>= 1); smaller images are returned unchanged
        (never upscaled). The aspect ratio is kept (sides rounded, at least 1).

    Returns
    -------
    (h, w) or (h, w, 3) uint8
    """
    img = _as_uint8(image)
    max_side = check_int(max_side, "max_side", minimum=1)
    h, w = img.shape[:2]
    if max(h, w) <= max_side:
        return img.copy()
    s = max_side / max(h, w)
    size = (max(1, int(round(w * s))), max(1, int(round(h * s))))
    cv2 = _cv2()
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def random_crops(images, n, crop_fraction=(0.3, 0.6), max_side=128, seed=None) -> list:
    """Cut ``n`` random windows out of a few photos: a stand-in collection when no dataset is available.

    Parameters
    ----------
    images : sequence of (H, W) or (H, W, 3) uint8 images, at least one
    n : int
        Number of crops (>= 1).
    crop_fraction : (float, float)
        Range of the crop side as a fraction of the source's sides, within (0, 1].
    max_side : int
        Each crop is downscaled so that its longer side is at most ``max_side``.
    seed : int or numpy.random.Generator, optional
        Chooses the source photo, the fraction and the position of each crop.

    Returns
    -------
    list of n uint8 images
        Crops of the same photo overlap or look alike without being copies of
        each other, which makes the collection harder than independent photos.
    """
    images = [_as_uint8(im) for im in images]
    if not images:
        raise ValueError("images must not be empty")
    n = check_int(n, "n", minimum=1)
    if not (isinstance(crop_fraction, (tuple, list)) and len(crop_fraction) == 2):
        raise ValueError(f"crop_fraction must be a pair (low, high), got {crop_fraction!r}")
    lo = check_number(crop_fraction[0], "crop_fraction[0]", minimum=0.0, maximum=1.0, strict_min=True)
    hi = check_number(crop_fraction[1], "crop_fraction[1]", minimum=lo, maximum=1.0)
    rng = as_rng(seed)
    out = []
    for _ in range(n):
        src = images[int(rng.integers(0, len(images)))]
        f = rng.uniform(lo, hi)
        h, w = src.shape[:2]
        ch, cw = max(1, int(round(f * h))), max(1, int(round(f * w)))
        y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        out.append(downscale(src[y0:y0 + ch, x0:x0 + cw], max_side))
    return out
