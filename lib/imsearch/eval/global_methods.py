"""Cheap global descriptors on the course's two benchmarks: describe once, cache, score.

Chapter 6 compares pixels (chapter 3), colour histograms in three spaces, adaptive
palettes compared with the earth mover's distance, and GIST on ``scenes`` (mAP) and
``copy_detection`` (µAP, µAP_SN), then uses them as the first stage of a two-stage
search (:mod:`imsearch.index.reranking`). Describing ~2500 images takes a minute or two, so
every result is computed once and cached under
``imsearch.data.cache_dir() / "globaldesc"``, keyed by the method, its version and a
content hash of the images (every pixel, :func:`imsearch._util.cache.content_hash`): a changed benchmark is
described again. Rebuild everything with::

    python -m imsearch.eval.global_methods --rebuild

Without the data pack, :func:`imsearch.eval.benchmarks.embedded_scenes` and
:func:`imsearch.eval.benchmarks.embedded_copy_detection` are small stand-ins with the same
interface, so the chapter still runs.
"""
from __future__ import annotations


import sys
import time
import zlib
from pathlib import Path

import numpy as np

from .._util.cache import content_hash, load_npz, save_npz
from .._util.progress import progress as _progress
from .. import descriptors
from .methods import METHODS, methods_of
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


#: The global descriptors of :data:`imsearch.eval.methods.METHODS` (those with a metric): the
#: methods this module describes and caches.
GLOBAL_METHODS = tuple(key for key, m in METHODS.items() if m.metric is not None)

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
    elif method == "rgb_hist_l1":
        text = "rgb(8, 8, 8) full size"
    else:
        text = "16x16 area"
    return f"{zlib.crc32(text.encode()):08x}"


def _check_method(method) -> str:
    if not isinstance(method, str) or method not in GLOBAL_METHODS:
        raise ValueError(f"method must be one of {', '.join(GLOBAL_METHODS)}; got {method!r}")
    return method


def describe(images, method, progress=True) -> np.ndarray:
    """Describe every image with one of :data:`GLOBAL_METHODS`.

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
        A key of :data:`GLOBAL_METHODS`.
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
    for im in _progress(images, METHODS[method].short, enabled=progress, unit="img", leave=False, mininterval=1.0):
        if method == "pixels":
            rows.append(descriptors.pixel_descriptor(im, size_px=(16, 16)))
        elif method == "rgb_hist_l1":  # chapter 3's histogram: the whole image, default RGB bins
            rows.append(descriptors.color_histogram(im, (8, 8, 8)))
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
    """(Q, N) similarities (higher = closer) for a method of :data:`GLOBAL_METHODS`.

    Parameters
    ----------
    query_desc : (Q, D) array_like
    database_desc : (N, D) array_like
        Descriptors from :func:`describe` with the same ``method``.
    method : str
        A key of :data:`GLOBAL_METHODS`.

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
    return f"{len(images)}-{content_hash([np.asarray(im) for im in images])}"


def cached_descriptors(images, method, tag, rebuild=False, progress=True):
    """:func:`describe`, computed once and cached.

    Parameters
    ----------
    images : sequence of (H, W, 3) uint8
    method : str
        A key of :data:`GLOBAL_METHODS`.
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
        A key of :data:`GLOBAL_METHODS`.
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
    cd : imsearch.eval.benchmarks.CopyDetection
    method : str
        A key of :data:`GLOBAL_METHODS`.
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

def evaluate_scenes(scenes, methods=methods_of(6), rebuild=False, progress=True) -> dict:
    """mAP of each method on the same-scene benchmark.

    Parameters
    ----------
    scenes : imsearch.eval.benchmarks.Scenes
    methods : sequence of str
        Keys of :data:`GLOBAL_METHODS` (default: chapter 6's, ``methods_of(6)``).
    rebuild, progress : bool
        Passed to :func:`scenes_descriptors`.

    Returns
    -------
    dict
        ``method -> {"mAP", "AP" (Q,), "mAP_first", "similarity" (Q, N), "seconds_per_image",
        "seconds_per_query" (the search: similarities to all N images), "dimension"}``.
    """
    out = {}
    for m in methods:
        desc, seconds = scenes_descriptors(scenes, m, rebuild, progress)
        t0 = time.perf_counter()
        sim = similarity(desc[scenes.query_indices], desc, m)
        search = (time.perf_counter() - t0) / len(scenes.query_indices)
        res = scenes.evaluate(sim)
        out[m] = {"mAP": res["mAP"], "AP": res["AP"], "mAP_first": res["mAP_first"], "similarity": sim,
                  "seconds_per_image": seconds, "seconds_per_query": search, "dimension": desc.shape[1]}
    return out


def evaluate_copy_detection(cd, methods=methods_of(6), k=10, rebuild=False, progress=True) -> dict:
    """µAP, recall at 90 % precision and µAP_SN of each method on the copy-detection benchmark.

    Parameters
    ----------
    cd : imsearch.eval.benchmarks.CopyDetection
    methods : sequence of str
        Keys of :data:`GLOBAL_METHODS` (default: chapter 6's, ``methods_of(6)``).
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
        res = cd.evaluate_similarity(sim, sim_bg, k=k)
        res["seconds_per_image"] = d["seconds_per_image"]
        out[m] = res
    return out


def copy_predictions(cd, method, normalised=False, k=10, rebuild=False, progress=False):
    """A method's copy-detection predictions, raw or score-normalised (for paired comparisons).

    Parameters
    ----------
    cd : imsearch.eval.benchmarks.CopyDetection
    method : str
        A key of :data:`GLOBAL_METHODS`.
    normalised : bool
        Normalise each query's scores against the background set (µAP_SN's predictions).
    k : int
        Predictions per query.
    rebuild, progress : bool

    Returns
    -------
    (query_ids, ref_ids, scores) : three (Q·k,) arrays
        As :func:`imsearch.eval.benchmarks.predictions_from_similarity` returns them.
    """
    from .benchmarks import predictions_from_similarity

    d = copy_detection_descriptors(cd, method, rebuild, progress)
    sim_bg = similarity(d["queries"], d["background"], method) if normalised else None
    return predictions_from_similarity(similarity(d["queries"], d["references"], method), cd.query_ids,
                                       cd.reference_ids, k=k, background_similarity=sim_bg)


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

    SIFT features (:func:`imsearch.features.opencv.opencv_sift`, RootSIFT) are computed only for the
    queries and the shortlisted images.

    Parameters
    ----------
    scenes : imsearch.eval.benchmarks.Scenes
    method : str
        A key of :data:`GLOBAL_METHODS` for the first stage.
    length : int
        Shortlist length.
    n_features, ratio, threshold_px, min_inliers
        Of the second stage (:func:`imsearch.index.reranking.two_stage_search`); the inlier
        counts are cached, ``min_inliers`` is applied afterwards.
    rebuild, progress : bool

    Returns
    -------
    dict
        ``mAP`` (after re-ranking), ``mAP_first`` (its first photos only), ``mAP_global`` (first
        stage alone), ``AP`` (Q,),
        ``similarity`` (Q, N) (the re-ranked scores), ``shortlist`` and ``inliers`` (Q, length),
        ``seconds_per_pair`` (matching + RANSAC), ``seconds_per_sift`` (one image's
        features), ``n_described`` (images whose features were computed).
    """
    from ..features.opencv import opencv_sift
    from ..index import reranking as _rerank

    method = _check_method(method)
    n = len(scenes.images)
    length = check_int(length, "length", minimum=1, maximum=n - 1)
    desc, _ = scenes_descriptors(scenes, method, False, progress)
    queries_crc = zlib.crc32(np.asarray(scenes.query_indices, np.int64).tobytes())
    key = (f"rerank-{method}-L{length}-f{n_features}-r{ratio}-t{threshold_px}-v{VERSION}-{_recipe(method)}-"
           f"{_fingerprint(scenes.images)}-q{len(scenes.query_indices)}-{queries_crc:08x}")
    path = cache_folder() / f"{key}.npz"
    z = None if rebuild else load_npz(path)
    if z is None:
        queries = np.asarray(scenes.query_indices)
        sim = similarity(desc[queries], desc, method)
        features, sift_seconds = {}, []

        def get(i):
            if i not in features:
                t0 = time.perf_counter()
                features[i] = opencv_sift(scenes.images[i], n_features, root_sift=True)
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
    return {"mAP": after["mAP"], "AP": after["AP"], "mAP_first": after["mAP_first"], "mAP_global": before["mAP"],
            "similarity": reranked,
            "shortlist": z["shortlist"], "inliers": z["inliers"],
            "seconds_per_pair": float(z["seconds_per_pair"]), "seconds_per_sift": float(z["seconds_per_sift"]),
            "n_described": int(z["n_described"])}


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
    for m in methods_of(6):
        meth = METHODS[m]
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
