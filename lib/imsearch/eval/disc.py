"""``disc``: a larger, harder copy-detection benchmark in the spirit of DISC2021 (chapter 11).

``copy_detection`` (chapter 6, :func:`imsearch.eval.benchmarks.load_copy_detection`) has 150
copies of 300 references and is near its ceiling for local methods; its 95 % bootstrap
intervals are about ±0.07 µAP. Chapter 11 compares trained descriptors whose differences
are smaller than that, so this benchmark is ten times larger and its queries are harder,
as DISC2021's were: several strong edits composed on each query (Douze et al., "The 2021
Image Similarity Dataset and Challenge", arXiv 2106.09672; Papakipos et al., "AugLy",
2022, for the edit families).

How it is built (:func:`load_disc`; sizes in :data:`DISC_SIZES`), all from ``seed``:

* **one pool of photos** from the data pack (:data:`DISC_DATASETS`): Imagenette's train and
  val photos, the ImageNet samples (those of Imagenette's ten classes left out, so no
  photo can be in both sets), BSDS500 and Flowers-17, each shrunk to a longest side of
  :data:`DISC_MAX_SIDE` = 160 px. Near-duplicates in the pool
  (:func:`imsearch.eval.benchmarks.find_near_duplicates`) keep only their first copy.
* the pool is **shuffled and split** into disjoint sets: references, sources of the
  distractor queries, donors (second photos that only appear inside edited queries),
  background (for score normalisation) and the training pool. References and
  distractors therefore come from the same distribution.
* **queries**: an edited copy of ``copies`` references chosen at random, and an edited
  copy of every distractor source, in a random order; each by :func:`disc_query_edit`
  (a strong crop most of the time, then two to four further DISC-style edits).

Scored with the DISC2021 metrics on the code of chapter 6 (:class:`DISC` is a
:class:`imsearch.eval.benchmarks.CopyDetection`): µAP, µAP after score normalisation
(µAP_SN, Pizzi et al. CVPR 2022), recall at 90 % precision, plus recall@1 and the mean
reciprocal rank of the true reference, each with a 95 % bootstrap interval over the
queries. Cached as one ``.npz`` under ``imsearch.data.cache_dir() / "benchmarks"``;
``python -m imsearch.eval.disc`` rebuilds it and prints its size.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .. import data
from .._util.cache import save_npz
from .._util.progress import progress as _progress
from .._util.validation import as_rng, check_array, check_int
from .benchmarks import (
    _DUPLICATE_GRAY_LEVELS,
    CopyDetection,
    _check_bool,
    _duplicate_pairs,
    _pack_images,
    _thumbnails,
    _unpack_images,
    similarity_matrix,
)

#: Version of the recipe; changing it rebuilds the cached file.
DISC_VERSION = "1"

#: Longest image side in pixels (larger photos are shrunk by area averaging, never enlarged).
DISC_MAX_SIDE = 160

#: The datasets of the pack the pool of photos comes from.
DISC_DATASETS = ("imagenette", "imagenet_samples", "bsds500", "flowers17")

#: Sizes of the disjoint splits of the pool (``copies`` of the references are queried).
DISC_SIZES = {
    "references": 2000,
    "copies": 1500,        # references with an edited copy among the queries
    "distractors": 1500,   # photos that are not references, edited like the copies
    "donors": 150,         # second photos of the pasting / collage / mixing edits
    "background": 350,     # for score normalisation
    "train": None,         # the training pool: every other photo of the pool (about 1800)
}

#: The query recipe (:func:`disc_query_edit`): probability of the first, strong crop, the range
#: of its side fraction, and the range of the number of further edits.
QUERY_CROP_PROBABILITY = 0.75
QUERY_CROP_FRACTION = (0.35, 0.8)
QUERY_N_EDITS = (2, 4)

_OVERLAYS = ("text_overlay", "shape_overlay")
_CACHE_NAME = "disc"


# ----------------------------------------------------------------------------- the query edits

def disc_query_edit(image, seed=None, other_images=None):
    """Edit a photo into a DISC2021-style query: a strong crop, then two to four further edits.

    With probability :data:`QUERY_CROP_PROBABILITY` the photo is first cropped to a side
    fraction drawn in :data:`QUERY_CROP_FRACTION` and scaled back
    (:func:`imsearch.edits.crop_and_scale`); then ``n`` in :data:`QUERY_N_EDITS` distinct
    edits of :data:`imsearch.edits.DISC_EDITS` (crop excepted) with their own random
    parameters: at most one of the two-photo edits (paste into another photo, collage,
    mixup, cutmix), the overlays (text, emoji-like shapes) after the others.

    Parameters
    ----------
    image : (H, W, 3) uint8
    seed : int or numpy.random.Generator, optional
    other_images : sequence of (h, w, 3) uint8 images, optional
        Photos the two-photo edits draw their second photo from (a synthetic picture when
        ``None``).

    Returns
    -------
    edited : (H, W, 3) uint8
        The same size as ``image``.
    applied : tuple of str
        The edits, in the order applied.
    """
    from .. import edits

    img = np.ascontiguousarray(edits._as_uint8(image))
    others = None
    if other_images is not None:
        others = [edits._as_uint8_named(o, f"other_images[{i}]") for i, o in enumerate(other_images)]
        if not others:
            raise ValueError("other_images must not be empty (pass None for synthetic second photos)")
    rng = as_rng(seed)
    out, applied = img, []
    if rng.random() < QUERY_CROP_PROBABILITY:
        fraction = rng.uniform(*QUERY_CROP_FRACTION)
        out = edits.crop_and_scale(out, crop_fraction=fraction, seed=int(rng.integers(0, 2 ** 31 - 1)))
        applied.append("crop_and_scale")
    n = int(rng.integers(QUERY_N_EDITS[0], QUERY_N_EDITS[1] + 1))
    candidates = [name for name in edits.DISC_EDITS if name != "crop_and_scale"]
    chosen = []
    for i in rng.permutation(len(candidates)):
        name = candidates[int(i)]
        if name in edits.SECOND_PHOTO_ARGUMENT and any(c in edits.SECOND_PHOTO_ARGUMENT for c in chosen):
            continue
        chosen.append(name)
        if len(chosen) == n:
            break
    chosen = [c for c in chosen if c not in _OVERLAYS] + [c for c in chosen if c in _OVERLAYS]
    for name in chosen:
        child = int(rng.integers(0, 2 ** 31 - 1))
        params = {}
        if name in edits.SECOND_PHOTO_ARGUMENT and others is not None:
            params[edits.SECOND_PHOTO_ARGUMENT[name]] = others[int(rng.integers(0, len(others)))]
        out = edits.apply_edit(name, out, seed=child, **params)
        applied.append(name)
    return out, tuple(applied)


# ----------------------------------------------------------------------------- ranks

def reference_ranks(similarity, copy_of) -> np.ndarray:
    """The rank of each query's true reference among all references (1 = found first).

    Parameters
    ----------
    similarity : (Q, R) array_like of float
        Higher = more similar.
    copy_of : (Q,) array_like of int
        The reference each query copies, ``-1`` for a distractor query.

    Returns
    -------
    (Q,) int64
        ``1 + #(references scored higher) + #(references scored equal with a lower index)``
        (the order of :func:`imsearch.index.brute_force.top_k`); ``0`` for distractors.
    """
    sim = check_array(similarity, "similarity", ndim=2, kinds="iuf").astype(np.float64)
    truth = check_array(copy_of, "copy_of", shape=(sim.shape[0],), kinds="iu").astype(np.int64)
    if np.any(truth < -1) or np.any(truth >= sim.shape[1]):
        raise ValueError(f"copy_of must hold reference indices in 0..{sim.shape[1] - 1} or -1")
    rank = np.zeros(len(truth), np.int64)
    pos = np.flatnonzero(truth >= 0)
    if len(pos):
        s = sim[pos]
        true = s[np.arange(len(pos)), truth[pos]][:, None]
        lower = np.arange(sim.shape[1])[None, :] < truth[pos][:, None]
        rank[pos] = 1 + np.sum(s > true, axis=1) + np.sum((s == true) & lower, axis=1)
    return rank


def outcome_table(rank_a, rank_b) -> dict:
    """Share of copy queries whose true reference comes first for both methods, only one, or neither.

    Parameters
    ----------
    rank_a, rank_b : (Q,) array_like of int
        :func:`reference_ranks` of two methods (``0`` marks distractors, left out).

    Returns
    -------
    dict
        ``{"both", "only_a", "only_b", "neither"}`` fractions summing to 1, as Pizzi et al.'s
        table of SSCD against SimCLR, and ``"n"`` the number of copy queries.
    """
    a = check_array(rank_a, "rank_a", ndim=1, kinds="iu")
    b = check_array(rank_b, "rank_b", shape=a.shape, kinds="iu")
    if np.any((a == 0) != (b == 0)):
        raise ValueError("rank_a and rank_b must mark the same queries as distractors (rank 0)")
    keep = a > 0
    if not np.any(keep):
        raise ValueError("rank_a has no copy query (every rank is 0)")
    fa, fb = a[keep] == 1, b[keep] == 1
    return {"both": float(np.mean(fa & fb)), "only_a": float(np.mean(fa & ~fb)),
            "only_b": float(np.mean(~fa & fb)), "neither": float(np.mean(~fa & ~fb)), "n": int(keep.sum())}


# ----------------------------------------------------------------------------- the benchmark

class DISC(CopyDetection):
    """The DISC2021-style benchmark of chapter 11 (see :func:`load_disc`).

    A :class:`imsearch.eval.benchmarks.CopyDetection` (the same attributes, with four-digit
    ids ``"R0000"``, ``"Q0000"``, and the same :meth:`evaluate`, :meth:`intervals`,
    :meth:`paired_intervals`), whose :meth:`evaluate_similarity` and
    :meth:`evaluate_descriptors` also give recall@1, the mean reciprocal rank, every metric's
    bootstrap interval and each query's rank of its true reference.

    Attributes
    ----------
    references, queries, background, train : lists of (H, W, 3) uint8 images
    reference_sources, query_sources, background_ids, train_ids, donor_ids : lists of str
        The pack photo behind each image (``"imagenette/train/n01440764/..."``).
    query_edits : list of tuple of str
        The edits of each query (distractor queries are edited too).
    ground_truth : list of (query_id, ref_id)
        As in ``CopyDetection``.
    copy_of : (Q,) int64
        The index of the reference each query copies, ``-1`` for a distractor query.
    """

    def __init__(self, arrays: dict, path: Path | None):
        super().__init__(arrays, path)
        self.query_ids = [f"Q{i:04d}" for i in range(len(self.queries))]
        self.reference_ids = [f"R{i:04d}" for i in range(len(self.references))]
        gt = np.asarray(arrays["ground_truth"], np.int64).reshape(-1, 2)
        self.ground_truth = [(self.query_ids[q], self.reference_ids[r]) for q, r in gt]
        copy_of = np.full(len(self.queries), -1, np.int64)
        copy_of[gt[:, 0]] = gt[:, 1]
        self.copy_of = copy_of
        self.duplicates_dropped = int(arrays.get("duplicates_dropped", 0))

    def __repr__(self) -> str:
        return (f"DISC(seed={self.seed}: {len(self.references)} references, {len(self.queries)} queries "
                f"({len(self.ground_truth)} copies, {int(np.sum(self.copy_of < 0))} distractors), "
                f"{len(self.train_ids)} train, {len(self.background)} background)")

    def select_queries(self, indices) -> DISC:
        """The same benchmark restricted to some queries (e.g. those with one kind of edit, or a sample).

        Parameters
        ----------
        indices : (n,) array_like of int
            Distinct query indices, at least one of them a copy.

        Returns
        -------
        DISC
            With the same references, background and training set; the selected queries keep
            their ids, sources, edits, seeds and ``copy_of``; ``ground_truth`` holds their pairs.
        """
        import copy

        idx = check_array(indices, "indices", ndim=1, kinds="iu").astype(np.int64)
        if len(idx) == 0 or len(np.unique(idx)) < len(idx) or idx.min() < 0 or idx.max() >= len(self.queries):
            raise ValueError(f"indices must be distinct query indices in 0..{len(self.queries) - 1}, not empty")
        if not np.any(self.copy_of[idx] >= 0):
            raise ValueError("indices must select at least one copy query (copy_of >= 0)")
        sub = copy.copy(self)
        sub.__dict__.pop("_local_state", None)  # features of the other queries
        for name in ("queries", "query_ids", "query_sources", "query_edits", "query_seeds"):
            setattr(sub, name, [getattr(self, name)[i] for i in idx])
        sub.copy_of = self.copy_of[idx]
        sub.ground_truth = [(self.query_ids[i], self.reference_ids[self.copy_of[i]]) for i in idx
                            if self.copy_of[i] >= 0]
        return sub

    def evaluate_similarity(self, similarity, background_similarity=None, k=10, beta=1.0, first=0, last=2,
                            n_resamples=1000, confidence=0.95, seed=0) -> dict:
        """Score any method from its (Q, R) similarities: the DISC2021 metrics, recall@1, MRR, intervals.

        Parameters
        ----------
        similarity : (Q, R) array_like of float
            Similarity of every query to every reference (higher = more similar).
        background_similarity : (Q, B) array_like of float, optional
            Similarity of every query to :attr:`background` (or any disjoint set, e.g.
            :attr:`train`); adds the ``_SN`` metrics.
        k, beta, first, last
            Predictions per query and score normalisation, as in
            :meth:`imsearch.eval.benchmarks.CopyDetection.evaluate_similarity`.
        n_resamples, confidence, seed
            Bootstrap over the queries (:mod:`imsearch.eval.bootstrap`); ``n_resamples=0``
            skips the intervals.

        Returns
        -------
        dict
            ``"uAP"``, ``"recall_at_p90"`` (and ``"uAP_SN"``, ``"recall_at_p90_SN"`` with a
            background): floats; ``"recall_at_1"`` and ``"MRR"`` over the copy queries
            (score normalisation shifts a query's scores by a constant, so they have no
            ``_SN``); ``"<metric>_ci"``: an :class:`imsearch.eval.bootstrap.Interval`
            (``.low``, ``.high``) for each of them when ``n_resamples > 0``; ``"rank"``:
            (Q,) int64 from :func:`reference_ranks` (0 for distractors).
        """
        from .bootstrap import bootstrap_mean

        n_resamples = check_int(n_resamples, "n_resamples", minimum=0)
        sim = check_array(similarity, "similarity", shape=(len(self.queries), len(self.references)), kinds="iuf")
        out = super().evaluate_similarity(sim, background_similarity, k=k, beta=beta, first=first, last=last)
        rank = reference_ranks(sim, self.copy_of)
        found = rank[rank > 0]
        out["recall_at_1"] = float(np.mean(found == 1))
        out["MRR"] = float(np.mean(1.0 / found))
        if n_resamples:
            for name, interval in self.intervals(sim, background_similarity, k, beta, first, last, n_resamples,
                                                 confidence, seed).items():
                out[f"{name}_ci"] = interval
            out["recall_at_1_ci"] = bootstrap_mean((found == 1).astype(np.float64), n_resamples, confidence, seed)
            out["MRR_ci"] = bootstrap_mean(1.0 / found, n_resamples, confidence, seed)
        out["rank"] = rank
        return out

    def evaluate_descriptors(self, query_desc, ref_desc, background_desc=None, k=10, metric="l2", beta=1.0,
                             first=0, last=2, n_resamples=1000, confidence=0.95, seed=0) -> dict:
        """Score global descriptors: similarities by ``metric``, then :meth:`evaluate_similarity`.

        Parameters
        ----------
        query_desc : (Q, D) array_like, one row per query
        ref_desc : (R, D) array_like, one row per reference
        background_desc : (B, D) array_like, optional
            Descriptors of a disjoint set (:attr:`background`, or :attr:`train`) for µAP_SN.
        k : int
        metric : str
            One of :data:`imsearch.eval.benchmarks.SIMILARITY_METRICS` (``"l2"``: minus the
            squared distance; ``"cosine"``).
        beta, first, last, n_resamples, confidence, seed
            As in :meth:`evaluate_similarity`.

        Returns
        -------
        dict
            As :meth:`evaluate_similarity`.
        """
        sim, bsim = self.descriptor_similarities(query_desc, ref_desc, background_desc, metric)
        return self.evaluate_similarity(sim, bsim, k=k, beta=beta, first=first, last=last,
                                        n_resamples=n_resamples, confidence=confidence, seed=seed)

    def paired_intervals(self, similarity_a, similarity_b, background_similarity_a=None,
                         background_similarity_b=None, k=10, beta=1.0, first=0, last=2, n_resamples=1000,
                         confidence=0.95, seed=0) -> dict:
        """Method a minus method b on the same resamples of the queries, recall@1 and MRR included.

        Parameters and the ``uAP`` / ``recall_at_p90`` (``_SN``) entries as in
        :meth:`imsearch.eval.benchmarks.CopyDetection.paired_intervals`; ``"recall_at_1"``
        and ``"MRR"`` resample the copy queries (:func:`imsearch.eval.bootstrap.paired_bootstrap`).

        Returns
        -------
        dict of :class:`imsearch.eval.bootstrap.Interval`
            An ordering is supported where ``interval.excludes(0)``.
        """
        from .bootstrap import paired_bootstrap

        out = super().paired_intervals(similarity_a, similarity_b, background_similarity_a, background_similarity_b,
                                       k, beta, first, last, n_resamples, confidence, seed)
        ra, rb = (reference_ranks(s, self.copy_of) for s in (similarity_a, similarity_b))
        fa, fb = ra[ra > 0], rb[rb > 0]
        out["recall_at_1"] = paired_bootstrap((fa == 1).astype(float), (fb == 1).astype(float), n_resamples,
                                              confidence, seed)
        out["MRR"] = paired_bootstrap(1.0 / fa, 1.0 / fb, n_resamples, confidence, seed)
        return out


# ----------------------------------------------------------------------------- building

def disc_path(seed=0) -> Path:
    """Where the benchmark of ``seed`` is cached: ``<cache_dir>/benchmarks/disc-v<version>-<hash>.npz``."""
    seed = check_int(seed, "seed", minimum=0)
    key = json.dumps({"max_side": DISC_MAX_SIDE, "seed": seed, "sizes": DISC_SIZES,
                      "crop": [QUERY_CROP_PROBABILITY, *QUERY_CROP_FRACTION], "n_edits": list(QUERY_N_EDITS)},
                     sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return data.cache_dir() / "benchmarks" / f"{_CACHE_NAME}-v{DISC_VERSION}-{digest}.npz"


def _shrink(image):
    from ..edits import downscale

    return downscale(image, DISC_MAX_SIDE)


def _pool(bar):
    """(ids, photos) of the pack's photos, shrunk, in a fixed order, without near-duplicates (and how many dropped)."""
    from ..data.classification import (
        imagenette_imagenet_index,
        load_flowers17,
        load_imagenette,
    )
    from ..data.loaders import load_bsds500, load_imagenet_samples

    ids, photos = [], []
    for split in ("train", "val"):
        part = load_imagenette(split)
        ids += [f"imagenette/{split}/{n}" for n in part.names]
        photos += [_shrink(im) for im in part.images]
        bar.update(len(part))
    names, images, classes = load_imagenet_samples()
    skip = {int(i) for i in imagenette_imagenet_index()}  # those classes' photos could be Imagenette photos
    for n, im, c in zip(names, images, classes):
        if int(c) not in skip:
            ids.append(f"imagenet_samples/{n}")
            photos.append(_shrink(im))
    bar.update(len(names))
    bsds_ids, bsds = load_bsds500()
    ids += [f"bsds500/{i}" for i in bsds_ids]
    photos += [_shrink(im) for im in bsds]
    bar.update(len(bsds))
    for split in ("train", "test"):
        part = load_flowers17(split)
        ids += [f"flowers17/{split}/{n}" for n in part.names]
        photos += [_shrink(im) for im in part.images]
        bar.update(len(part))
    dropped = {int(j) for _, j in _duplicate_pairs(_thumbnails(photos), None, _DUPLICATE_GRAY_LEVELS)}
    keep = [i for i in range(len(photos)) if i not in dropped]
    return [ids[i] for i in keep], [photos[i] for i in keep], len(dropped)


def _split(n_pool, sizes, rng):
    """Disjoint index arrays of the splits of :data:`DISC_SIZES`, from one permutation of the pool."""
    order = ("references", "distractors", "donors", "background", "train")
    need = sum(sizes[s] or 1 for s in order)
    if n_pool < need:
        raise data.DataMissingError(", ".join(DISC_DATASETS),
                                    f"the pool holds {n_pool} distinct photos and the disc benchmark needs {need}")
    perm = rng.permutation(n_pool)
    out, start = {}, 0
    for s in order:
        out[s] = perm[start:] if sizes[s] is None else perm[start:start + sizes[s]]
        start += len(out[s])
    return out


def _build_disc(seed, progress, ids, photos, n_dropped, sizes, start) -> dict:
    """The arrays of the cached file, from a pool of photos (ids, shrunk photos)."""
    rng = np.random.default_rng([seed, zlib.crc32(b"disc")])
    split = _split(len(photos), sizes, rng)
    refs, distractors = split["references"], split["distractors"]
    copied = np.sort(rng.choice(len(refs), size=sizes["copies"], replace=False))
    sources = [("ref", int(r)) for r in copied] + [("dis", int(d)) for d in distractors]
    sources = [sources[i] for i in rng.permutation(len(sources))]
    child_seeds = rng.integers(0, 2 ** 31 - 1, size=len(sources))
    donors = [photos[i] for i in split["donors"]]
    queries, query_sources, query_edits, truth = [], [], [], []
    for qi, ((kind, index), child) in enumerate(zip(_progress(sources, "disc queries", enabled=progress,
                                                              unit="query", mininterval=1.0), child_seeds)):
        pool_index = int(refs[index]) if kind == "ref" else index
        edited, applied = disc_query_edit(photos[pool_index], seed=int(child), other_images=donors)
        queries.append(edited)
        query_sources.append(ids[pool_index])
        query_edits.append("+".join(applied))
        if kind == "ref":
            truth.append((qi, index))
    arrays = {"version": np.array(DISC_VERSION), "seed": np.array(seed)}
    for key, part in (("ref", refs), ("background", split["background"]), ("train", split["train"])):
        arrays[f"{key}_pixels"], arrays[f"{key}_shapes"] = _pack_images([photos[i] for i in part])
    arrays["query_pixels"], arrays["query_shapes"] = _pack_images(queries)
    arrays.update({
        "ref_sources": np.array([ids[i] for i in refs]),
        "query_sources": np.array(query_sources), "query_edits": np.array(query_edits),
        "query_seeds": child_seeds.astype(np.int64),
        "ground_truth": np.array(truth, np.int64).reshape(-1, 2),
        "background_ids": np.array([ids[i] for i in split["background"]]),
        "train_ids": np.array([ids[i] for i in split["train"]]),
        "donor_ids": np.array([ids[i] for i in split["donors"]]),
        "duplicates_dropped": np.array(n_dropped),
        "build_seconds": np.array(time.perf_counter() - start),
    })
    return arrays


def _load_cached(path: Path):
    """The cached arrays (the training pixels left on disk), or None when missing, unreadable or outdated."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["version"]) != DISC_VERSION:
                return None
            return {k: z[k] for k in z.files if k not in ("train_pixels", "train_shapes")}
    except (OSError, ValueError, KeyError, EOFError, zlib.error, zipfile.BadZipFile):
        return None


def load_disc(seed=0, rebuild=False, progress=True) -> DISC:
    """Load the DISC2021-style benchmark of chapter 11 (built from the data pack on first use, then cached).

    How it is built is described in this module's documentation; with the default sizes
    (:data:`DISC_SIZES`): 2000 references, 3000 queries (1500 edited copies of references,
    1500 edited distractors), 350 background photos, 150 donors and the rest of the pool,
    1785 photos, for training, all disjoint, every image at most 160 px on its longest side. Building takes under a
    minute on a laptop; loading the cached file about a second.

    Parameters
    ----------
    seed : int
        Chooses the splits, the copied references, the query order and every edit (>= 0).
    rebuild : bool
        Build again even when a cached copy of this version and seed exists.
    progress : bool
        Show progress bars while building.

    Returns
    -------
    DISC

    Raises
    ------
    imsearch.data.pack.DataMissingError
        The benchmark is not cached and a dataset of :data:`DISC_DATASETS` is unavailable.
    """
    seed = check_int(seed, "seed", minimum=0)
    rebuild, progress = _check_bool(rebuild, "rebuild"), _check_bool(progress, "progress")
    path = disc_path(seed)
    arrays = None if rebuild else _load_cached(path)
    if arrays is None:
        start = time.perf_counter()
        missing = [d for d in DISC_DATASETS if not data.have_dataset(d)]
        if missing:
            raise data.DataMissingError(", ".join(missing), "the 'disc' benchmark of chapter 11 is built from "
                                                            f"{', '.join(DISC_DATASETS)} and is not cached yet")
        bar = _progress(None, "disc: loading photos", enabled=progress, total=3000 + 1000 + 500 + 1360, unit="img",
                        mininterval=1.0)
        ids, photos, n_dropped = _pool(bar)
        bar.close()
        save_npz(path, _build_disc(seed, progress, ids, photos, n_dropped, DISC_SIZES, start))
        for old in path.parent.glob(f"{_CACHE_NAME}-v*.npz"):
            if not old.name.startswith(f"{_CACHE_NAME}-v{DISC_VERSION}-"):
                old.unlink(missing_ok=True)  # an older recipe: never loaded again
        arrays = _load_cached(path)
    return DISC(arrays, path)


# ----------------------------------------------------------------------------- stand-in without the pack

#: Sizes of :func:`embedded_disc`'s splits.
EMBEDDED_DISC_SIZES = {"references": 100, "copies": 50, "distractors": 50, "donors": 10, "background": 30,
                       "train": None}
_TILE_PX = 96
_TILES_PER_PHOTO = 16


def embedded_disc(seed=0) -> DISC:
    """A small DISC-style benchmark cut from the embedded photos, for when the data pack is missing.

    The pool: non-overlapping 96×96 tiles of the embedded photos (:mod:`imsearch.data.photos`;
    at most 16 per photo, evenly spread; ``cat``, a copy of ``chelsea``, left out; tiles that
    are near-duplicates of an earlier one, such as blank sky, dropped). It is then split and
    its queries edited exactly as :func:`load_disc` does, with the sizes of
    :data:`EMBEDDED_DISC_SIZES` (100 references, 50 copies, 50 distractors). Tiles of one photo
    are different pictures of one scene (never copies), which makes the stand-in harder than
    its size suggests; its numbers only illustrate. Built in about a second, not cached.

    Parameters
    ----------
    seed : int

    Returns
    -------
    DISC
    """
    from ..data.photos import list_default_images, load_default_image

    seed = check_int(seed, "seed", minimum=0)
    start = time.perf_counter()
    ids, tiles = [], []
    for name in list_default_images():
        if name == "cat":
            continue
        photo = load_default_image(name)
        rows, cols = photo.shape[0] // _TILE_PX, photo.shape[1] // _TILE_PX
        cells = [(r, c) for r in range(rows) for c in range(cols)]
        pick = np.unique(np.linspace(0, len(cells) - 1, min(_TILES_PER_PHOTO, len(cells))).round().astype(int))
        for i in pick:
            r, c = cells[i]
            ids.append(f"embedded/{name}/tile{r}-{c}")
            tiles.append(np.ascontiguousarray(photo[r * _TILE_PX:(r + 1) * _TILE_PX, c * _TILE_PX:(c + 1) * _TILE_PX]))
    dropped = {int(j) for _, j in _duplicate_pairs(_thumbnails(tiles), None, _DUPLICATE_GRAY_LEVELS)}
    keep = [i for i in range(len(tiles)) if i not in dropped]
    arrays = _build_disc(seed, False, [ids[i] for i in keep], [tiles[i] for i in keep], len(dropped),
                         EMBEDDED_DISC_SIZES, start)
    bench = DISC(arrays, None)
    bench._train = _unpack_images(arrays["train_pixels"], arrays["train_shapes"])
    return bench


# ----------------------------------------------------------------------------- the leaderboard's methods

#: The deep global descriptors of chapter 8 measured on ``disc``: EfficientNet-Lite0 (ImageNet
#: weights), its last activation map pooled, L2-normalised, compared by cosine similarity.
DEEP_METHODS = {
    "efficientnet_avg": "EfficientNet-Lite0, average pooling (1280-D, cosine)",
    "efficientnet_gem": "EfficientNet-Lite0, GeM p = 3 (1280-D, cosine)",
}

#: Input side of the deep methods (every image padded to a square, :func:`imsearch.nn.fit_square`).
DEEP_SIZE = 160


def disc_methods() -> tuple:
    """Every method of the leaderboard on ``disc``, in table order.

    Returns
    -------
    tuple of str
        The keys of :data:`imsearch.eval.methods.METHODS` (chapters 3, 6, 7), then
        those of :data:`DEEP_METHODS` (chapter 8).
    """
    from .methods import METHODS

    return tuple(METHODS) + tuple(DEEP_METHODS)


def method_label(method) -> str:
    """The name a table prints for a key of :func:`disc_methods`."""
    from .methods import METHODS

    if method in METHODS:
        return METHODS[method].label
    if method in DEEP_METHODS:
        return DEEP_METHODS[method]
    raise ValueError(f"method must be one of {', '.join(disc_methods())}; got {method!r}")


def _local_state(disc, progress):
    """SIFT features of the references, queries and background, and chapter 7's pipelines (kept on ``disc``)."""
    state = getattr(disc, "_local_state", None)
    if state is None:
        from ..features.extraction import cached_features
        from .bow_pipeline import MAX_KEYPOINTS, N_TRAIN, Pipeline
        from .methods import METHODS

        t0 = time.perf_counter()
        feats = {name: cached_features(images, f"disc_{name}", MAX_KEYPOINTS, progress)
                 for name, images in (("references", disc.references), ("queries", disc.queries),
                                      ("background", disc.background))}
        seconds = (time.perf_counter() - t0) / sum(f.n_images for f in feats.values())
        train = cached_features(disc.train[:N_TRAIN], "disc_train", MAX_KEYPOINTS, progress)
        pipelines = {k: Pipeline(train, k) for k in sorted({m.k for m in METHODS.values() if m.k})}
        state = {"features": feats, "pipelines": pipelines, "seconds_per_image": seconds}
        disc._local_state = state
    return state


def _deep_descriptors(disc, progress):
    """L2-normalised EfficientNet-Lite0 avg and GeM descriptors of queries, references and background (cached)."""
    from ..nn.extraction import cached_extract, efficientnet_pooled
    from ..nn.models import EfficientNetLite0, load_efficientnet_lite0

    images = list(disc.queries) + list(disc.references) + list(disc.background)
    model = load_efficientnet_lite0()
    fn = efficientnet_pooled(model, ("head",), ("avg", "gem"), p=3.0)
    z = cached_extract(fn, images, EfficientNetLite0.model_id, "head avg gem p3", "disc", size=DEEP_SIZE,
                       mode="pad", progress=progress)
    out = {}
    q, r = len(disc.queries), len(disc.references)
    for key, pooling in (("efficientnet_avg", "avg"), ("efficientnet_gem", "gem")):
        d = np.asarray(z[f"head/{pooling}"], np.float64)
        d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
        out[key] = {"queries": d[:q], "references": d[q:q + r], "background": d[q + r:],
                    "seconds_per_image": float(z["seconds_per_image"])}
    return out


def method_similarities(disc, method, progress=True) -> dict:
    """Similarities of one leaderboard method on ``disc``, every costly step cached.

    * chapter 3 and 6's global descriptors: :func:`imsearch.eval.global_methods.cached_descriptors`
      and :func:`imsearch.eval.global_methods.similarity`;
    * chapter 7's variants: SIFT of every image (:func:`imsearch.features.extraction.cached_features`,
      300 keypoints), vocabularies trained on the first
      :data:`imsearch.eval.bow_pipeline.N_TRAIN` photos of ``disc.train``,
      :func:`imsearch.eval.bow_pipeline.variant_similarity` at the registry's ``k``; the
      similarities are cached under ``cache_dir() / "disc_methods"`` (keyed by every pixel);
    * chapter 8's :data:`DEEP_METHODS`: EfficientNet-Lite0 at :data:`DEEP_SIZE` px
      (:func:`imsearch.nn.cached_extract`), cosine similarity.

    Parameters
    ----------
    disc : DISC
        Or any :class:`imsearch.eval.benchmarks.CopyDetection` with a ``train`` set.
    method : str
        A key of :func:`disc_methods`.
    progress : bool

    Returns
    -------
    dict
        ``"similarity"`` (Q, R) and ``"background_similarity"`` (Q, B) float64,
        ``"seconds_per_image"`` (description, when first computed) and ``"seconds"`` (this
        call).
    """
    from . import global_methods
    from .methods import METHODS

    method_label(method)
    t0 = time.perf_counter()
    if method in DEEP_METHODS:
        d = _deep_descriptors(disc, progress)[method]
        sim = similarity_matrix(d["queries"], d["references"], "ip")
        bsim = similarity_matrix(d["queries"], d["background"], "ip")
        seconds = d["seconds_per_image"]
    elif METHODS[method].metric is not None:
        images = list(disc.queries) + list(disc.references) + list(disc.background)
        desc, seconds = global_methods.cached_descriptors(images, method, "disc", progress=progress)
        q, r = len(disc.queries), len(disc.references)
        sim = global_methods.similarity(desc[:q], desc[q:q + r], method)
        bsim = global_methods.similarity(desc[:q], desc[q + r:], method)
    else:  # chapter 7: the similarities themselves are cached (spatial re-ranking takes minutes)
        from .._util.cache import content_hash, load_npz
        from .bow_pipeline import MAX_KEYPOINTS, N_TRAIN, variant_similarity

        k = METHODS[method].k
        key = content_hash(list(disc.queries), list(disc.references), list(disc.background),
                           list(disc.train[:N_TRAIN]), method, k, MAX_KEYPOINTS, version=f"disc-local-{DISC_VERSION}")
        path = data.cache_dir() / "disc_methods" / f"{method.replace('+', '_')}-{key}.npz"
        z = load_npz(path)
        if z is None:
            state = _local_state(disc, progress)
            f, pipeline = state["features"], state["pipelines"][k]
            z = {"similarity": variant_similarity(method, pipeline, f["references"], f["queries"]),
                 "background_similarity": variant_similarity(method, pipeline, f["background"], f["queries"]),
                 "seconds_per_image": np.array(state["seconds_per_image"])}
            save_npz(path, z)
        sim, bsim, seconds = z["similarity"], z["background_similarity"], float(z["seconds_per_image"])
    return {"similarity": np.asarray(sim, np.float64), "background_similarity": np.asarray(bsim, np.float64),
            "seconds_per_image": float(seconds), "seconds": time.perf_counter() - t0}


# ----------------------------------------------------------------------------- command line

def main(argv=None) -> int:
    """``python -m imsearch.eval.disc [--seed N] [--rebuild]``: build (or load) the benchmark and print its size."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m imsearch.eval.disc",
                                     description="build (again) the DISC2021-style benchmark of chapter 11")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rebuild", action="store_true", help="build again even when cached")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    try:
        disc = load_disc(seed=args.seed, rebuild=args.rebuild)
    except data.DataMissingError as err:
        print(err, file=sys.stderr)
        return 1
    path = disc_path(args.seed)
    print(repr(disc))
    print(f"cache {path} ({path.stat().st_size / 2 ** 20:.0f} MiB); built in {disc.build_seconds:.1f} s; "
          f"this call {time.perf_counter() - t0:.1f} s; {disc.duplicates_dropped} near-duplicates dropped")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
