"""One training loop for the whole course: a recipe, a seeded loader, a progress bar, a checkpoint.

* :class:`Recipe`: every choice of a training run (data, model, loss, optimiser,
  epochs, batch size, seed...), a dataclass saved as JSON beside the weights.
* :func:`seeded_batches`: the order of the examples in each epoch comes from the seed
  only, so the same recipe gives the same weights on the same machine.
* :func:`train`: the loop (SGD or Adam, optional cosine schedule), a ``tqdm`` bar that
  shows the loss, a log of every step and of the per-epoch evaluations.
* :func:`save_checkpoint` / :func:`load_checkpoint`: ``model.pt`` (a plain state_dict,
  loaded with ``weights_only=True``), ``recipe.json`` and ``log.json`` in one folder.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .._util.validation import check_int

__all__ = ["Recipe", "load_checkpoint", "save_checkpoint", "seeded_batches", "sha256_file", "train"]


@dataclass
class Recipe:
    """Everything that defines a training run (saved as ``recipe.json``).

    Attributes
    ----------
    name : str
    model : str
        What network (e.g. ``"cifar_resnet(depth=20, residual=False)"``).
    data : str
        What data (e.g. ``"cifar10 train, 500 per class"``).
    loss : str
    optimizer : {"sgd", "adam"}
    lr, momentum, weight_decay : float
    batch_size, epochs, seed : int
    schedule : {"constant", "cosine"}
    augment : str
        ``"none"`` or ``"hflip"`` (random horizontal flips of image batches).
    extra : dict
        Anything else the run needs (margin, GeM p...).
    """

    name: str
    model: str
    data: str
    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 1e-4
    batch_size: int = 128
    epochs: int = 1
    seed: int = 0
    schedule: str = "constant"
    augment: str = "none"
    extra: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Recipe:
        return cls(**json.loads(text))


def seeded_batches(n: int, batch_size: int, seed: int, epoch: int, shuffle: bool = True, drop_last: bool = False):
    """Index batches of one epoch, in an order fixed by ``(seed, epoch)``.

    Parameters
    ----------
    n, batch_size, seed, epoch : int
    shuffle, drop_last : bool

    Returns
    -------
    list of (b,) int64 tensors covering ``range(n)`` once (the last one smaller unless dropped)
    """
    n = check_int(n, "n", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    g = torch.Generator().manual_seed(int(seed) * 100_003 + int(epoch))
    order = torch.randperm(n, generator=g) if shuffle else torch.arange(n)
    batches = list(order.split(batch_size))
    if drop_last and len(batches) > 1 and len(batches[-1]) < batch_size:
        batches = batches[:-1]
    return batches


def _optimizer(recipe: Recipe, params):
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(params, lr=recipe.lr, momentum=recipe.momentum, weight_decay=recipe.weight_decay)
    if recipe.optimizer == "adam":
        return torch.optim.AdamW(params, lr=recipe.lr, weight_decay=recipe.weight_decay)
    raise ValueError(f"recipe.optimizer must be 'sgd' or 'adam', got {recipe.optimizer!r}")


def train(model, recipe: Recipe, n_examples: int, step, evaluate=None, progress: bool = True,
          params=None) -> dict:
    """Train ``model`` following ``recipe``; return the log.

    Parameters
    ----------
    model : torch.nn.Module
    recipe : Recipe
    n_examples : int
        Size of the training set (the loader draws index batches from ``range(n_examples)``).
    step : callable
        ``step(model, indices, generator) -> scalar loss tensor`` for one batch of example
        indices (it gathers the data, augments with ``generator``, runs the model).
    evaluate : callable, optional
        ``evaluate(model) -> dict of float``, run after every epoch (in eval mode, no grad).
    progress : bool
        A ``tqdm`` bar over the steps, showing the running loss.
    params : iterable of tensors, optional
        What to optimise (default: every parameter that requires a gradient).

    Returns
    -------
    dict
        ``{"loss": [per step], "epoch_loss": [mean per epoch], "eval": [dict per epoch],
        "seconds": float}``.
    """
    from tqdm.auto import tqdm

    torch.manual_seed(recipe.seed)
    params = [p for p in (model.parameters() if params is None else params) if p.requires_grad]
    opt = _optimizer(recipe, params)
    steps_per_epoch = len(seeded_batches(n_examples, recipe.batch_size, recipe.seed, 0, drop_last=True))
    total = steps_per_epoch * recipe.epochs
    if recipe.schedule == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, total)
    elif recipe.schedule == "constant":
        sched = None
    else:
        raise ValueError(f"recipe.schedule must be 'constant' or 'cosine', got {recipe.schedule!r}")
    log = {"loss": [], "epoch_loss": [], "eval": [], "seconds": 0.0}
    gen = torch.Generator().manual_seed(recipe.seed + 1)
    bar = tqdm(total=total, desc=recipe.name, unit="step", disable=not progress, leave=False)
    t0 = time.perf_counter()
    for epoch in range(recipe.epochs):
        model.train()
        losses = []
        for idx in seeded_batches(n_examples, recipe.batch_size, recipe.seed, epoch, drop_last=True):
            loss = step(model, idx, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            losses.append(float(loss.detach()))
            bar.update(1)
            bar.set_postfix(loss=f"{losses[-1]:.3f}", epoch=epoch + 1)
        log["loss"] += losses
        log["epoch_loss"].append(sum(losses) / max(len(losses), 1))
        if evaluate is not None:
            model.eval()
            with torch.no_grad():
                log["eval"].append({k: float(v) for k, v in evaluate(model).items()})
    bar.close()
    model.eval()
    log["seconds"] = time.perf_counter() - t0
    return log


def sha256_file(path) -> str:
    """The sha256 of a file, as 64 hex digits."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_checkpoint(folder, model, recipe: Recipe, log: dict) -> Path:
    """Write ``model.pt`` (state_dict), ``recipe.json`` and ``log.json`` into ``folder``; return ``model.pt``'s path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.pt"
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    torch.save(state, path)
    (folder / "recipe.json").write_text(recipe.to_json() + "\n", encoding="utf-8")
    (folder / "log.json").write_text(json.dumps(log) + "\n", encoding="utf-8")
    return path


def load_checkpoint(folder, model):
    """Load ``model.pt`` of a checkpoint folder into ``model`` (``weights_only=True``, strict).

    Returns
    -------
    (model in eval mode, Recipe, log dict)
    """
    folder = Path(folder)
    if not (folder / "model.pt").is_file():
        raise FileNotFoundError(f"no checkpoint in {folder} (model.pt missing)")
    state = torch.load(folder / "model.pt", map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    recipe = Recipe.from_json((folder / "recipe.json").read_text(encoding="utf-8"))
    log = json.loads((folder / "log.json").read_text(encoding="utf-8"))
    return model.eval(), recipe, log
