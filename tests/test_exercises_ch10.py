"""Chapter 10 exercises: the instructor solutions pass, realistic mistakes fail."""

import numpy as np
import pytest
import torch
from exercise_helpers import load_solutions, passes
from imsearch.grading.checks import all_exercises

IDS = ["10.1", "10.2", "10.3", "10.4"]

SOLUTIONS = load_solutions(10)


def test_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 10] == IDS


@pytest.mark.parametrize("ex_id, name", [("10.1", "clip_objective"), ("10.2", "predict_aligned_loss"),
                                         ("10.3", "zero_shot_predict"), ("10.4", "ensemble_prompts")])
def test_solutions_pass(ex_id, name):
    assert passes(ex_id, getattr(SOLUTIONS, name))


def _norm(x):
    return x / x.norm(dim=1, keepdim=True)


def _ce(logits):
    return torch.nn.functional.cross_entropy(logits, torch.arange(len(logits)))


@pytest.mark.parametrize("wrong", [
    lambda i, t, tau: _ce(_norm(i) @ _norm(t).T / tau),                                   # image → text only
    lambda i, t, tau: (_ce(i @ t.T / tau) + _ce(t @ i.T / tau)) / 2,                      # no normalisation
    lambda i, t, tau: (_ce(_norm(i) @ _norm(t).T * tau) + _ce(_norm(t) @ _norm(i).T * tau)) / 2,  # × τ, not / τ
    lambda i, t, tau: _ce(_norm(i) @ _norm(t).T / tau) + _ce(_norm(t) @ _norm(i).T / tau),  # sum, not mean
    lambda i, t, tau: (_ce(_norm(i) @ _norm(i).T / tau) + _ce(_norm(t) @ _norm(t).T / tau)) / 2,  # within one modality
])
def test_10_1_wrong_solutions_fail(wrong):
    assert not passes("10.1", wrong)


def _unit(a, axis=-1):
    return a / np.linalg.norm(a, axis=axis, keepdims=True)


def _as3(t):
    t = np.asarray(t, float)
    return t[:, None] if t.ndim == 2 else t


@pytest.mark.parametrize("wrong", [
    lambda t: _unit(_as3(t).mean(axis=1)),                 # averages raw embeddings: long prompts dominate
    lambda t: _unit(_as3(t), 2).mean(axis=1),              # forgets the final normalisation
    lambda t: _unit(_as3(t)[:, 0]),                        # keeps only the first prompt
])
def test_10_4_wrong_ensembles_fail(wrong):
    assert not passes("10.4", wrong)


@pytest.mark.parametrize("wrong", [
    lambda x, c: np.argmax(np.asarray(x) @ np.asarray(c).T, axis=1),                    # dot product
    lambda x, c: np.argmin(np.asarray(x) @ _unit(np.asarray(c)).T, axis=1),             # least similar
    lambda x, c: np.argmin(((np.asarray(x)[:, None] - np.asarray(c)[None]) ** 2).sum(2), axis=1),  # raw L2
])
def test_10_3_wrong_solutions_fail(wrong):
    assert not passes("10.3", wrong)


@pytest.mark.parametrize("wrong", [
    lambda n, tau: float(np.log(n)),                                   # the loss of random embeddings
    lambda n, tau: float(np.log1p(n * np.exp(-1 / tau))),              # counts N negatives
    lambda n, tau: float(2 * np.log1p((n - 1) * np.exp(-1 / tau))),    # sums the two directions
    lambda n, tau: 0.0,                                                # "aligned means zero loss"
])
def test_10_2_wrong_predictions_fail(wrong):
    assert not passes("10.2", wrong)
