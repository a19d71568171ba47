"""GIST: the layout of a scene in a few hundred numbers (Oliva & Torralba, IJCV 2001).

Chapter 6. GIST treats the whole image as one big "patch", as SIFT treats a
neighbourhood: it measures how much oriented structure there is, at which scale, and
roughly *where*. The steps, as in the authors' reference implementation:

1. the image is converted to gray and resized to a square of ``size_px`` pixels
   (here: stretched, the aspect ratio is not kept; the reference code crops the
   central square instead);
2. :func:`prefilter` whitens it (removes the smooth illumination) and divides by the
   local contrast, so that the descriptor reacts to structure, not to lighting;
3. a bank of Gabor filters, built directly in the frequency domain
   (:func:`gabor_filters`, e.g. 4 scales × 8 orientations), is applied with the FFT;
   the magnitude of each complex response (:func:`gabor_energy`) says how strongly that
   scale and orientation is present at every pixel, whatever the phase;
4. each magnitude map is averaged over a coarse grid of ``grid × grid`` cells
   (:func:`grid_pool`): 32 filters × 16 cells = 512 numbers for a gray image
   (:func:`gist`).

Because of the grid, GIST knows *where* things are: it is nearly unchanged by noise,
JPEG, blur or a brightness change, but a flip, a rotation or a large crop moves the
structure to other cells and changes it (Douze et al., CIVR 2009, measure it on copy
detection).

References
----------
A. Oliva and A. Torralba, "Modeling the shape of the scene: a holistic representation
of the spatial envelope", IJCV 42(3):145–175, 2001.
M. Douze, H. Jégou, H. Sandhawalia, L. Amsaleg, C. Schmid, "Evaluation of GIST
descriptors for web-scale image search", CIVR 2009.
"""
from __future__ import annotations


import functools

import numpy as np

from .._util.validation import check_array, check_image, check_int, check_number
from .._util.progress import progress as _progress
from ..image import to_float, to_gray

#: Peak frequency of the finest scale (cycles per pixel) and the ratio between scales.
PEAK_FREQUENCY = 0.3
SCALE_RATIO = 1.85
#: Radial sharpness: the transfer function falls as exp(-RADIAL_WIDTH · (f / f0 - 1)²).
RADIAL_WIDTH = 3.5


def gabor_parameters(n_scales=4, n_orientations=8):
    """Peak frequency and orientation of every filter of the GIST bank.

    Scale ``s`` (0 = finest) peaks at ``0.3 / 1.85**s`` cycles per pixel; the
    orientations are ``π·j / n_orientations``, ``j = 0 .. n_orientations - 1`` (half a
    turn is enough: a real image's spectrum is symmetric about the origin).

    Parameters
    ----------
    n_scales : int >= 1
    n_orientations : int >= 1

    Returns
    -------
    peak_frequency : (n_scales·n_orientations,) float64
        Cycles per pixel, scale-major order (all orientations of scale 0 first).
    orientation_rad : (n_scales·n_orientations,) float64
        Angle of the frequency vector from +x towards +y (image axes: y points down).
        Orientation 0 responds to vertical stripes (intensity varying along x).
    """
    n_scales = check_int(n_scales, "n_scales", minimum=1, maximum=8)
    n_orientations = check_int(n_orientations, "n_orientations", minimum=1, maximum=64)
    s, j = np.meshgrid(np.arange(n_scales), np.arange(n_orientations), indexing="ij")
    return (PEAK_FREQUENCY / SCALE_RATIO ** s).ravel(), (np.pi * j / n_orientations).ravel()


@functools.lru_cache(maxsize=16)
def _filters(size_px: int, n_scales: int, n_orientations: int) -> np.ndarray:
    fy = np.fft.fftfreq(size_px)[:, None]
    fx = np.fft.fftfreq(size_px)[None, :]
    radius = np.hypot(fx, fy)
    angle = np.arctan2(fy, fx)
    peaks, thetas = gabor_parameters(n_scales, n_orientations)
    # angular sharpness: 2π·(n_orientations/8)² (1 for the usual 8 orientations), so that
    # neighbouring orientations overlap the same way whatever their number
    angular = 2 * np.pi * (n_orientations / 8.0) ** 2
    bank = np.empty((len(peaks), size_px, size_px))
    for i, (f0, theta) in enumerate(zip(peaks, thetas)):
        d = np.angle(np.exp(1j * (angle - theta)))  # angular distance, wrapped to (-π, π]
        bank[i] = np.exp(-RADIAL_WIDTH * (radius / f0 - 1.0) ** 2 - angular * d ** 2)
    bank[:, 0, 0] = 0.0  # no response to the mean (the formula leaves exp(-3.5) there)
    bank.setflags(write=False)
    return bank


def gabor_filters(size_px, n_scales=4, n_orientations=8) -> np.ndarray:
    """Transfer functions of the GIST Gabor bank, built in the frequency domain.

    Filter ``i`` is a Gaussian bump in log-polar-like coordinates around its peak
    frequency ``f0`` and orientation ``θ`` (:func:`gabor_parameters`):
    ``G(f, φ) = exp(-3.5·(f/f0 - 1)² - 2π·(n_orientations/8)²·Δφ²)`` with ``Δφ`` the
    angle between the frequency vector and ``θ``, wrapped to ``(-π, π]``. It is
    one-sided (it keeps the frequencies around ``+θ`` and not those around ``θ + π``),
    so the filtered image is complex: a quadrature pair whose magnitude is the local
    energy of that scale and orientation.

    Parameters
    ----------
    size_px : int >= 8
        Side of the (square, padded) image the filters will be applied to.
    n_scales, n_orientations : int

    Returns
    -------
    (n_scales·n_orientations, size_px, size_px) float64, read-only
        In numpy's FFT layout (zero frequency at ``[0, 0]``, ``np.fft.fftfreq`` order),
        values in ``[0, 1]``, 1 at the peak, 0 at the zero frequency (the formula would
        leave ``exp(-3.5) ≈ 0.03`` there, a small leak of the mean brightness in the
        reference code).
    """
    size_px = check_int(size_px, "size_px", minimum=8, maximum=4096)
    n_scales = check_int(n_scales, "n_scales", minimum=1, maximum=8)
    n_orientations = check_int(n_orientations, "n_orientations", minimum=1, maximum=64)
    return _filters(size_px, n_scales, n_orientations)


def _gaussian_transfer(shape, sigma_cycles):
    fy = np.fft.fftfreq(shape[0])[:, None] * shape[0]
    fx = np.fft.fftfreq(shape[1])[None, :] * shape[1]
    return np.exp(-(fx ** 2 + fy ** 2) / sigma_cycles ** 2)


def prefilter(gray, fc_cycles=4.0, pad_px=5) -> np.ndarray:
    """Whitening and local contrast normalisation, the first step of GIST.

    On ``x = log(1 + 255·gray)``: subtract a low-pass copy (Gaussian transfer function
    ``exp(-f²/s²)``, ``s = fc / √ln 2`` cycles per image, i.e. half power at ``fc``), then
    divide by ``0.2 + `` the local standard deviation (the same low-pass applied to the
    square). Smooth illumination disappears and every region gets a similar contrast.
    The image is padded by ``pad_px`` mirrored pixels during the filtering.

    Parameters
    ----------
    gray : (H, W) uint8 or float in [0, 1]
    fc_cycles : float > 0
        Cut-off of the low-pass, in cycles per image (4 in the reference code).
    pad_px : int >= 0

    Returns
    -------
    (H, W) float64
        Zero-mean-ish, contrast-normalised image (not in [0, 1]).
    """
    img = to_float(check_image(gray, "gray", color=False))
    fc = check_number(fc_cycles, "fc_cycles", minimum=0.0, strict_min=True)
    pad = check_int(pad_px, "pad_px", minimum=0)
    x = np.log1p(255.0 * img)
    if pad:
        x = np.pad(x, pad, mode="symmetric")
    g = _gaussian_transfer(x.shape, fc / np.sqrt(np.log(2.0)))
    white = x - np.real(np.fft.ifft2(np.fft.fft2(x) * g))
    local_std = np.sqrt(np.abs(np.real(np.fft.ifft2(np.fft.fft2(white ** 2) * g))))
    out = white / (0.2 + local_std)
    return out[pad:out.shape[0] - pad, pad:out.shape[1] - pad] if pad else out


def gabor_energy(image, n_scales=4, n_orientations=8, pad_px=None) -> np.ndarray:
    """Magnitude of every Gabor filter's response, at every pixel of a square image.

    The image is padded by ``pad_px`` mirrored pixels (against wrap-around of the FFT),
    filtered in the frequency domain by :func:`gabor_filters` and cropped back.

    Parameters
    ----------
    image : (S, S) float array
        A square gray image, usually the output of :func:`prefilter`.
    n_scales, n_orientations : int
    pad_px : int >= 0, optional
        Default ``S // 8`` (32 pixels for 256, as in the reference code).

    Returns
    -------
    (n_scales·n_orientations, S, S) float32
        ``|ifft2(fft2(image) · G_i)|``, in the order of :func:`gabor_parameters`.
    """
    x = check_array(image, "image", ndim=2, kinds="uif")
    if x.shape[0] != x.shape[1]:
        raise ValueError(f"image must be square, got shape {x.shape}")
    return _energy_batch(x[None].astype(np.float32), n_scales, n_orientations, pad_px)[0]


def _energy_batch(batch, n_scales, n_orientations, pad_px):
    """(B, S, S) float32 -> (B, F, S, S) float32 magnitudes."""
    from scipy import fft

    s = batch.shape[-1]
    pad = s // 8 if pad_px is None else check_int(pad_px, "pad_px", minimum=0)
    x = np.pad(batch, ((0, 0), (pad, pad), (pad, pad)), mode="symmetric") if pad else batch
    bank = gabor_filters(x.shape[-1], n_scales, n_orientations).astype(np.float32)
    spectrum = fft.fft2(x.astype(np.float32), workers=-1)            # (B, P, P) complex64
    response = fft.ifft2(spectrum[:, None] * bank[None], workers=-1)  # (B, F, P, P), on every core
    return np.abs(response[..., pad:pad + s, pad:pad + s] if pad else response)


def _cell_edges(n: int, grid: int) -> np.ndarray:
    return (np.arange(grid + 1) * n) // grid


def grid_pool(energy, grid=4) -> np.ndarray:
    """Average a map over a ``grid × grid`` partition of its last two axes: the GIST cells.

    Cell ``(i, j)`` covers rows ``floor(i·H/grid)`` to ``floor((i+1)·H/grid) - 1`` and
    the columns likewise (the cells differ by at most one pixel when ``grid`` does not
    divide the size).

    Parameters
    ----------
    energy : (..., H, W) array_like of float
        One map, or a stack of maps (one per filter).
    grid : int, 1 <= grid <= min(H, W)

    Returns
    -------
    (..., grid, grid) float64
        Mean of each cell.
    """
    e = check_array(energy, "energy", kinds="iuf")
    if e.ndim < 2:
        raise ValueError(f"energy must have at least 2 dimensions (..., H, W), got shape {e.shape}")
    h, w = e.shape[-2:]
    grid = check_int(grid, "grid", minimum=1, maximum=min(h, w))
    return _pool(e.astype(np.float64, copy=False), grid)


def _pool(e, grid):
    """Cell means of the last two axes (no checks; keeps float32 inputs in float32)."""
    rows, cols = _cell_edges(e.shape[-2], grid), _cell_edges(e.shape[-1], grid)
    sums = np.add.reduceat(np.add.reduceat(e, rows[:-1], axis=-2), cols[:-1], axis=-1)
    return sums / (np.diff(rows)[:, None] * np.diff(cols)[None, :]).astype(e.dtype)


def gist_dimension(n_scales=4, n_orientations=8, grid=4, color=False) -> int:
    """Length of a GIST vector: ``n_scales · n_orientations · grid² (· 3 in colour)``."""
    n = check_int(n_scales, "n_scales", minimum=1) * check_int(n_orientations, "n_orientations", minimum=1)
    return n * check_int(grid, "grid", minimum=1) ** 2 * (3 if color else 1)


def square(image, size_px=128, color=False) -> np.ndarray:
    """The image as GIST sees it: resized to ``size_px × size_px`` (aspect ratio not kept).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float in [0, 1]
    size_px : int >= 16
    color : bool
        Keep the three channels (else the BT.601 luma).

    Returns
    -------
    (size_px, size_px) or (size_px, size_px, 3) float32 in [0, 1]
        Area averaging when shrinking, bilinear when enlarging.
    """
    size_px = check_int(size_px, "size_px", minimum=16, maximum=1024)
    return _square(image, size_px, bool(color))


def _square(image, size_px, color):
    import cv2

    img = to_float(check_image(image, "image")).astype(np.float32)
    if not color:
        img = to_gray(img).astype(np.float32)
    elif img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    if img.shape[:2] != (size_px, size_px):
        shrink = img.shape[0] > size_px and img.shape[1] > size_px
        img = cv2.resize(img, (size_px, size_px), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return np.clip(img, 0.0, 1.0)


def _prefilter_color(img, fc):
    """Prefilter of the reference code for colour: whiten each channel, shared local contrast."""
    pad = 5
    x = np.pad(np.log1p(255.0 * img.astype(np.float64)), ((pad, pad), (pad, pad), (0, 0)), mode="symmetric")
    g = _gaussian_transfer(x.shape[:2], fc / np.sqrt(np.log(2.0)))
    spec = np.fft.fft2(x, axes=(0, 1))
    white = x - np.real(np.fft.ifft2(spec * g[..., None], axes=(0, 1)))
    local_std = np.sqrt(np.abs(np.real(np.fft.ifft2(np.fft.fft2(white.mean(axis=2) ** 2) * g))))
    out = white / (0.2 + local_std[..., None])
    return out[pad:-pad, pad:-pad]


def _check_options(size_px, n_scales, n_orientations, grid, fc_cycles):
    size_px = check_int(size_px, "size_px", minimum=16, maximum=1024)
    n_scales = check_int(n_scales, "n_scales", minimum=1, maximum=8)
    n_orientations = check_int(n_orientations, "n_orientations", minimum=1, maximum=64)
    grid = check_int(grid, "grid", minimum=1, maximum=size_px)
    fc = check_number(fc_cycles, "fc_cycles", minimum=0.0, strict_min=True)
    return size_px, n_scales, n_orientations, grid, fc


def _planes(image, size_px, color, fc):
    """The prefiltered channel planes of one image, (C, S, S) float32."""
    img = _square(image, size_px, color)
    if color:
        return np.moveaxis(_prefilter_color(img, fc), 2, 0).astype(np.float32)
    return prefilter(img, fc)[None].astype(np.float32)


def gist(image, size_px=128, n_scales=4, n_orientations=8, grid=4, color=False, fc_cycles=4.0) -> np.ndarray:
    """The GIST descriptor of an image (Oliva & Torralba 2001).

    Resize to ``size_px × size_px`` (aspect ratio not kept), :func:`prefilter`, filter
    with the Gabor bank (:func:`gabor_energy`), and average each magnitude map over a
    ``grid × grid`` grid (:func:`grid_pool`).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float in [0, 1]
    size_px : int
        Side of the square the image is resized to (256 in the reference code; 128
        here by default, 4× faster and nearly as good for search).
    n_scales, n_orientations : int
        The Gabor bank (4 × 8 = 32 filters by default).
    grid : int
        Cells per side (4: 16 cells).
    color : bool
        False: one gray channel (512-D with the defaults). True: the three RGB
        channels, each filtered (1536-D), contrast normalised together.
    fc_cycles : float
        Cut-off of the prefilter, cycles per image.

    Returns
    -------
    (gist_dimension(...),) float32
        Order ``(channel, filter, cell row, cell column)``, filters in the order of
        :func:`gabor_parameters`. Compare with the L2 distance.
    """
    size_px, n_scales, n_orientations, grid, fc = _check_options(size_px, n_scales, n_orientations, grid, fc_cycles)
    planes = _planes(image, size_px, bool(color), fc)
    energy = _energy_batch(planes, n_scales, n_orientations, None)    # (C, F, S, S)
    return _pool(energy, grid).astype(np.float32).ravel()


def gist_many(images, size_px=128, n_scales=4, n_orientations=8, grid=4, color=False, fc_cycles=4.0,
              batch_size=8, progress=True) -> np.ndarray:
    """GIST of many images, the FFTs done in batches (the same values as :func:`gist`).

    Parameters
    ----------
    images : sequence of images (each as for :func:`gist`), not empty
    size_px, n_scales, n_orientations, grid, color, fc_cycles
        As for :func:`gist`.
    batch_size : int >= 1
        Images filtered together.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    (len(images), gist_dimension(...)) float32
    """
    size_px, n_scales, n_orientations, grid, fc = _check_options(size_px, n_scales, n_orientations, grid, fc_cycles)
    if isinstance(images, np.ndarray) and images.ndim in (2, 3) and (images.ndim == 2 or images.shape[-1] == 3):
        raise TypeError("images must be a sequence of images; for one image call gist(image)")
    images = list(images)
    if not images:
        raise ValueError("images must not be empty")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    color = bool(color)
    out = np.empty((len(images), gist_dimension(n_scales, n_orientations, grid, color)), np.float32)
    starts = _progress(range(0, len(images), batch_size), "GIST", enabled=progress, unit="batch", mininterval=1.0)
    for start in starts:
        chunk = images[start:start + batch_size]
        planes = np.stack([_planes(im, size_px, color, fc) for im in chunk])   # (B, C, S, S)
        b, c = planes.shape[:2]
        energy = _energy_batch(planes.reshape(b * c, size_px, size_px), n_scales, n_orientations, None)
        out[start:start + b] = _pool(energy, grid).reshape(b, -1)
    return out
