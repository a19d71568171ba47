"""Feature extraction: images → batches → a network → pooled descriptors, cached on disk.

The pipeline every deep chapter uses: bring each ``uint8`` RGB image to the network's
input size (:func:`fit_square`: the longer side resized to ``size`` and the rest padded
with mid-grey, or the shorter side resized and the centre cropped), stack a batch, run a
function of the batch under ``torch.inference_mode()`` in channels-last memory layout,
and collect its outputs as numpy arrays (:func:`extract`). :func:`cached_extract` stores
the result in ``imsearch.data.cache_dir() / "nn"`` under a key made of a content hash of
the images (:func:`content_hash`), the model's id and the recipe, so a chapter computes
the features of a benchmark once.
"""
from __future__ import annotations

import hashlib
import re
import time

import numpy as np

from .._util.cache import load_npz, save_npz
from .._util.validation import check_image, check_int

__all__ = [
    "cache_folder",
    "cached_extract",
    "content_hash",
    "efficientnet_pooled",
    "extract",
    "fit_square",
    "to_tensor",
    "augmented_embeddings",
]

_MODES = ("pad", "crop", "squash")
#: Padding value (0-255): mid-grey, i.e. about 0 after EfficientNet's (x − 127) / 128.
PAD_VALUE = 127


def fit_square(image, size: int = 160, mode: str = "pad") -> np.ndarray:
    """Bring an image to ``size × size`` pixels.

    Parameters
    ----------
    image : (H, W, 3) uint8
    size : int >= 8
    mode : {"pad", "crop", "squash"}
        ``pad``: longer side to ``size``, aspect kept, centred on mid-grey (:data:`PAD_VALUE`);
        ``crop``: shorter side to ``size``, centre crop; ``squash``: resize both sides.

    Returns
    -------
    (size, size, 3) uint8
    """
    import cv2

    im = check_image(image, color=True, gray=False)
    if im.dtype != np.uint8:
        raise TypeError(f"image must be uint8, got {im.dtype}")
    size = check_int(size, "size", minimum=8)
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {list(_MODES)}, got {mode!r}")
    h, w = im.shape[:2]
    if mode == "squash":
        new = (size, size)
    else:
        s = size / (max(h, w) if mode == "pad" else min(h, w))
        new = (max(1, round(w * s)), max(1, round(h * s)))
    interp = cv2.INTER_AREA if new[0] * new[1] < h * w else cv2.INTER_LINEAR
    r = cv2.resize(np.ascontiguousarray(im), new, interpolation=interp) if new != (w, h) else im
    if mode == "squash":
        return r
    if mode == "crop":
        y0, x0 = (r.shape[0] - size) // 2, (r.shape[1] - size) // 2
        return np.ascontiguousarray(r[y0:y0 + size, x0:x0 + size])
    out = np.full((size, size, 3), PAD_VALUE, np.uint8)
    y0, x0 = (size - r.shape[0]) // 2, (size - r.shape[1]) // 2
    out[y0:y0 + r.shape[0], x0:x0 + r.shape[1]] = r
    return out


def to_tensor(batch):
    """A ``(N, H, W, 3) uint8`` batch as a ``(N, 3, H, W)`` float32 tensor of 0–255 values, channels-last."""
    import torch

    b = np.asarray(batch)
    if b.ndim != 4 or b.shape[3] != 3 or b.dtype != np.uint8:
        raise ValueError(f"batch must be a (N, H, W, 3) uint8 array, got {b.shape} {b.dtype}")
    return torch.from_numpy(np.ascontiguousarray(b)).permute(0, 3, 1, 2).float().contiguous(
        memory_format=torch.channels_last)


def extract(fn, images, size: int | None = 160, mode: str = "pad", batch_size: int = 32, progress: bool = True,
            desc: str = "features") -> dict:
    """Run ``fn`` on batches of images under ``torch.inference_mode()`` and collect its outputs.

    Parameters
    ----------
    fn : callable
        ``fn(x) -> dict name -> tensor (n, ...)`` for a ``(n, 3, size, size)`` float32 tensor of
        0–255 RGB values (normalising is ``fn``'s job).
    images : sequence of (H, W, 3) uint8, or (N, H, W, 3) uint8 array
    size : int or None
        Side of the network input (:func:`fit_square`); ``None`` when the images already
        share one shape and are used as they are.
    mode : {"pad", "crop", "squash"}
    batch_size : int
    progress : bool
        Show a progress bar (images).

    Returns
    -------
    dict name -> (N, ...) float32 array
    """
    import torch
    from tqdm.auto import tqdm

    batch_size = check_int(batch_size, "batch_size", minimum=1)
    n = len(images)
    if n == 0:
        raise ValueError("images must not be empty")
    chunks: dict[str, list] = {}
    bar = tqdm(total=n, desc=desc, unit="img", disable=not progress, leave=False)
    with torch.inference_mode():
        for start in range(0, n, batch_size):
            part = images[start:start + batch_size]
            batch = np.stack([fit_square(im, size, mode) for im in part]) if size is not None else np.asarray(part)
            out = fn(to_tensor(batch))
            for k, v in out.items():
                chunks.setdefault(k, []).append(v.float().numpy())
            bar.update(len(part))
    bar.close()
    return {k: np.concatenate(v) for k, v in chunks.items()}


def content_hash(images) -> str:
    """A hash of the images' pixels and shapes (blake2b, 32 hex digits): the cache key of a set of images."""
    h = hashlib.blake2b(digest_size=16)
    for im in images:
        a = np.ascontiguousarray(im)
        h.update(str((a.shape, a.dtype.str)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def cache_folder():
    """``imsearch.data.cache_dir() / "nn"``: where :func:`cached_extract` keeps its files."""
    from ..data.pack import cache_dir

    return cache_dir() / "nn"


def cached_extract(fn, images, model_id: str, recipe: str, tag: str, rebuild: bool = False, **options) -> dict:
    """:func:`extract`, computed once per (images, model, recipe) and cached as ``.npz``.

    Parameters
    ----------
    fn : callable
        As in :func:`extract`.
    images : sequence of (H, W, 3) uint8
    model_id : str
        Names the weights (e.g. ``EfficientNetLite0.model_id`` or a checkpoint's sha256).
    recipe : str
        Names what ``fn`` computes (stages, pooling, size...): change it when ``fn`` changes.
    tag : str
        A short name for the images (``"scenes"``), the start of the file name.
    rebuild : bool
        Compute again even when cached.
    **options
        ``size``, ``mode``, ``batch_size``, ``progress`` for :func:`extract`.

    Returns
    -------
    dict name -> (N, ...) float32 array, plus ``"seconds_per_image"`` (0-d) measured when the
    cache was written.
    """
    if not isinstance(tag, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", tag):
        raise ValueError(f"tag must be a short name of letters, digits, '_', '-' or '.', got {tag!r}")
    key = hashlib.blake2b(f"{model_id}|{recipe}|{sorted((k, v) for k, v in options.items() if k != 'progress')!r}".encode(), digest_size=8).hexdigest()
    path = cache_folder() / f"{tag}-{key}-{content_hash(images)}.npz"
    z = None if rebuild else load_npz(path)
    if z is None:
        t0 = time.perf_counter()
        z = extract(fn, images, desc=tag, **options)
        z["seconds_per_image"] = np.array((time.perf_counter() - t0) / len(images))
        save_npz(path, z)
    return z


def efficientnet_pooled(model, stages=("head",), poolings=("avg", "mac", "gem"), p: float = 3.0, keep_maps=()):
    """A batch function for :func:`extract`: EfficientNet-Lite0 pooled descriptors of several stages.

    Parameters
    ----------
    model : imsearch.nn.EfficientNetLite0
    stages : sequence of str
        Keys of :data:`imsearch.nn.EFFICIENTNET_STAGES`.
    poolings : sequence of {"avg", "mac", "gem"}
    p : float
        GeM exponent.
    keep_maps : sequence of str
        Stages whose whole activation map is returned too (key = the stage name).

    Returns
    -------
    callable ``x -> {"<stage>/<pooling>": (n, C) tensor, "<stage>": (n, C, h, w) tensor ...}``
    (pooled vectors not normalised).
    """
    from .pooling import avg_pool, gem, mac

    funcs = {"avg": avg_pool, "mac": mac, "gem": lambda m: gem(m, p)}
    bad = [q for q in poolings if q not in funcs]
    if bad:
        raise ValueError(f"poolings must be among {list(funcs)}, got {bad}")
    wanted = list(dict.fromkeys(list(stages) + list(keep_maps)))

    def fn(x):
        maps = model.activation_maps(model.normalize(x), wanted)
        out = {f"{s}/{q}": funcs[q](maps[s]) for s in stages for q in poolings}
        out.update({s: maps[s] for s in keep_maps})
        return out

    return fn


def as_tensor(x):
    """An array (or nested list) as a float64 CPU torch tensor, e.g. to build test cases and exercises."""
    import torch

    return torch.as_tensor(np.asarray(x, dtype=np.float64))


def augmented_embeddings(model, images, n_vectors: int, preset: str = "all", size: int = 48, seed: int = 0,
                         batch_size: int = 256, progress: bool = True):
    """Embeddings of photos and of rounds of augmented copies, until ``n_vectors`` exist.

    Round 0 embeds every photo (squashed to ``size`` px); each later round embeds a new
    augmented copy of every photo (:func:`imsearch.nn.augment.simclr_augment`, one seeded
    generator for the whole run), in photo order, stopping at ``n_vectors`` in all.

    Parameters
    ----------
    model : callable
        ``(B, 3, size, size)`` float tensor in [0, 1] -> ``(B, D)`` tensor (e.g. chapter 11's network).
    images : sequence of (H, W, 3) uint8
    n_vectors : int
    preset : str
        An augmentation preset of :data:`imsearch.nn.augment.PRESETS`.
    size : int
    seed : int
    batch_size : int
    progress : bool

    Returns
    -------
    embeddings : (n_vectors, D) float32
    photo : (n_vectors,) int64
        The photo each embedding comes from.
    round : (n_vectors,) int64
        0 for the photo itself, r >= 1 for its r-th augmented copy.
    """
    import torch
    from tqdm.auto import tqdm

    from .augment import simclr_augment

    n_vectors = check_int(n_vectors, "n_vectors", minimum=1)
    size = check_int(size, "size", minimum=8)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if len(images) == 0:
        raise ValueError("images must not be empty")
    x = torch.from_numpy(np.stack([fit_square(np.asarray(im), size, "squash") for im in images]))
    x = x.permute(0, 3, 1, 2).float().div(255).contiguous()
    gen = torch.Generator().manual_seed(int(seed))
    out, photo, rounds = [], [], []
    done = 0
    with torch.inference_mode(), tqdm(total=n_vectors, desc="embeddings of photos and copies", unit="img",
                                      disable=not progress) as bar:
        r = 0
        while done < n_vectors:
            for start in range(0, len(x), batch_size):
                take = min(batch_size, len(x) - start, n_vectors - done)
                if take <= 0:
                    break
                batch = x[start:start + take]
                if r:
                    batch = simclr_augment(batch, gen, preset=preset, size=size)
                out.append(np.asarray(model(batch), dtype=np.float32))
                photo.append(np.arange(start, start + take))
                rounds.append(np.full(take, r))
                done += take
                bar.update(take)
            r += 1
    return np.concatenate(out), np.concatenate(photo).astype(np.int64), np.concatenate(rounds).astype(np.int64)
