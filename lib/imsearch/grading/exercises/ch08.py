"""Exercises of chapter 8 — CNN embeddings (torch tensors in, tensors or numbers out)."""
from __future__ import annotations

import numpy as np

from imsearch.grading.checks import Case, Exercise, register
from imsearch.nn.extraction import as_tensor


def _t(a):
    return as_tensor(a)


def _cases_8_1(rng):
    x = _t(rng.random((2, 3, 4, 5)) + 0.05)
    const = _t(np.full((1, 2, 3, 3), 2.5))
    one_hot = np.full((1, 1, 2, 2), 1e-3)
    one_hot[0, 0, 1, 1] = 2.0
    return [
        Case("a constant map: GeM is that constant for any p", (const, 4.0), expected=np.full((1, 2), 2.5)),
        Case("p = 1 is average pooling", (x, 1.0), expected=np.asarray(x).mean(axis=(2, 3))),
        Case("p = 2 on [[1, 1], [1, 3]]: sqrt((1 + 1 + 1 + 9) / 4) = sqrt(3)",
             (_t([[[[1.0, 1.0], [1.0, 3.0]]]]), 2.0), expected=np.array([[3 ** 0.5]])),
        Case("p = 50 on one large activation: close to the maximum, times (1/4)^(1/50)",
             (_t(one_hot), 50.0), expected=np.array([[2.0 * (1 / 4 + 3 * (1e-3 / 2.0) ** 50 / 4) ** (1 / 50)]])),
        Case("random map, p = 3", (x, 3.0)),
        Case("random map, p = 7.5", (_t(rng.random((3, 8, 6, 6)) + 0.01), 7.5)),
    ]


from imsearch.nn.pooling import gem

register(Exercise(
    id="8.1", title="GeM pooling", points=2,
    function="gem_pool",
    signature="gem_pool(x: (N, C, H, W) float tensor > 0, p: float > 0) -> (N, C) tensor, "
              "(mean over the H·W positions of x^p)^(1/p)",
    reference=gem, cases=_cases_8_1, rtol=1e-6, atol=1e-9,
))


def _cases_8_2(rng):
    mix = rng.normal(size=(6, 6)) * np.array([3, 2, 1, 0.5, 0.3, 0.1])
    train = rng.normal(size=(300, 6)) @ mix + rng.normal(size=6)
    q = rng.normal(size=(4, 6)) @ mix
    d = rng.normal(size=(9, 6)) @ mix
    axis = np.array([[10.0, 0.0], [-10.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    return [
        Case("training set spread ±10 along x and ±1 along y: whitened, (10, 1) points at 45° from both axes "
             "(plain cosine to (1, 0) would be 0.995)",
             (axis, np.array([[10.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]), 2),
             expected=np.array([[2 ** -0.5, 2 ** -0.5]])),
        Case("random training set, 6 → 6 dimensions", (train, q, d, 6)),
        Case("random training set, 6 → 3 dimensions", (train, q, d, 3)),
        Case("queries = database: the diagonal is 1", (train, d, d, 4)),
    ]


from imsearch.nn.whitening import whitened_cosine

register(Exercise(
    id="8.2", title="PCA whitening learned on one set, applied to another", points=3,
    function="whitened_similarity",
    signature="whitened_similarity(train: (N, D), queries: (Q, D), database: (M, D) float arrays, n_components: int) "
              "-> (Q, M) array: centre with the training mean, project on the n_components leading principal axes of "
              "train, divide each axis by the square root of its training variance (var = s²/N), L2-normalise each "
              "row, dot products",
    reference=whitened_cosine, cases=_cases_8_2, rtol=1e-5, atol=1e-6,
))


def _cases_8_3(rng):
    a = rng.normal(size=(12, 5))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = rng.normal(size=(12, 5))
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    same = _t(rng.random(12) < 0.5)
    e1, e2 = _t([[1.0, 0.0]]), _t([[0.0, 1.0]])
    return [
        Case("a matching pair at distance sqrt(2): ½·2 = 1", (e1, e2, _t([1.0]), 0.7), expected=1.0),
        Case("a non-matching pair beyond the margin: 0", (e1, e2, _t([0.0]), 1.0), expected=0.0),
        Case("a non-matching pair at distance sqrt(2), margin 2: ½(2 − sqrt 2)²", (e1, e2, _t([0.0]), 2.0),
             expected=0.5 * (2 - 2 ** 0.5) ** 2),
        Case("the mean over two pairs: (1 + 0) / 2", (_t([[1.0, 0.0], [1.0, 0.0]]), _t([[0.0, 1.0], [0.0, 1.0]]),
                                                      _t([1.0, 0.0]), 0.5), expected=0.5),
        Case("12 random unit pairs, margin 0.7", (_t(a), _t(b), same, 0.7)),
        Case("12 random unit pairs, margin 1.2", (_t(a), _t(b), same, 1.2)),
    ]


from imsearch.nn.losses import contrastive_loss

register(Exercise(
    id="8.3", title="The contrastive loss with a margin", points=2,
    function="contrastive",
    signature="contrastive(a: (N, D) tensor, b: (N, D) tensor, same: (N,) tensor of 0/1, margin: float) -> scalar "
              "tensor, the mean over pairs of ½·(same·d² + (1 − same)·max(0, margin − d)²), d = ||a − b||",
    reference=contrastive_loss, cases=_cases_8_3, rtol=1e-5, atol=1e-8,
))


def _cases_8_4(rng):
    x = _t(rng.normal(size=(2, 3, 5, 6)))
    w1 = _t(rng.normal(size=(3, 3, 3, 3)) * 0.3)
    w2 = _t(rng.normal(size=(3, 3, 3, 3)) * 0.3)
    zero = _t(np.zeros((3, 3, 3, 3)))
    pos = _t(np.abs(rng.normal(size=(1, 3, 4, 4))))
    return [
        Case("zero weights: the block is relu(x), the identity on a non-negative input", (pos, zero, zero),
             expected=np.asarray(pos)),
        Case("zero weights on a signed input: relu(x)", (x, zero, zero), expected=np.maximum(np.asarray(x), 0)),
        Case("random input and weights (3 channels)", (x, w1, w2)),
        Case("random, 1 channel, 3 × 3 map", (_t(rng.normal(size=(1, 1, 3, 3))), _t(rng.normal(size=(1, 1, 3, 3))),
                                              _t(rng.normal(size=(1, 1, 3, 3))))),
    ]


from imsearch.nn.models import conv_output_size, residual_block

register(Exercise(
    id="8.4", title="A residual block's forward pass", points=2,
    function="residual_forward",
    signature="residual_forward(x: (N, C, H, W) tensor, w1: (C, C, 3, 3), w2: (C, C, 3, 3)) -> (N, C, H, W) tensor, "
              "relu(conv(relu(conv(x, w1)), w2) + x) with 3 × 3 convolutions, stride 1, zero padding 1, no bias",
    reference=residual_block, cases=_cases_8_4, rtol=1e-6, atol=1e-9,
))


def _cases_8_5(rng):
    resnet = [(3, 1, 1), (3, 1, 1), (3, 2, 1), (3, 2, 1)]
    return [
        Case("the CIFAR ResNet on a 32 px image: 32 → 32 → 32 → 16 → 8", (32, resnet), expected=8),
        Case("the same network on 33 px: odd sizes round up (33 → 17 → 9)", (33, resnet), expected=9),
        Case("a 7 × 7 stride-2 stem with padding 3, then a 3 × 3 stride-2 max-pool with padding 1 (ImageNet "
             "ResNet) on 224 px", (224, [(7, 2, 3), (3, 2, 1)]), expected=56),
        Case("no padding: 3 × 3 convolutions shrink a 10 px map by 2 each", (10, [(3, 1, 0)] * 3), expected=4),
        Case("a 1 × 1 convolution with stride 2 on 7 px", (7, [(1, 2, 0)]), expected=4),
        Case("a random stack", (int(rng.integers(64, 200)), [(3, 2, 1), (5, 2, 2), (3, 1, 1), (3, 2, 0)])),
    ]


register(Exercise(
    id="8.5", title="Predict the size of an activation map", points=1,
    function="predict_map_size",
    signature="predict_map_size(size_px: int, layers: list of (kernel, stride, padding)) -> int, the side of the "
              "map after each layer maps n to floor((n + 2·padding − kernel) / stride) + 1",
    reference=conv_output_size, cases=_cases_8_5, rtol=0, atol=0,
))
