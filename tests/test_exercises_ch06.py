"""Chapter 6 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest

from imsearch import descriptors
from imsearch.descriptors import spatial_envelope as gist
from imsearch.index import reranking as rerank
from imsearch.grading.checks import all_exercises, evaluate

from exercise_helpers import load_solutions, passes

IDS = ["6.1", "6.2", "6.3", "6.4"]


SOLUTIONS = load_solutions(6)


# ----------------------------------------------------------------------------- (a) solutions pass


def test_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 6] == IDS


def test_a_vectorised_alternative_also_passes_6_3():
    def by_reduceat(energy, grid):
        e = np.asarray(energy, float)
        h, w = e.shape[-2:]
        r = (np.arange(grid) * h) // grid
        c = (np.arange(grid) * w) // grid
        sums = np.add.reduceat(np.add.reduceat(e, r, axis=-2), c, axis=-1)
        return sums / (np.diff(np.append(r, h))[:, None] * np.diff(np.append(c, w))[None, :])
    assert passes("6.3", by_reduceat)


# ----------------------------------------------------------------------------- (b) wrong solutions fail

def _hue_hard(hue, weights, bins):  # hard bins floor(h·bins): no interpolation
    h = np.minimum((np.asarray(hue) * bins).astype(int), bins - 1)
    w = np.asarray(weights, float)
    return np.bincount(h, weights=w, minlength=bins) / w.sum()


def _hue_clipped(hue, weights, bins):  # interpolates, but clips at the ends instead of wrapping
    u = np.asarray(hue, float) * bins - 0.5
    lo = np.floor(u)
    t = u - lo
    j0 = np.clip(lo.astype(int), 0, bins - 1)
    j1 = np.clip(lo.astype(int) + 1, 0, bins - 1)
    w = np.asarray(weights, float)
    return (np.bincount(j0, (1 - t) * w, bins) + np.bincount(j1, t * w, bins)) / w.sum()


def _hue_no_half(hue, weights, bins):  # bin j centred on j/bins instead of (j + 1/2)/bins
    u = np.asarray(hue, float) * bins
    lo = np.floor(u)
    t = u - lo
    j0 = lo.astype(int) % bins
    w = np.asarray(weights, float)
    return (np.bincount(j0, (1 - t) * w, bins) + np.bincount((j0 + 1) % bins, t * w, bins)) / w.sum()


def _hue_swapped(hue, weights, bins):  # the weights of the two bins exchanged
    u = np.asarray(hue, float) * bins - 0.5
    lo = np.floor(u)
    t = u - lo
    j0 = lo.astype(int) % bins
    w = np.asarray(weights, float)
    return (np.bincount(j0, t * w, bins) + np.bincount((j0 + 1) % bins, (1 - t) * w, bins)) / w.sum()


def _hue_unweighted(hue, weights, bins):  # ignores the weights
    return SOLUTIONS.soft_hue_histogram(hue, np.ones(len(np.asarray(hue))), bins)


@pytest.mark.parametrize("wrong", [_hue_hard, _hue_clipped, _hue_no_half, _hue_swapped, _hue_unweighted])
def test_6_1_wrong_solutions_fail(wrong):
    assert not passes("6.1", wrong)


def _emd_l1(a, b):  # bin-to-bin L1: ignores how far the mass moves
    return np.abs(np.asarray(a, float) - np.asarray(b, float)).sum(axis=-1)


def _emd_signed(a, b):  # forgets the absolute value
    return np.cumsum(np.asarray(a, float) - np.asarray(b, float), axis=-1).sum(axis=-1)


def _emd_squared(a, b):  # squared CDF differences (Cramér–von Mises), not the EMD
    return (np.cumsum(np.asarray(a, float) - np.asarray(b, float), axis=-1) ** 2).sum(axis=-1)


def _emd_mean(a, b):  # divides by the number of bins
    return np.abs(np.cumsum(np.asarray(a, float) - np.asarray(b, float), axis=-1)).mean(axis=-1)


def _emd_flat(a, b):  # sums over every axis: no broadcasting
    return float(np.abs(np.cumsum(np.asarray(a, float) - np.asarray(b, float), axis=-1)).sum())


@pytest.mark.parametrize("wrong", [_emd_l1, _emd_signed, _emd_squared, _emd_mean, _emd_flat])
def test_6_2_wrong_solutions_fail(wrong):
    assert not passes("6.2", wrong)


def _pool_array_split(energy, grid):  # np.array_split: the larger cells come first
    e = np.asarray(energy, float)
    rows = np.array_split(np.arange(e.shape[-2]), grid)
    cols = np.array_split(np.arange(e.shape[-1]), grid)
    out = np.empty(e.shape[:-2] + (grid, grid))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            out[..., i, j] = e[..., r[0]:r[-1] + 1, c[0]:c[-1] + 1].mean(axis=(-2, -1))
    return out


def _pool_sum(energy, grid):  # sums instead of means
    e = np.asarray(energy, float)
    h, w = e.shape[-2:]
    out = np.empty(e.shape[:-2] + (grid, grid))
    for i in range(grid):
        for j in range(grid):
            out[..., i, j] = e[..., i * h // grid:(i + 1) * h // grid, j * w // grid:(j + 1) * w // grid].sum(
                axis=(-2, -1))
    return out


def _pool_transposed(energy, grid):  # cells (column, row)
    return np.swapaxes(SOLUTIONS.grid_pool(energy, grid), -1, -2)


def _pool_reshape(energy, grid):  # reshape trick: only right when grid divides the size
    e = np.asarray(energy, float)
    h, w = e.shape[-2:]
    e = e[..., :h - h % grid, :w - w % grid]
    shape = e.shape[:-2] + (grid, e.shape[-2] // grid, grid, e.shape[-1] // grid)
    return e.reshape(shape).mean(axis=(-3, -1))


def _pool_ceil(energy, grid):  # cell borders rounded up
    e = np.asarray(energy, float)
    h, w = e.shape[-2:]
    r = [int(np.ceil(i * h / grid)) for i in range(grid + 1)]
    c = [int(np.ceil(j * w / grid)) for j in range(grid + 1)]
    out = np.empty(e.shape[:-2] + (grid, grid))
    for i in range(grid):
        for j in range(grid):
            out[..., i, j] = e[..., r[i]:r[i + 1], c[j]:c[j + 1]].mean(axis=(-2, -1))
    return out


@pytest.mark.parametrize("wrong", [_pool_array_split, _pool_sum, _pool_transposed, _pool_reshape, _pool_ceil])
def test_6_3_wrong_solutions_fail(wrong):
    assert not passes("6.3", wrong)


def _recall_ascending(similarity, relevant, length):  # treats similarities as distances
    return SOLUTIONS.shortlist_recall(-np.asarray(similarity, float), relevant, length)


def _recall_pooled(similarity, relevant, length):  # pooled over queries instead of averaged
    s, r = np.asarray(similarity, float), np.asarray(relevant, bool)
    top = np.argsort(-s, axis=1, kind="stable")[:, :length]
    return float(np.take_along_axis(r, top, axis=1).sum() / r.sum())


def _recall_off_by_one(similarity, relevant, length):  # keeps length + 1 items
    n = np.asarray(similarity).shape[1]
    return SOLUTIONS.shortlist_recall(similarity, relevant, min(length + 1, n))


def _recall_precision(similarity, relevant, length):  # divides by the length: precision, not recall
    s, r = np.asarray(similarity, float), np.asarray(relevant, bool)
    top = np.argsort(-s, axis=1, kind="stable")[:, :length]
    return float(np.mean(np.take_along_axis(r, top, axis=1).sum(axis=1) / length))


def _recall_ties_last(similarity, relevant, length):  # ties broken towards the higher index
    s = np.asarray(similarity, float)
    flipped = SOLUTIONS.shortlist_recall(s[:, ::-1], np.asarray(relevant)[:, ::-1], length)
    return flipped


@pytest.mark.parametrize("wrong", [_recall_ascending, _recall_pooled, _recall_off_by_one, _recall_precision,
                                   _recall_ties_last])
def test_6_4_wrong_solutions_fail(wrong):
    assert not passes("6.4", wrong)


# ----------------------------------------------------------------------------- (c) calling the reference

@pytest.mark.parametrize("ex_id,cheat", [
    ("6.1", lambda hue, weights, bins: descriptors.soft_hue_histogram(hue, weights, bins)),
    ("6.2", lambda a, b: descriptors.emd_1d(a, b)),
    ("6.3", lambda energy, grid: gist.grid_pool(energy, grid)),
    ("6.4", lambda similarity, relevant, length: rerank.shortlist_recall(similarity, relevant, length)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0 and result.status == "failed"
    assert "reference" in result.feedback


def test_other_library_functions_may_be_used():
    """6.4 through the library's shortlist (not the reference): allowed, and right."""
    def via_shortlist(similarity, relevant, length):
        top = rerank.shortlist(similarity, length)
        r = np.asarray(relevant, bool)
        return float(np.mean(np.take_along_axis(r, top, axis=1).sum(axis=1) / r.sum(axis=1)))
    assert passes("6.4", via_shortlist)


# ----------------------------------------------------------------------------- (d) stubs


# ----------------------------------------------------------------------------- (e) closed forms agree


