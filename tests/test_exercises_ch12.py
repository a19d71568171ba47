"""Chapter 12 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest

from imsearch.index import ann
from imsearch.grading.checks import all_exercises, evaluate

from exercise_helpers import load_solutions, passes

IDS = ["12.1", "12.2", "12.3", "12.4", "12.5"]
SOLUTIONS = load_solutions(12)
NAMES = {"12.1": "ivf_search", "12.2": "knn_recall", "12.3": "pq_encode", "12.4": "adc_distances",
         "12.5": "choose_nprobe"}


def test_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 12] == IDS


@pytest.mark.parametrize("ex_id", IDS)
def test_solutions_pass(ex_id):
    assert passes(ex_id, getattr(SOLUTIONS, NAMES[ex_id]))


# ----------------------------------------------------------------------------- wrong solutions fail

def _ivf_nearest_list_only(queries, centroids, list_ptr, list_ids, database, k, nprobe):
    return SOLUTIONS.ivf_search(queries, centroids, list_ptr, list_ids, database, k, 1)


def _ivf_euclidean(queries, centroids, list_ptr, list_ids, database, k, nprobe):
    d, i = SOLUTIONS.ivf_search(queries, centroids, list_ptr, list_ids, database, k, nprobe)
    return np.sqrt(d), i                        # not squared


def _ivf_positions_not_ids(queries, centroids, list_ptr, list_ids, database, k, nprobe):
    ordered = np.asarray(database)[np.asarray(list_ids)]
    d, i = SOLUTIONS.ivf_search(queries, centroids, list_ptr, np.arange(len(list_ids)), ordered, k, nprobe)
    return d, i                                 # returns positions in the lists instead of database ids


@pytest.mark.parametrize("wrong", [_ivf_nearest_list_only, _ivf_euclidean, _ivf_positions_not_ids])
def test_12_1_wrong_solutions_fail(wrong):
    assert not passes("12.1", wrong)


def _pq_whole_vector(x, codebooks):
    cb = np.asarray(codebooks, float)
    m, ksub, dsub = cb.shape
    full = np.concatenate([cb[j] for j in range(m)], axis=1)        # pairs sub-centroid c of every space
    d = ((np.asarray(x, float)[:, None] - full[None]) ** 2).sum(-1)
    return np.repeat(np.argmin(d, 1)[:, None], m, axis=1)


def _pq_argmax(x, codebooks):
    cb = np.asarray(codebooks, float)
    m, ksub, dsub = cb.shape
    x = np.asarray(x, float)
    return np.stack([np.argmax(((x[:, None, j * dsub:(j + 1) * dsub] - cb[j][None]) ** 2).sum(-1), 1)
                     for j in range(m)], axis=1).reshape(len(x), m)


@pytest.mark.parametrize("wrong", [_pq_whole_vector, _pq_argmax])
def test_12_3_wrong_solutions_fail(wrong):
    assert not passes("12.3", wrong)


def _adc_transposed(tables, codes):
    return SOLUTIONS.adc_distances(tables, codes).T


def _adc_first_subspace(tables, codes):
    t = np.asarray(tables, float)
    c = np.asarray(codes, np.int64)
    return t[:, 0, c[:, 0]] * t.shape[1] if len(c) else np.zeros((t.shape[0], 0))


@pytest.mark.parametrize("wrong", [_adc_transposed, _adc_first_subspace])
def test_12_4_wrong_solutions_fail(wrong):
    assert not passes("12.4", wrong)


def _recall_ordered(found, truth, k):
    return float(np.mean(np.asarray(found)[:, :k] == np.asarray(truth)[:, :k]))       # position by position


def _recall_all_truth(found, truth, k):
    hits = sum(len(set(f[:k].tolist()) & set(t.tolist())) for f, t in zip(np.asarray(found), np.asarray(truth)))
    return hits / (k * len(found))                                                    # against every true id


def _recall_counts_minus_one(found, truth, k):
    f = np.asarray(found)[:, :k].copy()
    f[f < 0] = np.asarray(truth)[:, :k][f < 0]
    return SOLUTIONS.knn_recall(f, truth, k)


@pytest.mark.parametrize("wrong", [_recall_ordered, _recall_all_truth, _recall_counts_minus_one])
def test_12_2_wrong_solutions_fail(wrong):
    assert not passes("12.2", wrong)


def _choose_first_in_list(found, truth, nprobes, k, target):
    for ids, n in zip(found, nprobes):
        if SOLUTIONS.knn_recall(ids, truth, k) >= target:
            return int(n)
    return -1


def _choose_largest(found, truth, nprobes, k, target):
    ok = [int(n) for ids, n in zip(found, nprobes) if SOLUTIONS.knn_recall(ids, truth, k) >= target]
    return max(ok) if ok else -1


def _choose_strict(found, truth, nprobes, k, target):
    ok = [int(n) for ids, n in zip(found, nprobes) if SOLUTIONS.knn_recall(ids, truth, k) > target]
    return min(ok) if ok else -1


@pytest.mark.parametrize("wrong", [_choose_first_in_list, _choose_largest, _choose_strict])
def test_12_5_wrong_solutions_fail(wrong):
    assert not passes("12.5", wrong)


# ----------------------------------------------------------------------------- calling the reference

@pytest.mark.parametrize("ex_id,cheat", [
    ("12.1", lambda *a: ann.ivf_search(*a)),
    ("12.3", lambda x, cb: ann.pq_encode(x, cb)),
    ("12.4", lambda t, c: ann.adc_distances(t, c)),
    ("12.2", lambda f, t, k: ann.knn_recall(f, t, k)),
    ("12.5", lambda *a: ann.choose_setting(*a)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0 and result.status == "failed"
    assert "reference" in result.feedback
