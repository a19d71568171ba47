"""CLIP: an image tower and a text tower trained so that an image and its caption meet (chapter 10).

Radford et al. (ICML 2021) embed a batch of N images and their N captions, L2-normalise
both, and read the N × N matrix of cosine similarities divided by a learned temperature
as logits: each image must pick its own caption among the N (cross-entropy over a row)
and each caption its own image (over a column) — the symmetric InfoNCE loss
(:func:`clip_loss`). A list of class names then becomes a classifier: embed one prompt
per class ("a photo of a {}."), optionally several averaged (:func:`class_embeddings`,
prompt ensembling), and give each image the class whose embedding is closest
(:func:`zero_shot_classify`).

The chapter builds it twice:

* Part A, from scratch: :class:`MiniCLIP` (a small CNN and a bag-of-words text encoder)
  trained in a minute on :func:`imsearch.data.make_shapes_world` (:func:`train_mini_clip`).
* Part B, LiT-style (Zhai et al., CVPR 2022) on real pretrained towers kept frozen: the
  ImageNet EfficientNet-Lite0 (pooled ``head`` features, :func:`lit_image_features`) and the
  all-MiniLM-L6-v2 sentence encoder (:mod:`imsearch.nn.text`); only two linear projections
  and the temperature are trained (:class:`LiTProjections`, :func:`train_lit`) on the 1000
  captioned ``imagenet_samples``.

Recall@k of the retrieval in both directions is :func:`imsearch.eval.recall_at_k` on
``-cosine_similarity(...)`` (the evaluation layer sits above this one).
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .._util.validation import check_array, check_int, check_number

__all__ = ["LIT_SETS", "LiTProjections", "MiniCLIP", "ShapesImageTower", "ShapesTextTower", "Temperature",
           "aligned_loss", "class_embeddings", "clip_loss", "encode_shapes", "imagenet_class_names", "lit_image_features",
           "lit_recipe", "linear_probe", "mini_clip_recipe", "prompts", "cosine_similarity", "train_lit",
           "train_mini_clip", "zero_shot_classify", "SHAPES_TEST_SIZE", "SHAPES_TEMPLATE", "shapes_test_world",
           "shapes_zero_shot", "zoo_family", "PROMPT_TEMPLATES", "lit_zero_shot"]


# ---------------------------------------------------------------------------------------------
# the loss and the temperature
# ---------------------------------------------------------------------------------------------
def _check_pair(image_embeddings, text_embeddings):
    for name, t in (("image_embeddings", image_embeddings), ("text_embeddings", text_embeddings)):
        if not isinstance(t, torch.Tensor) or not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor, got {type(t).__name__}")
        if t.ndim != 2 or t.shape[0] == 0:
            raise ValueError(f"{name} must have shape (N, D) with N >= 1, got {tuple(t.shape)}")
    if image_embeddings.shape != text_embeddings.shape:
        raise ValueError(f"image_embeddings and text_embeddings must have the same shape, got "
                         f"{tuple(image_embeddings.shape)} and {tuple(text_embeddings.shape)}")


def clip_loss(image_embeddings: torch.Tensor, text_embeddings: torch.Tensor, temperature=0.07) -> torch.Tensor:
    """The symmetric InfoNCE (CLIP) loss of a batch of N matching image–text pairs.

    ``logits = I Tᵀ / τ`` for the L2-normalised rows ``I`` and ``T``; pair ``i`` is the
    positive of row ``i`` and of column ``i``, the other ``N − 1`` entries its negatives:
    ``L = ½ [CE(logits, arange N) + CE(logitsᵀ, arange N)]``.

    Parameters
    ----------
    image_embeddings, text_embeddings : (N, D) float tensors
        Row ``i`` of both comes from the same pair (normalised here).
    temperature : float > 0 or 0-d tensor
        ``τ`` (a tensor keeps its gradient: :class:`Temperature` learns it).

    Returns
    -------
    scalar tensor. With perfectly aligned orthonormal pairs it is ``log(1 + (N − 1) e^{−1/τ})``.

    References
    ----------
    A. Radford et al. Learning transferable visual models from natural language supervision.
    ICML 2021 (its Figure 3). A. van den Oord, Y. Li, O. Vinyals. Representation learning with
    contrastive predictive coding. arXiv 1807.03748, 2018 (InfoNCE).
    """
    _check_pair(image_embeddings, text_embeddings)
    if isinstance(temperature, torch.Tensor):
        if temperature.numel() != 1 or not bool(temperature.detach() > 0):
            raise ValueError(f"temperature must be a single value > 0, got {temperature.detach()}")
    else:
        check_number(temperature, "temperature", minimum=1e-6)
    i = nn.functional.normalize(image_embeddings, dim=1)
    t = nn.functional.normalize(text_embeddings, dim=1)
    logits = i @ t.T / temperature
    target = torch.arange(len(i), device=i.device)
    return 0.5 * (nn.functional.cross_entropy(logits, target) + nn.functional.cross_entropy(logits.T, target))


def aligned_loss(batch_size: int, temperature: float) -> float:
    """The CLIP loss of a batch whose pairs are perfectly aligned and whose negatives are orthogonal.

    Each row of logits holds ``1/τ`` once and ``0`` ``N − 1`` times, so both directions give
    ``log(1 + (N − 1) e^{−1/τ})``: how low the loss can go at a fixed temperature. At ``τ = 1``
    and ``N = 128`` it is still 3.87 — the softmax cannot become sharp, the gradients never stop
    pushing — while at ``τ = 0.07`` it is practically 0.

    Parameters
    ----------
    batch_size : int >= 1
    temperature : float > 0

    Returns
    -------
    float
    """
    n = check_int(batch_size, "batch_size", minimum=1)
    tau = check_number(temperature, "temperature", minimum=1e-6)
    return float(np.log1p((n - 1) * np.exp(-1.0 / tau)))


class Temperature(nn.Module):
    """A temperature ``τ`` learned through its log inverse, as CLIP does (``τ`` = 1 / exp(s)).

    Parameters
    ----------
    initial : float > 0
        ``τ`` at the start (CLIP: 0.07).
    learn : bool
        Whether ``s`` is a trained parameter (else a fixed buffer).
    minimum : float
        ``τ`` is clipped from below (CLIP caps the logit scale at 100, i.e. ``τ >= 0.01``).
    """

    def __init__(self, initial: float = 0.07, learn: bool = True, minimum: float = 0.01):
        super().__init__()
        check_number(initial, "initial", minimum=1e-6)
        s = torch.tensor(math.log(1.0 / initial))
        if learn:
            self.log_scale = nn.Parameter(s)
        else:
            self.register_buffer("log_scale", s)
        self.max_log_scale = math.log(1.0 / minimum)

    def forward(self) -> torch.Tensor:
        return 1.0 / self.log_scale.clamp(max=self.max_log_scale).exp()

    def extra_repr(self):
        return f"tau={float(self()):.4f}, learn={isinstance(self.log_scale, nn.Parameter)}"


# ---------------------------------------------------------------------------------------------
# Part A: the two small towers
# ---------------------------------------------------------------------------------------------
class ShapesImageTower(nn.Module):
    """A small CNN for 32 × 32 RGB: four 3 × 3 convolutions (BN, ReLU; three of stride 2), flatten, linear.

    The last 4 × 4 map is flattened rather than averaged so that the embedding keeps where
    things are (captions say "on the left"). Input: ``(N, 3, S, S)`` float 0–255.
    """

    def __init__(self, dim: int = 64, width: int = 16, side_px: int = 32):
        super().__init__()
        w = width
        layers, c = [], 3
        for out, stride in ((w, 1), (2 * w, 2), (4 * w, 2), (4 * w, 2)):
            layers += [nn.Conv2d(c, out, 3, stride, 1, bias=False), nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
            c = out
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c * (side_px // 8) ** 2, dim)

    def forward(self, x):
        return self.fc(self.features(x / 255.0 - 0.5).flatten(1))


class ShapesTextTower(nn.Module):
    """A bag-of-words text encoder: the mean of word embeddings (padding ignored), then a 2-layer MLP.

    Input: ``(N, L)`` int64 token ids of :func:`imsearch.data.tokenize` (0 = padding).
    """

    def __init__(self, vocabulary_size: int, dim: int = 64, width: int = 128):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocabulary_size, width, mode="mean", padding_idx=0)
        self.mlp = nn.Sequential(nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, dim))

    def forward(self, tokens):
        return self.mlp(self.embed(tokens))


class MiniCLIP(nn.Module):
    """Part A's CLIP: :class:`ShapesImageTower`, :class:`ShapesTextTower`, a :class:`Temperature`.

    ``model(images, tokens)`` returns the L2-normalised ``(N, dim)`` image and text embeddings.
    """

    def __init__(self, vocabulary_size: int, dim: int = 64, temperature: float = 0.07, learn_temperature=True,
                 side_px: int = 32):
        super().__init__()
        self.image_tower = ShapesImageTower(dim, side_px=side_px)
        self.text_tower = ShapesTextTower(vocabulary_size, dim)
        self.temperature = Temperature(temperature, learn_temperature)

    def encode_images(self, images):
        return nn.functional.normalize(self.image_tower(images), dim=1)

    def encode_texts(self, tokens):
        return nn.functional.normalize(self.text_tower(tokens), dim=1)

    def forward(self, images, tokens):
        return self.encode_images(images), self.encode_texts(tokens)


def _images_tensor(images):
    a = check_array(images, "images", ndim=4, kinds="u")
    if a.shape[3] != 3:
        raise ValueError(f"images must have shape (N, S, S, 3), got {a.shape}")
    return torch.from_numpy(np.ascontiguousarray(a)).permute(0, 3, 1, 2).float()


def mini_clip_recipe(batch_size: int = 128, epochs: int = 6, temperature: float = 0.07,
                     learn_temperature: bool = True, n_train: int = 6000, seed: int = 0, lr: float = 2e-3):
    """The :class:`imsearch.nn.Recipe` of Part A (defaults: the chapter's run, about a minute on one thread)."""
    from .training import Recipe

    return Recipe(name=f"mini_clip_b{batch_size}_t{temperature:g}{'_learned' if learn_temperature else ''}",
                  model="MiniCLIP(ShapesImageTower dim 64, bag-of-words ShapesTextTower dim 64)",
                  data=f"make_shapes_world({n_train}, side_px=32, seed={seed}, exclude=HELD_OUT)",
                  loss="clip_loss (symmetric InfoNCE)", optimizer="adam", lr=lr, momentum=0.0, weight_decay=1e-4,
                  batch_size=batch_size, epochs=epochs, seed=seed, schedule="cosine",
                  extra={"temperature": temperature, "learn_temperature": learn_temperature, "dim": 64,
                         "n_train": n_train, "token_length": 12})


def train_mini_clip(world, recipe=None, progress: bool = True, evaluate=None):
    """Train a :class:`MiniCLIP` on a :class:`imsearch.data.ShapesWorld` with :func:`imsearch.nn.train`.

    Parameters
    ----------
    world : imsearch.data.ShapesWorld
        The training pairs (images and captions).
    recipe : imsearch.nn.Recipe, optional
        Default :func:`mini_clip_recipe`; ``recipe.extra`` holds ``temperature``,
        ``learn_temperature``, ``dim``, ``token_length``.
    progress : bool
    evaluate : callable, optional
        ``evaluate(model) -> dict``, after each epoch (see :func:`imsearch.nn.train`).

    Returns
    -------
    (MiniCLIP in eval mode, log dict); ``log["temperature"]`` is ``τ`` after each step.
    """
    from ..data.shapes_world import VOCABULARY, ShapesWorld, tokenize

    if not isinstance(world, ShapesWorld):
        raise TypeError(f"world must be an imsearch.data.ShapesWorld, got {type(world).__name__}")
    recipe = recipe or mini_clip_recipe(n_train=len(world))
    x = _images_tensor(world.images)
    tokens = torch.from_numpy(tokenize(world.captions, recipe.extra.get("token_length", 12)))
    torch.manual_seed(recipe.seed)
    model = MiniCLIP(len(VOCABULARY), recipe.extra.get("dim", 64), recipe.extra.get("temperature", 0.07),
                     recipe.extra.get("learn_temperature", True), side_px=world.images.shape[1])
    return _train_pairs(model, x, tokens, recipe, evaluate, progress)


def _train_pairs(model, images, texts, recipe, evaluate, progress):
    """The course's loop on (image, text) pairs with the symmetric CLIP loss; logs the temperature per step."""
    from .training import train

    taus = []

    def step(m, idx, gen):
        i, t = m(images[idx], texts[idx])
        tau = m.temperature()
        taus.append(float(tau.detach()))
        return clip_loss(i, t, tau)

    log = train(model, recipe, len(images), step, evaluate=evaluate, progress=progress)
    log["temperature"] = taus
    return model, log


def encode_shapes(model: MiniCLIP, images=None, texts=None, batch_size: int = 500):
    """Embeddings of Part A's images and/or texts: (N, dim) float32 arrays, L2-normalised.

    Parameters
    ----------
    model : MiniCLIP
    images : (N, S, S, 3) uint8, optional
    texts : sequence of str, optional
    batch_size : int

    Returns
    -------
    the image embeddings, the text embeddings, or both as a tuple (whichever were given)
    """
    from ..data.shapes_world import tokenize

    if images is None and texts is None:
        raise ValueError("give images, texts or both")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    model.eval()
    out = []
    with torch.inference_mode():
        if images is not None:
            x = _images_tensor(images)
            out.append(torch.cat([model.encode_images(x[s:s + batch_size]) for s in range(0, len(x), batch_size)]).numpy())
        if texts is not None:
            t = torch.from_numpy(tokenize(texts))
            out.append(model.encode_texts(t).numpy())
    return out[0] if len(out) == 1 else tuple(out)


# ---------------------------------------------------------------------------------------------
# zero-shot classification and retrieval (any towers)
# ---------------------------------------------------------------------------------------------
def _unit_rows(x, name):
    a = check_array(x, name, kinds="f").astype(np.float64)
    n = np.linalg.norm(a, axis=-1, keepdims=True)
    if np.any(n == 0):
        raise ValueError(f"{name} must not contain zero vectors")
    return a / n


def cosine_similarity(queries, database) -> np.ndarray:
    """Cosine similarity of every query to every database item.

    Parameters
    ----------
    queries : (Q, D) float array
    database : (N, D) float array

    Returns
    -------
    (Q, N) float64 array in [-1, 1]. Rank with ``-cosine_similarity`` as a distance
    (``imsearch.eval.recall_at_k(-cosine_similarity(texts, images), np.arange(N), k)`` is text → image recall@k).
    """
    q = _unit_rows(check_array(queries, "queries", ndim=2, kinds="f"), "queries")
    d = _unit_rows(check_array(database, "database", ndim=2, kinds="f"), "database")
    if q.shape[1] != d.shape[1]:
        raise ValueError(f"queries and database must have the same dimension, got {q.shape[1]} and {d.shape[1]}")
    return q @ d.T


def prompts(class_names, templates=("a photo of a {}.",)) -> list:
    """Every template filled with every class name, class-major: ``C × P`` strings.

    Parameters
    ----------
    class_names : sequence of str (C)
    templates : sequence of str (P), each with one ``{}``

    Returns
    -------
    list of str: ``[t.format(c) for c in class_names for t in templates]``
    """
    class_names, templates = list(class_names), list(templates)
    if not class_names or not templates:
        raise ValueError("class_names and templates must not be empty")
    bad = [t for t in templates if not isinstance(t, str) or t.count("{}") != 1]
    if bad:
        raise ValueError(f"each template must be a str with exactly one '{{}}', got {bad}")
    return [t.format(c) for c in class_names for t in templates]


def class_embeddings(text_embeddings) -> np.ndarray:
    """One embedding per class from the embeddings of its prompts (prompt ensembling).

    Each prompt embedding is L2-normalised, the ``P`` of a class averaged, and the mean
    normalised again (Radford et al. 2021, Section 3.1.4: the ensemble is built in embedding space).

    Parameters
    ----------
    text_embeddings : (C, P, D) float array, or (C, D) for one prompt per class

    Returns
    -------
    (C, D) float64 array, L2-normalised rows
    """
    t = check_array(text_embeddings, "text_embeddings", kinds="f")
    if t.ndim == 2:
        t = t[:, None, :]
    if t.ndim != 3 or 0 in t.shape:
        raise ValueError(f"text_embeddings must have shape (C, P, D) or (C, D), got {t.shape}")
    return _unit_rows(_unit_rows(t, "text_embeddings").mean(axis=1), "the mean of the prompts")


def zero_shot_classify(image_embeddings, class_embeddings_) -> np.ndarray:
    """Zero-shot labels: the class whose (prompt) embedding is most similar to each image.

    Parameters
    ----------
    image_embeddings : (N, D) float array
    class_embeddings_ : (C, D) float array (e.g. from :func:`class_embeddings`)

    Returns
    -------
    (N,) int64 array of class indices (ties go to the lower index)
    """
    return np.argmax(cosine_similarity(image_embeddings, class_embeddings_), axis=1).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Part B: LiT on EfficientNet-Lite0 + all-MiniLM-L6-v2
# ---------------------------------------------------------------------------------------------
class LiTProjections(nn.Module):
    """The trained part of Part B: two linear maps into one space and a temperature.

    ``image features (N, 1280) → L2 → linear → L2`` and ``text features (N, 384) → L2 → linear
    → L2``; both towers that produce the features stay locked (frozen).

    References
    ----------
    X. Zhai et al. LiT: Zero-shot transfer with locked-image text tuning. CVPR 2022.
    """

    def __init__(self, image_dim: int = 1280, text_dim: int = 384, dim: int = 256, temperature: float = 0.07):
        super().__init__()
        self.image_projection = nn.Linear(image_dim, dim, bias=False)
        self.text_projection = nn.Linear(text_dim, dim, bias=False)
        self.temperature = Temperature(temperature, learn=True)

    def encode_images(self, features):
        return nn.functional.normalize(self.image_projection(nn.functional.normalize(features, dim=1)), dim=1)

    def encode_texts(self, features):
        return nn.functional.normalize(self.text_projection(nn.functional.normalize(features, dim=1)), dim=1)

    def forward(self, image_features, text_features):
        return self.encode_images(image_features), self.encode_texts(text_features)

    def embed(self, image_features=None, text_features=None):
        """numpy in, numpy out: the projected (N, dim) float32 embeddings of features."""
        out = []
        with torch.inference_mode():
            if image_features is not None:
                out.append(self.encode_images(torch.as_tensor(np.asarray(image_features, np.float32))).numpy())
            if text_features is not None:
                out.append(self.encode_texts(torch.as_tensor(np.asarray(text_features, np.float32))).numpy())
        return out[0] if len(out) == 1 else tuple(out)


def lit_recipe(steps: int = 15, lr: float = 1e-3, dim: int = 256, seed: int = 0, n_pairs: int = 1000):
    """The :class:`imsearch.nn.Recipe` of Part B: full-batch steps (one step = one epoch) of AdamW."""
    from .training import Recipe

    return Recipe(name=f"lit_{steps}steps", model=f"LiTProjections(1280 -> {dim}, 384 -> {dim}, learned temperature)",
                  data=f"imagenet_samples: {n_pairs} photos (EfficientNet-Lite0 head/avg, 160 px padded) and "
                       f"captions 'a photo of a <class name>.' (all-MiniLM-L6-v2)",
                  loss="clip_loss (symmetric InfoNCE)", optimizer="adam", lr=lr, momentum=0.0, weight_decay=1e-2,
                  batch_size=n_pairs, epochs=steps, seed=seed, schedule="constant", extra={"dim": dim})


def train_lit(image_features, text_features, recipe=None, progress: bool = True, evaluate=None):
    """Train :class:`LiTProjections` on matching rows of locked image and text features.

    Parameters
    ----------
    image_features : (N, Di) float array
    text_features : (N, Dt) float array
        Row ``i`` is the caption of image ``i``.
    recipe : imsearch.nn.Recipe, optional
        Default :func:`lit_recipe` (``batch_size`` = N: one full-batch step per epoch).
    progress : bool
    evaluate : callable, optional
        ``evaluate(model) -> dict`` after every step.

    Returns
    -------
    (LiTProjections in eval mode, log dict with ``"temperature"`` per step)
    """
    fi = check_array(image_features, "image_features", ndim=2, kinds="f")
    ft = check_array(text_features, "text_features", ndim=2, kinds="f")
    if len(fi) != len(ft) or len(fi) < 2:
        raise ValueError(f"image_features and text_features must have the same number (>= 2) of rows, "
                         f"got {len(fi)} and {len(ft)}")
    recipe = recipe or lit_recipe(n_pairs=len(fi))
    xi, xt = torch.from_numpy(np.ascontiguousarray(fi, np.float32)), torch.from_numpy(np.ascontiguousarray(ft, np.float32))
    torch.manual_seed(recipe.seed)
    model = LiTProjections(fi.shape[1], ft.shape[1], recipe.extra.get("dim", 256))
    return _train_pairs(model, xi, xt, recipe, evaluate, progress)


#: The image sets of Part B: loader, split, images per class (None = all).
LIT_SETS = {
    "imagenet_samples": ("imagenet_samples", None, None),
    "imagenette_val": ("imagenette", "val", 50),
    "imagenette_train": ("imagenette", "train", 30),
    "cifar10_test": ("cifar10", "test", 50),
    "cifar10_train": ("cifar10", "train", 30),
    "flowers17_test": ("flowers17", "test", None),
    "flowers17_train": ("flowers17", "train", None),
}


def imagenet_class_names() -> list:
    """The 1000 ILSVRC-2012 class names of the pack's ``imagenet_samples`` (first synonym), by class index."""
    import csv

    from ..data.pack import fetch

    with open(fetch("imagenet_samples/labels.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = [""] * 1000
    for r in rows:
        names[int(r["class_index"])] = r["class_name"]
    return names


def lit_image_features(name: str, model=None, progress: bool = True):
    """Locked image features of one of :data:`LIT_SETS`: EfficientNet-Lite0 ``head/avg``, cached.

    The images go through :func:`imsearch.nn.efficientnet_features` (160 px, padded; cached
    by content hash, the same cache as chapter 8); the result is cached again under a key made
    of the pack manifest's entries of the dataset, so a warm call decodes no image.

    Parameters
    ----------
    name : str
        A key of :data:`LIT_SETS`.
    model : EfficientNetLite0, optional
        Loaded only when the cache is cold.
    progress : bool

    Returns
    -------
    features : (N, 1280) float32
    labels : (N,) int64
        For ``imagenet_samples``: the ImageNet class index.
    classes : list of str
        Class names, ``classes[label]``.
    """
    from .._util.cache import content_hash, load_npz, save_npz
    from ..data.classification import load_cifar10, load_flowers17, load_imagenette
    from ..data.loaders import load_imagenet_samples
    from ..data.pack import _dataset_files
    from .extraction import cache_folder
    from .finetune import FEATURE_STAGES, efficientnet_features
    from .models import EfficientNetLite0

    if name not in LIT_SETS:
        raise ValueError(f"name must be one of {list(LIT_SETS)}, got {name!r}")
    dataset, split, per_class = LIT_SETS[name]
    # a warm cache keyed by the pack's manifest (file names and sha256): no image is decoded
    files, entries, _ = _dataset_files(dataset)
    key = content_hash(name, LIT_SETS[name], tuple((f, entries[f]) for f in files), EfficientNetLite0.model_id,
                       FEATURE_STAGES, version="lit-1")
    path = cache_folder() / f"lit-{name}-{key}.npz"
    z = load_npz(path)
    if z is not None:
        return z["features"], z["labels"], [str(c) for c in z["classes"]]
    if dataset == "imagenet_samples":
        _, images, labels = load_imagenet_samples()
        labels, classes = np.asarray(labels, np.int64), imagenet_class_names()
    else:
        loader = {"imagenette": load_imagenette, "cifar10": load_cifar10, "flowers17": load_flowers17}[dataset]
        d = loader(split, per_class=per_class)
        images, labels, classes = d.images, d.labels, list(d.classes)
    tag = name if per_class is None else f"{name}{per_class}"
    f = efficientnet_features(images, tag, model=model, progress=progress)
    out = {"features": f["head/avg"].astype(np.float32), "labels": np.asarray(labels, np.int64),
           "classes": np.array(classes, dtype=str)}
    save_npz(path, out)
    return out["features"], out["labels"], list(classes)


#: Prompt templates of chapter 10's ensemble (in the spirit of Radford et al.'s 80 ImageNet templates).
PROMPT_TEMPLATES = ("a photo of a {}.", "a blurry photo of a {}.", "a close-up photo of a {}.", "a photo of the small {}.",
                    "a photo of the large {}.", "a bright photo of a {}.", "a cropped photo of the {}.",
                    "a good photo of a {}.")


def lit_zero_shot(model: LiTProjections, image_features, class_names, templates=("a photo of a {}.",)) -> np.ndarray:
    """Zero-shot labels of locked image features through :class:`LiTProjections` and prompts of the class names.

    Parameters
    ----------
    model : LiTProjections
    image_features : (N, 1280) float array
    class_names : sequence of str (C)
    templates : sequence of str (P)
        Several templates are ensembled (:func:`class_embeddings`).

    Returns
    -------
    (N,) int64 predicted class indices
    """
    from .text import encode_texts

    class_names, templates = list(class_names), list(templates)
    t = encode_texts(prompts(class_names, templates))
    projected = model.embed(text_features=t).reshape(len(class_names), len(templates), -1)
    return zero_shot_classify(model.embed(image_features=image_features), class_embeddings(projected))


def linear_probe(train_features, train_labels, test_features, c: float = 1.0, seed: int = 0) -> np.ndarray:
    """The supervised reference: multinomial logistic regression on L2-normalised features.

    Parameters
    ----------
    train_features : (N, D) float array
    train_labels : (N,) int array
    test_features : (M, D) float array
    c : float > 0
        Inverse L2 regularisation (scikit-learn's ``C``).
    seed : int

    Returns
    -------
    (M,) int64 predicted labels
    """
    from sklearn.linear_model import LogisticRegression

    x = _unit_rows(check_array(train_features, "train_features", ndim=2, kinds="f"), "train_features")
    y = check_array(train_labels, "train_labels", shape=(len(x),), kinds="iu")
    xt = _unit_rows(check_array(test_features, "test_features", ndim=2, kinds="f"), "test_features")
    check_number(c, "c", minimum=1e-12)
    clf = LogisticRegression(C=c, max_iter=2000, random_state=seed).fit(x, y)
    return clf.predict(xt).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Part A in the model zoo: data/models/clip_shapes/
# ---------------------------------------------------------------------------------------------
#: Images of the test world that :func:`shapes_zero_shot` evaluates on (seed 1, all combinations).
SHAPES_TEST_SIZE = 2000
#: The prompt template of Part A's zero-shot classes ("a green triangle").
SHAPES_TEMPLATE = "a {}"


def shapes_test_world():
    """Part A's test world: ``make_shapes_world(SHAPES_TEST_SIZE, seed=1)``, every combination allowed."""
    from ..data.shapes_world import make_shapes_world

    return make_shapes_world(SHAPES_TEST_SIZE, seed=1)


def shapes_zero_shot(model: MiniCLIP, world=None) -> dict:
    """Zero-shot colour-shape classification in the shapes world, held-out vs seen combinations.

    Every one of the ``6 × 4 = 24`` colour-shape classes is a prompt ``"a <colour> <shape>"``;
    each test image gets the class of the most similar prompt.

    Parameters
    ----------
    model : MiniCLIP
    world : ShapesWorld, optional
        Default :func:`shapes_test_world`.

    Returns
    -------
    dict with ``"correct"`` (N,) bool, ``"held_out"`` (N,) bool (the image's combination is in
    :data:`imsearch.data.HELD_OUT`), ``"predicted"`` (N,) int, ``"class_names"`` (24 str), and the
    accuracies ``"held_out_accuracy"``, ``"seen_accuracy"``, ``"chance"`` (floats).
    """
    from ..data.shapes_world import COLORS, SHAPES, combination_mask

    world = shapes_test_world() if world is None else world
    names = [f"{c} {s}" for c in COLORS for s in SHAPES]
    label = world.color * len(SHAPES) + world.shape
    images, texts = encode_shapes(model, world.images, prompts(names, [SHAPES_TEMPLATE]))
    predicted = zero_shot_classify(images, texts)
    correct = predicted == label
    held = combination_mask(world)
    return {"correct": correct, "held_out": held, "predicted": predicted, "class_names": names,
            "held_out_accuracy": float(correct[held].mean()), "seen_accuracy": float(correct[~held].mean()),
            "chance": 1.0 / len(names)}


def _zoo_build(name):
    from ..data.shapes_world import VOCABULARY

    r = _ZOO_RECIPES[name]
    torch.manual_seed(r.seed)
    return MiniCLIP(len(VOCABULARY), r.extra["dim"], r.extra["temperature"], r.extra["learn_temperature"])


def _zoo_train(name, recipe, progress):
    from ..data.shapes_world import HELD_OUT, make_shapes_world

    world = make_shapes_world(recipe.extra["n_train"], seed=recipe.seed, exclude=HELD_OUT)
    return train_mini_clip(world, recipe, progress=progress)


def _zoo_evaluate(name, model, progress=False):
    z = shapes_zero_shot(model)
    return {"held_out_combination_accuracy": z["held_out_accuracy"], "seen_combination_accuracy": z["seen_accuracy"]}


_ZOO_RECIPES = {"clip_shapes": mini_clip_recipe()}
_ZOO_RECIPES["clip_shapes"].name = "clip_shapes"


def zoo_family():
    """Part A's model for :mod:`imsearch.nn.zoo` (``python -m imsearch models train clip_shapes``)."""
    from .zoo import Family

    what = {"clip_shapes": "Part A of chapter 10: a small CNN and a bag-of-words text encoder trained from scratch "
                           "with the CLIP loss on the generated shapes world, six colour-shape combinations held out."}
    return Family(_ZOO_RECIPES, _zoo_build, _zoo_train, _zoo_evaluate, what, name="clip")
