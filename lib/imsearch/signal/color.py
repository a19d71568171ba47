"""Color: how a camera samples it, and the color spaces images are stored and compared in.

Chapter 2. A sensor sees one color per pixel through a Bayer color filter array
(:func:`bayer_mosaic`), and the two missing colors are interpolated
(:func:`demosaic_bilinear`, :func:`demosaic_opencv`). The RGB values are then
re-expressed in spaces made for a purpose:

* HSV (:func:`rgb_to_hsv`), the hue/saturation/value of color pickers;
* YUV of ITU-R BT.601 (:func:`rgb_to_yuv`), which separates luma from chroma so that
  compression can store chroma at a lower resolution (:func:`chroma_subsample`);
* CMYK (:func:`rgb_to_cmyk`), the subtractive inks of printing;
* CIELAB (:func:`rgb_to_lab`), built so that Euclidean distances (:func:`delta_e76`)
  follow perceived color differences.

Conventions: an RGB color is an array whose last axis has length 3, either ``uint8``
(0..255) or float in ``[0, 1]`` (gamma-encoded sRGB, as stored in image files). Every
conversion returns float64.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import as_rng, check_array, check_image, check_int, check_number

# ----------------------------------------------------------------------------- helpers


def _check_rgb(rgb, name: str = "rgb") -> np.ndarray:
    """Return an array of RGB colors ``(..., 3)`` as float64 in [0, 1] (uint8 is divided by 255)."""
    arr = check_array(rgb, name, kinds="biuf")
    if arr.dtype != np.uint8 and arr.dtype.kind != "f":
        raise TypeError(f"{name} must be uint8 or float in [0, 1], got dtype {arr.dtype}")
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(f"{name} must have shape (..., 3), got {arr.shape}")
    if arr.dtype == np.uint8:
        return arr.astype(np.float64) / 255.0
    if arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(f"{name} is float, so its values must lie in [0, 1], "
                         f"got [{arr.min():.4g}, {arr.max():.4g}]")
    return arr.astype(np.float64, copy=False)


def _check_triples(x, name: str) -> np.ndarray:
    """Return a finite float64 array of shape ``(..., 3)`` (no range check)."""
    arr = check_array(x, name, kinds="iuf")
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(f"{name} must have shape (..., 3), got {arr.shape}")
    return arr.astype(np.float64, copy=False)


def _like_input(out: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Float ``out`` in [0, 1] back to ``like``'s convention (rounded uint8, or float)."""
    out = np.clip(out, 0.0, 1.0)
    if like.dtype == np.uint8:
        return np.round(out * 255.0).astype(np.uint8)
    return out


# ----------------------------------------------------------------------------- Bayer

#: The four Bayer layouts, named by the colors of the 2×2 tile read row by row
#: (top-left, top-right, bottom-left, bottom-right).
BAYER_PATTERNS = ("RGGB", "BGGR", "GRBG", "GBRG")

# OpenCV names a Bayer layout by the second and third pixels of its SECOND row, so our
# RGGB (second row G B G B ...) is OpenCV's "BG". tests/test_color.py checks this mapping
# empirically (each constant reproduces a photo from our mosaic of that layout).
_OPENCV_BAYER = {"RGGB": "BG", "BGGR": "RG", "GRBG": "GB", "GBRG": "GR"}


def _check_pattern(pattern) -> str:
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be a str such as 'RGGB', got {type(pattern).__name__}")
    if pattern.upper() not in BAYER_PATTERNS:
        raise ValueError(f"pattern must be one of {', '.join(BAYER_PATTERNS)}, got {pattern!r}")
    return pattern.upper()


def _masks(shape, pattern: str) -> np.ndarray:
    h, w = shape
    masks = np.zeros((h, w, 3), dtype=bool)
    for (dy, dx), letter in zip(((0, 0), (0, 1), (1, 0), (1, 1)), pattern):
        masks[dy::2, dx::2, "RGB".index(letter)] = True
    return masks


def bayer_masks(shape, pattern: str = "RGGB") -> np.ndarray:
    """Which color each photosite of a Bayer sensor records.

    Parameters
    ----------
    shape : tuple (H, W) of int >= 1
        Size of the sensor in pixels.
    pattern : {"RGGB", "BGGR", "GRBG", "GBRG"}
        The 2×2 tile of color filters read row by row; half of the sites are green,
        as in Bayer's patent (Bayer 1976).

    Returns
    -------
    (H, W, 3) bool array
        ``masks[y, x, c]`` is True when site ``(y, x)`` records channel ``c`` (R, G, B);
        exactly one channel is True per site.
    """
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValueError(f"shape must be a tuple (H, W), got {shape!r}")
    h = check_int(shape[0], "shape[0]", minimum=1)
    w = check_int(shape[1], "shape[1]", minimum=1)
    return _masks((h, w), _check_pattern(pattern))


def _bayer_mosaic(image: np.ndarray, pattern: str) -> np.ndarray:
    masks = _masks(image.shape[:2], pattern)
    return np.sum(np.where(masks, image, 0), axis=2).astype(image.dtype)


def bayer_mosaic(image, pattern: str = "RGGB") -> np.ndarray:
    """Simulate a Bayer sensor: keep, at each pixel, only the channel its color filter passes.

    Parameters
    ----------
    image : (H, W, 3) uint8 or float [0, 1] array
        An RGB image (the scene as a full-color camera would see it).
    pattern : {"RGGB", "BGGR", "GRBG", "GBRG"}
        The 2×2 filter tile read row by row. For "RGGB", even rows alternate R, G and
        odd rows alternate G, B, starting with the top-left pixel (Bayer 1976).

    Returns
    -------
    (H, W) array of the image's dtype
        The raw mosaic: one sample per pixel.
    """
    image = check_image(image, "image", gray=False)
    return _bayer_mosaic(np.asarray(image), _check_pattern(pattern))


def bayer_colorize(mosaic, pattern: str = "RGGB") -> np.ndarray:
    """Show a raw mosaic in color: each pixel keeps its sample in its own channel, others 0.

    Parameters
    ----------
    mosaic : (H, W) uint8 or float [0, 1] array
    pattern : {"RGGB", "BGGR", "GRBG", "GBRG"}

    Returns
    -------
    (H, W, 3) array of the mosaic's dtype
    """
    mosaic = np.asarray(check_image(mosaic, "mosaic", color=False))
    masks = _masks(mosaic.shape, _check_pattern(pattern))
    return np.where(masks, mosaic[..., None], 0).astype(mosaic.dtype)


def _filter3x3(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Correlate a 2-D array with a 3×3 kernel, zero outside the image."""
    p = np.pad(x, 1)
    h, w = x.shape
    out = np.zeros_like(x, dtype=np.float64)
    for dy in range(3):
        for dx in range(3):
            if kernel[dy, dx]:
                out += kernel[dy, dx] * p[dy:dy + h, dx:dx + w]
    return out


_K_RB = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
_K_G = np.array([[0.0, 1.0, 0.0], [1.0, 4.0, 1.0], [0.0, 1.0, 0.0]])


def demosaic_bilinear(mosaic, pattern: str = "RGGB") -> np.ndarray:
    """Bilinear demosaicing by normalised convolution, one channel at a time.

    For each channel, the known samples (zero elsewhere) and their indicator mask are
    filtered with the same small kernel, and the first is divided by the second: a
    weighted average of the nearest samples of that channel. Red and blue use the
    separable tent ``[1 2 1]ᵀ[1 2 1]`` (a missing value is the mean of its 2 or 4
    nearest samples); green uses the cross ``[[0 1 0], [1 4 1], [0 1 0]]`` (the mean of
    its 4 neighbours). Known samples are kept unchanged, linear ramps are reproduced
    exactly away from the border, and at the border only the available samples are
    averaged.

    Parameters
    ----------
    mosaic : (H, W) uint8 or float [0, 1] array, H, W >= 2
        A raw Bayer mosaic, as returned by :func:`bayer_mosaic`.
    pattern : {"RGGB", "BGGR", "GRBG", "GBRG"}

    Returns
    -------
    (H, W, 3) array of the mosaic's dtype (uint8 rounded to the nearest level)
    """
    mosaic = np.asarray(check_image(mosaic, "mosaic", color=False))
    if mosaic.shape[0] < 2 or mosaic.shape[1] < 2:
        raise ValueError(f"mosaic must be at least 2×2 to hold every color, got {mosaic.shape}")
    masks = _masks(mosaic.shape, _check_pattern(pattern))
    x = mosaic.astype(np.float64) / (255.0 if mosaic.dtype == np.uint8 else 1.0)
    out = np.empty(mosaic.shape + (3,))
    for c, kernel in enumerate((_K_RB, _K_G, _K_RB)):
        m = masks[..., c].astype(np.float64)
        out[..., c] = _filter3x3(x * m, kernel) / _filter3x3(m, kernel)
    return _like_input(out, mosaic)


def demosaic_opencv(mosaic, pattern: str = "RGGB", method: str = "bilinear") -> np.ndarray:
    """Demosaic with OpenCV's ``cvtColor`` (bilinear, edge-aware or VNG).

    Parameters
    ----------
    mosaic : (H, W) uint8 array, H, W >= 2
    pattern : {"RGGB", "BGGR", "GRBG", "GBRG"}
        Our name of the layout; OpenCV names the same layouts after the second row
        (our "RGGB" is ``cv2.COLOR_BayerBG2RGB``).
    method : {"bilinear", "ea", "vng"}
        "bilinear": ``COLOR_Bayer..2RGB``; "ea": edge-aware ``COLOR_Bayer..2RGB_EA``;
        "vng": variable number of gradients ``COLOR_Bayer..2RGB_VNG``.

    Returns
    -------
    (H, W, 3) uint8 array, RGB
    """
    import cv2

    mosaic = np.asarray(check_image(mosaic, "mosaic", color=False))
    if mosaic.dtype != np.uint8:
        raise TypeError(f"mosaic must be uint8 for OpenCV's demosaicing, got {mosaic.dtype}")
    if mosaic.shape[0] < 2 or mosaic.shape[1] < 2:
        raise ValueError(f"mosaic must be at least 2×2 to hold every color, got {mosaic.shape}")
    suffix = {"bilinear": "", "ea": "_EA", "vng": "_VNG"}
    if not isinstance(method, str) or method.lower() not in suffix:
        raise ValueError(f"method must be one of {', '.join(suffix)}, got {method!r}")
    code = getattr(cv2, f"COLOR_Bayer{_OPENCV_BAYER[_check_pattern(pattern)]}2RGB{suffix[method.lower()]}")
    return cv2.cvtColor(np.ascontiguousarray(mosaic), code)


def psnr_interior(reference, image, border_px: int = 4) -> float:
    """PSNR in dB between two images after cropping ``border_px`` pixels on every side.

    Demosaicing methods treat the image border each in their own way; cropping it
    compares them on what they share.

    Parameters
    ----------
    reference, image : (H, W) or (H, W, 3) arrays of the same shape and dtype kind
    border_px : int >= 0
        Pixels removed from each side; the crop must leave at least one pixel.

    Returns
    -------
    float
        :func:`imsearch.signal.psnr` of the crops (255 peak for integers, 1 for floats).
    """
    from .distortion import psnr

    reference = np.asarray(check_image(reference, "reference"))
    image = np.asarray(check_image(image, "image"))
    if reference.shape != image.shape:
        raise ValueError(f"reference and image must have the same shape, got {reference.shape} and {image.shape}")
    b = check_int(border_px, "border_px", minimum=0)
    h, w = reference.shape[:2]
    if 2 * b >= h or 2 * b >= w:
        raise ValueError(f"border_px must leave at least one pixel of a {h}×{w} image, got {b}")
    return psnr(reference[b:h - b, b:w - b], image[b:h - b, b:w - b])


# ----------------------------------------------------------------------------- HSV


def rgb_to_hsv(rgb) -> np.ndarray:
    """Hue, saturation and value of RGB colors (the hexcone model of Smith 1978).

    ``V = max(R, G, B)``, ``S = (V - min) / V`` (0 for black) and the hue is the angle
    around the hexagon, as a fraction of a full turn: 0 red, 1/6 yellow, 1/3 green,
    1/2 cyan, 2/3 blue, 5/6 magenta; 0 for grays.

    Parameters
    ----------
    rgb : (..., 3) uint8 or float [0, 1] array

    Returns
    -------
    (..., 3) float64 array
        H in [0, 1), S and V in [0, 1] (same convention as ``skimage.color.rgb2hsv`` and
        ``matplotlib.colors.rgb_to_hsv``; multiply H by 360 for degrees).
    """
    x = _check_rgb(rgb)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    v = x.max(axis=-1)
    c = v - x.min(axis=-1)
    safe_c = np.where(c > 0, c, 1.0)
    s = np.where(v > 0, c / np.where(v > 0, v, 1.0), 0.0)
    h = np.where(v == r, np.mod((g - b) / safe_c, 6.0),
                 np.where(v == g, (b - r) / safe_c + 2.0, (r - g) / safe_c + 4.0))
    h = np.where(c > 0, h / 6.0, 0.0)
    h = np.where(h >= 1.0, 0.0, h)
    return np.stack([h, s, v], axis=-1)


def hsv_to_rgb(hsv) -> np.ndarray:
    """RGB colors from hue, saturation and value (inverse of :func:`rgb_to_hsv`).

    Parameters
    ----------
    hsv : (..., 3) float array
        H in [0, 1] (a fraction of a turn; 1 is red again), S and V in [0, 1].

    Returns
    -------
    (..., 3) float64 array in [0, 1]
    """
    x = _check_triples(hsv, "hsv")
    if x.min() < 0.0 or x.max() > 1.0:
        raise ValueError(f"hsv values must lie in [0, 1], got [{x.min():.4g}, {x.max():.4g}]")
    h, s, v = x[..., 0], x[..., 1], x[..., 2]
    h6 = np.mod(h, 1.0) * 6.0
    i = np.floor(h6).astype(int) % 6
    f = h6 - np.floor(h6)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    sectors = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = np.empty(x.shape)
    for c in range(3):
        out[..., c] = np.choose(i, [sec[c] for sec in sectors])
    return out


# ----------------------------------------------------------------------------- YUV (BT.601)

_KR, _KB = 0.299, 0.114
_KG = 1.0 - _KR - _KB
#: RGB -> YUV of ITU-R BT.601: Y = 0.299 R + 0.587 G + 0.114 B, U = (B - Y) / 1.772,
#: V = (R - Y) / 1.402 (the colour-difference signals scaled to [-0.5, 0.5]; BT.601
#: calls them Pb and Pr, JPEG stores them as Cb and Cr offset by 128/255).
YUV_FROM_RGB = np.array([
    [_KR, _KG, _KB],
    [-_KR / (2 * (1 - _KB)), -_KG / (2 * (1 - _KB)), 0.5],
    [0.5, -_KG / (2 * (1 - _KR)), -_KB / (2 * (1 - _KR))],
])
#: YUV -> RGB, the exact inverse of :data:`YUV_FROM_RGB`.
RGB_FROM_YUV = np.array([
    [1.0, 0.0, 2 * (1 - _KR)],
    [1.0, -2 * (1 - _KB) * _KB / _KG, -2 * (1 - _KR) * _KR / _KG],
    [1.0, 2 * (1 - _KB), 0.0],
])


def _rgb_to_yuv(x: np.ndarray) -> np.ndarray:
    return x @ YUV_FROM_RGB.T


def rgb_to_yuv(rgb) -> np.ndarray:
    """Luma and two chroma (colour-difference) signals of ITU-R BT.601.

    With gamma-encoded R, G, B in [0, 1]::

        Y =  0.299    R + 0.587    G + 0.114    B
        U = -0.168736 R - 0.331264 G + 0.5      B     = (B - Y) / 1.772
        V =  0.5      R - 0.418688 G - 0.081312 B     = (R - Y) / 1.402

    (coefficients rounded here; :data:`YUV_FROM_RGB` holds the exact ones). The
    analogue PAL "YUV" scales the same differences B - Y and R - Y by 0.492 and 0.877
    instead; the BT.601 scaling used here is the one JPEG and MPEG store.

    Parameters
    ----------
    rgb : (..., 3) uint8 or float [0, 1] array

    Returns
    -------
    (..., 3) float64 array
        Y in [0, 1]; U and V in [-0.5, 0.5], 0 for grays.

    References
    ----------
    ITU-R Recommendation BT.601, "Studio encoding parameters of digital television for
    standard 4:3 and wide-screen 16:9 aspect ratios" (eqs. for E'Y, E'CB, E'CR).
    """
    return _rgb_to_yuv(_check_rgb(rgb))


def yuv_to_rgb(yuv, clip: bool = True) -> np.ndarray:
    """RGB colors from BT.601 YUV (inverse of :func:`rgb_to_yuv`).

    Parameters
    ----------
    yuv : (..., 3) float array
        Y in [0, 1], U and V in [-0.5, 0.5] (a tolerance of 1e-6 is allowed for
        rounding).
    clip : bool
        Clip the result to [0, 1] (a YUV triple need not be a displayable color).

    Returns
    -------
    (..., 3) float64 array
    """
    x = _check_triples(yuv, "yuv")
    tol = 1e-6
    y, uv = x[..., 0], np.abs(x[..., 1:])
    if y.min() < -tol or y.max() > 1 + tol:
        raise ValueError(f"yuv[..., 0] (Y) must lie in [0, 1], got [{y.min():.4g}, {y.max():.4g}]")
    if uv.max() > 0.5 + tol:
        raise ValueError(f"yuv[..., 1:] (U, V) must lie in [-0.5, 0.5], got a magnitude of {uv.max():.4g}")
    out = x @ RGB_FROM_YUV.T
    return np.clip(out, 0.0, 1.0) if clip else out


#: Chroma subsampling schemes J:a:b as the (vertical, horizontal) size of the block of
#: pixels that shares one pair of chroma samples.
SUBSAMPLING_SCHEMES = {"4:4:4": (1, 1), "4:2:2": (1, 2), "4:2:0": (2, 2), "4:1:1": (1, 4)}


def _check_scheme(scheme) -> tuple:
    if not isinstance(scheme, str):
        raise TypeError(f"scheme must be a str such as '4:2:0', got {type(scheme).__name__}")
    if scheme not in SUBSAMPLING_SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SUBSAMPLING_SCHEMES)}, got {scheme!r}")
    return SUBSAMPLING_SCHEMES[scheme]


def _block_average(x: np.ndarray, fy: int, fx: int) -> np.ndarray:
    """Replace each fy×fx block of a 2-D array by its mean (partial blocks at the border too)."""
    if fy == fx == 1:
        return x.copy()
    h, w = x.shape
    ys, xs = np.arange(0, h, fy), np.arange(0, w, fx)
    sums = np.add.reduceat(np.add.reduceat(x, ys, axis=0), xs, axis=1)
    counts = np.outer(np.minimum(fy, h - ys), np.minimum(fx, w - xs))
    means = sums / counts
    return np.repeat(np.repeat(means, fy, axis=0), fx, axis=1)[:h, :w]


def _subsample(image, scheme, channels) -> np.ndarray:
    image = np.asarray(check_image(image, "image", gray=False))
    fy, fx = _check_scheme(scheme)
    x = image.astype(np.float64) / (255.0 if image.dtype == np.uint8 else 1.0)
    yuv = _rgb_to_yuv(x)
    for c in channels:
        yuv[..., c] = _block_average(yuv[..., c], fy, fx)
    return _like_input(yuv @ RGB_FROM_YUV.T, image)


def chroma_subsample(image, scheme: str = "4:2:0") -> np.ndarray:
    """Store the chroma (U, V) of an image at lower resolution, then bring it back.

    The image goes to BT.601 YUV; U and V are averaged over blocks of the scheme
    (4:4:4 none, 4:2:2 1×2, 4:2:0 2×2, 4:1:1 1×4 pixels), repeated back to full size
    (nearest-neighbour upsampling), and converted to RGB. Y is untouched.

    Parameters
    ----------
    image : (H, W, 3) uint8 or float [0, 1] array
    scheme : {"4:4:4", "4:2:2", "4:2:0", "4:1:1"}

    Returns
    -------
    (H, W, 3) array of the image's dtype (clipped to the valid range)
    """
    return _subsample(image, scheme, (1, 2))


def luma_subsample(image, scheme: str = "4:2:0") -> np.ndarray:
    """The converse experiment: subsample luma Y by the scheme's blocks, keep U and V.

    Parameters
    ----------
    image : (H, W, 3) uint8 or float [0, 1] array
    scheme : {"4:4:4", "4:2:2", "4:2:0", "4:1:1"}
        Used only for its block size (see :func:`chroma_subsample`).

    Returns
    -------
    (H, W, 3) array of the image's dtype
    """
    return _subsample(image, scheme, (0,))


def bits_per_pixel(scheme: str = "4:2:0", bits: int = 8) -> float:
    """Average bits stored per pixel for a chroma subsampling scheme.

    One Y sample per pixel plus a U and a V sample per block: ``bits (1 + 2 / block)``,
    so 24 for 4:4:4, 16 for 4:2:2 and 12 for 4:2:0 and 4:1:1 at 8 bits.

    Parameters
    ----------
    scheme : {"4:4:4", "4:2:2", "4:2:0", "4:1:1"}
    bits : int >= 1
        Bits per sample.

    Returns
    -------
    float
    """
    fy, fx = _check_scheme(scheme)
    bits = check_int(bits, "bits", minimum=1)
    return bits * (1.0 + 2.0 / (fy * fx))


# ----------------------------------------------------------------------------- CMYK


def _rgb_to_cmyk(x: np.ndarray) -> np.ndarray:
    k = 1.0 - x.max(axis=-1)
    denom = np.where(k < 1.0, 1.0 - k, 1.0)
    cmy = np.where((k < 1.0)[..., None], (1.0 - x - k[..., None]) / denom[..., None], 0.0)
    return np.concatenate([cmy, k[..., None]], axis=-1)


def rgb_to_cmyk(rgb) -> np.ndarray:
    """Naive conversion to the four printing inks cyan, magenta, yellow and black.

    ``K = 1 - max(R, G, B)``, then ``C = (1 - R - K) / (1 - K)`` and likewise M from G
    and Y from B; pure black is ``(0, 0, 0, 1)``. Real printers use measured ICC
    profiles instead; this is the textbook formula.

    Parameters
    ----------
    rgb : (..., 3) uint8 or float [0, 1] array

    Returns
    -------
    (..., 4) float64 array in [0, 1]
        Ink coverages C, M, Y, K.
    """
    return _rgb_to_cmyk(_check_rgb(rgb))


def cmyk_to_rgb(cmyk) -> np.ndarray:
    """RGB from ink coverages: ``R = (1 - C)(1 - K)``, and so on (subtractive mixing).

    Parameters
    ----------
    cmyk : (..., 4) float array in [0, 1]

    Returns
    -------
    (..., 3) float64 array in [0, 1]
    """
    x = check_array(cmyk, "cmyk", kinds="iuf", min_value=0.0, max_value=1.0)
    if x.ndim == 0 or x.shape[-1] != 4:
        raise ValueError(f"cmyk must have shape (..., 4), got {x.shape}")
    x = x.astype(np.float64)
    return (1.0 - x[..., :3]) * (1.0 - x[..., 3:])


# ----------------------------------------------------------------------------- CIELAB

#: Linear sRGB -> CIE XYZ (D65 white), the matrix scikit-image uses, to six digits.
XYZ_FROM_RGB = np.array([
    [0.412453, 0.357580, 0.180423],
    [0.212671, 0.715160, 0.072169],
    [0.019334, 0.119193, 0.950227],
])
#: CIE XYZ of the D65 white for the 2° standard observer, with Y = 1.
WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def srgb_to_linear(c) -> np.ndarray:
    """Undo the sRGB gamma: from stored values to light intensity (IEC 61966-2-1).

    ``c / 12.92`` for ``c <= 0.04045`` (a linear segment near black) and
    ``((c + 0.055) / 1.055) ** 2.4`` above.

    Parameters
    ----------
    c : (...) uint8 or float [0, 1] array
        Gamma-encoded values (uint8 is divided by 255 first).

    Returns
    -------
    (...) float64 array in [0, 1]
        Linear intensities.
    """
    x = check_array(c, "c", kinds="biuf")
    if x.dtype != np.uint8 and x.dtype.kind != "f":
        raise TypeError(f"c must be uint8 or float in [0, 1], got dtype {x.dtype}")
    if x.dtype == np.uint8:
        x = x.astype(np.float64) / 255.0
    elif x.min() < 0.0 or x.max() > 1.0:
        raise ValueError(f"c is float, so its values must lie in [0, 1], got [{x.min():.4g}, {x.max():.4g}]")
    return _srgb_to_linear(x.astype(np.float64))


def linear_to_srgb(c) -> np.ndarray:
    """Apply the sRGB gamma: from linear intensity to stored values (inverse of :func:`srgb_to_linear`).

    Parameters
    ----------
    c : (...) float array in [0, 1]

    Returns
    -------
    (...) float64 array in [0, 1]
    """
    x = check_array(c, "c", kinds="f", min_value=0.0, max_value=1.0).astype(np.float64)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * x ** (1 / 2.4) - 0.055)


def rgb_to_xyz(rgb) -> np.ndarray:
    """CIE 1931 XYZ of sRGB colors: gamma decoding, then the linear sRGB -> XYZ matrix.

    Parameters
    ----------
    rgb : (..., 3) uint8 or float [0, 1] array

    Returns
    -------
    (..., 3) float64 array
        X, Y, Z with Y = 1 for white (D65 white point, :data:`XYZ_FROM_RGB`).
    """
    return _srgb_to_linear(_check_rgb(rgb)) @ XYZ_FROM_RGB.T


_EPS = (6.0 / 29.0) ** 3  # 216/24389 ≈ 0.008856, where the cube root meets the linear segment


def _lab_f(t: np.ndarray) -> np.ndarray:
    return np.where(t > _EPS, np.cbrt(t), t / (3 * (6.0 / 29.0) ** 2) + 4.0 / 29.0)


def _xyz_to_lab(xyz: np.ndarray, white: np.ndarray) -> np.ndarray:
    f = _lab_f(xyz / white)
    return np.stack([116.0 * f[..., 1] - 16.0,
                     500.0 * (f[..., 0] - f[..., 1]),
                     200.0 * (f[..., 1] - f[..., 2])], axis=-1)


def xyz_to_lab(xyz, white=WHITE_D65) -> np.ndarray:
    """CIE 1976 L*a*b* from XYZ, relative to a white point.

    With ``f(t) = t^(1/3)`` for ``t > (6/29)^3`` and the linear segment
    ``f(t) = t / (3 (6/29)^2) + 4/29`` below it (so that f and its slope are continuous):
    ``L* = 116 f(Y/Yn) - 16``, ``a* = 500 (f(X/Xn) - f(Y/Yn))``,
    ``b* = 200 (f(Y/Yn) - f(Z/Zn))``.

    Parameters
    ----------
    xyz : (..., 3) float array, values >= 0
    white : (3,) float array, values > 0
        XYZ of the reference white (default D65, 2° observer).

    Returns
    -------
    (..., 3) float64 array
        L* in [0, 100] for colors no brighter than the white; a*, b* signed.

    References
    ----------
    CIE 15:2004, Colorimetry, 3rd ed. (CIE 1976 L*a*b* colour space).
    """
    x = _check_triples(xyz, "xyz")
    if x.min() < 0.0:
        raise ValueError(f"xyz must be >= 0, got a minimum of {x.min():.4g}")
    w = check_array(white, "white", shape=(3,), kinds="iuf").astype(np.float64)
    if w.min() <= 0.0:
        raise ValueError(f"white must be > 0, got {w}")
    return _xyz_to_lab(x, w)


def _rgb_to_lab(x: np.ndarray) -> np.ndarray:
    return _xyz_to_lab(_srgb_to_linear(x) @ XYZ_FROM_RGB.T, WHITE_D65)


def rgb_to_lab(rgb) -> np.ndarray:
    """CIE L*a*b* (D65, 2° observer) of sRGB colors, written out step by step.

    sRGB gamma decoding (:func:`srgb_to_linear`), linear RGB -> XYZ
    (:data:`XYZ_FROM_RGB`), XYZ -> L*a*b* relative to the D65 white
    (:func:`xyz_to_lab`). Agrees with ``skimage.color.rgb2lab`` to about 1e-12 except
    for very dark colors, where scikit-image's rounded constants of the linear segment
    (0.008856 and 7.787) differ from the exact (6/29)³ and 841/108 by up to ~2e-4.

    Parameters
    ----------
    rgb : (..., 3) uint8 or float [0, 1] array

    Returns
    -------
    (..., 3) float64 array
        L* in [0, 100], a* and b* roughly in [-128, 128].

    References
    ----------
    CIE 15:2004 (L*a*b*); IEC 61966-2-1:1999 (sRGB).
    """
    return _rgb_to_lab(_check_rgb(rgb))


def _delta_e76(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sqrt(np.sum((a - b) ** 2, axis=-1))


def delta_e76(lab1, lab2) -> np.ndarray:
    """CIE 1976 color difference ΔE*ab: the Euclidean distance in L*a*b*.

    A ΔE of about 2.3 is often quoted as just noticeable (Mahy, Van Eycken and
    Oosterlinck 1994).

    Parameters
    ----------
    lab1, lab2 : (..., 3) float arrays of the same shape

    Returns
    -------
    (...) float64 array (a 0-d array for single colors)
    """
    a = _check_triples(lab1, "lab1")
    b = _check_triples(lab2, "lab2")
    if a.shape != b.shape:
        raise ValueError(f"lab1 and lab2 must have the same shape, got {a.shape} and {b.shape}")
    return _delta_e76(a, b)


def delta_e2000(lab1, lab2) -> np.ndarray:
    """CIEDE2000 color difference (Sharma, Wu and Dalal 2005), via scikit-image.

    Corrects ΔE76 for the eye's lower sensitivity to chroma changes in saturated colors
    and for the hue-dependence of blues.

    Parameters
    ----------
    lab1, lab2 : (..., 3) float arrays of the same shape

    Returns
    -------
    (...) float64 array
    """
    from skimage.color import deltaE_ciede2000

    a = _check_triples(lab1, "lab1")
    b = _check_triples(lab2, "lab2")
    if a.shape != b.shape:
        raise ValueError(f"lab1 and lab2 must have the same shape, got {a.shape} and {b.shape}")
    return np.asarray(deltaE_ciede2000(a, b), dtype=np.float64)


def just_noticeable_gray_step(gray, delta_e=2.3):
    """The smallest visible step up from a gray, in 8-bit levels of the stored and of the linear value.

    A gray ``(g, g, g)`` has ``a* = b* = 0`` and ``L* = 116 f(Y) - 16`` with ``Y`` its
    linear intensity (:func:`srgb_to_linear`; the Y row of :data:`XYZ_FROM_RGB` sums to 1),
    so ΔE76 between two grays is their difference in L*. This inverts ``L*`` at
    ``L*(g) + delta_e`` and reports the step that takes ``g`` there, measured in the
    sRGB-encoded value that files store, and in linear light, both as levels of 1/255.

    Parameters
    ----------
    gray : float in [0, 1)
        The sRGB-encoded gray value.
    delta_e : float > 0
        The difference taken as just noticeable (about 2.3, Mahy et al. 1994).

    Returns
    -------
    step_encoded_levels : float
        ``255 (g' - g)``, with ``g'`` the sRGB-encoded gray at ``L*(g) + delta_e``.
    step_linear_levels : float
        ``255 (Y' - Y)``: the same step in linear intensity. Below one level, an 8-bit
        linear encoding could not represent a visible step; far above, it wastes levels.

    Raises
    ------
    ValueError
        If ``L*(g) + delta_e`` is above 100 (no brighter gray exists).
    """
    gray = check_number(gray, "gray", minimum=0.0, maximum=1.0, strict_max=True)
    delta_e = check_number(delta_e, "delta_e", minimum=0.0, strict_min=True)
    y = float(_srgb_to_linear(np.float64(gray)))
    target = float(116.0 * _lab_f(np.float64(y)) - 16.0) + delta_e
    if target > 100.0:
        raise ValueError(f"gray={gray} plus delta_e={delta_e} passes white (L* = {target:.4g} > 100)")
    f = (target + 16.0) / 116.0
    y_target = f ** 3 if f > 6.0 / 29.0 else 3 * (6.0 / 29.0) ** 2 * (f - 4.0 / 29.0)
    encoded = float(linear_to_srgb(np.array(min(y_target, 1.0))))
    return 255.0 * (encoded - gray), 255.0 * (y_target - y)


def equal_rgb_distance_pairs(n: int, rgb_distance: float, seed=0):
    """Random pairs of colors exactly ``rgb_distance`` apart in RGB, both inside the cube.

    The first color is uniform in ``[0, 1]^3``, the step has a uniformly random
    direction; pairs leaving the cube are drawn again (rejection sampling).

    Parameters
    ----------
    n : int >= 1
        Number of pairs.
    rgb_distance : float in (0, 1]
        Euclidean distance between the two colors of a pair, RGB in [0, 1]
        (0.1 is 25.5 levels of 255).
    seed : int or numpy.random.Generator

    Returns
    -------
    first, second : (n, 3) float64 arrays in [0, 1]
    """
    n = check_int(n, "n", minimum=1)
    d = check_number(rgb_distance, "rgb_distance", minimum=0.0, maximum=1.0, strict_min=True)
    rng = as_rng(seed)
    first, second, have = [], [], 0
    while have < n:
        m = 2 * (n - have) + 16
        a = rng.random((m, 3))
        step = rng.normal(size=(m, 3))
        step *= d / np.linalg.norm(step, axis=1, keepdims=True)
        b = a + step
        ok = np.all((b >= 0.0) & (b <= 1.0), axis=1)
        first.append(a[ok])
        second.append(b[ok])
        have += int(ok.sum())
    return np.concatenate(first)[:n], np.concatenate(second)[:n]


# ----------------------------------------------------------------------------- one color


def parse_color(color) -> np.ndarray:
    """An RGB triple in [0, 1] from ``"#rrggbb"``, ``"#rgb"``, a color name, or a triple.

    Parameters
    ----------
    color : str or (3,) uint8 / float [0, 1] array
        What a color picker returns (``"#1f77b4"``, ``"orange"``) or RGB values.

    Returns
    -------
    (3,) float64 array in [0, 1]
    """
    if isinstance(color, str):
        from matplotlib.colors import to_rgb

        try:
            return np.array(to_rgb(color), dtype=np.float64)
        except ValueError:
            raise ValueError(f"color must be '#rrggbb', '#rgb' or a color name, got {color!r}") from None
    x = _check_rgb(color, "color")
    if x.shape != (3,):
        raise ValueError(f"color must have shape (3,), got {x.shape}")
    return x.copy()


def describe_color(color) -> dict:
    """One color in every space of the chapter, for display next to a swatch.

    Parameters
    ----------
    color : str or (3,) array, see :func:`parse_color`

    Returns
    -------
    dict
        ``{"RGB (0-255)": (3,), "HSV (H in degrees)": (3,), "YUV (BT.601)": (3,),
        "CMYK": (4,), "L*a*b* (D65)": (3,)}``, each a float64 array.
    """
    rgb = parse_color(color)
    hsv = rgb_to_hsv(rgb) * np.array([360.0, 1.0, 1.0])
    return {
        "RGB (0-255)": rgb * 255.0,
        "HSV (H in degrees)": hsv,
        "YUV (BT.601)": _rgb_to_yuv(rgb),
        "CMYK": _rgb_to_cmyk(rgb),
        "L*a*b* (D65)": _rgb_to_lab(rgb),
    }


def mixing_circles(size_px: int = 240, mode: str = "additive") -> np.ndarray:
    """Three overlapping discs of primary lights (additive) or inks (subtractive).

    Additive: red, green and blue lights on black add up, to yellow, cyan, magenta
    where two overlap and white where all three do. Subtractive: cyan, magenta and
    yellow inks on white paper each absorb one primary, giving red, green, blue where
    two overlap and black where all three do.

    Parameters
    ----------
    size_px : int >= 16
        Side of the square image in pixels.
    mode : {"additive", "subtractive"}

    Returns
    -------
    (size_px, size_px, 3) float64 array in [0, 1]
    """
    size_px = check_int(size_px, "size_px", minimum=16)
    if mode not in ("additive", "subtractive"):
        raise ValueError(f"mode must be 'additive' or 'subtractive', got {mode!r}")
    yy, xx = (np.mgrid[0:size_px, 0:size_px] + 0.5) / size_px
    centres = [(0.38, 0.5 - 0.12), (0.38, 0.5 + 0.12), (0.38 + 0.2, 0.5)]
    discs = np.stack([(yy - cy) ** 2 + (xx - cx) ** 2 < 0.2 ** 2 for cy, cx in centres], axis=-1)
    if mode == "additive":
        return discs.astype(np.float64)  # channel c lit inside disc c
    return 1.0 - discs.astype(np.float64)  # ink c absorbs primary c inside disc c
