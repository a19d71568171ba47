"""Retrieval leaderboard: every method of chapters 3, 6 and 7 on the course's three benchmarks, with intervals.

Prints, in one run (markdown tables, ready for ``benchmarks/RESULTS.md``):

1. the benchmarks (:mod:`imsearch.eval.benchmarks`): build time, sizes, query counts;
2. every method: extraction time per image, search time per query, and each score with
   its 95 % percentile bootstrap interval over queries (1000 resamples, seed 0): mAP on
   ``scenes`` (every group photo a query) and mAP (first photo) for continuity with the
   first version; N-S score and mAP on ``ukbench``; µAP, recall at 90 % precision and
   µAP_SN on ``copy_detection``;
3. which neighbouring methods the benchmarks can tell apart: the paired bootstrap of
   their difference on the same queries (an ordering holds only where it excludes 0);
4. the inverted index against brute force as the database grows.

The methods are the course's one registry, :data:`imsearch.eval.methods.METHODS`: chapters
3 and 6's global descriptors through :mod:`imsearch.eval.global_methods` (cached
descriptors, the same numbers as the chapter), chapter 7's variants through
:func:`imsearch.eval.bow_pipeline.variant_similarity` at the vocabulary size the registry gives
(vocabularies trained on the first 400 photos of ``copy_detection.train``,
:data:`imsearch.eval.bow_pipeline.N_TRAIN`; ImageNet samples, never a query or a positive).

Usage (from the repository root, with the course data pack)::

    IMSEARCH_DATA_MIRROR=../shared/data .venv/bin/python benchmarks/retrieval.py [--rebuild] [--only NAME ...]

``--rebuild`` rebuilds ``scenes`` and ``copy_detection`` first (to time the build). The
first run extracts SIFT features of ~3300 images (minutes on two cores); they are cached.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time

import numpy as np

from imsearch import descriptors, eval
from imsearch._util.timing import best_of
from imsearch.eval import benchmarks, bow_pipeline, global_methods
from imsearch.features.extraction import cached_features, extract_features

N_RESAMPLES = 1000
SEED = 0
#: The methods: the course's one registry, in table order (chapter 3, 6, then 7).
METHODS = eval.METHODS


def _timed(func, *args, **kwargs):
    t0 = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t0


# ----------------------------------------------------------------------------- similarities per method

def global_entries(benches):
    """Chapter 3 and 6 entries: ``(name, chapter, run)``, ``run() -> dict`` of similarities and timings."""
    sc, uk, cd = benches

    def make(key):
        def run():
            out = {}
            d_sc, sec = global_methods.scenes_descriptors(sc, key, progress=False)
            d_uk, _ = global_methods.cached_descriptors(uk.images, key, "ukbench", progress=False)
            d_cd = global_methods.copy_detection_descriptors(cd, key, progress=False)
            out["scenes"], t = _timed(global_methods.similarity, d_sc[sc.query_indices], d_sc, key)
            out["search_ms"] = 1000 * t / len(sc.query_indices)
            out["ukbench"] = global_methods.similarity(d_uk, d_uk, key)
            out["copy"] = global_methods.similarity(d_cd["queries"], d_cd["references"], key)
            out["copy_bg"] = global_methods.similarity(d_cd["queries"], d_cd["background"], key)
            out["extract_ms"] = 1000 * sec
            return out
        return run

    return [(m.label, m.chapters[0], make(key)) for key, m in METHODS.items() if m.metric is not None]


def local_entries(benches, progress=False):
    """Chapter 7 entries (SIFT features and vocabularies cached; words computed before the timed search)."""
    sc, uk, cd = benches
    mk = bow_pipeline.MAX_KEYPOINTS
    state = {}

    def setup():
        if not state:
            train = cached_features(cd.train[:bow_pipeline.N_TRAIN], "train", mk, progress)
            state["features"] = {
                "scenes": cached_features(sc.images, "scenes", mk, progress),
                "ukbench": cached_features(uk.images, "ukbench", mk, progress),
                "copy_references": cached_features(cd.references, "copy_references", mk, progress),
                "copy_queries": cached_features(cd.queries, "copy_queries", mk, progress),
                "copy_background": cached_features(cd.background, "copy_background", mk, progress),
            }
            state["pipelines"] = {k: bow_pipeline.Pipeline(train, k) for k in sorted({m.k for m in METHODS.values() if m.k})}
            for p in state["pipelines"].values():
                for f in state["features"].values():
                    p.words(f)
            # SIFT + RootSIFT timed without the cache on a sample of the scenes images
            sample = sc.images[::40]
            feats, t = _timed(extract_features, sample, mk, progress=False)
            feats.rootsift()
            state["sift_ms"] = 1000 * t / len(sample)
            state["sample"] = feats
        return state

    def make(variant, k):
        def run():
            st = setup()
            f, p = st["features"], st["pipelines"][k]
            from imsearch.descriptors import bow as _bow
            assign = getattr(_bow, "assign_words", None) or getattr(_bow, "quantize")
            _, t_q = _timed(assign, st["sample"].rootsift(), p.centroids)
            db, queries = f["scenes"], f["scenes"].select(sc.query_indices)
            sim = lambda d, q, **kw: bow_pipeline.variant_similarity(variant, p, d, q, **kw)  # noqa: E731
            sim(db, queries, exclude=sc.query_indices)  # encodes the database (kept in memory)
            out = {}
            out["scenes"], t = _timed(sim, db, queries, exclude=sc.query_indices)
            out["search_ms"] = 1000 * t / len(sc.query_indices)
            out["ukbench"] = sim(f["ukbench"], f["ukbench"])
            out["copy"] = sim(f["copy_references"], f["copy_queries"])
            out["copy_bg"] = sim(f["copy_background"], f["copy_queries"])
            out["extract_ms"] = st["sift_ms"] + 1000 * t_q / st["sample"].n_images
            return out
        return run

    return [(m.label, 7, make(key, m.k)) for key, m in METHODS.items() if m.metric is None]


# ----------------------------------------------------------------------------- scoring with intervals

def score(benches, sims) -> dict:
    """Every metric of one method with its interval: ``{metric: Interval}``."""
    sc, uk, cd = benches
    opts = dict(n_resamples=N_RESAMPLES, seed=SEED)
    out = {}
    s = sc.intervals(sims["scenes"], **opts)
    out["scenes mAP"], out["scenes mAP (first photo)"] = s["mAP"], s["mAP_first"]
    u = uk.intervals(sims["ukbench"], **opts)
    out["ukbench N-S"], out["ukbench mAP"] = u["N-S"], u["mAP"]
    c = cd.intervals(sims["copy"], sims["copy_bg"], **opts)
    out["copy µAP"], out["copy R@P90"], out["copy µAP_SN"] = c["uAP"], c["recall_at_p90"], c["uAP_SN"]
    return out


def paired(benches, metric, a, b):
    """The paired bootstrap of ``metric`` of method a minus method b (their similarities)."""
    sc, uk, cd = benches
    opts = dict(n_resamples=N_RESAMPLES, seed=SEED)
    if metric.startswith("scenes"):
        key = "mAP_first" if "first" in metric else "mAP"
        return sc.paired_intervals(a["scenes"], b["scenes"], **opts)[key]
    if metric.startswith("ukbench"):
        return uk.paired_intervals(a["ukbench"], b["ukbench"], **opts)["N-S" if "N-S" in metric else "mAP"]
    key = {"copy µAP": "uAP", "copy R@P90": "recall_at_p90", "copy µAP_SN": "uAP_SN"}[metric]
    return cd.paired_intervals(a["copy"], b["copy"], a["copy_bg"], b["copy_bg"], **opts)[key]


def normalisation_gain(cd, sims):
    """µAP_SN minus µAP of one method, paired on the same resamples of the queries."""
    from imsearch.eval.benchmarks import predictions_from_similarity
    from imsearch.eval.bootstrap import paired_bootstrap_micro_ap

    raw = predictions_from_similarity(sims["copy"], cd.query_ids, cd.reference_ids, k=10)
    normalised = predictions_from_similarity(sims["copy"], cd.query_ids, cd.reference_ids, k=10,
                                             background_similarity=sims["copy_bg"])
    return paired_bootstrap_micro_ap(normalised, raw, cd.ground_truth, cd.query_ids, N_RESAMPLES, seed=SEED)


def _fmt(iv, digits=3):
    return f"{iv.estimate:.{digits}f} [{iv.low:.{digits}f}, {iv.high:.{digits}f}]"


# ----------------------------------------------------------------------------- inverted index

def inverted_index_scaling(sc, features, pipe, sizes=(200, 400, 800, None), repeat=3) -> list:
    """The inverted index against brute force on the TF-IDF bags of words of ``scenes`` (best of ``repeat``).

    The database is the first N images of ``scenes`` (``None`` = all), the queries its queries.
    """
    from imsearch.index import inverted_file as inv
    from imsearch.index.brute_force import ranking

    bow = pipe.bow(features)
    rows = []
    for n in sizes:
        n = len(sc.images) if n is None else min(n, len(sc.images))
        db, q = descriptors.bow_vectors(bow[:n], bow[sc.query_indices], "tfidf")
        index = inv.InvertedIndex(pipe.k)
        index.add(db)
        index.scores(q[:1])  # build the posting lists (not timed)
        dense_db, dense_q = db.toarray(), q.toarray()

        t_inv, s_inv = best_of(lambda: index.scores(q), repeat)
        t_sparse, s_sparse = best_of(lambda: inv.brute_force_scores(q, db), repeat)
        t_dense, _ = best_of(lambda: dense_q @ dense_db.T, repeat)
        s_sparse = np.asarray(s_sparse.toarray() if hasattr(s_sparse, "toarray") else s_sparse)
        nq = q.shape[0]
        rows.append({"n_images": n, "dense_ms": 1000 * t_dense / nq, "sparse_ms": 1000 * t_sparse / nq,
                     "inverted_ms": 1000 * t_inv / nq, "speedup": t_sparse / t_inv,
                     "touched": float(np.mean(index.n_touched(q)) / n),
                     "max_abs_diff": float(np.abs(s_inv - s_sparse).max()),
                     "same_ranking": bool(np.array_equal(ranking(s_inv), ranking(s_sparse)))})
    return rows


# ----------------------------------------------------------------------------- main

METRICS = ("scenes mAP", "scenes mAP (first photo)", "ukbench N-S", "ukbench mAP", "copy µAP", "copy R@P90",
           "copy µAP_SN")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild scenes and copy_detection first (timed)")
    parser.add_argument("--only", nargs="*", default=None, help="run only the methods whose name contains these")
    parser.add_argument("--no-index", action="store_true", help="skip the inverted-index comparison")
    args = parser.parse_args(argv)
    t_start = time.perf_counter()

    print("## Retrieval leaderboard\n")
    print(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; machine: "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}")
    print(f"- command: `IMSEARCH_DATA_MIRROR=<pack> python benchmarks/retrieval.py"
          f"{' --rebuild' if args.rebuild else ''}`")
    print(f"- intervals: 95 % percentile bootstrap over queries, {N_RESAMPLES} resamples, seed {SEED} "
          f"(`imsearch.eval.bootstrap`)\n")
    try:
        (sc, t_sc) = _timed(benchmarks.load_scenes, rebuild=args.rebuild, progress=False)
        (cd, t_cd) = _timed(benchmarks.load_copy_detection, rebuild=args.rebuild, progress=False)
        (uk, t_uk) = _timed(benchmarks.load_ukbench)
    except Exception as err:  # noqa: BLE001 - DataMissingError mostly: say so and stop
        print(f"benchmarks unavailable: {err}")
        return 1
    benches = (sc, uk, cd)
    print("### The benchmarks\n")
    print("| benchmark | build (s) | queries | contents |")
    print("|---|---:|---:|---|")
    n_dis = len(sc.distractor_indices)
    print(f"| `scenes` | {sc.build_seconds:.1f} | {len(sc.query_indices)} ({len(sc.first_rows)} first photos) | "
          f"{len(sc.first_rows)} groups, {len(sc.images) - n_dis} group photos, {n_dis} distractors "
          f"({len(sc.images)} images; {len(sc.duplicates)} duplicates dropped) |")
    print(f"| `ukbench` | {t_uk:.1f} (decoded, not cached) | {len(uk.query_indices)} | "
          f"{len(uk.first_rows)} objects × 4 photos, no distractors |")
    print(f"| `copy_detection` | {cd.build_seconds:.1f} | {len(cd.queries)} | {len(cd.references)} references, "
          f"{len(cd.queries)} queries ({len(cd.ground_truth)} copies), {len(cd.train_ids)} train, "
          f"{len(cd.background)} background |")
    print()

    entries = global_entries(benches) + local_entries(benches)
    entries = [e for e in entries if not args.only or any(o.lower() in e[0].lower() for o in args.only)]
    results, sims = {}, {}
    for name, chapter, run in entries:
        try:
            s = run()
        except Exception as err:  # noqa: BLE001 - a method being rewritten must not stop the table
            print(f"{name}: failed: {type(err).__name__}: {err}\n", file=sys.stderr)
            continue
        sims[name] = s
        results[name] = (chapter, s["extract_ms"], s["search_ms"], score(benches, s))

    print("### Methods\n")
    print(f"Each score with its 95 % bootstrap interval over queries ({N_RESAMPLES} resamples). `scenes`: "
          f"{len(sc.query_indices)} queries (every group photo) against {len(sc.images)} images, and the "
          f"{len(sc.first_rows)} first photos only; `ukbench`: {len(uk.query_indices)} queries against the "
          f"{len(uk.images)} photos, N-S = mean number of the object's 4 photos in the top 4 (query included; "
          f"4 is perfect); `copy_detection`: the 10 nearest references per query pooled, {len(cd.queries)} queries, "
          f"µAP_SN after score normalisation against the {len(cd.background)} background photos. Extraction per "
          f"image (chapter 6: measured when its cache was written; chapter 7: SIFT with at most 300 keypoints + "
          f"quantisation, measured without cache on {len(sc.images[::40])} images); search per `scenes` query "
          f"(chapter 7: includes building the index from the encoded database).\n")
    print("| method | ch. | extract (ms/img) | search (ms/q) | " + " | ".join(METRICS) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(METRICS))
    for name, (chapter, ext, search, sc_) in results.items():
        print(f"| {name} | {chapter} | {ext:.2f} | {search:.2f} | "
              + " | ".join(_fmt(sc_[m], 2 if m == "ukbench N-S" else 3) for m in METRICS) + " |")
    print()
    half = {m: np.median([r[3][m].half_width for r in results.values()]) for m in METRICS}
    print("Median interval half-width over the methods: "
          + ", ".join(f"{m} ±{h:.3f}" for m, h in half.items()) + ".\n")

    print("### Which neighbours can the benchmarks tell apart?\n")
    print("For each metric, the methods sorted by score; each line is the paired bootstrap of a method minus the "
          "next one below it (same queries, same resamples). `yes`: the interval excludes 0, the ordering holds; "
          "`no`: the benchmark cannot rank the two.\n")
    print("| metric | better | worse | difference [95 % interval] | separated |")
    print("|---|---|---|---:|---|")
    separated = {}
    for m in METRICS:
        ranked = sorted(results, key=lambda n: -results[n][3][m].estimate)
        count = 0
        for a, b in zip(ranked, ranked[1:]):
            d = paired(benches, m, sims[a], sims[b])
            count += d.excludes(0)
            print(f"| {m} | {a} | {b} | {_fmt(d, 3 if m != 'ukbench N-S' else 2)} | "
                  f"{'yes' if d.excludes(0) else 'no'} |")
        separated[m] = (count, len(ranked) - 1)
    print()
    print("Neighbouring pairs separated: " + ", ".join(f"{m} {c}/{n}" for m, (c, n) in separated.items()) + ".\n")

    print("### What score normalisation changes\n")
    print("µAP_SN minus µAP of each method on `copy_detection`, paired on the same resamples of the queries "
          "(`imsearch.eval.bootstrap.paired_bootstrap_micro_ap`).\n")
    print("| method | µAP | µAP_SN | µAP_SN − µAP [95 % interval] | separated |")
    print("|---|---:|---:|---:|---|")
    for name, s in sims.items():
        d = normalisation_gain(cd, s)
        print(f"| {name} | {results[name][3]['copy µAP'].estimate:.3f} | {results[name][3]['copy µAP_SN'].estimate:.3f} "
              f"| {_fmt(d)} | {'yes' if d.excludes(0) else 'no'} |")
    print()

    print("### Inverted index against brute force\n")
    if args.no_index:
        print("skipped (--no-index)\n")
    else:
        st_features = cached_features(sc.images, "scenes", bow_pipeline.MAX_KEYPOINTS, False)
        train = cached_features(cd.train[:bow_pipeline.N_TRAIN], "train", bow_pipeline.MAX_KEYPOINTS,
                                             False)
        pipe = bow_pipeline.Pipeline(train, 1024)
        print(f"TF-IDF bags of words (k = 1024) of `scenes`: the database is its first N images, the queries its "
              f"{len(sc.query_indices)} queries; time per query, best of 3.\n")
        print("| N | dense (ms/q) | sparse product (ms/q) | inverted index (ms/q) | sparse / inverted "
              "| touched | max abs diff | same ranking |")
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in inverted_index_scaling(sc, st_features, pipe):
            print(f"| {r['n_images']} | {r['dense_ms']:.3f} | {r['sparse_ms']:.3f} | {r['inverted_ms']:.3f} | "
                  f"{r['speedup']:.2f} | {r['touched']:.0%} | {r['max_abs_diff']:.1e} | {r['same_ranking']} |")
        print()
        print("Larger synthetic databases (Zipf-distributed words, k = 20000, 300 words per image, 20 queries; "
              "`imsearch.eval.benchmark_inverted_index`):\n")
        print("| N | dense (ms/q) | sparse product (ms/q) | inverted index (ms/q) | sparse / inverted "
              "| touched | same ranking |")
        print("|---:|---:|---:|---:|---:|---:|---|")
        for r in eval.benchmark_inverted_index(sizes=(1000, 4000, 16000)):
            dense = "-" if np.isnan(r["dense_ms"]) else f"{r['dense_ms']:.2f}"
            print(f"| {r['n_images']} | {dense} | {r['sparse_ms']:.2f} | {r['inverted_ms']:.2f} | "
                  f"{r['speedup']:.2f} | {r['touched_fraction']:.0%} | {r['same_ranking']} |")
        print()
    print(f"total time {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
