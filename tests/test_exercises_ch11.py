"""Chapter 11 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest
import torch
from exercise_helpers import load_solutions, passes
from imsearch import eval as ev
from imsearch import nn as inn
from imsearch.grading.checks import all_exercises, evaluate

IDS = ["11.1", "11.2", "11.3", "11.4", "11.5"]
NAMES = ["koleo_loss", "micro_ap_sn", "range_search_pr", "sscd_head", "choose_threshold"]

SOLUTIONS = load_solutions(11)


def test_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 11] == IDS


@pytest.mark.parametrize("ex_id, name", list(zip(IDS, NAMES)))
def test_solutions_pass(ex_id, name):
    assert passes(ex_id, getattr(SOLUTIONS, name))


# ----------------------------------------------------------------------------- wrong solutions fail

def _koleo_keeps_positives(z, mask):          # forgets to exclude the positives
    d = torch.cdist(z, z).masked_fill(torch.eye(len(z), dtype=torch.bool), float("inf"))
    return -torch.log(d.min(dim=1).values).mean()


def _koleo_with_self(z, mask):                # the point itself (distance 0) is never excluded: clamps
    d = torch.cdist(z, z).masked_fill(mask, float("inf")).clamp(min=1e-12)
    return -torch.log(d.min(dim=1).values).mean()


def _koleo_squared(z, mask):                  # squared distances
    d = torch.cdist(z, z).masked_fill(mask | torch.eye(len(z), dtype=torch.bool), float("inf"))
    return -torch.log(d.min(dim=1).values ** 2).mean()


def _koleo_mean_distance(z, mask):            # the mean distance, not the nearest
    d = torch.cdist(z, z)
    keep = ~(mask | torch.eye(len(z), dtype=torch.bool))
    return -torch.log((d * keep).sum(1) / keep.sum(1)).mean()


@pytest.mark.parametrize("wrong", [_koleo_keeps_positives, _koleo_with_self, _koleo_squared, _koleo_mean_distance,
                                   lambda z, m: -SOLUTIONS.koleo_loss(z, m)])
def test_11_1_wrong_solutions_fail(wrong):
    assert not passes("11.1", wrong)


def _sn_no_normalisation(sim, bsim, truth, k):
    return SOLUTIONS.micro_ap_sn(sim, np.zeros_like(bsim), truth, k)


def _sn_nearest_only(sim, bsim, truth, k):    # one background neighbour instead of three
    b = np.sort(bsim, axis=1)[:, -1:]
    return SOLUTIONS.micro_ap_sn(sim - b + 0, np.zeros_like(bsim), truth, k)


def _sn_mean_background(sim, bsim, truth, k):  # the mean over the whole background
    return SOLUTIONS.micro_ap_sn(sim - bsim.mean(1, keepdims=True), np.zeros_like(bsim), truth, k)


def _sn_recall_over_predictions(sim, bsim, truth, k):  # recall relative to the true pairs predicted
    s = np.asarray(sim) - np.sort(bsim, axis=1)[:, -3:].mean(1, keepdims=True)
    top = np.argsort(-s, axis=1, kind="stable")[:, :k]
    rows = np.repeat(np.arange(len(s)), k)
    is_true = top.ravel() == np.asarray(truth)[rows]
    order = np.argsort(-s[rows, top.ravel()], kind="stable")
    hits = is_true[order]
    return float(np.sum(np.cumsum(hits) / np.arange(1, len(hits) + 1) * hits) / max(hits.sum(), 1))


@pytest.mark.parametrize("wrong", [_sn_no_normalisation, _sn_nearest_only, _sn_mean_background,
                                   _sn_recall_over_predictions])
def test_11_2_wrong_solutions_fail(wrong):
    assert not passes("11.2", wrong)


def _rs_strict(sim, truth, t):                 # > instead of >=
    return SOLUTIONS.range_search_pr(np.where(np.asarray(sim) == t, -np.inf, sim), truth, t)


def _rs_recall_over_queries(sim, truth, t):    # recall over all queries, distractors included
    p, r, n = SOLUTIONS.range_search_pr(sim, truth, t)
    return p, r * np.sum(np.asarray(truth) >= 0) / len(truth), n


def _rs_top1_only(sim, truth, t):              # only each query's best reference can be detected
    s = np.asarray(sim, float)
    best = s == s.max(axis=1, keepdims=True)
    return SOLUTIONS.range_search_pr(np.where(best, s, -np.inf), truth, t)


@pytest.mark.parametrize("wrong", [_rs_recall_over_queries, _rs_top1_only,
                                   lambda s, tr, t: SOLUTIONS.range_search_pr(s, tr, t)[:2]])
def test_11_3_wrong_solutions_fail(wrong):
    assert not passes("11.3", wrong)


def test_11_3_strict_threshold_fails_on_a_tie():
    sim = np.array([[0.6, 0.2], [0.6, 0.1]])
    assert SOLUTIONS.range_search_pr(sim, [0, -1], 0.6) != _rs_strict(sim, [0, -1], 0.6)


@pytest.mark.parametrize("wrong", [
    lambda x, p, w, b: torch.nn.functional.normalize(x.mean(dim=(2, 3)) @ w.T + b, dim=1),        # average pooling
    lambda x, p, w, b: x.pow(p).mean(dim=(2, 3)).pow(1 / p) @ w.T + b,                              # no L2
    lambda x, p, w, b: torch.nn.functional.normalize(x.pow(p).mean(dim=(2, 3)).pow(1 / p) @ w.T, dim=1),  # no bias
    lambda x, p, w, b: torch.nn.functional.normalize(
        torch.nn.functional.normalize(x.pow(p).mean(dim=(2, 3)).pow(1 / p), dim=1) @ w.T + b, dim=1),  # L2 twice
])
def test_11_4_wrong_solutions_fail(wrong):
    assert not passes("11.4", wrong)


def _threshold_first_reaching(sim, truth, target):   # the highest threshold reaching the precision: no recall
    s = np.asarray(sim, float)
    for t in np.unique(s)[::-1]:
        p, _, _ = SOLUTIONS.range_search_pr(s, truth, t)
        if p >= target:
            return float(t)
    return float("inf")


def _threshold_max_f1(sim, truth, target):           # ignores the precision asked for
    s = np.asarray(sim, float)
    best, best_t = -1.0, float("inf")
    for t in np.unique(s):
        p, r, _ = SOLUTIONS.range_search_pr(s, truth, t)
        f1 = 2 * p * r / (p + r) if p + r else 0
        if f1 > best:
            best, best_t = f1, float(t)
    return best_t


@pytest.mark.parametrize("wrong", [_threshold_first_reaching, _threshold_max_f1,
                                   lambda s, tr, p: float(np.quantile(s, p))])
def test_11_5_wrong_solutions_fail(wrong):
    assert not passes("11.5", wrong)


@pytest.mark.parametrize("ex_id, cheat", [
    ("11.1", lambda z, m: inn.koleo(z, m)),
    ("11.2", lambda s, b, t, k: ev.micro_ap_sn(s, b, t, k)),
    ("11.3", lambda s, t, th: ev.range_search_precision_recall(s, t, th)),
    ("11.4", lambda x, p, w, b: inn.gem_linear_l2(x, p, w, b)),
    ("11.5", lambda s, t, p: ev.threshold_at_precision(s, t, p)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0 and result.status == "failed"


def test_solution_of_11_4_matches_the_network():
    torch.manual_seed(0)
    net = inn.SSCDNet((8, 16), (1, 1), "gem", 3.0, "linear", 12).eval()
    x = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        got = SOLUTIONS.sscd_head(net.activation_map(x), 3.0, net.head.weight, net.head.bias)
        torch.testing.assert_close(got, net(x), rtol=1e-5, atol=1e-6)
