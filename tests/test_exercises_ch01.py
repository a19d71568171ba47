"""Chapter 1 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest

from imsearch.signal import quantization, sampling
from imsearch.grading.checks import evaluate

from exercise_helpers import load_solutions, passes

IDS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]


SOLUTIONS = load_solutions(1)


# ----------------------------------------------------------------------------- (a) solutions pass


def test_the_chapter_s_exercises():
    from imsearch.grading.checks import all_exercises
    ch1 = [e.id for e in all_exercises() if e.chapter == 1]
    assert ch1 == IDS


# ----------------------------------------------------------------------------- (b) wrong solutions fail

def _lm_uniform_start(x, k, n_iter=30):  # starts from the uniform cell centres of [min, max] instead
    x = np.asarray(x, dtype=float).ravel()
    levels = x.min() + (np.arange(k) + 0.5) / k * (x.max() - x.min())
    for _ in range(n_iter):
        cell = np.searchsorted((levels[:-1] + levels[1:]) / 2, x)
        c, s = np.bincount(cell, minlength=k), np.bincount(cell, weights=x, minlength=k)
        levels = np.where(c > 0, s / np.maximum(c, 1), levels)
    return levels


def _lm_nan_on_empty(x, k, n_iter=30):  # divides by an empty cell's zero count
    x = np.asarray(x, dtype=float).ravel()
    levels = np.quantile(x, (np.arange(k) + 0.5) / k)
    with np.errstate(all="ignore"):
        for _ in range(n_iter):
            cell = np.searchsorted((levels[:-1] + levels[1:]) / 2, x)
            levels = np.bincount(cell, weights=x, minlength=k) / np.bincount(cell, minlength=k)
    return levels


def _lm_ties_up(x, k, n_iter=30):  # a value on a midpoint goes to the upper cell
    x = np.asarray(x, dtype=float).ravel()
    levels = np.quantile(x, (np.arange(k) + 0.5) / k)
    for _ in range(n_iter):
        cell = np.searchsorted((levels[:-1] + levels[1:]) / 2, x, side="right")
        c, s = np.bincount(cell, minlength=k), np.bincount(cell, weights=x, minlength=k)
        levels = np.where(c > 0, s / np.maximum(c, 1), levels)
    return levels


def _lm_one_iteration_short(x, k, n_iter=30):  # off by one in the loop
    x = np.asarray(x, dtype=float).ravel()
    levels = np.quantile(x, (np.arange(k) + 0.5) / k)
    for _ in range(max(n_iter - 1, 0)):
        cell = np.searchsorted((levels[:-1] + levels[1:]) / 2, x)
        c, s = np.bincount(cell, minlength=k), np.bincount(cell, weights=x, minlength=k)
        levels = np.where(c > 0, s / np.maximum(c, 1), levels)
    return levels


def _lm_through_lloyd_step(x, k, n_iter=30):  # the 2-D k-means step: moves an empty cell's level
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    levels = np.quantile(x, (np.arange(k) + 0.5) / k)[:, None]
    for _ in range(n_iter):
        levels = quantization.lloyd_step(x, levels)[0]
    return np.sort(levels[:, 0])


@pytest.mark.parametrize("wrong", [_lm_uniform_start, _lm_nan_on_empty, _lm_ties_up, _lm_one_iteration_short,
                                   _lm_through_lloyd_step])
def test_1_1_wrong_solutions_fail(wrong):
    assert not passes("1.1", wrong)


def _psnr_left_edge(x, k):  # reconstructs at q / k (the cell's left edge), not its centre
    x = np.asarray(x, dtype=float)
    mse = np.mean((x - np.floor(x * k) / k) ** 2)
    return 10 * np.log10(1 / mse) if mse else float("inf")


def _psnr_20log(x, k):  # 20 log10 of a power ratio
    x = np.asarray(x, dtype=float)
    mse = np.mean((x - (np.floor(x * k) + 0.5) / k) ** 2)
    return 20 * np.log10(1 / mse) if mse else float("inf")


def _psnr_rmse(x, k):  # forgets to square: 10 log10(1 / RMSE)
    x = np.asarray(x, dtype=float)
    rmse = np.sqrt(np.mean((x - (np.floor(x * k) + 0.5) / k) ** 2))
    return 10 * np.log10(1 / rmse) if rmse else float("inf")


def _psnr_law(x, k):  # returns the expected value 10 log10(12 k²), not the measured one
    return 10 * np.log10(12 * k ** 2)


def _psnr_sum(x, k):  # sum of squared errors instead of the mean
    x = np.asarray(x, dtype=float)
    sse = np.sum((x - (np.floor(x * k) + 0.5) / k) ** 2)
    return 10 * np.log10(1 / sse) if sse else float("inf")


@pytest.mark.parametrize("wrong", [_psnr_left_edge, _psnr_20log, _psnr_rmse, _psnr_law, _psnr_sum])
def test_1_2_wrong_solutions_fail(wrong):
    assert not passes("1.2", wrong)


def _b4():
    b2 = np.array([[0, 2], [3, 1]])
    return np.block([[4 * b2, 4 * b2 + 2], [4 * b2 + 3, 4 * b2 + 1]])


def _dither(gray, levels, thresholds_of):
    gray = np.asarray(gray, dtype=float)
    rows, cols = np.indices(gray.shape)
    t = thresholds_of(rows, cols)
    v = gray * (levels - 1)
    low = np.floor(v)
    return np.minimum(np.where(v - low > t, low + 1, low), levels - 1) / (levels - 1)


def _od_no_half(gray, levels=2):  # thresholds b / 16 instead of (b + 1/2) / 16
    return _dither(gray, levels, lambda r, c: _b4()[r % 4, c % 4] / 16)


def _od_transposed(gray, levels=2):  # indexes the matrix by (column, row)
    return _dither(gray, levels, lambda r, c: (_b4()[c % 4, r % 4] + 0.5) / 16)


def _od_compare_value(gray, levels=2):  # compares the value, not its fractional part, with the threshold
    gray = np.asarray(gray, dtype=float)
    rows, cols = np.indices(gray.shape)
    t = (_b4()[rows % 4, cols % 4] + 0.5) / 16
    return np.where(gray > t, 1.0, 0.0) if levels == 2 else np.round(gray * (levels - 1) + t - 0.5) / (levels - 1)


def _od_uint_output(gray, levels=2):  # returns level indices 0..L-1 instead of values in [0, 1]
    return _dither(gray, levels, lambda r, c: (_b4()[r % 4, c % 4] + 0.5) / 16) * (levels - 1)


@pytest.mark.parametrize("wrong", [_od_no_half, _od_transposed, _od_uint_output])
def test_1_3_wrong_solutions_fail(wrong):
    assert not passes("1.3", wrong)


def test_1_3_levels_confusion_fails():
    # right for two levels, but ignores `levels` (always black and white)
    assert not passes("1.3", lambda gray, levels=2: _od_compare_value(gray, 2))


def _assign_l1(points, centroids):  # Manhattan distance
    return np.argmin(np.abs(points[:, None] - centroids[None]).sum(-1), axis=1)


def _assign_last_tie(points, centroids):  # ties to the higher index
    d2 = ((points[:, None] - centroids[None]) ** 2).sum(-1)
    k = len(centroids)
    return k - 1 - np.argmin(d2[:, ::-1], axis=1)


def _assign_one_based(points, centroids):
    return np.argmin(((points[:, None] - centroids[None]) ** 2).sum(-1), axis=1) + 1


def _assign_wrong_axis(points, centroids):  # nearest point of each centroid
    return np.argmin(((points[:, None] - centroids[None]) ** 2).sum(-1), axis=0)


def _assign_dot(points, centroids):  # largest inner product instead of smallest distance
    return np.argmax(points @ centroids.T, axis=1)


@pytest.mark.parametrize("wrong", [_assign_l1, _assign_last_tie, _assign_one_based, _assign_wrong_axis,
                                   _assign_dot])
def test_1_4_wrong_solutions_fail(wrong):
    assert not passes("1.4", wrong)


def _choose_half_step(step, max_alias_rms):  # the rule of thumb sigma = step / 2, whatever the tolerance
    return step / 2


def _choose_coarse_sweep(step, max_alias_rms):  # first sigma below the tolerance on a sweep of 0.1·step
    from imsearch import signal
    for r in np.arange(0.1, 1.01, 0.1):
        if signal.zone_plate_alias_rms(step, r * step) <= max_alias_rms:
            return r * step
    return float(step)


def _choose_largest_blur(step, max_alias_rms):  # "more blur is safer": sigma = step
    return float(step)


def _choose_in_output_pixels(step, max_alias_rms):  # the right sigma, but in output (coarse-grid) pixels
    from imsearch import signal
    lo, hi = 0.0, float(step)
    while hi - lo > 1e-3 * step:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if signal.zone_plate_alias_rms(step, mid) <= max_alias_rms else (mid, hi)
    return hi / step


@pytest.mark.parametrize("wrong", [_choose_half_step, _choose_coarse_sweep, _choose_largest_blur,
                                   _choose_in_output_pixels])
def test_1_6_wrong_choices_fail(wrong):
    assert not passes("1.6", wrong)


def _predict_worst_case(k):  # the largest error 1/(2k), squared, taken for the mean squared error
    mse = 1 / (4 * k ** 2)
    return mse, 10 * np.log10(1 / mse), 20 * np.log10(2)


def _predict_left_edge(k):  # reconstruction at the cell's left edge: E[e²] = Δ²/3
    mse = 1 / (3 * k ** 2)
    return mse, 10 * np.log10(1 / mse), 20 * np.log10(2)


def _predict_3db_per_bit(k):  # halving Δ halves the MSE (forgets the square): 10 log10 2 per bit
    mse = 1 / (12 * k ** 2)
    return mse, 10 * np.log10(1 / mse), 10 * np.log10(2)


def _predict_rounded_6db(k):  # "about 6 dB per bit", rounded
    mse = 1 / (12 * k ** 2)
    return mse, 10 * np.log10(1 / mse), 6.0


def _predict_psnr_20log_mse(k):  # 20 log10 of a power ratio
    mse = 1 / (12 * k ** 2)
    return mse, 20 * np.log10(1 / mse), 20 * np.log10(2)


def _predict_measured(k):  # measures on 10⁵ samples instead of predicting: not exact enough
    x = np.random.default_rng(0).random(100_000)
    mse = np.mean((x - (np.floor(x * k) + 0.5) / k) ** 2)
    return mse, 10 * np.log10(1 / mse), 20 * np.log10(2)


@pytest.mark.parametrize("wrong", [_predict_worst_case, _predict_left_edge, _predict_3db_per_bit,
                                   _predict_rounded_6db, _predict_psnr_20log_mse, _predict_measured])
def test_1_5_wrong_predictions_fail(wrong):
    assert not passes("1.5", wrong)


# ----------------------------------------------------------------------------- (c) calling the reference

@pytest.mark.parametrize("ex_id,cheat", [
    ("1.1", lambda x, k, n_iter=30: quantization.lloyd_max(x, k, n_iter)),
    ("1.2", lambda x, k: quantization.quantization_psnr(x, k)),
    ("1.3", lambda gray, levels=2: quantization.ordered_dither(gray, levels)),
    ("1.4", lambda points, centroids: quantization.assign(points, centroids)),
    ("1.5", lambda k: quantization.quantizer_law(k)),
    ("1.6", lambda step, max_alias_rms: sampling.smallest_antialias_sigma(step, max_alias_rms)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0
    assert result.status == "failed"
    assert "reference" in result.feedback


def test_a_detour_through_lloyd_step_is_caught():
    # lloyd_step returns the assignments it computed with the reference: still a reference call
    def cheat(points, centroids):
        return quantization.lloyd_step(points, centroids)[1]
    assert evaluate("1.4", cheat).points == 0


# ----------------------------------------------------------------------------- (d) stubs


# ----------------------------------------------------------------------------- (e) closed forms agree


def test_feedback_names_the_failing_case():
    result = evaluate("1.2", _psnr_left_edge)
    assert "case '" in result.feedback and "expected" in result.feedback
