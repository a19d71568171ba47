"""Cheap global descriptors on the course's two benchmarks: describe once, cache, score.

Chapter 6 compares pixels (chapter 3), colour histograms in three spaces, adaptive
palettes compared with the earth mover's distance, and GIST on ``scenes`` (mAP) and
``copy_detection`` (µAP, µAP_SN), then uses them as the first stage of a two-stage
search (:mod:`imsearch.index.reranking`). Describing ~2500 images takes a minute or two, so
every result is computed once and cached under
``imsearch.data.cache_dir() / "globaldesc"``, keyed by the method, its version and a
fingerprint of the images (their ids, shapes and pixel sums): a changed benchmark is
described again. Rebuild everything with::

    python -m imsearch.eval.global_methods --rebuild

Without the data pack, :func:`embedded_scenes` and :func:`embedded_copy_detection`
build small stand-ins from the photos that ship with the installed packages, with
the same interface, so the chapter still runs.
"""
from __future__ import annotations


import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._util.cache import load_npz, save_npz
from .. import descriptors
from .._util.validation import check_array, check_int

#: Version of the descriptors' recipes; changing it invalidates every cached file.
VERSION = "1"
#: Longest side of the thumbnails the colour histograms are counted on (6× fewer pixels than
#: the benchmarks' 320 px, for nearly the same histogram).
HISTOGRAM_SIDE = 128
#: Colours per palette (signature) and the pixels sampled to find them.
PALETTE_COLORS = 8
PALETTE_SAMPLES = 1024
PALETTE_ITERATIONS = 10


@dataclass(frozen=True)
class Method:
    """A global description method: a label for tables, a metric, and how to compute it.

    ``metric`` is one of :data:`imsearch.eval.benchmarks.SIMILARITY_METRICS` or ``"emd"``
    (signatures, compared by :func:`imsearch.descriptors.signatures.emd`).
    """

    label: str
    metric: str
    short: str


#: The methods of chapter 6, in the order of the tables.
METHODS = {
    "pixels": Method("pixels 16×16 (L2)", "l2", "pixels"),
    "rgb_hist": Method("RGB histogram 8×8×8 (χ²)", "chi2", "RGB hist."),
    "hsv_hist": Method("HSV histogram 16×8×4 (χ²)", "chi2", "HSV hist."),
    "lab_hist": Method("Lab histogram 8×8×8 (χ²)", "chi2", "Lab hist."),
    "palette_emd": Method(f"Lab palette, {PALETTE_COLORS} colours (EMD)", "emd", "palette+EMD"),
    "gist": Method("GIST 4 scales × 8 orientations × 4×4 (L2)", "l2", "GIST"),
}

_HIST_BINS = {"rgb_hist": ((8, 8, 8), "rgb"), "hsv_hist": ((16, 8, 4), "hsv"), "lab_hist": ((8, 8, 8), "lab")}


def _recipe(method: str) -> str:
    """A short code of everything that defines a method's descriptors (part of the cache key)."""
    if method in _HIST_BINS:
        bins, space = _HIST_BINS[method]
        text = f"{space}{bins}side{HISTOGRAM_SIDE}"
    elif method == "palette_emd":
        text = f"lab k{PALETTE_COLORS} n{PALETTE_SAMPLES} it{PALETTE_ITERATIONS}"
    elif method == "gist":
        text = "gray 128 4x8 grid4 fc4"
    else:
        text = "16x16 area"
    return f"{zlib.crc32(text.encode()):08x}"


def _check_method(method) -> str:
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    return method


def _bar(items, desc, progress):
    if not progress:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="img", leave=False, mininterval=1.0)


def describe(images, method, progress=True) -> np.ndarray:
    """Describe every image with one of :data:`METHODS`.

    * ``pixels``: :func:`imsearch.descriptors.pixels.pixel_descriptor`, 16×16 (768-D);
    * ``rgb_hist`` / ``hsv_hist`` / ``lab_hist``: :func:`imsearch.descriptors.histograms.color_histogram`
      (8×8×8, 16×8×4 and 8×8×8 bins) on a thumbnail of at most :data:`HISTOGRAM_SIDE` px;
    * ``palette_emd``: :func:`imsearch.descriptors.signatures.color_signature` in CIELAB
      (:data:`PALETTE_COLORS` colours from :data:`PALETTE_SAMPLES` pixels, 10 Lloyd
      iterations, seed 0),
      packed as rows of ``[weight, L, a, b]`` padded with zero weights
      (:func:`unpack_signatures`);
    * ``gist``: :func:`imsearch.descriptors.spatial_envelope.gist_many`, gray, 128 px, 4 × 8 filters, 4×4 grid (512-D).

    Parameters
    ----------
    images : sequence of (H, W, 3) uint8 images, not empty
    method : str
        A key of :data:`METHODS`.
    progress : bool

    Returns
    -------
    (N, D) float32
    """
    method = _check_method(method)
    images = list(images)
    if not images:
        raise ValueError("images must not be empty")
    if method == "gist":
        from ..descriptors import spatial_envelope as gist

        return gist.gist_many(images, progress=progress)
    rows = []
    for im in _bar(images, METHODS[method].short, progress):
        if method == "pixels":
            rows.append(descriptors.pixel_descriptor(im, size=(16, 16)))
        elif method in _HIST_BINS:
            from ..edits import downscale

            bins, space = _HIST_BINS[method]
            rows.append(descriptors.color_histogram(downscale(im, HISTOGRAM_SIDE), bins, space))
        else:
            colors, weights = descriptors.color_signature(im, PALETTE_COLORS, "lab", max_samples=PALETTE_SAMPLES,
                                                         seed=0, n_iter=PALETTE_ITERATIONS)
            packed = np.zeros((PALETTE_COLORS, 4))
            packed[:len(weights), 0] = weights
            packed[:len(weights), 1:] = colors
            rows.append(packed.ravel())
    return np.stack(rows).astype(np.float32)


def unpack_signatures(descriptors) -> list:
    """The ``(colors, weights)`` signatures packed by :func:`describe` for ``palette_emd``.

    Parameters
    ----------
    descriptors : (N, 4·k) array_like of float
        Rows of ``k`` ``[weight, L, a, b]`` entries; zero-weight entries are padding.

    Returns
    -------
    list of N (colors (k', 3) float64, weights (k',) float64)
    """
    d = check_array(descriptors, "descriptors", ndim=2, kinds="f")
    if d.shape[1] % 4:
        raise ValueError(f"descriptors must have 4·k columns ([weight, L, a, b] per colour), got {d.shape[1]}")
    out = []
    for row in d.astype(np.float64).reshape(len(d), -1, 4):
        keep = row[:, 0] > 0
        out.append((row[keep, 1:], row[keep, 0]))
    return out


def similarity(query_desc, database_desc, method) -> np.ndarray:
    """(Q, N) similarities (higher = closer) for a method of :data:`METHODS`.

    Parameters
    ----------
    query_desc : (Q, D) array_like
    database_desc : (N, D) array_like
        Descriptors from :func:`describe` with the same ``method``.
    method : str
        A key of :data:`METHODS`.

    Returns
    -------
    (Q, N) float64
        ``palette_emd``: minus :func:`imsearch.descriptors.signatures.emd_distances`; the others:
        :func:`imsearch.eval.benchmarks.similarity_matrix` with the method's metric (minus the
        squared L2 or the χ² distance).
    """
    from ..eval.benchmarks import similarity_matrix

    metric = METHODS[_check_method(method)].metric
    if metric == "emd":
        return -descriptors.emd_distances(unpack_signatures(query_desc), unpack_signatures(database_desc))
    return similarity_matrix(query_desc, database_desc, metric)


# ----------------------------------------------------------------------------- the cache

def cache_folder() -> Path:
    """``imsearch.data.pack.cache_dir() / "globaldesc"``, where this module keeps its results."""
    from ..data.pack import cache_dir

    return cache_dir() / "globaldesc"


def _fingerprint(images) -> str:
    crc = 0
    for im in images:
        a = np.asarray(im)
        crc = zlib.crc32(np.array(a.shape + (int(a.sum(dtype=np.int64)),), np.int64).tobytes(), crc)
    return f"{len(images)}-{crc:08x}"


def cached_descriptors(images, method, tag, rebuild=False, progress=True):
    """:func:`describe`, computed once and cached.

    Parameters
    ----------
    images : sequence of (H, W, 3) uint8
    method : str
        A key of :data:`METHODS`.
    tag : str
        A name for the set of images, part of the file name (``"scenes"``...).
    rebuild : bool
        Compute again even when cached.
    progress : bool

    Returns
    -------
    descriptors : (N, D) float32
    seconds_per_image : float
        Extraction time measured when the cache was written.
    """
    method = _check_method(method)
    if not isinstance(tag, str) or not tag.isidentifier():
        raise ValueError(f"tag must be a short identifier such as 'scenes', got {tag!r}")
    images = list(images)
    path = cache_folder() / f"{tag}-{method}-v{VERSION}-{_recipe(method)}-{_fingerprint(images)}.npz"
    z = None if rebuild else load_npz(path)
    if z is None:
        t0 = time.perf_counter()
        desc = describe(images, method, progress=progress)
        z = {"descriptors": desc, "seconds_per_image": np.array((time.perf_counter() - t0) / len(images))}
        save_npz(path, z)
    return z["descriptors"], float(z["seconds_per_image"])


def scenes_descriptors(scenes, method, rebuild=False, progress=True):
    """Cached descriptors of every image of a same-scene benchmark (see :func:`cached_descriptors`).

    Parameters
    ----------
    scenes : imsearch.eval.benchmarks.Scenes
    method : str
        A key of :data:`METHODS`.
    rebuild, progress : bool

    Returns
    -------
    descriptors : (N, D) float32, in the order of ``scenes.images``
    seconds_per_image : float
    """
    return cached_descriptors(scenes.images, method, "scenes", rebuild, progress)


def copy_detection_descriptors(cd, method, rebuild=False, progress=True) -> dict:
    """Cached descriptors of the queries, references and background of a copy-detection benchmark.

    Parameters
    ----------
    cd : imsearch.eval.benchmarks.CopyDetection (or :func:`embedded_copy_detection`)
    method : str
        A key of :data:`METHODS`.
    rebuild, progress : bool

    Returns
    -------
    dict
        ``queries`` (Q, D), ``references`` (R, D), ``background`` (B, D) float32 and
        ``seconds_per_image``.
    """
    images = list(cd.queries) + list(cd.references) + list(cd.background)
    desc, seconds = cached_descriptors(images, method, "copy_detection", rebuild, progress)
    q, r = len(cd.queries), len(cd.references)
    return {"queries": desc[:q], "references": desc[q:q + r], "background": desc[q + r:],
            "seconds_per_image": seconds}


# ----------------------------------------------------------------------------- scoring

def evaluate_scenes(scenes, methods=tuple(METHODS), rebuild=False, progress=True) -> dict:
    """mAP of each method on the same-scene benchmark.

    Parameters
    ----------
    scenes : imsearch.eval.benchmarks.Scenes
    methods : sequence of str
        Keys of :data:`METHODS`.
    rebuild, progress : bool
        Passed to :func:`scenes_descriptors`.

    Returns
    -------
    dict
        ``method -> {"mAP", "AP" (Q,), "similarity" (Q, N), "seconds_per_image",
        "seconds_per_query" (the search: similarities to all N images), "dimension"}``.
    """
    out = {}
    for m in methods:
        desc, seconds = scenes_descriptors(scenes, m, rebuild, progress)
        t0 = time.perf_counter()
        sim = similarity(desc[scenes.query_indices], desc, m)
        search = (time.perf_counter() - t0) / len(scenes.query_indices)
        res = scenes.evaluate(sim)
        out[m] = {"mAP": res["mAP"], "AP": res["AP"], "similarity": sim, "seconds_per_image": seconds,
                  "seconds_per_query": search, "dimension": desc.shape[1]}
    return out


def copy_detection_predictions(cd, sim_refs, sim_background=None, k=10):
    """Top-``k`` predictions from a query × reference similarity, optionally score-normalised.

    Parameters
    ----------
    cd : a copy-detection benchmark (its ``query_ids`` and ``reference_ids``)
    sim_refs : (Q, R) float array
        Similarity of every query to every reference (higher = more similar).
    sim_background : (Q, B) float array, optional
        Similarity of every query to the background images; the scores are then
        normalised by :func:`imsearch.eval.metrics.score_normalize` (SSCD's defaults).
    k : int >= 1
        Predictions per query (ties: lower reference index first).

    Returns
    -------
    (query_ids, ref_ids, scores) : three (Q·k,) arrays
        The form ``cd.evaluate`` accepts.
    """
    from ..eval.metrics import score_normalize

    s = check_array(sim_refs, "sim_refs", shape=(len(cd.queries), len(cd.references)), kinds="f")
    k = min(check_int(k, "k", minimum=1), s.shape[1])
    idx = np.argsort(-s, axis=1, kind="stable")[:, :k]
    scores = np.take_along_axis(s, idx, axis=1)
    if sim_background is not None:
        scores = score_normalize(scores, sim_background)
    qids = np.repeat(np.asarray(cd.query_ids), k)
    rids = np.asarray(cd.reference_ids)[idx.ravel()]
    return qids, rids, scores.ravel().astype(np.float64)


def evaluate_copy_detection(cd, methods=tuple(METHODS), k=10, rebuild=False, progress=True) -> dict:
    """µAP, recall at 90 % precision and µAP_SN of each method on the copy-detection benchmark.

    Parameters
    ----------
    cd : imsearch.eval.benchmarks.CopyDetection (or :func:`embedded_copy_detection`)
    methods : sequence of str
        Keys of :data:`METHODS`.
    k : int
        Predictions per query.
    rebuild, progress : bool

    Returns
    -------
    dict
        ``method -> {"uAP", "recall_at_p90", "uAP_SN", "recall_at_p90_SN", "seconds_per_image"}``.
    """
    out = {}
    for m in methods:
        d = copy_detection_descriptors(cd, m, rebuild, progress)
        sim = similarity(d["queries"], d["references"], m)
        sim_bg = similarity(d["queries"], d["background"], m)
        res = dict(cd.evaluate(copy_detection_predictions(cd, sim, k=k)))
        sn = cd.evaluate(copy_detection_predictions(cd, sim, sim_bg, k=k))
        res["uAP_SN"], res["recall_at_p90_SN"] = sn["uAP"], sn["recall_at_p90"]
        res["seconds_per_image"] = d["seconds_per_image"]
        out[m] = res
    return out


def relevance(scenes) -> np.ndarray:
    """The ground truth of a same-scene benchmark as a matrix.

    Parameters
    ----------
    scenes : imsearch.eval.benchmarks.Scenes

    Returns
    -------
    (Q, N) bool
        ``[q, i]`` is True when image ``i`` is a positive of query ``q`` (the query itself is not).
    """
    r = np.zeros((len(scenes.query_indices), len(scenes.images)), bool)
    for row, pos in enumerate(scenes.positives):
        r[row, pos] = True
    return r


def rerank_scenes(scenes, method, length, n_features=500, ratio=0.8, threshold_px=5.0, min_inliers=15,
                  rebuild=False, progress=True) -> dict:
    """Two-stage search on ``scenes``: shortlist by a global method, re-rank by SIFT + RANSAC inliers (cached).

    SIFT features (:func:`imsearch.features.extraction.local_features`) are computed only for the
    queries and the shortlisted images.

    Parameters
    ----------
    scenes : imsearch.eval.benchmarks.Scenes
    method : str
        A key of :data:`METHODS` for the first stage.
    length : int
        Shortlist length.
    n_features, ratio, threshold_px, min_inliers
        Of the second stage (:func:`imsearch.index.reranking.two_stage_search`); the inlier
        counts are cached, ``min_inliers`` is applied afterwards.
    rebuild, progress : bool

    Returns
    -------
    dict
        ``mAP`` (after re-ranking), ``mAP_global`` (first stage alone), ``AP`` (Q,),
        ``similarity`` (Q, N) (the re-ranked scores), ``shortlist`` and ``inliers`` (Q, length),
        ``seconds_per_pair`` (matching + RANSAC), ``seconds_per_sift`` (one image's
        features), ``n_described`` (images whose features were computed).
    """
    from ..features import extraction as _extraction
    from ..index import reranking as _rerank

    method = _check_method(method)
    n = len(scenes.images)
    length = check_int(length, "length", minimum=1, maximum=n - 1)
    desc, _ = scenes_descriptors(scenes, method, False, progress)
    key = (f"rerank-{method}-L{length}-f{n_features}-r{ratio}-t{threshold_px}-v{VERSION}-{_recipe(method)}-"
           f"{_fingerprint(scenes.images)}")
    path = cache_folder() / f"{key}.npz"
    z = None if rebuild else load_npz(path)
    if z is None:
        queries = np.asarray(scenes.query_indices)
        sim = similarity(desc[queries], desc, method)
        features, sift_seconds = {}, []

        def get(i):
            if i not in features:
                t0 = time.perf_counter()
                features[i] = _extraction.local_features(scenes.images[i], n_features)
                sift_seconds.append(time.perf_counter() - t0)
            return features[i]

        result = _rerank.two_stage_search(sim, [get(int(i)) for i in queries], get, length, exclude=queries,
                                         ratio=ratio, threshold_px=threshold_px, progress=progress)
        z = {"similarity_global": sim, "shortlist": result["shortlist"],
             "inliers": result["inliers"], "seconds_per_pair": np.array(result["seconds_per_pair"]),
             "seconds_per_sift": np.array(np.mean(sift_seconds)), "n_described": np.array(len(features))}
        save_npz(path, z)
    sim = np.array(z["similarity_global"])
    sim[np.arange(len(sim)), np.asarray(scenes.query_indices)] = -np.inf
    reranked = np.stack([_rerank.rerank(row, short, inl, min_inliers)
                         for row, short, inl in zip(sim, z["shortlist"], z["inliers"])])
    after = scenes.evaluate(reranked)
    before = scenes.evaluate(z["similarity_global"])
    return {"mAP": after["mAP"], "AP": after["AP"], "mAP_global": before["mAP"], "similarity": reranked,
            "shortlist": z["shortlist"], "inliers": z["inliers"],
            "seconds_per_pair": float(z["seconds_per_pair"]), "seconds_per_sift": float(z["seconds_per_sift"]),
            "n_described": int(z["n_described"])}


# ----------------------------------------------------------------------------- what a comparison costs

def comparison_times(sizes=(4, 8, 16, 32, 64, 128, 256), dimension=512, n_database=2000, budget_s=0.3, seed=0):
    """Seconds per comparison: EMD between signatures of ``k`` colours vs χ² and L2 between histograms.

    The EMD pairs are random CIELAB signatures (one :func:`imsearch.descriptors.signatures.emd` call
    each, repeated until ``budget_s`` is spent, at least once); χ²
    (:func:`imsearch.descriptors.histograms.chi2`) and L2 (plain numpy) compare one
    ``dimension``-bin histogram with ``n_database`` others in one vectorised call, and
    are divided by ``n_database``.

    Returns
    -------
    dict
        ``sizes`` (K,) int, ``emd`` (K,) float seconds, ``chi2`` float, ``l2`` float.
    """
    from .._util.validation import as_rng

    sizes = check_array(sizes, "sizes", ndim=1, kinds="iu", min_value=1).astype(np.int64)
    dimension = check_int(dimension, "dimension", minimum=1)
    n_database = check_int(n_database, "n_database", minimum=1)
    rng = as_rng(seed)
    emd_times = []
    for k in sizes:
        sig = [(rng.uniform([0, -80, -80], [100, 80, 80], (int(k), 3)), rng.dirichlet(np.ones(int(k))))
               for _ in range(2)]
        n, start = 0, time.perf_counter()
        while n == 0 or time.perf_counter() - start < budget_s:
            descriptors.emd(*sig[0], *sig[1])
            n += 1
        emd_times.append((time.perf_counter() - start) / n)
    h = rng.dirichlet(np.ones(dimension), size=n_database + 1)
    out = {"sizes": sizes, "emd": np.array(emd_times)}
    l2 = lambda q, x: ((x - q) ** 2).sum(axis=1)  # noqa: E731 - the bare numpy expression
    for metric, func in (("chi2", descriptors.chi2), ("l2", l2)):
        n, start = 0, time.perf_counter()
        while n == 0 or time.perf_counter() - start < budget_s:
            func(h[0], h[1:])
            n += 1
        out[metric] = (time.perf_counter() - start) / (n * n_database)
    return out


# ----------------------------------------------------------------------------- stand-ins without the pack

def _embedded_photos():
    from ..data import photos as _photos
    from ..edits import downscale

    # scikit-image's "cat" is the "chelsea" photo again: keep one of them
    names = [n for n in _photos.list_default_images() if n != "cat"]
    return names, [downscale(_photos.load_default_image(n), 320) for n in names]


def embedded_scenes(n_groups=12, views=3, n_distractors=120, seed=0):
    """A small same-scene benchmark made from the embedded photos, when the data pack is missing.

    ``n_groups`` photos each give a group: the photo (the query) and ``views`` edited
    views of it (crop + scale, rotation, perspective-like crop, colour and JPEG
    changes, from :mod:`imsearch.edits`); the distractors are random crops of the
    other embedded photos. Much easier and smaller than ``scenes``: numbers on it only
    illustrate.

    Returns
    -------
    imsearch.eval.benchmarks.Scenes
    """
    from .. import edits
    from .._util.validation import as_rng
    from ..eval.benchmarks import Scenes

    n_groups = check_int(n_groups, "n_groups", minimum=1, maximum=20)
    views = check_int(views, "views", minimum=1, maximum=6)
    n_distractors = check_int(n_distractors, "n_distractors", minimum=1)
    rng = as_rng(seed)
    names, photos = _embedded_photos()
    order = rng.permutation(len(photos))
    group_idx, other_idx = order[:n_groups], order[n_groups:]
    recipes = [("crop_and_scale", {"crop_fraction": 0.75}), ("rotate", {"degrees": 10}),
               ("color_jitter", {}), ("jpeg", {"quality": 30}), ("blur", {"sigma_px": 1.5}),
               ("gaussian_noise", {"sigma": 10})]
    images, ids, groups, queries, positives = [], [], [], [], []
    for g in group_idx:
        queries.append(len(images))
        images.append(photos[g])
        ids.append(f"embedded/{names[g]}")
        groups.append(names[g])
        start = len(images)
        for v in range(views):
            name, params = recipes[(v + int(g)) % len(recipes)]
            view = edits.apply_edit(name, photos[g], seed=int(rng.integers(2 ** 31)), **params)
            if name != "crop_and_scale":  # every view is also cropped a little: not a pixel copy
                view = edits.crop_and_scale(view, crop_fraction=0.9, seed=int(rng.integers(2 ** 31)))
            images.append(view)
            ids.append(f"embedded/{names[g]}/view{v + 1}")
            groups.append(names[g])
        positives.append(np.arange(start, len(images), dtype=np.int64))
    crops = edits.random_crops([photos[i] for i in other_idx], n_distractors, crop_fraction=(0.4, 0.8),
                               max_side=320, seed=int(rng.integers(2 ** 31)))
    images += crops
    ids += [f"embedded/crop{i:03d}" for i in range(len(crops))]
    groups += [None] * len(crops)
    return Scenes(images=images, ids=ids, groups=groups, query_indices=np.array(queries, np.int64),
                  positives=positives, duplicates=[], build_seconds=0.0)


class _MiniCopyDetection:
    """The interface of :class:`imsearch.eval.benchmarks.CopyDetection` on a few embedded photos."""

    def __init__(self, references, queries, query_edits, ground_truth, background):
        self.references = references
        self.reference_ids = [f"R{i:03d}" for i in range(len(references))]
        self.queries = queries
        self.query_ids = [f"Q{i:03d}" for i in range(len(queries))]
        self.query_edits = query_edits
        self.ground_truth = [(self.query_ids[q], self.reference_ids[r]) for q, r in ground_truth]
        self.background = background

    def __repr__(self):
        return (f"embedded copy detection ({len(self.references)} references, {len(self.queries)} queries, "
                f"{len(self.ground_truth)} with a copy, {len(self.background)} background)")

    def evaluate(self, predictions) -> dict:
        from ..eval.metrics import micro_average_precision, recall_at_precision

        return {"uAP": micro_average_precision(predictions, self.ground_truth),
                "recall_at_p90": recall_at_precision(predictions, self.ground_truth, 0.9)}


def embedded_copy_detection(seed=0):
    """A small copy-detection set from the embedded photos, when the data pack is missing.

    References: crops of half of the embedded photos (three per photo); queries: an
    edited copy (:func:`imsearch.edits.disc_edit`) of half of the references, and as
    many edited crops of the other photos (negative queries); background: more crops
    of those other photos.

    Returns
    -------
    An object with the attributes and the ``evaluate`` method of
    :class:`imsearch.eval.benchmarks.CopyDetection` (no training set).
    """
    from .. import edits
    from .._util.validation import as_rng

    rng = as_rng(seed)
    _, photos = _embedded_photos()
    order = rng.permutation(len(photos))
    half = len(photos) // 2
    ref_photos, other = [photos[i] for i in order[:half]], [photos[i] for i in order[half:]]
    crop = dict(crop_fraction=(0.5, 0.8), max_side=320)
    references = edits.random_crops(ref_photos, 3 * len(ref_photos), seed=int(rng.integers(2 ** 31)), **crop)
    others = edits.random_crops(other, 2 * len(references), seed=int(rng.integers(2 ** 31)), **crop)
    negatives, background = others[:len(references) // 2], others[len(references) // 2:]
    copied = np.sort(rng.choice(len(references), len(references) // 2, replace=False))
    sources = [("ref", int(r)) for r in copied] + [("neg", i) for i in range(len(negatives))]
    sources = [sources[i] for i in rng.permutation(len(sources))]
    queries, query_edits, truth = [], [], []
    for qi, (kind, i) in enumerate(sources):
        original = references[i] if kind == "ref" else negatives[i]
        edited, applied = edits.disc_edit(original, seed=int(rng.integers(2 ** 31)), other_images=background)
        queries.append(edited)
        query_edits.append(tuple(applied))
        if kind == "ref":
            truth.append((qi, i))
    return _MiniCopyDetection(references, queries, query_edits, truth, background)


# ----------------------------------------------------------------------------- command line

def main(argv=None) -> int:
    """``python -m imsearch.eval.global_methods [--rebuild] [--length L ...]``: fill the cache, print the tables."""
    import argparse

    from ..eval import benchmarks
    from ..data.pack import DataMissingError

    parser = argparse.ArgumentParser(prog="python -m imsearch.eval.global_methods",
                                     description="Describe both benchmarks with every chapter-6 method "
                                                 "(cached) and print mAP, µAP and µAP_SN.")
    parser.add_argument("--rebuild", action="store_true", help="compute again even when cached")
    parser.add_argument("--length", type=int, nargs="*", default=[20], help="shortlist lengths to re-rank")
    parser.add_argument("--first-stage", nargs="*", default=["gist", "hsv_hist"], help="methods to shortlist with")
    args = parser.parse_args(argv)
    try:
        scenes = benchmarks.load_scenes()
        cd = benchmarks.load_copy_detection()
    except DataMissingError as err:
        print(err, file=sys.stderr)
        return 1
    res_s = evaluate_scenes(scenes, rebuild=args.rebuild)
    res_c = evaluate_copy_detection(cd, rebuild=args.rebuild)
    print(f"{'method':46s} {'ms/img':>7s} {'mAP':>6s} {'µAP':>6s} {'µAP_SN':>7s}")
    for m, meth in METHODS.items():
        print(f"{meth.label:46s} {1000 * res_s[m]['seconds_per_image']:7.1f} {res_s[m]['mAP']:6.3f} "
              f"{res_c[m]['uAP']:6.3f} {res_c[m]['uAP_SN']:7.3f}")
    for m in args.first_stage:
        for length in args.length:
            r = rerank_scenes(scenes, m, length, rebuild=args.rebuild)
            print(f"shortlist {METHODS[m].short} L={length}: mAP {r['mAP_global']:.3f} -> {r['mAP']:.3f} "
                  f"({1000 * r['seconds_per_pair']:.1f} ms per pair, {1000 * r['seconds_per_sift']:.1f} ms per SIFT)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
