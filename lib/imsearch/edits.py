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
:func:`random_edit` draw edited copies by name. New edits are added with the
:func:`register_edit` decorator.

The edits DISC2021 applies on top of these (Douze et al. 2021; the AugLy library of
Papakipos et al. 2022 implements them) are in a second registry, :data:`DISC_EDITS`,
which also holds the seven edits above: a text overlay (:func:`text_overlay`), an
emoji-like shape overlay (:func:`shape_overlay`), pasting into another photo
(:func:`paste_into`), collages and mixes of two photos (:func:`collage`,
:func:`mixup`, :func:`cutmix`) and a perspective warp (:func:`perspective`). They keep
to the same contract (same shape out as in; a second photo, when an edit needs one, is
an optional argument, replaced by a synthetic picture drawn from the seed when it is
not given). :func:`disc_edit` chains one to three of them, as the copy-detection
benchmark does. :data:`EDITS` keeps only the seven edits of chapter 3, so that
:func:`random_edit` and chapter 3's tables do not change; :func:`apply_edit` accepts the
names of both registries.

:func:`downscale` and :func:`random_crops` prepare image collections; they are not
edits and are not in the registries.
"""
from __future__ import annotations


from typing import Callable

import numpy as np

from ._util.validation import as_rng, check_array, check_image, check_int, check_number
from .image import to_gray, to_uint8

#: name -> edit function, in registration order (the seven edits of chapter 3).
EDITS: dict[str, Callable] = {}

#: name -> edit function of every DISC-style edit: the seven of :data:`EDITS`, then the
#: overlays, pasting, mixing and perspective edits (filled below).
DISC_EDITS: dict[str, Callable] = {}


def register_edit(name: str, disc_only: bool = False):
    """Decorator: add an edit function to :data:`EDITS` under ``name``.

    Parameters
    ----------
    name : str
        The edit's name, e.g. ``"jpeg"``; must not be registered already.
    disc_only : bool
        Register in :data:`DISC_EDITS` instead of :data:`EDITS` (the edits that only
        the copy-detection benchmark draws, see :func:`disc_edit`).

    Returns
    -------
    callable
        A decorator that registers ``func`` and returns it unchanged. ``func`` must
        accept ``(image, seed=...)`` with every other parameter optional.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    if not isinstance(disc_only, (bool, np.bool_)):
        raise TypeError(f"disc_only must be a bool, got {type(disc_only).__name__}")
    registry = DISC_EDITS if disc_only else EDITS

    def decorate(func):
        if not callable(func):
            raise TypeError(f"func must be callable, got {type(func).__name__}")
        for reg in (EDITS, DISC_EDITS):
            if name in reg and reg[name] is not func:
                raise ValueError(f"name {name!r} is already a registered edit")
        registry[name] = func
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


# ----------------------------------------------------------------------------- DISC-style edits
# Douze et al., "The 2021 Image Similarity Dataset and Challenge", arXiv 2106.09672: the
# queries of DISC2021 are photos edited with the AugLy library (Papakipos et al., "AugLy: Data
# Augmentations for Robustness", CVPR Workshops 2022): text and emoji overlays, pasting onto
# other photos, mixing two photos, perspective changes, on top of the classic edits above.

DISC_EDITS.update(EDITS)  # the seven classic edits come first, in their order

_FONTS = ("FONT_HERSHEY_SIMPLEX", "FONT_HERSHEY_DUPLEX", "FONT_HERSHEY_COMPLEX", "FONT_HERSHEY_TRIPLEX")
_TEXT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _check_color(color, name="color") -> tuple:
    if isinstance(color, (str, bytes)) or not hasattr(color, "__len__") or len(color) != 3:
        raise TypeError(f"{name} must be an (r, g, b) triple of ints in 0..255, got {color!r}")
    return tuple(check_int(c, f"{name}[{i}]", minimum=0, maximum=255) for i, c in enumerate(color))


def _check_point(point, name) -> tuple:
    if isinstance(point, (str, bytes)) or not hasattr(point, "__len__") or len(point) != 2:
        raise TypeError(f"{name} must be a pair (x, y) of ints, got {point!r}")
    return tuple(check_int(v, f"{name}[{i}]") for i, v in enumerate(point))


def _ink(color: tuple, gray: bool):
    """The colour as OpenCV wants it for an RGB image, or its BT.601 luma for a gray one."""
    if gray:
        return int(round(0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]))
    return tuple(int(c) for c in color)


def _resize_to(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize to (height, width): area averaging when shrinking both sides, bilinear otherwise."""
    if image.shape[:2] == (height, width):
        return image.copy()
    cv2 = _cv2()
    shrink = height <= image.shape[0] and width <= image.shape[1]
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def _match_channels(other: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Give ``other`` the channel layout of ``like`` (luma for gray, replicated gray for colour)."""
    if like.ndim == 2 and other.ndim == 3:
        return np.round(to_gray(other) * 255.0).astype(np.uint8)
    if like.ndim == 3 and other.ndim == 2:
        return np.repeat(other[:, :, None], 3, axis=2)
    return other


def _synthetic_photo(shape: tuple, rng: np.random.Generator) -> np.ndarray:
    """A smooth random colour field (a 4x4 grid of colours, bilinearly upsampled), uint8 of ``shape``."""
    cv2 = _cv2()
    h, w = shape[:2]
    channels = 1 if len(shape) == 2 else 3
    grid = rng.integers(0, 256, (4, 4, channels)).astype(np.float32)
    field = cv2.resize(grid, (w, h), interpolation=cv2.INTER_LINEAR)
    field = np.clip(np.round(field), 0, 255).astype(np.uint8)
    return field.reshape(shape)


def _other_image(other, like: np.ndarray, rng: np.random.Generator, name: str, size=None) -> np.ndarray:
    """The second photo of a two-photo edit, with the channels of ``like``, resized once to ``size``.

    ``size`` is ``(height, width)``, by default ``like``'s. A synthetic photo is drawn from
    ``rng`` when ``other`` is ``None``.
    """
    h, w = like.shape[:2] if size is None else size
    if other is None:
        return _synthetic_photo((h, w) + like.shape[2:], rng)
    other = _match_channels(_as_uint8_named(other, name), like)
    return _resize_to(other, h, w)


def _as_uint8_named(image, name) -> np.ndarray:
    return np.ascontiguousarray(to_uint8(check_image(image, name)))


@register_edit("text_overlay", disc_only=True)
def text_overlay(image, text=None, color=None, font_scale=None, thickness=None, position_px=None,
                 seed=None) -> np.ndarray:
    """Write a line of text over the image (OpenCV Hershey font, anti-aliased).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    text : str, optional
        Printable ASCII (Hershey fonts have no other glyphs). Random letters and digits,
        4 to 12 of them, when ``None``.
    color : (int, int, int), optional
        RGB colour in 0..255 (its BT.601 luma on a grayscale image). Random when ``None``.
    font_scale : float, optional
        OpenCV's font scale (> 0). When ``None``, chosen so that the text is 8–25 % of the
        image height (random fraction).
    thickness : int, optional
        Stroke width in pixels (>= 1). Random in 1..max(1, H // 40) when ``None``.
    position_px : (int, int), optional
        ``(x, y)`` of the top-left corner of the text's box (column, row). Random such that
        the box fits when it can.
    seed : int or numpy.random.Generator, optional
        Every random value is drawn in a fixed order (text, font, size, thickness, colour,
        position) and then replaced by the given ones, so fixing one keeps the others.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        Pixels outside the box ``[x - thickness - 1, x + w + thickness + 1] x
        [y - thickness - 1, y + h + baseline + thickness + 1]`` (``cv2.getTextSize``) are
        unchanged. Douze et al. 2021 (DISC2021), AugLy ``overlay_text``.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    h_img, w_img = img.shape[:2]
    drawn_text = "".join(rng.choice(list(_TEXT_ALPHABET), size=int(rng.integers(4, 13))))
    drawn_font = int(rng.integers(0, len(_FONTS)))
    drawn_height = rng.uniform(0.08, 0.25)
    drawn_thickness = int(rng.integers(1, max(1, h_img // 40) + 1))
    drawn_color = tuple(int(c) for c in rng.integers(0, 256, 3))
    drawn_u, drawn_v = rng.random(), rng.random()

    if text is None:
        text = drawn_text
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text or not all(32 <= ord(ch) < 127 for ch in text):
        raise ValueError(f"text must be a non-empty string of printable ASCII characters, got {text!r}")
    color = _check_color(drawn_color if color is None else color)
    thickness = check_int(drawn_thickness if thickness is None else thickness, "thickness", minimum=1)
    cv2 = _cv2()
    face = getattr(cv2, _FONTS[drawn_font])
    if font_scale is None:
        (_, unit_h), _ = cv2.getTextSize(text, face, 1.0, thickness)
        font_scale = max(0.1, drawn_height * h_img / max(unit_h, 1))
    font_scale = check_number(font_scale, "font_scale", minimum=0.0, strict_min=True)
    (tw, th), baseline = cv2.getTextSize(text, face, font_scale, thickness)
    if position_px is None:
        position_px = (int(round(drawn_u * max(0, w_img - tw))), int(round(drawn_v * max(0, h_img - th - baseline))))
    x, y = _check_point(position_px, "position_px")
    out = img.copy()
    cv2.putText(out, text, (x, y + th), face, font_scale, _ink(color, img.ndim == 2), thickness, cv2.LINE_AA)
    return out


@register_edit("shape_overlay", disc_only=True)
def shape_overlay(image, shape=None, center_px=None, radius_px=None, color=None, opacity=None,
                  n_vertices=None, seed=None) -> np.ndarray:
    """Draw one filled, semi-transparent shape (a disc or a polygon), like an emoji sticker.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    shape : {"circle", "polygon"}, optional
        Random when ``None``.
    center_px : (int, int), optional
        ``(x, y)`` centre in pixels (column, row). Random inside the image.
    radius_px : int, optional
        Radius of the disc, or of the polygon's circumscribed circle (>= 1). Random,
        8–30 % of the shorter side.
    color : (int, int, int), optional
        RGB in 0..255 (its luma on a grayscale image). Random.
    opacity : float, optional
        In [0, 1]: 1 paints the colour, 0 leaves the image. Random in [0.4, 1].
    n_vertices : int, optional
        Vertices of the regular polygon (>= 3), at a random rotation. Random in 3..8.
    seed : int or numpy.random.Generator, optional
        Every random value is drawn in a fixed order and then replaced by the given ones.

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        Inside the shape's mask (``cv2.circle`` / ``cv2.fillPoly``, no anti-aliasing),
        ``round((1 - opacity) * image + opacity * color)``; outside it, the image unchanged.
        AugLy ``overlay_emoji`` (Papakipos et al. 2022) pastes emoji images; the course draws
        shapes instead, so that nothing has to be downloaded.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    h, w = img.shape[:2]
    drawn_shape = ("circle", "polygon")[int(rng.integers(0, 2))]
    drawn_center = (int(rng.integers(0, w)), int(rng.integers(0, h)))
    drawn_radius = max(1, int(round(rng.uniform(0.08, 0.3) * min(h, w))))
    drawn_color = tuple(int(c) for c in rng.integers(0, 256, 3))
    drawn_opacity = rng.uniform(0.4, 1.0)
    drawn_vertices = int(rng.integers(3, 9))
    drawn_rotation = rng.uniform(0.0, 2.0 * np.pi)

    shape = drawn_shape if shape is None else shape
    if not isinstance(shape, str) or shape not in ("circle", "polygon"):
        raise ValueError(f"shape must be 'circle' or 'polygon', got {shape!r}")
    cx, cy = _check_point(drawn_center if center_px is None else center_px, "center_px")
    radius = check_int(drawn_radius if radius_px is None else radius_px, "radius_px", minimum=1)
    color = _check_color(drawn_color if color is None else color)
    alpha = check_number(drawn_opacity if opacity is None else opacity, "opacity", minimum=0.0, maximum=1.0)
    n = check_int(drawn_vertices if n_vertices is None else n_vertices, "n_vertices", minimum=3)
    cv2 = _cv2()
    mask = np.zeros((h, w), np.uint8)
    if shape == "circle":
        cv2.circle(mask, (cx, cy), radius, 1, thickness=-1, lineType=cv2.LINE_8)
    else:
        angles = drawn_rotation + 2.0 * np.pi * np.arange(n) / n
        pts = np.stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)], axis=1)
        cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 1, lineType=cv2.LINE_8)
    inside = mask.astype(bool)
    out = img.copy()
    paint = np.float64(_ink(color, img.ndim == 2)) if img.ndim == 2 else np.array(color, np.float64)
    out[inside] = np.round((1.0 - alpha) * img[inside] + alpha * paint).astype(np.uint8)
    return out


@register_edit("paste_into", disc_only=True)
def paste_into(image, background=None, scale=None, position_px=None, seed=None) -> np.ndarray:
    """Shrink the image and paste it onto another photo (the background), keeping the size.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    background : (H', W') or (H', W', 3) uint8 or float image, optional
        The photo to paste onto, resized to ``(H, W)`` first (its luma for a grayscale
        image). A synthetic smooth colour field drawn from the seed when ``None``.
    scale : float, optional
        Side of the pasted copy as a fraction of the image's, in (0, 1]: the copy is
        ``round(scale·H) × round(scale·W)`` (at least 1). Random in [0.3, 0.7].
    position_px : (int, int), optional
        ``(x, y)`` of the copy's top-left corner; the copy must fit inside the image.
        Random when ``None``.
    seed : int or numpy.random.Generator, optional

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        ``out[y:y+h, x:x+w]`` is the image resized to ``(h, w)`` (area averaging), the rest
        the resized background. DISC2021 / AugLy ``overlay_onto_background_image``.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    h, w = img.shape[:2]
    drawn_scale = rng.uniform(0.3, 0.7)
    drawn_u, drawn_v = rng.random(), rng.random()
    scale = check_number(drawn_scale if scale is None else scale, "scale", minimum=0.0, maximum=1.0,
                         strict_min=True)
    ph, pw = max(1, int(round(scale * h))), max(1, int(round(scale * w)))
    if position_px is None:
        position_px = (int(round(drawn_u * (w - pw))), int(round(drawn_v * (h - ph))))
    x, y = _check_point(position_px, "position_px")
    if not (0 <= x <= w - pw and 0 <= y <= h - ph):
        raise ValueError(f"position_px must keep the {ph}x{pw} copy inside the {h}x{w} image "
                         f"(0 <= x <= {w - pw}, 0 <= y <= {h - ph}), got {(x, y)}")
    out = _other_image(background, img, rng, "background")
    out[y:y + ph, x:x + pw] = _resize_to(img, ph, pw)
    return out


@register_edit("collage", disc_only=True)
def collage(image, other=None, layout=None, fraction=None, image_first=None, seed=None) -> np.ndarray:
    """Put the image and another photo side by side (or one above the other) in the image's frame.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    other : (H', W') or (H', W', 3) uint8 or float image, optional
        The second photo (synthetic when ``None``).
    layout : {"horizontal", "vertical"}, optional
        Side by side, or stacked. Random.
    fraction : float, optional
        Share of the width (horizontal) or height (vertical) given to the image, in
        (0, 1); rounded to at least one pixel for each photo. Random in [0.5, 0.75].
    image_first : bool, optional
        Whether the image is on the left (top). Random.
    seed : int or numpy.random.Generator, optional

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        With a horizontal layout and ``a = round(fraction·W)``: the image resized to
        ``(H, a)`` and ``other`` resized to ``(H, W - a)`` (the aspect ratios change).
        DISC2021's "merge two images side by side".
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    h, w = img.shape[:2]
    drawn_layout = ("horizontal", "vertical")[int(rng.integers(0, 2))]
    drawn_fraction = rng.uniform(0.5, 0.75)
    drawn_first = bool(rng.random() < 0.5)
    layout = drawn_layout if layout is None else layout
    if not isinstance(layout, str) or layout not in ("horizontal", "vertical"):
        raise ValueError(f"layout must be 'horizontal' or 'vertical', got {layout!r}")
    f = check_number(drawn_fraction if fraction is None else fraction, "fraction", minimum=0.0, maximum=1.0,
                     strict_min=True, strict_max=True)
    first = drawn_first if image_first is None else image_first
    if not isinstance(first, (bool, np.bool_)):
        raise TypeError(f"image_first must be a bool or None, got {type(first).__name__}")
    side = w if layout == "horizontal" else h
    if side < 2:
        raise ValueError(f"image must be at least 2 pixels {'wide' if layout == 'horizontal' else 'high'} "
                         f"for a {layout} collage, got shape {img.shape}")
    a = min(side - 1, max(1, int(round(f * side))))
    slot = (h, w - a) if layout == "horizontal" else (h - a, w)
    theirs = _other_image(other, img, rng, "other", size=slot)
    out = np.empty_like(img)
    if layout == "horizontal":
        mine = _resize_to(img, h, a)
        parts = (mine, theirs) if first else (theirs, mine)
        out[:, :parts[0].shape[1]] = parts[0]
        out[:, parts[0].shape[1]:] = parts[1]
    else:
        mine = _resize_to(img, a, w)
        parts = (mine, theirs) if first else (theirs, mine)
        out[:parts[0].shape[0]] = parts[0]
        out[parts[0].shape[0]:] = parts[1]
    return out


@register_edit("mixup", disc_only=True)
def mixup(image, other=None, alpha=None, seed=None) -> np.ndarray:
    """Blend another photo into the image: ``(1 - alpha)·image + alpha·other``.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    other : (H', W') or (H', W', 3) uint8 or float image, optional
        Resized to ``(H, W)``; synthetic when ``None``.
    alpha : float, optional
        Weight of ``other`` in [0, 1]. Random in [0.1, 0.45] (the image stays dominant).
    seed : int or numpy.random.Generator, optional

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        Rounded to the nearest level; ``alpha = 0`` returns the image. Zhang et al.,
        "mixup: Beyond Empirical Risk Minimization", ICLR 2018; used by SSCD's training.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    drawn_alpha = rng.uniform(0.1, 0.45)
    a = check_number(drawn_alpha if alpha is None else alpha, "alpha", minimum=0.0, maximum=1.0)
    second = _other_image(other, img, rng, "other")
    mixed = (1.0 - a) * img.astype(np.float64) + a * second.astype(np.float64)
    return np.clip(np.round(mixed), 0, 255).astype(np.uint8)


@register_edit("cutmix", disc_only=True)
def cutmix(image, other=None, fraction=None, position_px=None, seed=None) -> np.ndarray:
    """Replace a rectangle of the image by the same rectangle of another photo.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    other : (H', W') or (H', W', 3) uint8 or float image, optional
        Resized to ``(H, W)``; synthetic when ``None``.
    fraction : float, optional
        Side of the rectangle as a fraction of the image's, in (0, 1]: ``round(f·H) ×
        round(f·W)`` pixels. Random in [0.2, 0.5].
    position_px : (int, int), optional
        ``(x, y)`` of its top-left corner; it must fit inside the image. Random.
    seed : int or numpy.random.Generator, optional

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        Yun et al., "CutMix", ICCV 2019; the inverse of :func:`paste_into`.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    h, w = img.shape[:2]
    drawn_fraction = rng.uniform(0.2, 0.5)
    drawn_u, drawn_v = rng.random(), rng.random()
    f = check_number(drawn_fraction if fraction is None else fraction, "fraction", minimum=0.0, maximum=1.0,
                     strict_min=True)
    ch, cw = max(1, int(round(f * h))), max(1, int(round(f * w)))
    if position_px is None:
        position_px = (int(round(drawn_u * (w - cw))), int(round(drawn_v * (h - ch))))
    x, y = _check_point(position_px, "position_px")
    if not (0 <= x <= w - cw and 0 <= y <= h - ch):
        raise ValueError(f"position_px must keep the {ch}x{cw} rectangle inside the {h}x{w} image "
                         f"(0 <= x <= {w - cw}, 0 <= y <= {h - ch}), got {(x, y)}")
    second = _other_image(other, img, rng, "other")
    out = img.copy()
    out[y:y + ch, x:x + cw] = second[y:y + ch, x:x + cw]
    return out


def _corner_homography(height: int, width: int, offsets_px: np.ndarray) -> np.ndarray:
    """The homography taking the image's four corners to the corners moved by ``offsets_px``."""
    cv2 = _cv2()
    src = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float64)
    dst = src + offsets_px
    return cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))


@register_edit("perspective", disc_only=True)
def perspective(image, strength=None, offsets_px=None, seed=None) -> np.ndarray:
    """Warp the image by a random homography that moves its four corners (a change of viewpoint).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    strength : float, optional
        Largest corner displacement as a fraction of the image's sides, in [0, 0.5].
        Random in [0.05, 0.2]. Ignored when ``offsets_px`` is given.
    offsets_px : (4, 2) array_like of float, optional
        ``(dx, dy)`` displacement of the corners top-left, top-right, bottom-right,
        bottom-left, in pixels. Drawn uniformly in ``[-strength·W, strength·W] x
        [-strength·H, strength·H]`` when ``None``.
    seed : int or numpy.random.Generator, optional

    Returns
    -------
    (H, W) or (H, W, 3) uint8
        ``cv2.warpPerspective`` (bilinear) by the homography ``cv2.getPerspectiveTransform``
        finds from the corners to the moved corners; uncovered pixels are black. Zero
        offsets give the identity (the image, exactly). AugLy ``perspective_transform``.
    """
    img = _as_uint8(image)
    rng = as_rng(seed)
    h, w = img.shape[:2]
    drawn_strength = rng.uniform(0.05, 0.2)
    unit = rng.uniform(-1.0, 1.0, (4, 2))
    if offsets_px is None:
        s = check_number(drawn_strength if strength is None else strength, "strength", minimum=0.0, maximum=0.5)
        offsets_px = unit * s * np.array([w, h], np.float64)
    offsets = check_array(offsets_px, "offsets_px", shape=(4, 2), kinds="iuf").astype(np.float64)
    homography = _corner_homography(h, w, offsets)
    if not np.all(np.isfinite(homography)) or abs(np.linalg.det(homography)) < 1e-12:
        raise ValueError("offsets_px must move the corners to a non-degenerate quadrilateral")
    cv2 = _cv2()
    return cv2.warpPerspective(img, homography, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=0)


#: DISC edits that take a second photo, and the name of that argument.
SECOND_PHOTO_ARGUMENT = {"paste_into": "background", "collage": "other", "mixup": "other", "cutmix": "other"}


def disc_edit(image, seed=None, other_images=None, n_edits=None, names=None):
    """Chain one to three DISC-style edits, each with random parameters, as the copy-detection queries.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8, or float in [0, 1]
    seed : int or numpy.random.Generator, optional
        Chooses the number of edits, the edits, their order, their parameters and the
        second photos.
    other_images : sequence of images, optional
        Photos that :func:`paste_into`, :func:`collage`, :func:`mixup` and :func:`cutmix`
        draw their second photo from (one chosen at random for each such edit). When
        ``None`` they use a synthetic picture.
    n_edits : int, optional
        How many distinct edits to chain (1 <= n_edits <= len(names)). Random in 1..3.
    names : sequence of str, optional
        The edits to choose from (default: every edit of :data:`DISC_EDITS`).

    Returns
    -------
    edited : (H, W) or (H, W, 3) uint8
    applied : tuple of str
        The names of the edits, in the order they were applied.

    Notes
    -----
    The draws, in order: ``n_edits`` (when not given), the edits (without replacement),
    then for each edit a child seed and, for a two-photo edit with ``other_images``, the
    index of its second photo. Douze et al., "The 2021 Image Similarity Dataset and
    Challenge", arXiv 2106.09672.
    """
    img = _as_uint8(image)
    names = list(DISC_EDITS) if names is None else list(names)
    if not names:
        raise ValueError("names must not be empty")
    for name in names:
        _check_name(name)
    if other_images is not None:
        if isinstance(other_images, np.ndarray) and other_images.ndim in (2, 3) and other_images.dtype != object:
            raise TypeError("other_images must be a sequence of images, not a single image array")
        other_images = [_as_uint8_named(o, f"other_images[{i}]") for i, o in enumerate(other_images)]
        if not other_images:
            raise ValueError("other_images must not be empty (pass None for synthetic second photos)")
    rng = as_rng(seed)
    if n_edits is None:
        n_edits = int(rng.integers(1, min(3, len(names)) + 1))
    n_edits = check_int(n_edits, "n_edits", minimum=1, maximum=len(names))
    chosen = [names[i] for i in rng.choice(len(names), size=n_edits, replace=False)]
    out = img
    for name in chosen:
        child = int(rng.integers(0, 2 ** 31 - 1))
        params = {}
        if name in SECOND_PHOTO_ARGUMENT and other_images is not None:
            params[SECOND_PHOTO_ARGUMENT[name]] = other_images[int(rng.integers(0, len(other_images)))]
        out = _check_name(name)(out, seed=child, **params)
    return out, tuple(chosen)


# ----------------------------------------------------------------------------- by name

def _check_name(name) -> Callable:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name in EDITS:
        return EDITS[name]
    if name in DISC_EDITS:
        return DISC_EDITS[name]
    known = list(EDITS) + [n for n in DISC_EDITS if n not in EDITS]
    raise ValueError(f"name must be one of {', '.join(known)}; got {name!r}")


def apply_edit(name, image, seed=None, **params) -> np.ndarray:
    """Apply the edit called ``name``, drawing every parameter not given from ``seed``.

    Parameters
    ----------
    name : str
        A key of :data:`EDITS` or :data:`DISC_EDITS`, e.g. ``"jpeg"`` or ``"text_overlay"``.
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
        The edits to choose from (default: every edit of :data:`EDITS`, the seven of
        chapter 3; names of :data:`DISC_EDITS` may be given too).
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
