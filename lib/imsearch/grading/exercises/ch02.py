"""Exercises of chapter 2 — color."""
from __future__ import annotations

import numpy as np

from imsearch.grading.checks import Case, Exercise, register
from imsearch.signal import color


def _constant_image(h, w, rgb):
    return np.broadcast_to(np.array(rgb, dtype=np.uint8), (h, w, 3)).copy()


def _cases_2_1(rng):
    # a constant image with R=10, G=20, B=30: the mosaic shows the RGGB tile directly
    tile_even, tile_odd = [10, 20, 10, 20, 10], [20, 30, 20, 30, 20]
    four_pixels = np.array([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], dtype=np.uint8)
    return [
        Case("constant 4×4 image (R, G, B) = (10, 20, 30)", (_constant_image(4, 4, (10, 20, 30)),),
             expected=np.array([tile_even[:4], tile_odd[:4]] * 2, dtype=np.uint8)),
        Case("constant 3×5 image (odd size)", (_constant_image(3, 5, (10, 20, 30)),),
             expected=np.array([tile_even, tile_odd, tile_even], dtype=np.uint8)),
        Case("2×2 image: R of top-left, G of top-right and bottom-left, B of bottom-right",
             (four_pixels,), expected=np.array([[1, 5], [8, 12]], dtype=np.uint8)),
        Case("random 8×8 uint8 image", (rng.integers(0, 256, (8, 8, 3), dtype=np.uint8),)),
        Case("random 7×9 uint8 image", (rng.integers(0, 256, (7, 9, 3), dtype=np.uint8),)),
    ]


register(Exercise(
    id="2.1", title="Sample an image through an RGGB Bayer filter", points=2,
    function="bayer_mosaic",
    signature="bayer_mosaic(image: (H, W, 3) uint8) -> (H, W) uint8, R at even rows/even columns, "
              "B at odd rows/odd columns, G elsewhere",
    reference=color.bayer_mosaic, cases=_cases_2_1, rtol=0, atol=0,
))


def _cases_2_2(rng):
    return [
        Case("white (1, 1, 1) -> Y = 1, no chroma", (np.array([1.0, 1.0, 1.0]),),
             expected=np.array([1.0, 0.0, 0.0])),
        Case("mid gray (0.5, 0.5, 0.5) -> Y = 0.5, no chroma", (np.array([0.5, 0.5, 0.5]),),
             expected=np.array([0.5, 0.0, 0.0])),
        Case("pure red (1, 0, 0)", (np.array([1.0, 0.0, 0.0]),),
             expected=np.array([0.299, -0.299 / 1.772, 0.5])),
        Case("pure blue (0, 0, 1)", (np.array([0.0, 0.0, 1.0]),),
             expected=np.array([0.114, 0.5, -0.114 / 1.402])),
        Case("6 random colors, shape (6, 3)", (rng.random((6, 3)),)),
        Case("random 4×5 image, shape (4, 5, 3)", (rng.random((4, 5, 3)),)),
    ]


register(Exercise(
    id="2.2", title="RGB to YUV (ITU-R BT.601): derive the chroma scales", points=2,
    function="rgb_to_yuv",
    signature="rgb_to_yuv(rgb: (..., 3) float in [0, 1]) -> (..., 3) float: Y = 0.299 R + 0.587 G + 0.114 B, "
              "U a multiple of B - Y and V a multiple of R - Y, each scaled to span exactly [-0.5, 0.5] "
              "over the RGB cube",
    # 1e-5 accepts the 6-digit coefficients printed in textbooks
    reference=color.rgb_to_yuv, cases=_cases_2_2, rtol=0, atol=1e-5,
    siblings=(color._rgb_to_yuv,),
))


def _cases_2_3(rng):
    colors = rng.random((8, 3))
    colors[3] = 0.0  # black inside a batch: K = 1, and C, M, Y must not be NaN
    return [
        Case("white -> no ink", (np.array([1.0, 1.0, 1.0]),), expected=np.array([0.0, 0.0, 0.0, 0.0])),
        Case("black -> only K", (np.array([0.0, 0.0, 0.0]),), expected=np.array([0.0, 0.0, 0.0, 1.0])),
        Case("red -> magenta + yellow", (np.array([1.0, 0.0, 0.0]),), expected=np.array([0.0, 1.0, 1.0, 0.0])),
        Case("(0.5, 0.25, 0) -> K = 0.5, C = 0, M = 0.5, Y = 1", (np.array([0.5, 0.25, 0.0]),),
             expected=np.array([0.0, 0.5, 1.0, 0.5])),
        Case("8 random colors (one of them black), shape (8, 3)", (colors,)),
        Case("random 3×4 image, shape (3, 4, 3)", (rng.random((3, 4, 3)),)),
    ]


register(Exercise(
    id="2.3", title="RGB to CMYK (naive formula)", points=2,
    function="rgb_to_cmyk",
    signature="rgb_to_cmyk(rgb: (..., 3) float in [0, 1]) -> (..., 4) float: K = 1 - max(R, G, B), "
              "C = (1 - R - K) / (1 - K), ...; black is (0, 0, 0, 1)",
    reference=color.rgb_to_cmyk, cases=_cases_2_3, rtol=1e-7, atol=1e-9,
    siblings=(color._rgb_to_cmyk,),
))


def _cases_2_4(rng):
    return [
        Case("the ends 0 and 1 stay put", (np.array([0.0, 1.0]),), expected=np.array([0.0, 1.0])),
        Case("0.02 and 0.04045 are on the linear segment c / 12.92", (np.array([0.02, 0.04045]),),
             expected=np.array([0.02 / 12.92, 0.04045 / 12.92])),
        Case("0.5 is on the power segment", (np.array([0.5]),),
             expected=np.array([(0.555 / 1.055) ** 2.4])),
        Case("40 random values in [0, 0.1] (both segments)", (rng.random(40) * 0.1,)),
        Case("random 4×4×3 image", (rng.random((4, 4, 3)),)),
    ]


register(Exercise(
    id="2.4", title="sRGB gamma decoding: invert the encoding", points=2,
    function="srgb_to_linear",
    signature="srgb_to_linear(c: float array in [0, 1]) -> float array of c's shape: the inverse of the "
              "sRGB encoding c' = 12.92 c for c <= 0.0031308, else 1.055 c ** (1 / 2.4) - 0.055",
    reference=color.srgb_to_linear, cases=_cases_2_4, rtol=1e-7, atol=1e-10,
    siblings=(color._srgb_to_linear,),
))


def _cases_2_5(rng):
    kappa = 24389 / 27      # L* = kappa Y near black (the linear segment of f)
    return [
        Case("black, ΔE 2.3: both steps on the linear segments", (0.0, 2.3),
             expected=(255 * 12.92 * 2.3 / kappa, 255 * 2.3 / kappa)),
        Case("mid gray 0.5, ΔE 2.3", (0.5, 2.3)),
        Case("dark gray 0.1, ΔE 2.3", (0.1, 2.3)),
        Case("light gray 0.85, ΔE 1.0", (0.85, 1.0)),
        Case("a random gray 0.05..0.9, a random ΔE 1..3",
             (float(np.round(rng.uniform(0.05, 0.9), 3)), float(np.round(rng.uniform(1.0, 3.0), 2)))),
    ]


register(Exercise(
    id="2.5", title="How big is a visible step? (explain with a number)", points=2,
    function="just_noticeable_step",
    signature="just_noticeable_step(gray: float in [0, 1), delta_e: float) -> (step_encoded_levels, "
              "step_linear_levels): the step up from the gray (g, g, g) that gives ΔE76 = delta_e, as 255 × the "
              "change of the sRGB-encoded value and 255 × the change of the linear intensity",
    reference=color.just_noticeable_gray_step, cases=_cases_2_5, rtol=2e-3, atol=1e-4,
))


def _cases_2_6(rng):
    return [
        Case("4:4:4 at 8 bits", ("4:4:4", 8), expected=24.0),
        Case("4:2:2 at 8 bits", ("4:2:2", 8), expected=16.0),
        Case("4:2:0 at 8 bits", ("4:2:0", 8), expected=12.0),
        Case("4:1:1 at 10 bits", ("4:1:1", 10)),
        Case("a random scheme at a random depth 8..16",
             (["4:4:4", "4:2:2", "4:2:0", "4:1:1"][int(rng.integers(4))], int(rng.integers(8, 17)))),
    ]


register(Exercise(
    id="2.6", title="Predict the bits per pixel of chroma subsampling (predict)", points=1,
    function="predict_bits_per_pixel",
    signature="predict_bits_per_pixel(scheme: one of '4:4:4', '4:2:2', '4:2:0', '4:1:1', bits: int) -> float, "
              "the average number of bits stored per pixel for Y, U and V at `bits` bits per sample",
    reference=color.bits_per_pixel, cases=_cases_2_6, rtol=1e-9, atol=1e-9,
))
