"""Sampling: rasterizing a continuous signal on a grid, and subsampling without aliasing.

Chapter 1. An image is a continuous 2-D signal (the light reaching the sensor)
sampled on a regular grid. The sampling theorem (Nyquist 1928, Shannon 1949) says a
signal whose highest frequency is ``f_max`` is fully described by samples taken at
more than ``2 f_max`` per unit length; on a grid of one sample per pixel the highest
representable frequency is therefore 0.5 cycles per pixel (the Nyquist frequency).
Higher frequencies do not disappear: they fold back as false low frequencies
(aliasing), seen in images as moiré patterns. Cameras put an optical blur in front of
the sensor, and a good image resizer blurs before it drops pixels, for this reason.

Frequencies here are in cycles per pixel of the input grid; lengths in pixels.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_int, check_number
from ..image import to_float


def _zone_plate_geometry(size_px, max_frequency):
    size_px = check_int(size_px, "size_px", minimum=2)
    max_frequency = check_number(max_frequency, "max_frequency", minimum=0.0, strict_min=True)
    centre = (size_px - 1) / 2.0
    r_max = np.sqrt(2.0) * centre  # distance from the centre to a corner pixel
    return size_px, max_frequency, centre, r_max


def zone_plate(size_px, max_frequency=0.5, supersample=1):
    """Rasterize the zone plate (a radial chirp ``cos(a r²)``) on a ``size_px`` × ``size_px`` grid.

    The continuous signal is ``z(x, y) = 1/2 + 1/2 cos(π f_max r² / r_max)``, with ``r``
    the distance in pixels from the image centre and ``r_max`` the distance to a
    corner pixel. Its local frequency grows linearly with the radius,
    ``f(r) = f_max r / r_max`` cycles per pixel (see :func:`zone_plate_frequency`), so
    one image sweeps every frequency from 0 (centre) to ``f_max`` (corners) in every
    orientation: a test chart for aliasing.

    Parameters
    ----------
    size_px : int >= 2
        Side of the square image in pixels.
    max_frequency : float > 0
        Local frequency reached at the corners, in cycles per pixel. Up to 0.5 (the
        Nyquist frequency of the grid) the raster is alias-free; above it, the outer
        rings fold back into moiré.
    supersample : int >= 1
        Average ``supersample²`` point samples spread over each pixel instead of taking
        one at its centre: a model of a sensor pixel that integrates the light over its
        area (a box prefilter), which attenuates frequencies above Nyquist.

    Returns
    -------
    (size_px, size_px) float64 array in [0, 1]

    References
    ----------
    The zone plate as a test pattern for sampling: e.g. Mitchell & Netravali,
    "Reconstruction filters in computer graphics", SIGGRAPH 1988.
    """
    size_px, max_frequency, centre, r_max = _zone_plate_geometry(size_px, max_frequency)
    supersample = check_int(supersample, "supersample", minimum=1, maximum=16)
    a = np.pi * max_frequency / r_max
    # sub-pixel offsets of the point samples, symmetric around each pixel centre
    offsets = (np.arange(supersample) + 0.5) / supersample - 0.5
    coords = np.arange(size_px) - centre
    out = np.zeros((size_px, size_px))
    for dy in offsets:
        y2 = (coords + dy)[:, None] ** 2
        for dx in offsets:
            out += np.cos(a * (y2 + (coords + dx)[None, :] ** 2))
    out /= supersample * supersample
    return np.clip(0.5 + 0.5 * out, 0.0, 1.0)


def zone_plate_frequency(size_px, max_frequency=0.5):
    """Local frequency of :func:`zone_plate` at each pixel, in cycles per pixel.

    The phase is ``φ(r) = π f_max r² / r_max``; its derivative divided by 2π is the
    local frequency ``f(r) = f_max r / r_max``.

    Parameters
    ----------
    size_px : int >= 2
    max_frequency : float > 0
        As in :func:`zone_plate`.

    Returns
    -------
    (size_px, size_px) float64 array
        Values from 0 (centre) to ``max_frequency`` (corners).
    """
    size_px, max_frequency, centre, r_max = _zone_plate_geometry(size_px, max_frequency)
    coords = np.arange(size_px) - centre
    r = np.sqrt(coords[:, None] ** 2 + coords[None, :] ** 2)
    return max_frequency * r / r_max


def gaussian_kernel(sigma_px, truncate=4.0):
    """Normalised 1-D Gaussian kernel ``exp(-x² / 2σ²)`` on ``x = -R .. R``.

    Parameters
    ----------
    sigma_px : float > 0
        Standard deviation in pixels.
    truncate : float > 0
        The radius is ``R = int(truncate σ + 0.5)`` (as in ``scipy.ndimage``).

    Returns
    -------
    (2R + 1,) float64 array summing to 1
    """
    sigma_px = check_number(sigma_px, "sigma_px", minimum=0.0, strict_min=True)
    truncate = check_number(truncate, "truncate", minimum=0.0, strict_min=True)
    radius = int(truncate * sigma_px + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (x / sigma_px) ** 2)
    return w / w.sum()


def _convolve_axis(arr, kernel, axis):
    """Correlate ``arr`` with a symmetric ``kernel`` along ``axis``, mirror-extending the borders."""
    r = (len(kernel) - 1) // 2
    n = arr.shape[axis]
    pad = [(0, 0)] * arr.ndim
    pad[axis] = (r, r)
    # 'symmetric' (d c b a | a b c d) is scipy.ndimage's 'reflect'; numpy repeats the
    # reflection when the kernel is wider than the image, as scipy does
    padded = np.pad(arr, pad, mode="symmetric")
    out = np.zeros_like(arr, dtype=np.float64)
    for i, w in enumerate(kernel):
        out += w * np.take(padded, np.arange(i, i + n), axis=axis)
    return out


def gaussian_blur(image, sigma_px, truncate=4.0):
    """Blur an image with a separable Gaussian of standard deviation ``sigma_px`` pixels.

    Borders are mirror-extended (``d c b a | a b c d``, scipy's ``mode="reflect"``); a
    color image is blurred channel by channel. Matches
    ``scipy.ndimage.gaussian_filter(image, (σ, σ[, 0]), mode="reflect")``.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array in [0, 1]
    sigma_px : float > 0
        Standard deviation of the Gaussian in pixels.
    truncate : float > 0
        Kernel radius in standard deviations.

    Returns
    -------
    (H, W) or (H, W, 3) float64 array in [0, 1]
    """
    x = to_float(image)
    kernel = gaussian_kernel(sigma_px, truncate)
    out = _convolve_axis(_convolve_axis(x, kernel, 0), kernel, 1)
    return np.clip(out, 0.0, 1.0)


def subsample(image, step, prefilter_sigma=None):
    """Keep one pixel out of ``step`` in each direction, optionally after a Gaussian blur.

    Subsampling by ``step`` lowers the Nyquist frequency from 0.5 to ``0.5 / step``
    cycles per input pixel; any content between the two folds back as aliasing unless
    a low-pass prefilter removes it first. A Gaussian with ``prefilter_sigma ≈ step / 2``
    is a common compromise between blur and residual aliasing.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array in [0, 1]
    step : int >= 1
        Sampling step in input pixels; the samples are at rows and columns
        ``0, step, 2 step, ...``.
    prefilter_sigma : float > 0, optional
        Standard deviation in input pixels of the Gaussian blur applied before
        sampling; ``None`` samples the raw pixels.

    Returns
    -------
    (ceil(H / step), ceil(W / step)[, 3]) float64 array in [0, 1]
    """
    x = to_float(image)
    step = check_int(step, "step", minimum=1)
    if prefilter_sigma is not None:
        x = gaussian_blur(x, prefilter_sigma)
    return np.ascontiguousarray(x[::step, ::step])


def ideal_lowpass(image, cutoff):
    """Remove every spatial frequency above ``cutoff`` (an ideal, square low-pass filter).

    The image is mirror-extended to twice its size (so that the FFT's implicit
    periodisation creates no edges), transformed, every frequency with
    ``|f_x| > cutoff`` or ``|f_y| > cutoff`` is zeroed, and the result is transformed
    back and cropped. Followed by sampling with step ``s`` and ``cutoff = 0.5 / s`` it
    is the alias-free reference that the sampling theorem promises.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array in [0, 1]
    cutoff : float in (0, 0.5]
        Highest frequency kept, in cycles per pixel.

    Returns
    -------
    (H, W) or (H, W, 3) float64 array, clipped to [0, 1] (the ideal filter rings near edges)
    """
    x = to_float(image)
    cutoff = check_number(cutoff, "cutoff", minimum=0.0, maximum=0.5, strict_min=True)
    h, w = x.shape[:2]
    ext = np.concatenate([x, x[::-1]], axis=0)
    ext = np.concatenate([ext, ext[:, ::-1]], axis=1)
    fy = np.fft.fftfreq(2 * h)
    fx = np.fft.fftfreq(2 * w)
    keep = (np.abs(fy)[:, None] <= cutoff + 1e-12) & (np.abs(fx)[None, :] <= cutoff + 1e-12)
    if x.ndim == 3:
        keep = keep[:, :, None]
    spectrum = np.fft.fft2(ext, axes=(0, 1))
    out = np.real(np.fft.ifft2(spectrum * keep, axes=(0, 1)))[:h, :w]
    return np.clip(out, 0.0, 1.0)


# ----------------------------------------------------------------------------- measuring aliasing

def subsampling_psnr(image, step, prefilter_sigma=None):
    """PSNR in dB of :func:`subsample` against the alias-free reference (ideal low-pass, then sample).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array in [0, 1]
    step : int >= 1
    prefilter_sigma : float > 0, optional
        As in :func:`subsample`; ``None`` samples the raw pixels.

    Returns
    -------
    float
        ``psnr(ideal_lowpass(image, 0.5 / step)[::step, ::step], subsample(image, step, prefilter_sigma))``
        with ``Max = 1``: higher is closer to what the sampling theorem promises.
    """
    from .distortion import psnr

    step = check_int(step, "step", minimum=1)
    reference = ideal_lowpass(image, 0.5 / step)[::step, ::step]
    return psnr(reference, subsample(image, step, prefilter_sigma), data_range=1.0)


def zone_plate_alias_rms(step, prefilter_sigma=None, size_px=256):
    """Aliasing left after subsampling the alias-free zone plate by ``step``: an RMS deviation from gray.

    The zone plate of ``size_px`` pixels reaching 0.5 cycles per pixel in its corners is
    subsampled by ``step`` (after a Gaussian blur of ``prefilter_sigma`` pixels when
    given). Where its local frequency exceeds the new Nyquist frequency ``0.5 / step``,
    the alias-free result is a flat mid-gray 0.5; any deviation there is aliasing.

    Parameters
    ----------
    step : int >= 2
    prefilter_sigma : float > 0, optional
    size_px : int >= 16

    Returns
    -------
    float
        ``sqrt(mean((s - 0.5)²))`` over the samples above the new Nyquist frequency: about
        ``1 / (2√2) ≈ 0.354`` (a cosine of amplitude 1/2) without blur, towards 0 as the blur grows.
    """
    step = check_int(step, "step", minimum=2)
    size_px = check_int(size_px, "size_px", minimum=16)
    samples = subsample(zone_plate(size_px, 0.5), step, prefilter_sigma)
    above = zone_plate_frequency(size_px, 0.5)[::step, ::step] > 0.5 / step
    return float(np.sqrt(np.mean((samples[above] - 0.5) ** 2)))


def smallest_antialias_sigma(step, max_alias_rms=0.05, size_px=256):
    """The smallest Gaussian prefilter that brings the zone plate's aliasing down to ``max_alias_rms``.

    The residual aliasing :func:`zone_plate_alias_rms` falls as the blur grows; this finds,
    by bisection on ``[0, step]`` to 0.1 % of ``step``, the smallest ``σ`` with
    ``zone_plate_alias_rms(step, σ) <= max_alias_rms``. A larger ``σ`` removes more
    aliasing but also blurs the frequencies the coarse grid could have kept.

    Parameters
    ----------
    step : int >= 2
    max_alias_rms : float in (0, 0.5]
        The aliasing tolerated (RMS deviation from gray, see :func:`zone_plate_alias_rms`).
    size_px : int >= 16

    Returns
    -------
    float
        ``σ`` in input pixels; 0.0 when no blur is needed (``max_alias_rms`` above the raw
        aliasing, about 0.354).

    Raises
    ------
    ValueError
        If even ``σ = step`` leaves more aliasing than ``max_alias_rms``.
    """
    step = check_int(step, "step", minimum=2)
    max_alias_rms = check_number(max_alias_rms, "max_alias_rms", minimum=0.0, maximum=0.5, strict_min=True)
    if zone_plate_alias_rms(step, None, size_px) <= max_alias_rms:
        return 0.0
    lo, hi = 0.0, float(step)
    if zone_plate_alias_rms(step, hi, size_px) > max_alias_rms:
        raise ValueError(f"max_alias_rms={max_alias_rms} is not reached even with a blur of sigma = step = {step} px")
    while hi - lo > 1e-3 * step:
        mid = 0.5 * (lo + hi)
        if zone_plate_alias_rms(step, mid, size_px) <= max_alias_rms:
            hi = mid
        else:
            lo = mid
    return hi
