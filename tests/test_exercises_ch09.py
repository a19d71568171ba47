"""Chapter 9 exercises: the instructor solutions pass, realistic mistakes fail."""
import math

import numpy as np
import pytest
import torch
from exercise_helpers import load_solutions, passes
from imsearch.grading.checks import all_exercises

IDS = ["9.1", "9.2", "9.3", "9.4", "9.5"]

SOLUTIONS = load_solutions(9)


def test_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 9] == IDS


@pytest.mark.parametrize("ex_id, name", [("9.1", "saturate"), ("9.2", "pair_mask"), ("9.3", "nt_xent"),
                                         ("9.4", "predict_initial_loss"), ("9.5", "weighted_knn_accuracy")])
def test_solutions_pass(ex_id, name):
    assert passes(ex_id, getattr(SOLUTIONS, name))


def _nt_xent(z1, z2, t, normalise=True, mask_self=True, target_shift=True):
    n = len(z1)
    z = torch.cat([z1, z2])
    if normalise:
        z = torch.nn.functional.normalize(z, dim=1)
    logits = z @ z.T / t
    if mask_self:
        logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(n)]) if target_shift else torch.arange(2 * n)
    return torch.nn.functional.cross_entropy(logits, target)


def _one_direction(z1, z2, t):  # only the N rows of z1 against z2 (CLIP-style, no same-view negatives)
    a = torch.nn.functional.normalize(z1, dim=1)
    b = torch.nn.functional.normalize(z2, dim=1)
    return torch.nn.functional.cross_entropy(a @ b.T / t, torch.arange(len(a)))


@pytest.mark.parametrize("wrong", [
    lambda a, b, t: _nt_xent(a, b, t, normalise=False),      # dot products, not cosines
    lambda a, b, t: _nt_xent(a, b, t, mask_self=False),      # the image's own view counted as a negative
    lambda a, b, t: _nt_xent(a, b, 1.0),                     # temperature ignored
    lambda a, b, t: _nt_xent(a, b, t) * 2,                   # sum over the two directions, not the mean
    _one_direction,
])
def test_9_3_wrong_infonce_fail(wrong):
    assert not passes("9.3", wrong)


@pytest.mark.parametrize("wrong", [
    lambda n: torch.eye(2 * n, dtype=torch.bool),                                        # the diagonal
    lambda n: torch.eye(2 * n, dtype=torch.bool).roll(n, dims=1) | torch.eye(2 * n, dtype=torch.bool),  # + itself
    lambda n: torch.eye(2 * n, dtype=torch.bool).roll(1, dims=1),                        # interleaved views
])
def test_9_2_wrong_masks_fail(wrong):
    assert not passes("9.2", wrong)


def _knn_majority(train, ytr, test, yte, k, t):
    return SOLUTIONS.weighted_knn_accuracy(train, ytr, test, yte, k, 1e9)


def _knn_euclidean(train, ytr, test, yte, k, t):  # no normalisation: dot products
    sim = np.asarray(test, float) @ np.asarray(train, float).T
    pred = []
    for i in range(len(sim)):
        top = np.argsort(-sim[i])[:k]
        w = np.bincount(np.asarray(ytr)[top], weights=np.exp((sim[i, top] - sim[i, top].max()) / t), minlength=10)
        pred.append(w.argmax())
    return float(np.mean(np.array(pred) == yte))


@pytest.mark.parametrize("wrong", [_knn_majority, _knn_euclidean,
                                   lambda a, ya, b, yb, k, t: SOLUTIONS.weighted_knn_accuracy(a, ya, b, yb, 1, t)])
def test_9_5_wrong_knn_fail(wrong):
    assert not passes("9.5", wrong)


@pytest.mark.parametrize("wrong", [
    lambda x, f: (f * (x - x.mean(1, keepdim=True)) + x.mean(1, keepdim=True)).clamp(0, 1),   # plain channel mean
    lambda x, f: f * (x - (0.299 * x[:, :1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:])) + (0.299 * x[:, :1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:]),  # no clipping
    lambda x, f: (f * x).clamp(0, 1),                                                           # brightness
])
def test_9_1_wrong_saturation_fail(wrong):
    assert not passes("9.1", wrong)


@pytest.mark.parametrize("wrong", [lambda n: math.log(2 * n), lambda n: math.log(n), lambda n: math.log(2 * n - 2)])
def test_9_4_wrong_predictions_fail(wrong):
    assert not passes("9.4", wrong)
