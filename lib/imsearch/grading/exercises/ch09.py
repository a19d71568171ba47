"""Exercises of chapter 9 — Self-supervised embeddings: SimCLR (torch tensors in, tensors or numbers out)."""
from __future__ import annotations

import math

import numpy as np

from imsearch.grading.checks import Case, Exercise, register
from imsearch.nn.extraction import as_tensor


def _t(a):
    return as_tensor(a)


def _cases_9_1(rng):
    x = _t(rng.random((2, 3, 4, 5)))
    red = np.zeros((1, 3, 1, 1))
    red[0, 0] = 1.0
    return [
        Case("factor 1: the image itself", (x, 1.0), expected=np.asarray(x)),
        Case("factor 0 on pure red: grey 0.299 on every channel", (_t(red), 0.0), expected=np.full((1, 3, 1, 1), 0.299)),
        Case("factor 2 on pure red: (2 − 0.299, −0.299, −0.299) clipped to (1, 0, 0)", (_t(red), 2.0),
             expected=red),
        Case("random images, factor 0 (grayscale)", (x, 0.0)),
        Case("random images, factor 0.5", (x, 0.5)),
        Case("random images, factor 1.7 (clipping)", (_t(rng.random((3, 3, 6, 6))), 1.7)),
    ]


from imsearch.nn.augment import adjust_saturation

register(Exercise(
    id="9.1", title="An augmentation: saturation", points=2,
    function="saturate",
    signature="saturate(x: (N, 3, H, W) float tensor in [0, 1], factor: float) -> (N, 3, H, W) tensor: "
              "g = 0.299 R + 0.587 G + 0.114 B per pixel, then clip(factor · (x − g) + g) to [0, 1]",
    reference=adjust_saturation, cases=_cases_9_1, rtol=1e-6, atol=1e-7,
))


def _cases_9_2(rng):
    def mask(n):
        m = np.zeros((2 * n, 2 * n), bool)
        for i in range(n):
            m[i, i + n] = m[i + n, i] = True
        return m

    return [
        Case("N = 1: the two views of the only image", (1,), expected=np.array([[False, True], [True, False]])),
        Case("N = 2", (2,), expected=mask(2)),
        Case("N = 5", (5,), expected=mask(5)),
        Case("N = 8", (8,)),
        Case("a random N between 3 and 40", (int(rng.integers(3, 41)),)),
    ]


from imsearch.nn.losses import positive_pair_mask

register(Exercise(
    id="9.2", title="The positive pairs of a 2N batch", points=1,
    function="pair_mask",
    signature="pair_mask(n: int) -> (2n, 2n) bool tensor, True where row and column are the two views of one image "
              "(rows 0..n−1 are the first views, rows n..2n−1 the second views, in the same image order)",
    reference=positive_pair_mask, cases=_cases_9_2, rtol=0, atol=0,
))


def _cases_9_3(rng):
    n, tau = 4, 0.5
    eye = _t(np.eye(n) * 2.0)
    same = _t(np.ones((3, 2)))
    z1, z2 = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    return [
        Case("aligned pairs, other images orthogonal (rows not normalised): −log(e^{1/τ} / (e^{1/τ} + 2N − 2))",
             (eye, eye, tau), expected=-math.log(math.exp(1 / tau) / (math.exp(1 / tau) + 2 * n - 2))),
        Case("every embedding identical: a uniform choice among 2N − 1 = 5 candidates, log 5", (same, same, 0.5),
             expected=math.log(5)),
        Case("τ very large: the softmax is uniform whatever the embeddings, log(2N − 1) = log 11",
             (_t(z1), _t(z2), 1e6), expected=math.log(11)),
        Case("aligned orthogonal pairs at τ = 0.01: finite, close to 0", (eye, eye, 0.01)),
        Case("random embeddings, τ = 0.5", (_t(z1), _t(z2), 0.5)),
        Case("random embeddings, τ = 0.1", (_t(rng.normal(size=(9, 4))), _t(rng.normal(size=(9, 4))), 0.1)),
    ]


from imsearch.nn.losses import info_nce

register(Exercise(
    id="9.3", title="The InfoNCE (NT-Xent) loss", points=3,
    function="nt_xent",
    signature="nt_xent(z1: (N, D) tensor, z2: (N, D) tensor, temperature: float) -> scalar tensor: L2-normalise the "
              "2N rows of [z1; z2], cosine similarities / temperature, for each row −log softmax of its other view "
              "among the 2N − 1 other rows (itself excluded), mean over the 2N rows",
    reference=info_nce, cases=_cases_9_3, rtol=1e-5, atol=1e-6,
))


def _cases_9_4(rng):
    return [
        Case("N = 1: one positive, no negative", (1,), expected=0.0),
        Case("N = 2: three candidates", (2,), expected=math.log(3)),
        Case("the checkpoint's batch, N = 256", (256,), expected=math.log(511)),
        Case("a random batch size", (int(rng.integers(3, 2000)),)),
    ]


from imsearch.nn.losses import info_nce_chance

register(Exercise(
    id="9.4", title="Predict the loss before training", points=1,
    function="predict_initial_loss",
    signature="predict_initial_loss(n: int) -> float: the InfoNCE loss of a batch of n images when the network "
              "cannot tell the positive from the negatives (all similarities equal)",
    reference=info_nce_chance, cases=_cases_9_4, rtol=1e-9, atol=1e-12,
))


def _cases_9_5(rng):
    train = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    labels = np.array([0, 0, 1])
    q = np.array([[0.1, 1.0], [1.0, 0.05]])
    centres = rng.normal(size=(4, 6)) * 2
    ytr = rng.integers(0, 4, 80)
    xtr = centres[ytr] + rng.normal(size=(80, 6))
    yte = rng.integers(0, 4, 30)
    xte = centres[yte] + rng.normal(size=(30, 6))
    return [
        Case("k = 1: the nearest neighbour by cosine decides (scale does not matter)",
             (train, labels, q * 7, np.array([1, 0]), 1, 0.1), expected=1.0),
        Case("k = 3, τ = 0.05: the one close neighbour of class 1 outweighs two far ones of class 0",
             (train, labels, q[:1], np.array([1]), 3, 0.05), expected=1.0),
        Case("k = 3, τ = 10: nearly a majority vote, class 0 wins", (train, labels, q[:1], np.array([1]), 3, 10.0),
             expected=0.0),
        Case("4 noisy clusters, k = 5, τ = 0.1", (xtr, ytr, xte, yte, 5, 0.1)),
        Case("4 noisy clusters, k = 20, τ = 0.07", (xtr, ytr, xte, yte, 20, 0.07)),
    ]


from imsearch.nn.simclr import knn_accuracy

register(Exercise(
    id="9.5", title="Weighted kNN accuracy (Wu et al. 2018)", points=2,
    function="weighted_knn_accuracy",
    signature="weighted_knn_accuracy(train: (N, D) array, train_labels: (N,) int, test: (M, D) array, "
              "test_labels: (M,) int, k: int, temperature: float) -> float: for each test row, the k training rows "
              "of highest cosine similarity s vote for their label with weight exp(s / temperature); the fraction "
              "of test rows whose winning label is right",
    reference=knn_accuracy, cases=_cases_9_5, rtol=0, atol=1e-12,
))
