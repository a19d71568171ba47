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


def _knn_variant(order="bound", stop="kth", normalise=True):
    """The instructor's pruned EMD search with one realistic mistake switched on."""
    def emd_knn(query, database, k):
        def centroid(colors, weights):
            w = np.asarray(weights, float)
            return w @ np.asarray(colors, float) / (w.sum() if normalise else 1.0)
        cq = centroid(*query)
        bounds = np.array([np.linalg.norm(cq - centroid(c, w)) for c, w in database])
        visit = np.argsort(bounds, kind="stable") if order == "bound" else np.arange(len(database))
        found = []
        for rank, i in enumerate(visit):
            if len(found) >= k:
                kth = sorted(found)[k - 1][0] if stop == "kth" else sorted(found)[0][0]
                if bounds[i] >= kth:
                    if order == "bound":
                        break
                    continue
            found.append((descriptors.emd(*query, *database[i]), rank, int(i)))
        return np.array([i for _, _, i in sorted(found)[:k]], dtype=np.int64), len(found)
    return emd_knn


def _knn_no_pruning(query, database, k):  # computes every EMD
    d = np.array([descriptors.emd(*query, *x) for x in database])
    return np.argsort(d, kind="stable")[:k].astype(np.int64), len(database)


@pytest.mark.parametrize("wrong", [
    _knn_no_pruning,
    _knn_variant(order="index"),        # prunes, but visits the database in index order (more EMDs)
    _knn_variant(stop="best"),          # stops against the best EMD instead of the k-th: loses neighbours
    _knn_variant(normalise=False),      # Σ w·c without dividing by Σ w: not a bound for pixel counts
])
def test_6_2_wrong_solutions_fail(wrong):
    assert not passes("6.2", wrong)


def test_6_2_the_variant_without_mistakes_passes():
    assert passes("6.2", _knn_variant())


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


def _length_pooled(similarity, relevant, recall=0.9):  # pooled recall over queries instead of the mean
    s, r = np.asarray(similarity, float), np.asarray(relevant, bool)
    found = np.take_along_axis(r, np.argsort(-s, axis=1, kind="stable"), axis=1).sum(axis=0).cumsum()
    return int(np.argmax(found / r.sum() >= recall)) + 1


def _length_zero_based(similarity, relevant, recall=0.9):  # returns the index of the length, not the length
    return SOLUTIONS.shortlist_length(similarity, relevant, recall) - 1


def _length_ascending(similarity, relevant, recall=0.9):  # treats similarities as distances
    return SOLUTIONS.shortlist_length(-np.asarray(similarity, float), relevant, recall)


def _length_strict(similarity, relevant, recall=0.9):  # recall must exceed the target
    s, r = np.asarray(similarity, float), np.asarray(relevant, bool)
    found = np.take_along_axis(r, np.argsort(-s, axis=1, kind="stable"), axis=1).cumsum(axis=1)
    mean = (found / r.sum(axis=1, keepdims=True)).mean(axis=0)
    ok = mean > recall
    return int(np.argmax(ok)) + 1 if ok.any() else s.shape[1]


def _length_every_query(similarity, relevant, recall=0.9):  # every query must reach the target
    s, r = np.asarray(similarity, float), np.asarray(relevant, bool)
    found = np.take_along_axis(r, np.argsort(-s, axis=1, kind="stable"), axis=1).cumsum(axis=1)
    return int(np.argmax((found / r.sum(axis=1, keepdims=True) >= recall).all(axis=0))) + 1


@pytest.mark.parametrize("wrong", [_length_pooled, _length_zero_based, _length_ascending, _length_strict,
                                   _length_every_query])
def test_6_4_wrong_solutions_fail(wrong):
    assert not passes("6.4", wrong)


# ----------------------------------------------------------------------------- (c) calling the reference

@pytest.mark.parametrize("ex_id,cheat", [
    ("6.1", lambda hue, weights, bins: descriptors.soft_hue_histogram(hue, weights, bins)),
    ("6.2", lambda query, database, k: descriptors.emd_knn(query, database, k)),
    ("6.3", lambda energy, grid: gist.grid_pool(energy, grid)),
    ("6.4", lambda similarity, relevant, recall: rerank.shortlist_length(similarity, relevant, recall)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0 and result.status == "failed"
    assert "reference" in result.feedback


def test_other_library_functions_may_be_used():
    """6.4 through the library's recall curve (not the reference): allowed, and right."""
    def via_curve(similarity, relevant, recall):
        n = np.asarray(similarity).shape[1]
        curve = rerank.shortlist_recall_curve(similarity, relevant, np.arange(1, n + 1))
        return int(np.argmax(curve >= recall)) + 1
    assert passes("6.4", via_curve)


# ----------------------------------------------------------------------------- (d) stubs


# ----------------------------------------------------------------------------- (e) closed forms agree


