"""Retrieval leaderboard: every method of chapters 3, 6 and 7 on the course's two benchmarks.

Prints, in one run (markdown tables, ready for ``benchmarks/RESULTS.md``):

1. the two benchmarks (:mod:`imsearch.eval.benchmarks`): build time, load time, sizes;
2. for every method in :data:`METHODS` whose module is available: descriptor extraction
   time per image, search time per query, mAP on ``scenes``, µAP, recall at 90 %
   precision and µAP_SN on ``copy_detection``;
3. the inverted index against brute force as the database grows (same scores? time
   ratio), on the real bags of words of ``scenes`` and on larger synthetic ones — when
   :mod:`imsearch.index.inverted_file` and :mod:`imsearch.descriptors` provide them.

Adding a method: append a :class:`Method` to :data:`METHODS` (later chapters do), either

* ``Method(name, chapter, extract, metric)`` with ``extract(image) -> (D,) vector`` and
  ``metric`` one of :data:`imsearch.eval.SIMILARITY_METRICS`; or
* ``Method(name, chapter, extract, score)`` with ``extract(images) -> features`` for a
  list of images (an array with one row per image, or an object with ``select(indices)``)
  and ``score(query_features, database_features) -> (Q, N) similarities`` (higher =
  more similar).

Usage (from the repository root, with the course data pack)::

    IMSEARCH_DATA_MIRROR=../shared/data .venv/bin/python benchmarks/retrieval.py [--rebuild] [--only NAME ...]

``--rebuild`` rebuilds both benchmarks first (to time the build); otherwise the build
time recorded in the cache is printed. Local-feature methods train their vocabularies on
``copy_detection.train`` (700 ImageNet samples; they are distractors of ``scenes``, never
queries or positives). The first run extracts SIFT features of ~3000 images (minutes on
two cores); they are cached by :func:`imsearch.features.cached_features`.
"""
from __future__ import annotations

import argparse
import datetime
import functools
import importlib
import os
import platform
import sys
import time
from dataclasses import dataclass
from typing import Callable, Union

import numpy as np

from imsearch import descriptors
from imsearch.eval import benchmarks


@dataclass
class Method:
    """One leaderboard entry: ``(name, chapter, extract, metric)`` (see the module docstring).

    ``batch=True`` with a string ``metric``: ``extract`` takes the list of images and
    returns an ``(N, D)`` array at once. ``timing``: for an ``extract`` that reads a cache
    (SIFT features), a function ``images -> ms per image`` that measures the real
    extraction on a sample instead.
    """

    name: str
    chapter: int
    extract: Callable
    metric: Union[str, Callable]
    batch: bool = False
    timing: Union[Callable, None] = None

    @property
    def is_global(self) -> bool:
        return isinstance(self.metric, str)


def _optional(module: str):
    """The module ``imsearch.<module>``, or None when it does not exist (yet)."""
    try:
        return importlib.import_module(f"imsearch.{module}")
    except ImportError:
        return None


# ----------------------------------------------------------------------------- chapter 3

METHODS: list[Method] = [
    Method("pixels 16×16", 3, lambda im: descriptors.pixel_descriptor(im, size=(16, 16)), "l2"),
    Method("RGB histogram 8×8×8 (L1)", 3, lambda im: descriptors.color_histogram(im, (8, 8, 8)), "l1"),
]

# ----------------------------------------------------------------------------- chapter 6

_gb = _optional("global_benchmark")
_gist = _optional("gist")
if _gb is not None and all(hasattr(_gb, n) for n in ("METHODS", "describe", "similarity")):
    # chapter 6's own definitions (imsearch.eval.global_methods), so that the numbers match the chapter's
    for _key, _m in _gb.METHODS.items():
        if _key == "pixels":
            continue
        METHODS.append(Method(_m.label, 6, functools.partial(_gb.describe, method=_key, progress=False),
                              functools.partial(_gb.similarity, method=_key)))
else:
    if hasattr(descriptors, "SPACES") and "hsv" in descriptors.SPACES:
        METHODS += [
            Method("RGB histogram 8×8×8 (χ²)", 6, lambda im: descriptors.color_histogram(im, (8, 8, 8), "rgb"),
                   "chi2"),
            Method("HSV histogram 16×8×4 (χ²)", 6, lambda im: descriptors.color_histogram(im, (16, 8, 4), "hsv"),
                   "chi2"),
            Method("Lab histogram 8×8×8 (χ²)", 6, lambda im: descriptors.color_histogram(im, (8, 8, 8), "lab"),
                   "chi2"),
        ]
    if hasattr(descriptors, "color_signature") and hasattr(descriptors, "emd_distances"):
        METHODS.append(Method(
            "Lab palette, 8 colours (EMD)", 6,
            lambda images: [descriptors.color_signature(im, 8, "lab", max_samples=1024, seed=0) for im in images],
            lambda queries, database: -descriptors.emd_distances(queries, database)))
    if _gist is not None and hasattr(_gist, "gist_many"):
        METHODS.append(Method("GIST 4×8 Gabor, 4×4 grid (L2)", 6,
                              functools.partial(_gist.gist_many, progress=False), "l2", batch=True))

# ----------------------------------------------------------------------------- chapter 7

_bovw = _optional("bovw")
_invindex = _optional("invindex")
_HAVE_BOVW = _bovw is not None and all(hasattr(_bovw, n) for n in (
    "extract_features", "Pipeline", "bow_similarity", "he_similarity", "vlad_similarity"))


@functools.lru_cache(maxsize=None)
def _train_features():
    cd = benchmarks.load_copy_detection(progress=False)
    return _sift(cd.train, "train")


def _sift(images, name=None):
    if name is not None and hasattr(_bovw, "cached_features"):
        return _bovw.cached_features(images, name, max_keypoints=300, progress=False)
    return _bovw.extract_features(images, max_keypoints=300, progress=False)


@functools.lru_cache(maxsize=None)
def _pipeline(k):
    return _bovw.Pipeline(_train_features(), k, seed=0)


_VOCABULARIES = (64, 1024)
_SIFT_CACHE: dict = {}


def _features(images):
    """SIFT features (shared by every chapter-7 entry, cached on disk by content), already quantised.

    The vocabularies are trained (on ``copy_detection.train``) and the words computed here,
    so that a method's search time counts only what follows: its vectors or signatures,
    the database index and the scoring.
    """
    tag = getattr(images, "tag", None)
    feats = _SIFT_CACHE.get(tag)
    if feats is None:
        feats = _sift(images, tag)
        for k in _VOCABULARIES:
            _pipeline(k).words(feats)
        _SIFT_CACHE[tag] = feats
    return feats


def _sift_timing(k):
    def timing(images):
        """ms per image of SIFT (300 keypoints, no cache) and quantisation to the k words."""
        pipe = _pipeline(k)
        t0 = time.perf_counter()
        feats = _bovw.extract_features(list(images), max_keypoints=300, progress=False)
        _bovw.quantize(feats.rootsift(), pipe.centroids)
        return 1000 * (time.perf_counter() - t0) / len(images)
    return timing


if _HAVE_BOVW:
    METHODS += [
        Method("BoVW k=1024, counts (cosine)", 7, _features,
               lambda q, db: _bovw.bow_similarity(_pipeline(1024), db, q, "counts"), timing=_sift_timing(1024)),
        Method("BoVW k=1024, TF-IDF (cosine)", 7, _features,
               lambda q, db: _bovw.bow_similarity(_pipeline(1024), db, q, "tfidf"), timing=_sift_timing(1024)),
        Method("BoVW k=1024, TF-IDF, 5 % stop words", 7, _features,
               lambda q, db: _bovw.bow_similarity(_pipeline(1024), db, q, "tfidf", stop_fraction=0.05),
               timing=_sift_timing(1024)),
        Method("Hamming embedding k=1024, 64 bits, h=24", 7, _features,
               lambda q, db: _bovw.he_similarity(_pipeline(1024), db, q, threshold=24), timing=_sift_timing(1024)),
        Method("VLAD k=64 (8192-D)", 7, _features,
               lambda q, db: _bovw.vlad_similarity(_pipeline(64), db, q), timing=_sift_timing(64)),
        Method("VLAD k=64, PCA 128-D", 7, _features,
               lambda q, db: _bovw.vlad_similarity(_pipeline(64), db, q, pca_dim=128), timing=_sift_timing(64)),
    ]


# ----------------------------------------------------------------------------- running a method

class _Tagged(list):
    """A list of images with a ``tag`` naming it for the feature cache."""

    def __init__(self, images, tag):
        super().__init__(images)
        self.tag = tag


def _extract(method: Method, images, tag):
    if method.batch or not method.is_global:
        return method.extract(_Tagged(images, tag))
    return np.stack([np.asarray(method.extract(im), np.float64).ravel() for im in images])


def _select(features, indices):
    if hasattr(features, "select"):
        return features.select(np.asarray(indices))
    if isinstance(features, np.ndarray):
        return features[np.asarray(indices)]
    return [features[i] for i in indices]


def _score(method: Method, queries, database):
    if method.is_global:
        return benchmarks.similarity_matrix(queries, database, method.metric)
    return np.asarray(method.metric(queries, database), np.float64)


def run_method(method: Method, sc, cd) -> dict:
    """Extraction time per image, search time per query, mAP on scenes, µAP (and _SN) on copy_detection."""
    t0 = time.perf_counter()
    f_all = _extract(method, sc.images, "scenes")
    t_ext = time.perf_counter() - t0
    n_ext = len(sc.images)
    t0 = time.perf_counter()
    sim = _score(method, _select(f_all, sc.query_indices), f_all)
    t_search = time.perf_counter() - t0
    scenes_map = sc.evaluate(sim)["mAP"]
    t0 = time.perf_counter()
    fq = _extract(method, cd.queries, "copy_queries")
    fr = _extract(method, cd.references, "copy_references")
    fb = _extract(method, cd.background, "copy_background")
    t_ext += time.perf_counter() - t0
    n_ext += len(cd.queries) + len(cd.references) + len(cd.background)
    t0 = time.perf_counter()
    sim_r = _score(method, fq, fr)
    sim_b = _score(method, fq, fb)
    t_search_cd = time.perf_counter() - t0
    cd_scores = cd.evaluate_similarity(sim_r, sim_b, k=10)
    extract_ms = 1000 * t_ext / n_ext
    if method.timing is not None:  # the extraction above read a cache: measure it on a sample
        extract_ms = method.timing(sc.images[::40] + cd.queries[::15])
    return {"extract_ms": extract_ms,
            "search_ms_scenes": 1000 * t_search / len(sc.query_indices),
            "search_ms_copy": 1000 * t_search_cd / len(cd.queries),
            "mAP": scenes_map, **cd_scores}


# ----------------------------------------------------------------------------- inverted index

def inverted_index_scaling(sc, sizes=(200, 400, 800, None), k=1024, repeat=3) -> list:
    """The inverted index against brute force on the TF-IDF bags of words of ``scenes``.

    The database is the first N images of ``scenes`` (the group photos, then distractors;
    ``None`` = all), the queries its 38 queries. Three ways to score: the dense product
    (numpy), the sparse product (:func:`imsearch.index.brute_force_scores`) and
    :class:`imsearch.index.InvertedIndex`. Each timing is the best of ``repeat``.

    Returns
    -------
    list of dict
        ``n_images``, ``dense_ms``, ``sparse_ms``, ``inverted_ms`` (per query), ``speedup``
        (sparse / inverted), ``touched`` (mean fraction of the database a query visits),
        ``max_abs_diff`` and ``same_ranking`` (inverted index vs sparse product).
    """
    features = _sift(_Tagged(sc.images, "scenes"), "scenes")
    pipe = _pipeline(k)
    bow = pipe.bow(features)
    rows = []
    for n in sizes:
        n = len(sc.images) if n is None else min(n, len(sc.images))
        db_counts = bow[:n]
        q_counts = bow[sc.query_indices]
        db, q = _bovw.bow_vectors(db_counts, q_counts, "tfidf")
        index = _invindex.InvertedIndex(k)
        index.add(db)
        index.scores(q[:1])  # build the posting lists (not timed)
        dense_db, dense_q = db.toarray(), q.toarray()

        def best(fn):
            times, out = [], None
            for _ in range(repeat):
                t0 = time.perf_counter()
                out = fn()
                times.append(time.perf_counter() - t0)
            return min(times), out

        t_inv, s_inv = best(lambda: index.scores(q))
        t_sparse, s_sparse = best(lambda: _invindex.brute_force_scores(q, db))
        t_dense, _ = best(lambda: dense_q @ dense_db.T)
        s_sparse = np.asarray(s_sparse.toarray() if hasattr(s_sparse, "toarray") else s_sparse)
        same = bool(np.array_equal(_invindex.ranking(s_inv), _invindex.ranking(s_sparse)))
        nq = q.shape[0]
        rows.append({"n_images": n, "dense_ms": 1000 * t_dense / nq, "sparse_ms": 1000 * t_sparse / nq,
                     "inverted_ms": 1000 * t_inv / nq, "speedup": t_sparse / t_inv,
                     "touched": float(np.mean(index.n_touched(q)) / n),
                     "max_abs_diff": float(np.abs(s_inv - s_sparse).max()), "same_ranking": same})
    return rows


# ----------------------------------------------------------------------------- main

def _benchmark_table(rebuild: bool) -> tuple:
    rows = []
    t0 = time.perf_counter()
    sc = benchmarks.load_scenes(rebuild=rebuild, progress=False)
    t_sc = time.perf_counter() - t0
    t0 = time.perf_counter()
    cd = benchmarks.load_copy_detection(rebuild=rebuild, progress=False)
    t_cd = time.perf_counter() - t0
    mib = lambda p: p.stat().st_size / 2 ** 20  # noqa: E731
    n_dis = len(sc.distractor_indices)
    rows.append(("scenes", sc.build_seconds, t_sc if not rebuild else float("nan"),
                 f"{len(sc.query_indices)} queries, {len(sc.images) - n_dis} group photos, {n_dis} distractors "
                 f"({len(sc.images)} images; {len(sc.duplicates)} duplicates dropped)",
                 mib(benchmarks.benchmark_path("scenes"))))
    rows.append(("copy_detection", cd.build_seconds, t_cd if not rebuild else float("nan"),
                 f"{len(cd.references)} references, {len(cd.queries)} queries ({len(cd.ground_truth)} copies), "
                 f"{len(cd.train_ids)} train, {len(cd.background)} background",
                 mib(benchmarks.benchmark_path("copy_detection", seed=0))))
    return sc, cd, rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild both benchmarks first (timed)")
    parser.add_argument("--only", nargs="*", default=None, help="run only the methods whose name contains these")
    parser.add_argument("--no-index", action="store_true", help="skip the inverted-index comparison")
    args = parser.parse_args(argv)

    print("## Retrieval leaderboard\n")
    print(f"- date: {datetime.date.today().isoformat()}; machine: {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}")
    print(f"- command: `IMSEARCH_DATA_MIRROR=<pack> python benchmarks/retrieval.py"
          f"{' --rebuild' if args.rebuild else ''}`\n")
    try:
        sc, cd, rows = _benchmark_table(args.rebuild)
    except Exception as err:  # noqa: BLE001 - DataMissingError mostly: say so and stop
        print(f"benchmarks unavailable: {err}")
        return 1
    print("### The benchmarks\n")
    print("| benchmark | build (s) | load from cache (s) | contents | cache (MiB) |")
    print("|---|---:|---:|---|---:|")
    for name, build, load, what, size in rows:
        load_txt = "-" if np.isnan(load) else f"{load:.1f}"
        print(f"| `{name}` | {build:.1f} | {load_txt} | {what} | {size:.0f} |")
    print()

    methods = [m for m in METHODS if not args.only or any(o.lower() in m.name.lower() for o in args.only)]
    print("### Methods\n")
    print("mAP on `scenes` (38 queries, 1615 images); on `copy_detection`, the 10 nearest references per query "
          "pooled: µAP, recall at 90 % precision, µAP after score normalisation against the 300 background "
          "photos (SSCD: minus the mean similarity to the 3 nearest background images). Extraction: per image "
          "(chapter 7: SIFT with at most 300 keypoints + quantisation, measured without cache on 61 of the "
          "images). Search: per query, all queries against the whole database (scenes: 1615 images; copy: 300 "
          "references + 300 background); for chapter 7 it includes building the database's vectors, "
          "signatures and index. Vocabularies: k-means on the SIFT of `copy_detection.train`.\n")
    print("| method | ch. | extract (ms/img) | search scenes (ms/q) | search copy (ms/q) | scenes mAP "
          "| copy µAP | copy R@P90 | copy µAP_SN |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m in methods:
        try:
            r = run_method(m, sc, cd)
        except Exception as err:  # noqa: BLE001 - a method still being written must not stop the table
            print(f"| {m.name} | {m.chapter} | failed: {type(err).__name__}: {err} | | | | | | |")
            continue
        print(f"| {m.name} | {m.chapter} | {r['extract_ms']:.2f} | {r['search_ms_scenes']:.2f} | "
              f"{r['search_ms_copy']:.2f} | {r['mAP']:.3f} | {r['uAP']:.3f} | {r['recall_at_p90']:.3f} | "
              f"{r['uAP_SN']:.3f} |")
        sys.stdout.flush()
    print()
    if not _HAVE_BOVW:
        print("Chapter 7 methods: skipped, imsearch.descriptors does not provide them yet.\n")

    print("### Inverted index against brute force\n")
    if args.no_index:
        print("skipped (--no-index)\n")
    elif _HAVE_BOVW and _invindex is not None and hasattr(_invindex, "InvertedIndex"):
        print("TF-IDF bags of words (k = 1024) of `scenes`: the database is its first N images, the queries its "
              "38 queries; time per query, best of 3.\n")
        print("| N | dense (ms/q) | sparse product (ms/q) | inverted index (ms/q) | sparse / inverted "
              "| touched | max abs diff | same ranking |")
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in inverted_index_scaling(sc):
            print(f"| {r['n_images']} | {r['dense_ms']:.3f} | {r['sparse_ms']:.3f} | {r['inverted_ms']:.3f} | "
                  f"{r['speedup']:.2f} | {r['touched']:.0%} | {r['max_abs_diff']:.1e} | {r['same_ranking']} |")
        print()
        if hasattr(_invindex, "benchmark_inverted_index"):
            print("Larger synthetic databases (Zipf-distributed words, k = 20000, 300 words per image, 20 queries; "
                  "`imsearch.index.benchmark_inverted_index`):\n")
            print("| N | dense (ms/q) | sparse product (ms/q) | inverted index (ms/q) | sparse / inverted "
                  "| touched | same ranking |")
            print("|---:|---:|---:|---:|---:|---:|---|")
            for r in _invindex.benchmark_inverted_index(sizes=(1000, 4000, 16000)):
                dense = "-" if np.isnan(r["dense_ms"]) else f"{r['dense_ms']:.2f}"
                print(f"| {r['n_images']} | {dense} | {r['sparse_ms']:.2f} | {r['inverted_ms']:.2f} | "
                      f"{r['speedup']:.2f} | {r['touched_fraction']:.0%} | {r['same_ranking']} |")
            print()
    else:
        print("skipped: imsearch.index.inverted_file / imsearch.descriptors do not provide an inverted index yet "
              "(inverted_index_scaling() is ready for them).\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
