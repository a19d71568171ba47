"""SSCD: a self-supervised descriptor for image copy detection (chapter 11), in miniature.

The lecture's last section (Pizzi et al., CVPR 2022) turns SimCLR into a copy detector in
two steps, and this module trains every step as a small model of the course:

* **SimCLR_CD** — SimCLR (two augmented views of each image, InfoNCE) with GeM pooling, a
  strong blur among the augmentations, a low InfoNCE temperature, a wider descriptor and a
  linear projection instead of the MLP head;
* **SSCD** — SimCLR_CD + the KoLeo differential-entropy regulariser
  (``L = L_InfoNCE + λ L_KoLeo``), optionally with mixup / CutMix views whose positives are
  both images they mix.

:class:`SSCDNet` is the network (a :class:`imsearch.nn.SmallResNet` trunk, average or GeM
pooling, an MLP or linear projection, L2 normalisation); :func:`sscd_loss` the batch loss;
:func:`train_sscd` one training run on ``uint8`` photos; :data:`RECIPES` the chapter's rows
(registered into :mod:`imsearch.nn.zoo`); :func:`sscd_descriptors` batched, cached
descriptor extraction of a benchmark's images.
"""
from __future__ import annotations

import hashlib

import numpy as np
import torch
from torch import nn

from .._util.validation import check_int, check_number
from .training import Recipe

__all__ = ["RECIPES", "SSCDNet", "build_sscd", "disc_descriptors", "gem_linear_l2", "effective_rank", "evaluate_disc", "weights_id", "zoo_family", "instance_positives", "multi_positive_info_nce",
           "sscd_descriptors", "sscd_loss", "sscd_views", "train_sscd", "training_images"]

#: ImageNet channel statistics (inputs are RGB in [0, 1]).
_MEAN = (0.485, 0.456, 0.406)
_STD = (0.229, 0.224, 0.225)
_POOLINGS = ("avg", "gem")
_HEADS = ("mlp", "linear")


class SSCDNet(nn.Module):
    """Trunk → pooling → projection → L2: the SimCLR / SimCLR_CD / SSCD network of chapter 11.

    Parameters
    ----------
    widths, blocks : tuple of int
        The :class:`imsearch.nn.SmallResNet` trunk (its last width ``C`` is the trunk dimension).
    pooling : {"avg", "gem"}
        Global pooling of the last activation map (SimCLR: average; SimCLR_CD: GeM).
    p : float
        GeM exponent (fixed; SSCD uses 3).
    head : {"mlp", "linear"}
        SimCLR's projection ``Linear(C, C) → ReLU → Linear(C, dimension)``, or SimCLR_CD's single
        ``Linear(C, dimension)``.
    dimension : int
        Descriptor size.

    ``forward(x)`` maps ``(N, 3, H, W)`` float RGB in [0, 1] to ``(N, dimension)`` unit vectors;
    :meth:`trunk_features` gives the pooled trunk (before the projection), average or GeM.
    """

    def __init__(self, widths=(32, 64, 128, 256), blocks=(1, 1, 1, 1), pooling: str = "gem", p: float = 3.0,
                 head: str = "linear", dimension: int = 256):
        super().__init__()
        from .models import SmallResNet
        from .pooling import GeM

        if pooling not in _POOLINGS:
            raise ValueError(f"pooling must be one of {list(_POOLINGS)}, got {pooling!r}")
        if head not in _HEADS:
            raise ValueError(f"head must be one of {list(_HEADS)}, got {head!r}")
        dimension = check_int(dimension, "dimension", minimum=1)
        self.trunk = SmallResNet(tuple(widths), tuple(blocks), num_classes=0)
        c = self.trunk.dim
        self.pooling = pooling
        self.gem = GeM(p)
        self.head = (nn.Linear(c, dimension) if head == "linear"
                     else nn.Sequential(nn.Linear(c, c), nn.ReLU(inplace=True), nn.Linear(c, dimension)))
        self.dimension = dimension
        self.register_buffer("mean", torch.tensor(_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(_STD).view(1, 3, 1, 1))

    def activation_map(self, x):
        """The trunk's last activation map ``(N, C, h, w)`` of ``(N, 3, H, W)`` images in [0, 1]."""
        maps = self.trunk.activation_maps((x - self.mean) / self.std)
        return maps[f"stage{len(self.trunk.stages)}"]

    def pool(self, m, pooling=None):
        """Pool an activation map with ``pooling`` (default: the network's own)."""
        from .pooling import avg_pool

        return self.gem(m) if (pooling or self.pooling) == "gem" else avg_pool(m)

    def trunk_features(self, x, pooling=None):
        """Pooled trunk features ``(N, C)`` (not normalised): what SimCLR keeps after training."""
        return self.pool(self.activation_map(x), pooling)

    def forward(self, x):
        from .pooling import l2_normalize

        return l2_normalize(self.head(self.trunk_features(x)))


def gem_linear_l2(x: torch.Tensor, p, weight: torch.Tensor, bias=None) -> torch.Tensor:
    """SimCLR_CD / SSCD's descriptor head: GeM pooling, a linear projection, L2 normalisation.

    ``z = normalize(W · gem_p(x) + b)``.

    Parameters
    ----------
    x : (N, C, H, W) float tensor
        The trunk's last activation map (non-negative, after a ReLU).
    p : float or scalar tensor > 0
        GeM exponent.
    weight : (D, C) float tensor
    bias : (D,) float tensor, optional

    Returns
    -------
    (N, D) float tensor of unit rows

    References
    ----------
    Pizzi et al., CVPR 2022, Section 3.2 (GeM, linear projection to 512-d, L2).
    """
    from .pooling import gem, l2_normalize

    if not isinstance(weight, torch.Tensor) or weight.ndim != 2:
        raise ValueError("weight must be a (D, C) tensor")
    if weight.shape[1] != x.shape[1]:
        raise ValueError(f"weight must have {x.shape[1]} columns (the channels of x), got {weight.shape[1]}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"bias must have shape ({weight.shape[0]},), got {tuple(bias.shape)}")
    return l2_normalize(torch.nn.functional.linear(gem(x, p), weight, bias))


# ----------------------------------------------------------------------------- the loss

def instance_positives(members: torch.Tensor) -> torch.Tensor:
    """Positive mask of a batch of views from which images each view contains.

    Parameters
    ----------
    members : (n, B) bool tensor
        ``members[v, b]``: view ``v`` shows (part of) source image ``b`` — one True per row
        for a plain view, two for a mixup / CutMix view.

    Returns
    -------
    (n, n) bool tensor
        ``True`` where two different views share a source image (diagonal False).
    """
    if not isinstance(members, torch.Tensor) or members.dtype != torch.bool or members.ndim != 2:
        raise TypeError("members must be an (n, B) bool tensor")
    m = members.to(torch.float32)
    return ((m @ m.T) > 0) & ~torch.eye(len(members), dtype=torch.bool, device=members.device)


def multi_positive_info_nce(z: torch.Tensor, positives: torch.Tensor, temperature: float = 0.1):
    """InfoNCE over every positive pair of a batch: the lecture's ``(1/|P|) Σ_{(i,j)∈P} ℓ_ij``.

    ``ℓ_ij = −log(exp(s_ij / τ) / Σ_{k≠i} exp(s_ik / τ))`` with ``s`` the cosine similarity.
    With exactly one positive per row (two views of each image) it equals
    :func:`imsearch.nn.info_nce`; with mixup views a row has several positives (SSCD).

    Parameters
    ----------
    z : (n, D) float tensor
        Embeddings (normalised here).
    positives : (n, n) bool tensor
        Symmetric, False on the diagonal; every row with at least one True counts.
    temperature : float > 0

    Returns
    -------
    scalar tensor

    References
    ----------
    Pizzi et al., CVPR 2022, Eq. 2-3; Chen et al., ICML 2020 (NT-Xent).
    """
    from .pooling import l2_normalize

    if not isinstance(z, torch.Tensor) or not z.is_floating_point() or z.ndim != 2:
        raise TypeError("z must be an (n, D) floating-point tensor")
    if not isinstance(positives, torch.Tensor) or positives.shape != (len(z), len(z)) or positives.dtype != torch.bool:
        raise ValueError(f"positives must be an ({len(z)}, {len(z)}) bool tensor")
    if not bool(positives.any()):
        raise ValueError("positives must contain at least one pair")
    t = check_number(temperature, "temperature", minimum=0.0, strict_min=True)
    zn = l2_normalize(z)
    s = (zn @ zn.T / t).masked_fill(torch.eye(len(z), dtype=torch.bool, device=z.device), float("-inf"))
    log_prob = s - torch.logsumexp(s, dim=1, keepdim=True)
    return -log_prob[positives].mean()


def sscd_views(images: torch.Tensor, generator: torch.Generator, augment="strong", size=None,
               mix_p: float = 0.0, mixup_alpha: float = 1.0, cutmix_alpha: float = 1.0):
    """Two augmented views of each image, the second optionally mixed (mixup / CutMix) with a partner.

    Parameters
    ----------
    images : (B, 3, H, W) float tensor in [0, 1]
    generator : torch.Generator
    augment : str or dict
        A preset of :func:`imsearch.nn.simclr_augment`.
    size : int, optional
        Side of the views.
    mix_p : float in [0, 1]
        Share of second views that are mixed (half by mixup, half by CutMix).
    mixup_alpha, cutmix_alpha : float > 0

    Returns
    -------
    views : (2B, 3, size, size) float tensor
        First views of every image, then second views.
    members : (2B, B) bool tensor
        Which source images each view shows (a mixed view shows two); see :func:`instance_positives`.
    """
    from .augment import cutmix, mixup, simclr_augment

    mix_p = check_number(mix_p, "mix_p", minimum=0.0, maximum=1.0)
    b = len(images)
    v1 = simclr_augment(images, generator, augment, size)
    v2 = simclr_augment(images, generator, augment, size)
    eye = torch.eye(b, dtype=torch.bool)
    m2 = eye.clone()
    if mix_p > 0:
        chosen = torch.rand(b, generator=generator) < mix_p
        use_cut = torch.rand(b, generator=generator) < 0.5
        mixed_up, partner_up, _ = mixup(v2, generator, mixup_alpha)
        mixed_cut, partner_cut, _ = cutmix(v2, generator, cutmix_alpha)
        partner = torch.where(use_cut, partner_cut, partner_up)
        v2 = torch.where((chosen & use_cut)[:, None, None, None], mixed_cut,
                         torch.where((chosen & ~use_cut)[:, None, None, None], mixed_up, v2))
        rows = torch.nonzero(chosen).flatten()
        m2[rows, partner[rows]] = True
    return torch.cat([v1, v2]), torch.cat([eye, m2])


def sscd_loss(z: torch.Tensor, members: torch.Tensor, temperature: float = 0.05, koleo_weight: float = 0.0):
    """SSCD's batch loss ``L_InfoNCE + λ L_KoLeo``, with positives from shared source images.

    Parameters
    ----------
    z : (n, D) float tensor
        Embeddings of the views (L2-normalised by the network).
    members : (n, B) bool tensor
        As returned by :func:`sscd_views`.
    temperature : float > 0
    koleo_weight : float >= 0
        ``λ`` (0: SimCLR / SimCLR_CD).

    Returns
    -------
    (loss, parts) : scalar tensor and dict ``{"info_nce": float, "koleo": float}``
    """
    from .losses import koleo

    lam = check_number(koleo_weight, "koleo_weight", minimum=0.0)
    pos = instance_positives(members)
    nce = multi_positive_info_nce(z, pos, temperature)
    ko = koleo(z, pos)
    loss = nce + lam * ko if lam > 0 else nce
    return loss, {"info_nce": float(nce.detach()), "koleo": float(ko.detach())}


# ----------------------------------------------------------------------------- recipes and training

def _recipe(name, what, **extra):
    base = {"widths": [24, 48, 96, 192], "blocks": [1, 1, 1, 1], "train_px": 60, "size": 48,
            "pooling": "gem", "p": 3.0, "head": "linear", "dimension": 192, "temperature": 0.05,
            "koleo_weight": 0.0, "augment": "strong", "mix_p": 0.0, "images": 2000}
    base.update(extra)
    return Recipe(name=name, model=f"SSCDNet(SmallResNet{tuple(base['widths'])}, {base['pooling']}, "
                                   f"{base['head']} -> {base['dimension']}, L2) at {base['size']} px",
                  data=f"the DISC-style benchmark's training pool (imsearch.eval.load_disc().train), first "
                       f"{base['images']} photos at {base['train_px']} px (squashed); two views per photo",
                  loss=what, optimizer="adam", lr=2e-3, momentum=0.0, weight_decay=1e-6, batch_size=64,
                  epochs=6, seed=0, schedule="cosine", augment=str(base["augment"]), extra=base)


_ALL_BLUR = {"what": "SimCLR 'all' (crop 0.08-1, colour, grayscale, blur sigma 0.1-2 px) with strong blur "
                     "(sigma up to size/10)", "crop_scale": (0.08, 1.0), "color_p": 0.8, "grayscale_p": 0.2,
             "blur_p": 0.5, "blur_sigma": (0.1, 2.0), "blur_sigma_max_fraction": 0.1}
_SIMCLR = dict(pooling="avg", head="mlp", dimension=128, temperature=0.5, augment="all")

#: The chapter's rows, each one trained model. The ablation is cumulative (SimCLR → SimCLR_CD);
#: the KoLeo rows are SimCLR_CD + λ; ``sscd_mix`` is SSCD (λ = 10) with mixup / CutMix views.
RECIPES = {
    "sscd_simclr": _recipe("sscd_simclr", "InfoNCE, temperature 0.5 (SimCLR: average pooling, MLP head 128-d)",
                           **_SIMCLR),
    "sscd_simclr_gem": _recipe("sscd_simclr_gem", "InfoNCE, temperature 0.5; + GeM pooling",
                               **{**_SIMCLR, "pooling": "gem"}),
    "sscd_simclr_blur": _recipe("sscd_simclr_blur", "InfoNCE, temperature 0.5; + GeM, + strong blur",
                                **{**_SIMCLR, "pooling": "gem", "augment": _ALL_BLUR}),
    "sscd_simclr_lowtemp": _recipe("sscd_simclr_lowtemp", "InfoNCE, temperature 0.05; + GeM, strong blur, low temp",
                                   **{**_SIMCLR, "pooling": "gem", "augment": _ALL_BLUR, "temperature": 0.05}),
    "sscd_simclr_wide": _recipe("sscd_simclr_wide", "InfoNCE, temperature 0.05; + GeM, strong blur, low temp, 192-d",
                                **{**_SIMCLR, "pooling": "gem", "augment": _ALL_BLUR, "temperature": 0.05,
                                   "dimension": 192}),
    "sscd_simclr_cd": _recipe("sscd_simclr_cd", "InfoNCE, temperature 0.05 (SimCLR_CD: GeM, strong blur, "
                                                "192-d linear projection); KoLeo weight 0",
                              **{**_SIMCLR, "pooling": "gem", "augment": _ALL_BLUR, "temperature": 0.05,
                                 "dimension": 192, "head": "linear"}),
}
for _lam in (1, 3, 10, 30):
    RECIPES[f"sscd_koleo{_lam}"] = _recipe(
        f"sscd_koleo{_lam}", f"InfoNCE (temperature 0.05) + {_lam} x KoLeo (positives excluded); SimCLR_CD otherwise",
        **{**_SIMCLR, "pooling": "gem", "augment": _ALL_BLUR, "temperature": 0.05, "dimension": 192,
           "head": "linear", "koleo_weight": float(_lam)})
RECIPES["sscd_mix"] = _recipe(
    "sscd_mix", "InfoNCE (temperature 0.05) + 10 x KoLeo; 30 % of second views mixed by mixup or CutMix "
                "(positives: both images)",
    **{**_SIMCLR, "pooling": "gem", "augment": _ALL_BLUR, "temperature": 0.05, "dimension": 192,
       "head": "linear", "koleo_weight": 10.0, "mix_p": 0.3})

WHAT = {
    "sscd_simclr": "SimCLR baseline for copy detection (chapter 11): SmallResNet trunk, average pooling, MLP "
                   "projection to 128-d, temperature 0.5, SimCLR's augmentations.",
    "sscd_simclr_gem": "SimCLR + GeM pooling (chapter 11's SimCLR_CD ablation, row 2).",
    "sscd_simclr_blur": "SimCLR + GeM + strong blur (ablation row 3).",
    "sscd_simclr_lowtemp": "SimCLR + GeM + strong blur + temperature 0.05 (ablation row 4).",
    "sscd_simclr_wide": "... + 192-d projection, the trunk's width (ablation row 5).",
    "sscd_simclr_cd": "SimCLR_CD: ... + linear projection (ablation row 6; KoLeo lambda = 0).",
    "sscd_koleo1": "SSCD with KoLeo weight 1 (chapter 11's lambda table).",
    "sscd_koleo3": "SSCD with KoLeo weight 3.",
    "sscd_koleo10": "SSCD with KoLeo weight 10 (the SSCD authors' recommendation for new setups).",
    "sscd_koleo30": "SSCD with KoLeo weight 30.",
    "sscd_mix": "SSCD (lambda = 10) trained with mixup / CutMix views modelling collages.",
}


def build_sscd(recipe: Recipe) -> SSCDNet:
    """A freshly initialised :class:`SSCDNet` for a recipe of :data:`RECIPES` (seeded by ``recipe.seed``)."""
    e = recipe.extra
    torch.manual_seed(recipe.seed)
    return SSCDNet(e["widths"], e["blocks"], e["pooling"], e["p"], e["head"], e["dimension"])


def training_images(images, train_px: int = 80) -> torch.Tensor:
    """Photos as the training tensor: each squashed to ``train_px`` square, ``(N, 3, px, px)`` float [0, 1].

    Squashed (not cropped) as :func:`sscd_descriptors` sees the benchmark's images.
    """
    from .extraction import fit_square

    train_px = check_int(train_px, "train_px", minimum=8)
    if len(images) == 0:
        raise ValueError("images must not be empty")
    arr = np.stack([fit_square(np.asarray(im), train_px, "squash") for im in images])
    return torch.from_numpy(arr).permute(0, 3, 1, 2).float().div(255).contiguous()


def train_sscd(recipe: Recipe, images, progress: bool = True, model=None, threads: int | None = None):
    """Train a recipe of :data:`RECIPES` on ``uint8`` photos; return ``(model, log)``.

    Parameters
    ----------
    recipe : Recipe
        Its ``extra`` holds the network, the views (``augment``, ``size``, ``mix_p``) and the loss
        (``temperature``, ``koleo_weight``); ``extra["images"]`` photos are used.
    images : sequence of (H, W, 3) uint8
    progress : bool
    model : SSCDNet, optional
        Start from this network instead of :func:`build_sscd`.
    threads : int, optional
        Set torch's number of threads first (the committed models used 1).

    Returns
    -------
    (SSCDNet in eval mode, log dict)
        The log of :func:`imsearch.nn.train` plus ``"info_nce"`` and ``"koleo"`` per step.
    """
    from .training import train

    if threads is not None:
        torch.set_num_threads(check_int(threads, "threads", minimum=1))
    e = recipe.extra
    x = training_images(list(images)[:e["images"]], e["train_px"])
    model = build_sscd(recipe) if model is None else model
    parts = {"info_nce": [], "koleo": []}

    def step(m, idx, gen):
        views, members = sscd_views(x[idx], gen, e["augment"], e["size"], e["mix_p"])
        loss, p = sscd_loss(m(views), members, e["temperature"], e["koleo_weight"])
        for k in parts:
            parts[k].append(p[k])
        return loss

    log = train(model, recipe, len(x), step, progress=progress)
    log.update(parts)
    log["n_images"] = len(x)
    return model, log


# ----------------------------------------------------------------------------- descriptors

def sscd_descriptors(model: SSCDNet, images, model_id: str, tag: str, size: int = 48, progress: bool = True,
                     batch_size: int = 64) -> dict:
    """Descriptors of images, batched and cached by content hash (:func:`imsearch.nn.cached_extract`).

    Each image is squashed to ``size × size`` (the whole picture, as the training crops see it).

    Parameters
    ----------
    model : SSCDNet
    images : sequence of (H, W, 3) uint8
    model_id : str
        Names the weights (e.g. the checkpoint's sha256).
    tag : str
        Short name of the image set (``"disc_queries"``).
    size : int
    progress : bool
    batch_size : int

    Returns
    -------
    dict of (N, ·) float32 arrays, L2-normalised rows: ``"projection"`` (the descriptor),
    ``"trunk_avg"`` and ``"trunk_gem"`` (pooled trunk features).
    """
    from .extraction import cached_extract
    from .pooling import avg_pool, l2_normalize

    def fn(x):
        x = x.contiguous() / 255.0
        m = model.activation_map(x)
        return {"projection": l2_normalize(model.head(model.pool(m))),
                "trunk_avg": l2_normalize(avg_pool(m)), "trunk_gem": l2_normalize(model.gem(m))}

    model.eval()
    out = cached_extract(fn, images, model_id, f"sscd-v1-{size}", tag, size=size, mode="squash",
                         batch_size=batch_size, progress=progress)
    return {k: v for k, v in out.items() if k != "seconds_per_image"}


def effective_rank(x) -> float:
    """Effective rank ``exp(H(σ / Σσ))`` of a descriptor matrix (Roy & Vetterli 2007).

    The entropy of the normalised singular values of the centred ``(N, D)`` matrix: ``D`` for
    a spread (isotropic) cloud, 1 when every descriptor lies on one line — the summary of the
    lecture's dimensional-collapse figure.

    Parameters
    ----------
    x : (N, D) array_like of float, N >= 2

    Returns
    -------
    float in [1, min(N, D)]
    """
    from .._util.validation import check_array

    a = check_array(x, "x", ndim=2, kinds="iuf").astype(np.float64)
    if a.shape[0] < 2:
        raise ValueError(f"x must have at least 2 rows, got {a.shape[0]}")
    s = np.linalg.svd(a - a.mean(0), compute_uv=False)
    if s.sum() == 0:
        return 1.0
    q = s / s.sum()
    q = q[q > 0]
    return float(np.exp(-(q * np.log(q)).sum()))


# ----------------------------------------------------------------------------- the zoo family

def weights_id(model) -> str:
    """A short hash of a network's weights: the cache key of its descriptors."""
    h = hashlib.sha256()
    for k, v in model.state_dict().items():
        h.update(k.encode())
        h.update(v.detach().cpu().contiguous().numpy().tobytes())
    return "sscd-" + h.hexdigest()[:16]


def disc_descriptors(model, disc, model_id: str, size: int = 48, progress: bool = True) -> dict:
    """Descriptors of the DISC benchmark's queries, references and background (cached).

    Returns
    -------
    dict ``{"queries": {...}, "references": {...}, "background": {...}}`` of :func:`sscd_descriptors` dicts
    """
    return {part: sscd_descriptors(model, getattr(disc, part), model_id, f"disc_{part}", size, progress)
            for part in ("queries", "references", "background")}


def evaluate_disc(model, disc, model_id: str, feature: str = "projection", size: int = 48, n_resamples: int = 0,
                  progress: bool = True) -> dict:
    """µAP, µAP_SN, recall at 90 % precision, recall@1 and MRR of one descriptor on DISC (cosine).

    Parameters
    ----------
    model : SSCDNet
    disc : imsearch.eval.DISC
    model_id : str
    feature : {"projection", "trunk_avg", "trunk_gem"}
    n_resamples : int
        Bootstrap resamples of the intervals (0: none, fast).

    Returns
    -------
    dict as :meth:`imsearch.eval.DISC.evaluate_descriptors` returns it
    """
    d = disc_descriptors(model, disc, model_id, size, progress)
    return disc.evaluate_descriptors(d["queries"][feature], d["references"][feature],
                                     background_desc=d["background"][feature], metric="cosine",
                                     n_resamples=n_resamples)


def _zoo_build(name):
    return build_sscd(RECIPES[name])


def _needs_the_benchmark(name, *args, **kwargs):
    raise RuntimeError(
        f"{name} is trained on, and scored on, the DISC benchmark of imsearch.eval, a layer above nn: "
        f"train it with `python -m imsearch models train {name}`, or import imsearch.eval.sscd first "
        "(it registers the benchmark-bound training and evaluation of these models)")


def _zoo_card(name, model, log):
    r = RECIPES[name]
    views = 2 * r.batch_size * len(log["loss"])
    return {"training_images": log["n_images"], "epochs": r.epochs, "steps": len(log["loss"]),
            "views_per_second": round(views / max(log["seconds"], 1e-9), 1), "torch_threads": torch.get_num_threads()}


def zoo_family(train=None, evaluate=None):
    """The chapter-11 models as a :class:`imsearch.nn.zoo.Family`.

    Building (and so loading) a committed model needs nothing above ``nn``; training and
    scoring need the DISC benchmark of :mod:`imsearch.eval.disc`, so ``train`` and ``evaluate``
    are given by :mod:`imsearch.eval.sscd`, which registers the complete family when imported
    (``python -m imsearch models train sscd_...`` does). Without them, training or evaluating
    raises an error that says so.
    """
    from .zoo import Family

    return Family(RECIPES, _zoo_build, train or _needs_the_benchmark, evaluate or _needs_the_benchmark, WHAT,
                  card=_zoo_card, name="sscd")
