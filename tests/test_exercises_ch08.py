"""Chapter 8 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest
import torch
from exercise_helpers import load_solutions, passes
from imsearch import nn as inn
from imsearch.grading.checks import all_exercises, evaluate

IDS = ["8.1", "8.2", "8.3", "8.4", "8.5"]

SOLUTIONS = load_solutions(8)


def test_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 8] == IDS


@pytest.mark.parametrize("ex_id, name", [("8.1", "gem_pool"), ("8.2", "whitened_similarity"), ("8.3", "contrastive"),
                                         ("8.4", "residual_forward"), ("8.5", "predict_map_size")])
def test_solutions_pass(ex_id, name):
    assert passes(ex_id, getattr(SOLUTIONS, name))


# ----------------------------------------------------------------------------- wrong solutions fail

@pytest.mark.parametrize("wrong", [
    lambda x, p: x.mean(dim=(2, 3)),                          # always the average
    lambda x, p: x.amax(dim=(2, 3)),                          # always the max
    lambda x, p: x.pow(p).mean(dim=(2, 3)),                   # forgets the 1/p root
    lambda x, p: x.pow(p).sum(dim=(2, 3)).pow(1 / p),         # a sum, not a mean
    lambda x, p: x.pow(p).mean(dim=1).pow(1 / p).mean(dim=(1, 2))[:, None].expand(-1, x.shape[1]),  # over channels
])
def test_8_1_wrong_solutions_fail(wrong):
    assert not passes("8.1", wrong)


def _white_no_scale(train, q, d, k):  # PCA projection without dividing by the standard deviations
    t = np.asarray(train, float)
    m = t.mean(0)
    _, _, vt = np.linalg.svd(t - m, full_matrices=False)
    f = lambda x: (lambda y: y / np.linalg.norm(y, axis=1, keepdims=True))((np.asarray(x) - m) @ vt[:k].T)  # noqa
    return f(q) @ f(d).T


def _white_not_centred(train, q, d, k):  # principal axes of the uncentred data
    t = np.asarray(train, float)
    _, s, vt = np.linalg.svd(t, full_matrices=False)
    f = lambda x: (lambda y: y / np.linalg.norm(y, axis=1, keepdims=True))(np.asarray(x) @ vt[:k].T / s[:k])  # noqa
    return f(q) @ f(d).T


def _white_no_norm(train, q, d, k):  # whitened dot products, not cosines
    t = np.asarray(train, float)
    m = t.mean(0)
    _, s, vt = np.linalg.svd(t - m, full_matrices=False)
    f = lambda x: (np.asarray(x) - m) @ vt[:k].T / (s[:k] / np.sqrt(len(t)))
    return f(q) @ f(d).T


def _plain_cosine(train, q, d, k):  # no whitening at all
    f = lambda x: np.asarray(x, float) / np.linalg.norm(x, axis=1, keepdims=True)
    return f(q) @ f(d).T


@pytest.mark.parametrize("wrong", [_white_no_scale, _white_not_centred, _white_no_norm, _plain_cosine])
def test_8_2_wrong_solutions_fail(wrong):
    assert not passes("8.2", wrong)


@pytest.mark.parametrize("wrong", [
    lambda a, b, s, m: (0.5 * (s * (a - b).pow(2).sum(1) + (1 - s) * torch.clamp(m - (a - b).pow(2).sum(1), min=0) ** 2)).mean(),  # squared distance in the hinge
    lambda a, b, s, m: (0.5 * (s * (a - b).norm(dim=1) ** 2 + (1 - s) * (m - (a - b).norm(dim=1)) ** 2)).mean(),  # no hinge
    lambda a, b, s, m: (0.5 * (s * (a - b).norm(dim=1) ** 2 + (1 - s) * torch.clamp(m - (a - b).norm(dim=1), min=0) ** 2)).sum(),  # sum
    lambda a, b, s, m: (0.5 * ((1 - s) * (a - b).norm(dim=1) ** 2 + s * torch.clamp(m - (a - b).norm(dim=1), min=0) ** 2)).mean(),  # labels swapped
])
def test_8_3_wrong_solutions_fail(wrong):
    assert not passes("8.3", wrong)


@pytest.mark.parametrize("wrong", [
    lambda x, w1, w2: torch.relu(torch.nn.functional.conv2d(torch.relu(torch.nn.functional.conv2d(x, w1, padding=1)), w2, padding=1)),  # no shortcut
    lambda x, w1, w2: torch.relu(torch.nn.functional.conv2d(torch.relu(torch.nn.functional.conv2d(x, w1, padding=1)), w2, padding=1)) + x,  # add after the ReLU
    lambda x, w1, w2: torch.relu(torch.nn.functional.conv2d(torch.nn.functional.conv2d(x, w1, padding=1), w2, padding=1) + x),  # no inner ReLU
])
def test_8_4_wrong_solutions_fail(wrong):
    assert not passes("8.4", wrong)


def _size_ceil(size_px, layers):  # ceil(n / s), ignoring kernel and padding
    n = size_px
    for k, s, p in layers:
        n = -(-n // s)
    return n


def _size_no_padding(size_px, layers):  # forgets the padding
    n = size_px
    for k, s, p in layers:
        n = (n - k) // s + 1
    return n


@pytest.mark.parametrize("wrong", [_size_ceil, _size_no_padding, lambda n, layers: n // 2 ** sum(s > 1 for _, s, _ in layers)])
def test_8_5_wrong_solutions_fail(wrong):
    assert not passes("8.5", wrong)


# ----------------------------------------------------------------------------- calling the reference

@pytest.mark.parametrize("ex_id, cheat", [
    ("8.1", lambda x, p: inn.gem(x, p)),
    ("8.2", lambda t, q, d, k: inn.whitened_cosine(t, q, d, k)),
    ("8.3", lambda a, b, s, m: inn.contrastive_loss(a, b, s, m)),
    ("8.4", lambda x, w1, w2: inn.residual_block(x, w1, w2)),
    ("8.5", lambda n, layers: inn.conv_output_size(n, layers)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0 and result.status == "failed"


def test_library_module_used_otherwise_is_allowed():
    """8.2 through the library's PCA (not the reference): allowed, and right."""
    from imsearch import descriptors

    def via_pca(train, q, d, k):
        mean, comp, var = descriptors.pca_fit(train, k)
        return descriptors.pca_project(q, mean, comp, var).astype(float) @ descriptors.pca_project(d, mean, comp, var).astype(float).T
    assert passes("8.2", via_pca)


# ----------------------------------------------------------------------------- the network agrees with 8.5

def test_predicted_sizes_match_the_cifar_resnet():
    m = inn.cifar_resnet(20)
    for n in (32, 33, 40):
        got = m.activation_maps(torch.zeros(1, 3, n, n))["layer3"].shape[-1]
        assert got == SOLUTIONS.predict_map_size(n, [(3, 1, 1), (3, 1, 1), (3, 2, 1), (3, 2, 1)])
