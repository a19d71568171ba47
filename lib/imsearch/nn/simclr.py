"""SimCLR trained by the course (chapter 9): model, training step, evaluation, ablation.

* :class:`SimCLR`: a trunk (the course's :class:`~imsearch.nn.models.SmallResNet` with widths
  32-64-128 and a stride-2 stem, see below) and a projection MLP; ``embed(x, head=False)`` gives
  the trunk's 128-d features (what is kept for downstream use), ``head=True`` the projection.
* :func:`simclr_loss` / :func:`train_simclr`: two augmented views per image
  (:func:`imsearch.nn.simclr_augment`), both through the network in one batch, InfoNCE
  (:func:`imsearch.nn.info_nce`) over the ``2N`` embeddings, the course's training loop.
* :func:`features`, :func:`knn_predict` / :func:`knn_accuracy` (cosine kNN with the weighted
  vote of Wu et al. 2018), :func:`linear_eval` (logistic regression on frozen features),
  :func:`step_time_split` (augmentation / forward / backward / optimiser).
* :func:`ablation_recipes` / :func:`run_ablation`: short runs at a fixed budget (augmentations,
  temperature, batch size), stored as JSON with the command that made them.

Why this trunk: the CIFAR ResNet-20 keeps 32 × 32 maps in its first stage and, measured on one
torch thread here, trains at about 40 views/s, under one epoch of the 20,000 train images in the
15-minute budget; the stride-2 stem makes the network about five times cheaper, so the checkpoint
sees several epochs. The ``python -m imsearch models train simclr_small`` command reproduces it.

References
----------
T. Chen, S. Kornblith, M. Norouzi, G. Hinton. A simple framework for contrastive learning of
visual representations. ICML 2020. Z. Wu, Y. Xiong, S. Yu, D. Lin. Unsupervised feature learning
via non-parametric instance discrimination. CVPR 2018 (the weighted kNN classifier).
"""
from __future__ import annotations

import copy
import json
import sys
import time

import numpy as np
import torch
from torch import nn

from .._util.validation import check_array, check_int, check_number
from .augment import PRESETS, simclr_augment
from .losses import info_nce
from .models import CIFAR_MEAN, CIFAR_STD, SmallResNet, _check_images_tensor
from .training import Recipe, seeded_batches, train

__all__ = ["EVAL_TEST_PER_CLASS", "EVAL_TRAIN_PER_CLASS", "SIMCLR_RECIPES", "SimCLR", "ablation_recipes",
           "build_simclr", "cifar_images", "evaluate_simclr", "evaluation_table", "features", "knn_accuracy", "knn_predict",
           "linear_eval", "run_ablation", "simclr_loss", "step_time_split", "train_simclr", "zoo_family"]

#: Evaluation split: labelled train images (kNN database / linear classifier), test queries.
EVAL_TRAIN_PER_CLASS = 500
EVAL_TEST_PER_CLASS = 100

_TRUNK = {"widths": [32, 64, 128], "blocks": [1, 1, 1]}
_HEAD = {"hidden": 128, "dim": 64}


class SimCLR(nn.Module):
    """Trunk + projection MLP; inputs are RGB images in [0, 1] (normalised inside).

    Parameters
    ----------
    widths, blocks : sequence of int
        The :class:`~imsearch.nn.models.SmallResNet` trunk (stride-2 stem, GAP); its last width
        is the feature size ``D``.
    hidden, dim : int
        Projection head ``Linear(D, hidden) → BN → ReLU → Linear(hidden, dim)`` (SimCLR's
        2-layer MLP ``g``).
    """

    def __init__(self, widths=(32, 64, 128), blocks=(1, 1, 1), hidden: int = 128, dim: int = 64):
        super().__init__()
        self.trunk = SmallResNet(tuple(widths), tuple(blocks), num_classes=0)
        self.head = nn.Sequential(nn.Linear(self.trunk.dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                                  nn.Linear(hidden, dim))
        self.register_buffer("mean", torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(CIFAR_STD).view(1, 3, 1, 1), persistent=False)

    def embed(self, x, head: bool = False) -> torch.Tensor:
        """Trunk features ``h`` ``(N, D)`` or, with ``head=True``, projections ``z = g(h)`` ``(N, dim)``.

        Parameters
        ----------
        x : (N, 3, H, W) float tensor, RGB in [0, 1]
        head : bool
        """
        h = self.trunk.embed((_check_images_tensor(x) - self.mean) / self.std)
        return self.head(h) if head else h

    def forward(self, x):
        return self.embed(x, head=True)


def build_simclr(seed: int = 0, widths=None, blocks=None, hidden=None, dim=None) -> SimCLR:
    """A freshly initialised :class:`SimCLR` (the checkpoint's shape by default), seeded."""
    torch.manual_seed(check_int(seed, "seed", minimum=0))
    return SimCLR(widths or _TRUNK["widths"], blocks or _TRUNK["blocks"], hidden or _HEAD["hidden"],
                  dim or _HEAD["dim"])


def cifar_images(split: str, per_class=None):
    """The pack's CIFAR-10 as ``(N, 3, 32, 32)`` float tensors in [0, 1] and ``(N,)`` int64 labels."""
    from ..data.classification import load_cifar10

    d = load_cifar10(split, per_class=per_class)
    return torch.from_numpy(d.images).permute(0, 3, 1, 2).float().div(255), torch.from_numpy(d.labels)


def simclr_loss(model, x, generator, preset="crop+color", temperature: float = 0.5, size=None):
    """One SimCLR loss: two views of each image of ``x``, one forward pass, InfoNCE.

    Parameters
    ----------
    model : SimCLR
    x : (N, 3, H, W) float tensor in [0, 1]
    generator : torch.Generator
    preset : str or dict
        Augmentations (:data:`imsearch.nn.PRESETS`).
    temperature : float

    Returns
    -------
    scalar tensor
    """
    n = len(x)
    views = torch.cat([simclr_augment(x, generator, preset, size), simclr_augment(x, generator, preset, size)])
    z = model.embed(views, head=True)
    return info_nce(z[:n], z[n:], temperature)


def _features_batched(fn, x, batch):
    with torch.inference_mode():
        return torch.cat([fn(x[i:i + batch]) for i in range(0, len(x), batch)]).numpy().astype(np.float32)


def features(model, x, head: bool = False, batch: int = 500) -> np.ndarray:
    """Features of images for evaluation, batched, in inference mode.

    Parameters
    ----------
    model : SimCLR or CifarResNet
        A :class:`SimCLR` (trunk, or projection with ``head=True``), or a supervised
        :class:`~imsearch.nn.models.CifarResNet` (its 64-d pooled features; input normalised here).
    x : (N, 3, H, W) float tensor in [0, 1]
    head : bool

    Returns
    -------
    (N, D) float32 array (not normalised)
    """
    x = _check_images_tensor(x)
    model.eval()
    if isinstance(model, SimCLR):
        return _features_batched(lambda b: model.embed(b, head), x, batch)
    if head:
        raise ValueError("head=True needs a SimCLR model")
    mean, std = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1), torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    return _features_batched(lambda b: model.embed((b - mean) / std), x, batch)


def _unit(x):
    x = np.asarray(x, np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def knn_predict(train_features, train_labels, test_features, k: int = 20, temperature=0.07) -> np.ndarray:
    """Cosine k-nearest-neighbour classification of ``test_features`` among ``train_features``.

    With ``temperature`` (Wu et al. 2018): each of the ``k`` most similar training images votes for
    its class with weight ``exp(s / temperature)`` (``s`` = cosine similarity); ``temperature=None``
    gives the plain majority vote. Ties go to the smallest label.

    Parameters
    ----------
    train_features : (N, D) float array
    train_labels : (N,) int array
    test_features : (M, D) float array
    k : int, 1 <= k <= N
    temperature : float > 0 or None

    Returns
    -------
    (M,) int64 predicted labels
    """
    xtr = check_array(train_features, "train_features", ndim=2, kinds="f")
    ytr = check_array(train_labels, "train_labels", shape=(len(xtr),), kinds="iu").astype(np.int64)
    xte = check_array(test_features, "test_features", ndim=2, kinds="f")
    if xte.shape[1] != xtr.shape[1]:
        raise ValueError(f"test_features must have {xtr.shape[1]} columns like train_features, got {xte.shape[1]}")
    k = check_int(k, "k", minimum=1, maximum=len(xtr))
    if temperature is not None:
        temperature = check_number(temperature, "temperature", minimum=0.0, strict_min=True)
    sim = _unit(xte) @ _unit(xtr).T                                    # (M, N)
    top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    s = np.take_along_axis(sim, top, axis=1)
    w = np.ones_like(s) if temperature is None else np.exp((s - s.max(axis=1, keepdims=True)) / temperature)
    n_classes = int(ytr.max()) + 1
    votes = np.zeros((len(xte), n_classes))
    np.add.at(votes, (np.arange(len(xte))[:, None].repeat(k, 1), ytr[top]), w)
    return votes.argmax(axis=1).astype(np.int64)


def knn_accuracy(train_features, train_labels, test_features, test_labels, k: int = 20, temperature=0.07) -> float:
    """Fraction of test images whose :func:`knn_predict` label is right (see there for the vote)."""
    pred = knn_predict(train_features, train_labels, test_features, k, temperature)
    yte = check_array(test_labels, "test_labels", shape=(len(pred),), kinds="iu")
    return float(np.mean(pred == yte))


def linear_eval(train_features, train_labels, test_features, test_labels, c: float = 1.0, seed: int = 0):
    """Linear evaluation: logistic regression on frozen, L2-normalised features; test accuracy.

    The classifier is :func:`imsearch.nn.clip.linear_probe` (scikit-learn's multinomial
    logistic regression, L-BFGS), the course's one linear probe.

    Returns
    -------
    (accuracy : float, predictions : (M,) int64 array)
    """
    from .clip import linear_probe

    pred = linear_probe(np.asarray(train_features, np.float32), train_labels, np.asarray(test_features, np.float32),
                        c=c, seed=seed)
    yte = check_array(test_labels, "test_labels", shape=(len(pred),), kinds="iu")
    return float(np.mean(pred == yte)), pred


# ---- training --------------------------------------------------------------------------------

SIMCLR_RECIPES = {
    "simclr_small": Recipe(
        name="simclr_small",
        model="SimCLR: SmallResNet(widths=(32, 64, 128), blocks=(1, 1, 1), stride-2 stem) + projection MLP "
              "128-128(BN, ReLU)-64",
        data="cifar10 train (pack JPEGs, 20,000 images at 32 px), labels unused; two views per image",
        loss="InfoNCE / NT-Xent, temperature 0.5, 2N-1 candidates per view",
        optimizer="adam", lr=2e-3, momentum=0.0, weight_decay=1e-6, batch_size=256, epochs=3, seed=0,
        schedule="cosine", augment="crop+color",
        extra={"temperature": 0.5, "train_per_class": None, "widths": _TRUNK["widths"], "blocks": _TRUNK["blocks"],
               "hidden": _HEAD["hidden"], "dim": _HEAD["dim"]}),
}

_WHAT = {
    "simclr_small": "SimCLR (Chen et al. 2020) trained by the course on CIFAR-10 without labels: a small ResNet "
                    "trunk (128-d features, kept) + a projection MLP (64-d, discarded downstream); chapter 9.",
}


def train_simclr(recipe: Recipe, x=None, progress: bool = True, evaluate=None, step_callback=None):
    """Train a :class:`SimCLR` following ``recipe``; return ``(model, log)``.

    Parameters
    ----------
    recipe : Recipe
        ``augment`` is a :data:`~imsearch.nn.PRESETS` name; ``extra`` holds ``temperature``,
        ``train_per_class`` (None = all 20,000 train images) and the shape (``widths``, ``blocks``,
        ``hidden``, ``dim``).
    x : (N, 3, 32, 32) float tensor in [0, 1], optional
        Training images (default: the pack's cifar10 train images of the recipe).
    progress : bool
    evaluate : callable, optional
        ``evaluate(model) -> dict``, run after every epoch.
    step_callback : callable, optional
        ``step_callback(step, loss)`` after each step (the notebook's live plot).
    """
    if recipe.augment not in PRESETS:
        raise ValueError(f"recipe.augment must be one of {sorted(PRESETS)}, got {recipe.augment!r}")
    e = recipe.extra
    if x is None:
        x, _ = cifar_images("train", e.get("train_per_class"))
    x = _check_images_tensor(x)
    model = build_simclr(recipe.seed, e.get("widths"), e.get("blocks"), e.get("hidden"), e.get("dim"))
    counter = [0]

    def step(m, idx, gen):
        loss = simclr_loss(m, x[idx], gen, recipe.augment, e.get("temperature", 0.5))
        counter[0] += 1
        if step_callback is not None:
            step_callback(counter[0], float(loss.detach()))
        return loss

    log = train(model, recipe, len(x), step, evaluate=evaluate, progress=progress)
    steps = len(log["loss"])
    log["images_seen"] = steps * recipe.batch_size
    log["images_per_second"] = log["images_seen"] / max(log["seconds"], 1e-9)
    return model, log


def step_time_split(model, x, batch_size: int = 256, preset="crop+color", temperature: float = 0.5,
                    repeats: int = 3, seed: int = 0) -> dict:
    """Time one SimCLR step, split into augmentation, forward (with the loss), backward and optimiser.

    Runs on a copy of ``model`` (the model is not changed); the median of ``repeats`` steps after
    one warm-up step.

    Returns
    -------
    dict of seconds: ``augment``, ``forward``, ``backward``, ``optimizer``, ``total``; and
    ``images_per_second`` (images, each giving two views).
    """
    x = _check_images_tensor(x)
    batch_size = check_int(batch_size, "batch_size", minimum=2, maximum=len(x))
    model = copy.deepcopy(model).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    g = torch.Generator().manual_seed(seed)
    rows = []
    for r in range(repeats + 1):
        xb = x[torch.randperm(len(x), generator=g)[:batch_size]]
        t0 = time.perf_counter()
        views = torch.cat([simclr_augment(xb, g, preset), simclr_augment(xb, g, preset)])
        t1 = time.perf_counter()
        z = model.embed(views, head=True)
        loss = info_nce(z[:batch_size], z[batch_size:], temperature)
        t2 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        t3 = time.perf_counter()
        opt.step()
        t4 = time.perf_counter()
        if r:
            rows.append((t1 - t0, t2 - t1, t3 - t2, t4 - t3))
    med = np.median(np.array(rows), axis=0)
    out = dict(zip(("augment", "forward", "backward", "optimizer"), map(float, med)))
    out["total"] = float(med.sum())
    out["images_per_second"] = batch_size / out["total"]
    return out


# ---- evaluation ------------------------------------------------------------------------------

def _eval_data():
    xtr, ytr = cifar_images("train", EVAL_TRAIN_PER_CLASS)
    xte, yte = cifar_images("test", EVAL_TEST_PER_CLASS)
    return xtr, ytr.numpy(), xte, yte.numpy()


def evaluate_simclr(name: str, model, progress: bool = False, data=None) -> dict:
    """The card's metrics: kNN (k = 20, weighted) and linear accuracy of trunk and projection features.

    Database / classifier training set: the first :data:`EVAL_TRAIN_PER_CLASS` cifar10 train images
    per class; queries: the first :data:`EVAL_TEST_PER_CLASS` test images per class.
    """
    xtr, ytr, xte, yte = _eval_data() if data is None else data
    out = {}
    for part, head in (("trunk", False), ("projection", True)):
        ftr, fte = features(model, xtr, head), features(model, xte, head)
        out[f"knn_accuracy_{part}"] = knn_accuracy(ftr, ytr, fte, yte)
        out[f"linear_accuracy_{part}"] = linear_eval(ftr, ytr, fte, yte)[0]
    return out


def evaluation_table(name: str = "simclr_small", progress: bool = False) -> dict:
    """The chapter's comparison on CIFAR-10: random init, SimCLR trunk / projection, supervised ResNet-20.

    Each row: ``knn_accuracy`` (k = 20, weighted vote), ``linear_accuracy`` (logistic regression on
    frozen features), ``map`` (same-class retrieval mAP, each of the test queries against the other
    test images, :func:`imsearch.nn.same_class_ap`), per-query arrays ``knn_correct``,
    ``linear_correct``, ``ap`` (for paired bootstrap intervals), and the features themselves
    (``train_features``, ``test_features``). Train / test split as :func:`evaluate_simclr`. The
    whole table is cached (data cache), keyed by the checkpoint's sha256.

    Returns
    -------
    dict row name -> dict
    """
    from .._util.cache import load_npz, save_npz
    from .extraction import cache_folder
    from .finetune import same_class_ap
    from .models import load_cifar_resnet
    from .zoo import load_model, read_card

    sha = read_card(name)["sha256"][:16]
    path = cache_folder() / f"ch09-table-{name}-{sha}-{EVAL_TRAIN_PER_CLASS}-{EVAL_TEST_PER_CLASS}.npz"
    cached = load_npz(path)
    names = ["random init (trunk)", "SimCLR trunk", "SimCLR projection", "supervised ResNet-20"]
    if cached is not None:
        return {row: {k.split("|", 1)[1]: (v.item() if v.ndim == 0 else v) for k, v in cached.items()
                      if k.startswith(row + "|")} for row in names}
    xtr, ytr, xte, yte = _eval_data()
    model = load_model(name)[0]
    models = dict(zip(names, [(build_simclr(SIMCLR_RECIPES[name].seed), False), (model, False), (model, True),
                              (None, False)]))
    rows = {}
    for row, (m, head) in models.items():
        m = load_cifar_resnet(20) if m is None else m
        ftr, fte = features(m, xtr, head), features(m, xte, head)
        knn = knn_predict(ftr, ytr, fte)
        lin_acc, lin = linear_eval(ftr, ytr, fte, yte)
        ap = same_class_ap(_unit(fte), yte)
        rows[row] = {"knn_accuracy": float(np.mean(knn == yte)), "linear_accuracy": lin_acc,
                     "map": float(np.nanmean(ap)), "knn_correct": knn == yte, "linear_correct": lin == yte,
                     "ap": ap, "dimension": int(ftr.shape[1]), "train_features": ftr, "test_features": fte}
    save_npz(path, {f"{row}|{k}": np.asarray(v) for row, r in rows.items() for k, v in r.items()})
    return rows


def _build(name):
    e = SIMCLR_RECIPES[name].extra
    return build_simclr(SIMCLR_RECIPES[name].seed, e["widths"], e["blocks"], e["hidden"], e["dim"])


def _train(name, recipe, progress):
    return train_simclr(recipe, progress=progress)


def _card(name, model, log):
    x, _ = cifar_images("train", 60)
    split = step_time_split(model, x, SIMCLR_RECIPES[name].batch_size, SIMCLR_RECIPES[name].augment)
    return {"epochs": SIMCLR_RECIPES[name].epochs, "images_seen": log["images_seen"],
            "images_per_second": round(log["images_per_second"], 1),
            "step_seconds": {k: round(v, 4) for k, v in split.items()}}


def zoo_family():
    """The SimCLR models of :mod:`imsearch.nn.zoo` (registered there through ``FAMILY_MODULES``)."""
    from .zoo import Family

    return Family(recipes=SIMCLR_RECIPES, build=_build, train=_train, evaluate=evaluate_simclr, what=_WHAT,
                  card=_card, name="simclr")


# ---- ablation --------------------------------------------------------------------------------

ABLATION_IMAGES = 10_240      # images seen by every ablation run (the fixed budget)
ABLATION_PER_CLASS = 512      # training subset of the ablation runs: 5,120 images, 2 epochs


def ablation_recipes() -> dict:
    """Short runs at a fixed budget (:data:`ABLATION_IMAGES` images seen): what matters in SimCLR.

    Baseline: crop+color, temperature 0.5, batch 256; each run changes one factor.
    """
    base = SIMCLR_RECIPES["simclr_small"]
    runs = {}

    def add(name, augment="crop+color", temperature=0.5, batch_size=256):
        extra = dict(base.extra, temperature=temperature, train_per_class=ABLATION_PER_CLASS)
        epochs = ABLATION_IMAGES // (ABLATION_PER_CLASS * 10)
        runs[name] = Recipe(name=f"simclr_ablation_{name}", model=base.model,
                            data=f"cifar10 train, first {ABLATION_PER_CLASS} per class",
                            loss=f"InfoNCE, temperature {temperature}", optimizer=base.optimizer, lr=base.lr,
                            momentum=base.momentum, weight_decay=base.weight_decay, batch_size=batch_size,
                            epochs=epochs, seed=0, schedule="cosine", augment=augment, extra=extra)

    for aug in ("crop", "color", "crop+color", "all"):
        add(f"aug={aug}", augment=aug)
    for t in (0.1, 1.0):
        add(f"temperature={t}", temperature=t)
    add("batch=64", batch_size=64)
    return runs


def run_ablation(path=None, progress: bool = True, names=None) -> dict:
    """Train every :func:`ablation_recipes` run, evaluate its trunk; write and return the results JSON.

    Parameters
    ----------
    path : str or Path, optional
        Where to write (default ``data/models/simclr_ablation/results.json``).
    names : list of str, optional
        A subset of the runs.
    """
    from pathlib import Path

    from .zoo import models_folder

    path = Path(path) if path is not None else models_folder() / "simclr_ablation" / "results.json"
    data = _eval_data()
    x, _ = cifar_images("train", ABLATION_PER_CLASS)
    results = {"command": "python -m imsearch.nn.simclr ablation", "budget_images": ABLATION_IMAGES,
               "train_images": len(x), "machine": f"{torch.get_num_threads()} torch threads, torch {torch.__version__}",
               "runs": {}}
    random_model = build_simclr(0)
    ftr, fte = features(random_model, data[0]), features(random_model, data[2])
    results["random_init_knn_accuracy"] = knn_accuracy(ftr, data[1], fte, data[3])
    for name, recipe in ablation_recipes().items():
        if names is not None and name not in names:
            continue
        model, log = train_simclr(recipe, x, progress=progress)
        ftr, fte = features(model, data[0]), features(model, data[2])
        results["runs"][name] = {
            "augment": recipe.augment, "temperature": recipe.extra["temperature"], "batch_size": recipe.batch_size,
            "epochs": recipe.epochs, "steps": len(log["loss"]), "seconds": round(log["seconds"], 1),
            "final_loss": round(float(np.mean(log["loss"][-5:])), 4),
            "knn_accuracy": knn_accuracy(ftr, data[1], fte, data[3]),
            "linear_accuracy": linear_eval(ftr, data[1], fte, data[3])[0],
        }
        print(name, json.dumps(results["runs"][name]), flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results


def main(argv=None) -> int:
    """``python -m imsearch.nn.simclr ablation [NAME ...]``: re-run the ablation (one torch thread)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "ablation":
        print("usage: python -m imsearch.nn.simclr ablation [" + " | ".join(ablation_recipes()) + " ...]",
              file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    run_ablation(names=args[1:] or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
