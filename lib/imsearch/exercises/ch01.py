"""Exercises of chapter 1 — sampling and quantization."""
from __future__ import annotations

import numpy as np

from .. import quantization
from ..grading import Case, Exercise, register


def _cases_1_1(rng):
    grid = np.arange(8) / 8.0
    return [
        Case("k=8 on the cell borders i/8", (grid, 8), expected=np.arange(8)),
        Case("k=4 just below the borders", (np.array([0.2499, 0.4999, 0.7499, 0.9999]), 4),
             expected=np.array([0, 1, 2, 3])),
        Case("k=1: everything in cell 0", (rng.random(5), 1), expected=np.zeros(5, dtype=np.int64)),
        Case("k=16 on 100 random values", (rng.random(100), 16)),
        Case("k=256 on a (4, 5) array", (rng.random((4, 5)), 256)),
    ]


register(Exercise(
    id="1.1", title="The uniform scalar quantizer Q(x) = floor(x·k)", points=2,
    function="uniform_quantize",
    signature="uniform_quantize(x: float array in [0, 1), k: int) -> int array of x's shape, values 0..k-1",
    reference=quantization.uniform_quantize, cases=_cases_1_1, rtol=0, atol=0,
))
