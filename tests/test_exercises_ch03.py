"""Chapter 3 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest

from imsearch import index
from imsearch.descriptors import histograms as globaldesc, pixels
from imsearch.grading.checks import all_exercises, evaluate

from exercise_helpers import load_solutions, passes

IDS = ["3.1", "3.2", "3.3", "3.4"]


SOLUTIONS = load_solutions(3)


# ----------------------------------------------------------------------------- (a) solutions pass


def test_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 3] == IDS


def test_a_vectorised_alternative_also_passes_3_1():
    def expansion(queries, database):  # ||q||² + ||x||² - 2 q·x, in float
        q = np.asarray(queries, float)
        x = np.asarray(database, float)
        return (q ** 2).sum(1)[:, None] + (x ** 2).sum(1)[None] - 2 * q @ x.T
    assert passes("3.1", expansion)


# ----------------------------------------------------------------------------- (b) wrong solutions fail

def _sq_uint8_wraparound(queries, database):  # subtracts uint8 arrays: 93 - 100 wraps to 249
    diff = np.asarray(queries)[:, None, :] - np.asarray(database)[None, :, :]
    return (diff ** 2).sum(axis=-1).astype(float)


def _sq_int16(queries, database):  # casts, but 255² = 65025 overflows int16
    diff = np.asarray(queries).astype(np.int16)[:, None, :] - np.asarray(database).astype(np.int16)[None]
    return (diff ** 2).sum(axis=-1, dtype=np.int16).astype(float)


def _sq_mean(queries, database):  # the MSE, not the squared distance
    diff = np.asarray(queries, float)[:, None, :] - np.asarray(database, float)[None]
    return (diff ** 2).mean(axis=-1)


def _sq_sqrt(queries, database):  # the Euclidean distance, not squared
    diff = np.asarray(queries, float)[:, None, :] - np.asarray(database, float)[None]
    return np.sqrt((diff ** 2).sum(axis=-1))


def _sq_transposed(queries, database):  # (N, Q) instead of (Q, N)
    diff = np.asarray(database, float)[:, None, :] - np.asarray(queries, float)[None]
    return (diff ** 2).sum(axis=-1)


@pytest.mark.parametrize("wrong", [_sq_uint8_wraparound, _sq_int16, _sq_mean, _sq_sqrt, _sq_transposed])
def test_3_1_wrong_solutions_fail(wrong):
    assert not passes("3.1", wrong)


def test_3_1_wraparound_feedback_names_the_case():
    result = evaluate("3.1", _sq_uint8_wraparound)
    assert "no uint8 wrap-around" in result.feedback and "expected 120000., got 43200." in result.feedback


def _hist_from(idx_fn, normalise=True):
    def hist(image, bins):
        px = np.asarray(image).reshape(-1, 3).astype(np.int64)
        idx = idx_fn(px, bins)
        joint = (idx[:, 0] * bins + idx[:, 1]) * bins + idx[:, 2]
        counts = np.bincount(joint, minlength=bins ** 3).astype(float)
        return counts / len(px) if normalise else counts
    return hist


def _hist_histogramdd_0_255(image, bins):  # np.histogramdd over range (0, 255): edges 255/bins apart
    h, _ = np.histogramdd(np.asarray(image).reshape(-1, 3), bins=bins, range=[(0, 255)] * 3)
    return h.ravel() / h.sum()


def _hist_bgr(image, bins):  # channels in the wrong order (OpenCV's BGR habit)
    return _hist_from(lambda px, n: px * n // 256)(np.asarray(image)[..., ::-1], bins)


@pytest.mark.parametrize("wrong", [
    _hist_from(lambda px, n: px * n // 256, normalise=False),              # counts, not fractions
    _hist_from(lambda px, n: np.minimum(px * n // 255, n - 1)),            # divides by 255
    _hist_from(lambda px, n: np.minimum(np.round(px * n / 256).astype(np.int64), n - 1)),  # rounds
    _hist_histogramdd_0_255,
    _hist_bgr,
])
def test_3_2_wrong_solutions_fail(wrong):
    assert not passes("3.2", wrong)


def _inter_unnormalised(a, b):  # Σ min only
    return np.minimum(np.asarray(a, float), np.asarray(b, float)).sum(axis=-1)


def _inter_by_a(a, b):  # normalised by the image, not the model
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.minimum(a, b).sum(axis=-1) / a.sum(axis=-1)


def _inter_no_axis(a, b):  # sums everything into one number
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.minimum(a, b).sum() / b.sum()


def _inter_max(a, b):  # max instead of min
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.maximum(a, b).sum(axis=-1) / b.sum(axis=-1)


@pytest.mark.parametrize("wrong", [_inter_unnormalised, _inter_by_a, _inter_no_axis, _inter_max])
def test_3_3_wrong_solutions_fail(wrong):
    assert not passes("3.3", wrong)


def _predict(noise_mse, shift_mse, peak=255.0):
    def f(noise_sigma, variance, correlation):
        return (10 * np.log10(peak ** 2 / noise_mse(noise_sigma)),
                10 * np.log10(peak ** 2 / shift_mse(variance, correlation)))
    return f


@pytest.mark.parametrize("wrong", [
    _predict(lambda s: s ** 2, lambda v, r: v * (1 - r)),            # forgets the 2: Var(x - y) = 2v(1 - ρ)
    _predict(lambda s: s ** 2, lambda v, r: 2 * v * (1 - r ** 2)),    # 1 - ρ² (the AR(1) innovation variance)
    _predict(lambda s: s ** 2, lambda v, r: 2 * v),                   # ignores the correlation (independent pixels)
    _predict(lambda s: s, lambda v, r: 2 * v * (1 - r)),              # σ instead of σ² for the noise
    _predict(lambda s: s ** 2, lambda v, r: 2 * v * (1 - r), peak=1.0),  # peak 1 on 0..255 values
    lambda s, v, r: _predict(lambda s: s ** 2, lambda v, r: 2 * v * (1 - r))(s, v, r)[::-1],  # outputs swapped
])
def test_3_4_wrong_predictions_fail(wrong):
    assert not passes("3.4", wrong)


# ----------------------------------------------------------------------------- (c) calling the reference

@pytest.mark.parametrize("ex_id,cheat", [
    ("3.1", lambda queries, database: index.squared_l2(queries, database)),
    ("3.1", lambda queries, database: index.pairwise_distances(queries, database, "l2")),
    ("3.2", lambda image, bins: globaldesc.color_histogram(image, bins)),
    ("3.3", lambda a, b: globaldesc.intersection(a, b)),
    ("3.3", lambda a, b: -index.pairwise_distances(np.atleast_2d(a), np.atleast_2d(b), "intersection")),
    ("3.4", lambda noise_sigma, variance, correlation: pixels.predicted_edit_psnr(noise_sigma, variance, correlation)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0 and result.status == "failed"
    assert "reference" in result.feedback


# ----------------------------------------------------------------------------- (d) stubs


# ----------------------------------------------------------------------------- (e) closed forms agree


