"""The one best-of-N timer, for benchmarks/ scripts and the chapters' speed comparisons.

Algorithm modules never time themselves: a measurement belongs to the experiment that
reports it.
"""
from __future__ import annotations

import time


def best_of(func, repeat: int = 3):
    """Run ``func()`` ``repeat`` times; the shortest wall-clock time and the last result.

    The minimum is the least noisy estimate of a function's cost on a shared machine
    (other processes only ever add time).

    Parameters
    ----------
    func : callable with no arguments
    repeat : int >= 1

    Returns
    -------
    seconds : float
    result : whatever ``func`` returns
    """
    from .validation import check_int

    repeat = check_int(repeat, "repeat", minimum=1)
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - t0)
    return best, out
