"""Exercises of chapter 10 — CLIP: the symmetric loss, its floor at a fixed temperature, zero-shot classification, prompt ensembling."""
from __future__ import annotations

import numpy as np

from imsearch.grading.checks import Case, Exercise, register
from imsearch.nn.clip import aligned_loss, class_embeddings, clip_loss, zero_shot_classify
from imsearch.nn.extraction import as_tensor


def _unit(a):
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


def _cases_10_1(rng):
    eye = as_tensor(np.eye(4))
    a = rng.normal(size=(6, 5))
    b = a + 0.8 * rng.normal(size=(6, 5))
    # image 0 is close to both captions 0 and 1, caption 1 far from image 1: the two directions differ
    skew_i = as_tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    skew_t = as_tensor([[1.0, 0.2, 0.0], [0.9, 0.1, 0.4], [0.0, 0.3, 1.0]])
    return [
        Case("4 perfectly aligned orthonormal pairs, τ = 1: log(1 + 3/e)", (eye, eye, 1.0),
             expected=float(np.log1p(3 / np.e))),
        Case("the same at τ = 0.1: log(1 + 3 e^-10)", (eye, eye, 0.1), expected=float(np.log1p(3 * np.exp(-10)))),
        Case("embeddings are normalised first: scaling the images by 5 changes nothing", (5 * eye, eye, 0.5),
             expected=float(np.log1p(3 * np.exp(-2)))),
        Case("noisy pairs (6 × 5), τ = 0.07", (as_tensor(a), as_tensor(b), 0.07)),
        Case("noisy pairs, unnormalised, τ = 0.5", (as_tensor(3 * a), as_tensor(b / 2), 0.5)),
        Case("image → text and text → image differ here: the loss averages both", (skew_i, skew_t, 0.2)),
    ]


register(Exercise(
    id="10.1", title="The symmetric CLIP loss", points=3,
    function="clip_objective",
    signature="clip_objective(images: (N, D) tensor, texts: (N, D) tensor, temperature: float) -> scalar tensor: "
              "L2-normalise the rows, logits = images @ texts.T / temperature, the mean of the cross-entropy of each "
              "row (image → its text) and of each column (text → its image), the positive of row/column i being i",
    reference=clip_loss, cases=_cases_10_1, rtol=1e-6, atol=1e-8,
))


def _cases_10_2(rng):
    return [
        Case("N = 2, τ = 1: log(1 + 1/e)", (2, 1.0), expected=float(np.log1p(np.exp(-1)))),
        Case("N = 1: the only caption is the right one, loss 0", (1, 0.5), expected=0.0),
        Case("N = 128, τ = 1 (a high fixed temperature)", (128, 1.0)),
        Case("N = 128, τ = 0.07 (CLIP's initial value)", (128, 0.07)),
        Case("N = 32768, τ = 0.01 (CLIP's batch at its lowest temperature)", (32768, 0.01)),
        Case("a random batch size, τ = 0.3", (int(rng.integers(8, 512)), 0.3)),
    ]


register(Exercise(
    id="10.2", title="Predict: how low can the CLIP loss go at a fixed temperature?", points=1,
    function="predict_aligned_loss",
    signature="predict_aligned_loss(batch_size: int, temperature: float) -> float: the CLIP loss of a batch whose N "
              "image and text embeddings are identical and orthonormal (each positive has cosine 1, each negative 0)",
    reference=aligned_loss, cases=_cases_10_2, rtol=1e-9, atol=1e-12,
))



def _cases_10_3(rng):
    classes = _unit(rng.normal(size=(7, 8)))
    images = classes[rng.integers(7, size=20)] + 0.6 * rng.normal(size=(20, 8))
    long_wrong = np.array([[1.0, 0.0], [0.6, 0.8 * 10]])  # class 1 is long: a dot product would favour it
    return [
        Case("two classes, the second embedding 10× longer: cosine, not dot product",
             (np.array([[0.9, 0.3], [1.0, 0.1]]), long_wrong), expected=np.array([0, 0])),
        Case("a short class embedding in a nearby direction vs a long one in the image's direction: cosine picks "
             "the long one (Euclidean distance would pick the short one)",
             (np.array([[1.0, 0.0]]), np.array([[0.08, 0.06], [10.0, 1.0]])), expected=np.array([1])),
        Case("an image equal to a class embedding gets that class", (classes[[3, 5]] * 2.0, classes),
             expected=np.array([3, 5])),
        Case("20 noisy images, 7 classes, 8-d", (images, classes)),
        Case("the same images scaled by 100: labels do not change", (100 * images, classes)),
    ]


register(Exercise(
    id="10.3", title="Zero-shot classification from class (prompt) embeddings", points=2,
    function="zero_shot_predict",
    signature="zero_shot_predict(image_embeddings: (N, D) float array, class_embeddings: (C, D) float array) -> (N,) "
              "int array: for each image the class of highest cosine similarity",
    reference=zero_shot_classify, cases=_cases_10_3, rtol=0, atol=0,
))


def _cases_10_4(rng):
    c, p, d = 5, 4, 6
    t = rng.normal(size=(c, p, d))
    scaled = t * rng.uniform(0.2, 5.0, size=(c, p, 1))
    two = np.array([[[3.0, 0.0], [0.0, 1.0]]])            # one class, two prompts of different lengths
    return [
        Case("two prompts (3, 0) and (0, 1): normalise each, average, normalise: (1, 1)/√2", (two,),
             expected=np.array([[2 ** -0.5, 2 ** -0.5]])),
        Case("one prompt per class, given as (C, D): the normalised rows", (t[:, 0],), expected=_unit(t[:, 0])),
        Case("5 classes × 4 prompts, 6-d", (t,)),
        Case("the same prompts with very different lengths: each prompt counts once", (scaled,)),
    ]


register(Exercise(
    id="10.4", title="Prompt ensembling: one embedding per class from several prompts", points=2,
    function="ensemble_prompts",
    signature="ensemble_prompts(text_embeddings: (C, P, D) or (C, D) float array) -> (C, D) array: L2-normalise "
              "each prompt embedding, average the P prompts of each class, L2-normalise the mean",
    reference=class_embeddings, cases=_cases_10_4, rtol=1e-9, atol=1e-12,
))