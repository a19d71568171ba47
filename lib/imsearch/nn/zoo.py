"""The small models the course trains itself, committed under ``data/models/<name>/`` with a card.

Each entry of :data:`RECIPES` is a :class:`imsearch.nn.Recipe`; :func:`train_model` runs
it, evaluates the result, and writes ``model.pt``, ``recipe.json``, ``log.json`` and
``card.json`` (what it is, what it was trained on, the command that reproduces it, the
training time on this machine, its metrics, the sha256 and size of ``model.pt``).
``python -m imsearch models train`` retrains them all; ``python -m imsearch models train
NAME`` one of them. :func:`load_model` loads a committed model; :func:`evaluate_model`
recomputes the metric its card records.

Models come in *families*: a :class:`Family` holds a set of recipes and the three functions
that know how to build, train and evaluate those models. A module that trains models of its own
(``simclr.py``, ``sscd.py``) registers them without touching this file's internals:

* it defines ``def zoo_family() -> Family`` (importing :class:`Family` inside the function,
  so that the module does not import ``zoo`` at load time), and
* its name is added to :data:`FAMILY_MODULES` below (one line); or, at run time,
  ``register_family(family)`` adds a family from anywhere.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from .training import Recipe, load_checkpoint, save_checkpoint, sha256_file, train

__all__ = ["FAMILY_MODULES", "RECIPES", "Family", "build_model", "evaluate_model", "family_of", "load_model",
           "models_folder", "read_card", "register_family", "train_model"]

_CIFAR_TRAIN_PER_CLASS = 100
_CIFAR_EVAL_PER_CLASS = 50

_CHAPTER8_RECIPES = {
    "cifar_plain32_short": Recipe(
        name="cifar_plain32_short", model="cifar_resnet(depth=32, residual=False)",
        data=f"cifar10 train (pack JPEGs), first {_CIFAR_TRAIN_PER_CLASS} per class; random horizontal flips",
        loss="cross_entropy", optimizer="sgd", lr=0.05, momentum=0.9, weight_decay=1e-4, batch_size=50,
        epochs=3, seed=0, schedule="cosine", augment="hflip"),
    "cifar_resnet32_short": Recipe(
        name="cifar_resnet32_short", model="cifar_resnet(depth=32, residual=True)",
        data=f"cifar10 train (pack JPEGs), first {_CIFAR_TRAIN_PER_CLASS} per class; random horizontal flips",
        loss="cross_entropy", optimizer="sgd", lr=0.05, momentum=0.9, weight_decay=1e-4, batch_size=50,
        epochs=3, seed=0, schedule="cosine", augment="hflip"),
    "flowers17_effnet_ft": Recipe(
        name="flowers17_effnet_ft",
        model="RetrievalHead(EfficientNet-Lite0 stage7 + head, GeM learnable p=3, projection 1280->256 "
              "initialised with the PCA whitening of flowers17 train)",
        data="flowers17 train (1,088 photos, 17 classes), 160 px padded; stage-6 maps of the frozen "
             "ImageNet network cached",
        loss="contrastive (margin 0.7): all positive pairs + hardest negative per anchor in each batch",
        optimizer="adam", lr=1e-4, momentum=0.0, weight_decay=1e-4, batch_size=64, epochs=8, seed=0,
        schedule="cosine", augment="none", extra={"margin": 0.7, "dimension": 256, "p": 3.0}),
}

_WHAT = {
    "cifar_plain32_short": "A 32-layer plain CNN (the CIFAR ResNet-32 without its shortcuts), trained for a short "
                           "budget: the 'plain' curve of chapter 8's residual-connection experiment.",
    "cifar_resnet32_short": "CIFAR ResNet-32 (option-A shortcuts), same data, budget and seed as "
                            "cifar_plain32_short: the 'residual' curve of chapter 8.",
    "flowers17_effnet_ft": "The last stage of ImageNet EfficientNet-Lite0 + GeM + a whitening projection, "
                           "fine-tuned for same-class retrieval on Flowers-17 with the contrastive loss (chapter 8).",
}


def models_folder() -> Path:
    """``data/models`` of the repository, where the committed checkpoints live.

    ``IMSEARCH_MODELS_DIR`` when set; else ``<repo>/data/models`` beside this source checkout;
    else that of the source folder ``imsearch`` was installed from in editable mode (the batch
    grader runs notebooks on a copy of the package, away from the repository).
    """
    env = os.environ.get("IMSEARCH_MODELS_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve().parents[3] / "data" / "models"
    if here.is_dir():
        return here
    try:
        from importlib.metadata import PackageNotFoundError, distribution

        url = json.loads(distribution("imsearch").read_text("direct_url.json") or "{}").get("url", "")
    except (PackageNotFoundError, ValueError, OSError):
        url = ""
    if url.startswith("file://"):
        source = Path(urllib.parse.unquote(url[len("file://"):])) / "data" / "models"
        if source.is_dir():
            return source
    return here


def _cifar_tensors(split, per_class):
    from ..data.classification import load_cifar10
    from .models import CIFAR_MEAN, CIFAR_STD

    d = load_cifar10(split, per_class=per_class)
    x = torch.from_numpy(d.images).permute(0, 3, 1, 2).float() / 255
    x = (x - torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)) / torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    return x, torch.from_numpy(d.labels)


def _accuracy(model, x, y, batch=500):
    with torch.inference_mode():
        pred = torch.cat([model(x[i:i + batch]).argmax(1) for i in range(0, len(x), batch)])
    return float((pred == y).float().mean())


def _flowers(split, model=None, progress=True):
    from ..data.classification import load_flowers17
    from .finetune import efficientnet_features

    d = load_flowers17(split)
    return efficientnet_features(d.images, f"flowers17_{split}", model=model, progress=progress), d.labels


def _build_chapter8(name: str):
    """A fresh model of the architecture of ``RECIPES[name]`` (random or ImageNet-initialised)."""
    from .finetune import RetrievalHead
    from .models import cifar_resnet, load_efficientnet_lite0

    torch.manual_seed(RECIPES[name].seed)
    if name.startswith("cifar_"):
        return cifar_resnet(32, residual="resnet" in name)
    r = RECIPES[name]
    return RetrievalHead(load_efficientnet_lite0(), r.extra["dimension"], r.extra["p"])


def _evaluate_chapter8(name: str, model, progress=False) -> dict:
    """CIFAR test accuracy (first 50 per class) or Flowers-17 test mAP."""
    if name.startswith("cifar_"):
        x, y = _cifar_tensors("test", _CIFAR_EVAL_PER_CLASS)
        return {f"cifar10_test_accuracy_first{_CIFAR_EVAL_PER_CLASS}_per_class": _accuracy(model, x, y)}
    from .finetune import same_class_ap

    f, labels = _flowers("test", progress=progress)
    with torch.inference_mode():
        z = model(torch.from_numpy(f["stage6"])).numpy()
    return {"flowers17_test_mAP": float(np.nanmean(same_class_ap(z, labels)))}


def _train_cifar(name, recipe, progress):
    x, y = _cifar_tensors("train", _CIFAR_TRAIN_PER_CLASS)
    xt, yt = _cifar_tensors("test", _CIFAR_EVAL_PER_CLASS)
    model = build_model(name)

    def step(m, idx, gen):
        xb = x[idx]
        flip = torch.rand(len(idx), generator=gen) < 0.5
        xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
        return torch.nn.functional.cross_entropy(m(xb), y[idx])

    log = train(model, recipe, len(x), step, evaluate=lambda m: {"test_accuracy": _accuracy(m, xt, yt)},
                progress=progress)
    return model, log


def _train_flowers(name, recipe, progress):
    from .finetune import RetrievalHead, pair_mining_loss
    from .models import load_efficientnet_lite0
    from .pooling import l2_normalize
    from .whitening import learn_whitening

    effnet = load_efficientnet_lite0()
    f, labels = _flowers("train", effnet, progress)
    gem_train = l2_normalize(torch.from_numpy(f["head/gem"])).numpy()
    whitening = learn_whitening(gem_train, recipe.extra["dimension"])
    torch.manual_seed(recipe.seed)
    model = RetrievalHead(effnet, p=recipe.extra["p"], whitening=whitening)
    maps = torch.from_numpy(f["stage6"])
    y = torch.from_numpy(labels)
    # BatchNorm statistics stay those of ImageNet: train the weights, keep BN in eval mode
    model.block.eval()

    def step(m, idx, gen):
        m.block.eval()
        m.bn_head.eval()
        return pair_mining_loss(m(maps[idx]), y[idx], recipe.extra["margin"])

    log = train(model, recipe, len(maps), step, progress=progress)
    return model, log


def _train_chapter8(name, recipe, progress):
    return (_train_cifar if name.startswith("cifar_") else _train_flowers)(name, recipe, progress)


@dataclass(frozen=True)
class Family:
    """A family of committed models: its recipes and how to build, train and evaluate them.

    Attributes
    ----------
    recipes : dict of str -> Recipe
        The family's models, by name (names are unique across families).
    build : callable
        ``build(name) -> torch.nn.Module``: a fresh model of that recipe's architecture, into
        which ``model.pt`` loads with a strict key match.
    train : callable
        ``train(name, recipe, progress) -> (model, log)`` (``log`` as :func:`imsearch.nn.train` returns it).
    evaluate : callable
        ``evaluate(name, model, progress) -> dict of float``: the metrics the card records
        (recomputed by the tests from the committed weights, so keep it deterministic).
    what : dict of str -> str
        One sentence per model for its card.
    card : callable, optional
        ``card(name, model, log) -> dict``: extra fields for the card (e.g. images per second).
    """

    recipes: dict
    build: Callable
    train: Callable
    evaluate: Callable
    what: dict
    card: Callable | None = None
    name: str = field(default="")


RECIPES: dict = {}
_FAMILY_OF: dict = {}


def register_family(family: Family) -> Family:
    """Add ``family``'s recipes to :data:`RECIPES`; a name already owned by another family is an error."""
    if not isinstance(family, Family):
        raise TypeError(f"family must be a zoo.Family, got {type(family).__name__}")
    for name, recipe in family.recipes.items():
        owner = _FAMILY_OF.get(name)
        if owner is not None and owner.name != family.name:
            raise ValueError(f"recipe {name!r} is already registered by family {owner.name!r}")
        if name not in family.what:
            raise ValueError(f"family {family.name!r} has no 'what' sentence for {name!r}")
        RECIPES[name] = recipe
        _FAMILY_OF[name] = family
    return family


def family_of(name: str) -> Family:
    """The :class:`Family` that owns the recipe ``name``."""
    if name not in _FAMILY_OF:
        raise ValueError(f"name must be one of {sorted(RECIPES)}, got {name!r}")
    return _FAMILY_OF[name]


def build_model(name: str):
    """A fresh model of the architecture of ``RECIPES[name]`` (random or ImageNet-initialised)."""
    return family_of(name).build(name)


def evaluate_model(name: str, model, progress=False) -> dict:
    """The metrics recorded on the card, recomputed for ``model``."""
    return family_of(name).evaluate(name, model, progress)


def train_model(name: str, progress: bool = True) -> dict:
    """Train ``RECIPES[name]``, save it under :func:`models_folder` with its card; return the card."""
    family = family_of(name)
    recipe = RECIPES[name]
    torch.set_num_threads(max(1, torch.get_num_threads()))
    t0 = time.perf_counter()
    model, log = family.train(name, recipe, progress)
    seconds = time.perf_counter() - t0
    folder = models_folder() / name
    path = save_checkpoint(folder, model, recipe, log)
    metrics = family.evaluate(name, model, progress)
    card = {
        "name": name, "what": family.what[name], "trained_on": recipe.data,
        "command": f"python -m imsearch models train {name}",
        "training_seconds": round(seconds, 1),
        "machine": f"this course's CPU machine, {torch.get_num_threads()} torch threads, torch {torch.__version__}",
        "metrics": {k: round(v, 4) for k, v in metrics.items()},
        "file": "model.pt", "size_bytes": path.stat().st_size, "sha256": sha256_file(path),
    }
    if family.card is not None:
        card.update(family.card(name, model, log))
    (folder / "card.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return card


def read_card(name: str) -> dict:
    """The ``card.json`` of a committed model."""
    return json.loads((models_folder() / name / "card.json").read_text(encoding="utf-8"))


def load_model(name: str):
    """A committed model (eval mode) with its recipe and training log: ``(model, recipe, log)``."""
    return load_checkpoint(models_folder() / name, build_model(name))


register_family(Family(_CHAPTER8_RECIPES, _build_chapter8, _train_chapter8, _evaluate_chapter8, _WHAT,
                       name="chapter8"))

#: Modules of ``imsearch.nn`` that define ``zoo_family() -> Family``; each is registered on import.
FAMILY_MODULES: list = ["simclr", "sscd", "clip"]

if __name__ != "__main__":  # under ``python -m``, this __main__ copy hands over to imsearch.nn.zoo (below)
    for _module in FAMILY_MODULES:
        register_family(importlib.import_module(f".{_module}", __package__).zoo_family())


def main(argv=None) -> int:
    """``python -m imsearch models train [NAME ...]``: retrain the course's models (all by default)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "train":
        print("usage: python -m imsearch models train [" + " | ".join(RECIPES) + " ...]", file=sys.stderr)
        return 2
    for name in args[1:] or list(RECIPES):
        card = train_model(name)
        print(json.dumps(card, indent=1))
    return 0


if __name__ == "__main__":
    # run the package's module, not this __main__ copy: families register their recipes (and
    # build their Family objects) in imsearch.nn.zoo itself
    sys.exit(importlib.import_module("imsearch.nn.zoo").main())
