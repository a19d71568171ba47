"""Instructor solutions of chapter 2 (color); each replaces the exercise's stub cell."""
import numpy as np


def bayer_mosaic(image):
    """RGGB Bayer mosaic: R at (even, even), G at (even, odd) and (odd, even), B at (odd, odd)."""
    mosaic = np.empty(image.shape[:2], dtype=image.dtype)
    mosaic[0::2, 0::2] = image[0::2, 0::2, 0]
    mosaic[0::2, 1::2] = image[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = image[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = image[1::2, 1::2, 2]
    return mosaic


def rgb_to_yuv(rgb):
    """BT.601 luma and colour differences: Y, U = (B - Y) / 1.772, V = (R - Y) / 1.402."""
    rgb = np.asarray(rgb, dtype=np.float64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return np.stack([y, (b - y) / 1.772, (r - y) / 1.402], axis=-1)


def rgb_to_cmyk(rgb):
    """K = 1 - max(R, G, B); C, M, Y = (1 - channel - K) / (1 - K), zero for black."""
    rgb = np.asarray(rgb, dtype=np.float64)
    k = 1.0 - rgb.max(axis=-1, keepdims=True)
    white_part = 1.0 - k
    cmy = np.divide(1.0 - rgb - k, white_part, out=np.zeros_like(rgb), where=white_part > 0)
    return np.concatenate([cmy, k], axis=-1)


def srgb_to_linear(c):
    """sRGB decoding: linear segment below 0.04045, power 2.4 above."""
    c = np.asarray(c, dtype=np.float64)
    low = c <= 0.04045
    out = np.empty_like(c)
    out[low] = c[low] / 12.92
    out[~low] = ((c[~low] + 0.055) / 1.055) ** 2.4
    return out


def just_noticeable_step(gray, delta_e):
    """Grays have a* = b* = 0, so ΔE76 is a difference of L*: invert L* = 116 f(Y) - 16 at L*(gray) + ΔE."""
    def decode(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def encode(y):
        return 12.92 * y if y <= 0.0031308 else 1.055 * y ** (1 / 2.4) - 0.055

    delta = 6 / 29
    y = decode(gray)
    f = np.cbrt(y) if y > delta ** 3 else y / (3 * delta ** 2) + 4 / 29
    f_target = f + delta_e / 116
    y_target = f_target ** 3 if f_target > delta else 3 * delta ** 2 * (f_target - 4 / 29)
    return 255 * (encode(y_target) - gray), 255 * (y_target - y)


def predict_bits_per_pixel(scheme, bits):
    """J:a:b: in a J×2 block, J luma samples, a + b chroma pairs (U and V): bits (2J + 2(a + b)) / 2J."""
    j, a, b = (int(n) for n in scheme.split(":"))
    return bits * (2 * j + 2 * (a + b)) / (2 * j)
