"""Copy detection, DISC-style: every classic and deep method of the leaderboard on ``disc`` (chapter 11).

Prints (markdown, ready for ``benchmarks/RESULTS.md``):

1. the benchmark (:func:`imsearch.eval.load_disc`): sizes and build time;
2. every method of :func:`imsearch.eval.disc_methods` — chapters 3 and 6's global
   descriptors, chapter 7's bags of words, Hamming embedding and VLAD (the registry
   :data:`imsearch.eval.methods.METHODS`), chapter 8's EfficientNet-Lite0 average and GeM
   pooling — with µAP, µAP_SN (background: ``disc.background``), recall at 90 % precision,
   recall@1 and MRR, each with its 95 % bootstrap interval over the queries (1000
   resamples, seed 0), and the time to describe one image;
3. paired bootstrap intervals of a few neighbouring methods (an ordering holds only where
   the interval excludes 0).

Every costly step is cached (:func:`imsearch.eval.method_similarities`), so a second run
takes a minute. Usage, from the repository root, with the course data pack::

    IMSEARCH_DATA_MIRROR=../shared/data .venv/bin/python benchmarks/disc.py [--rebuild] [--only KEY ...]

``--rebuild`` rebuilds the benchmark first (to time the build); ``--threads`` sets torch's
threads (default 1, the machine is shared).
"""
from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import time

import numpy as np
from imsearch import eval as ev

N_RESAMPLES = 1000
SEED = 0
#: Pairs compared with a paired bootstrap (a, b): a minus b.
PAIRS = (("efficientnet_gem", "efficientnet_avg"), ("he", "efficientnet_gem"), ("he", "tfidf+stop+sv"),
         ("tfidf+stop+sv", "tfidf+stop"), ("hsv_hist", "efficientnet_gem"))
#: Methods too slow for every query on this machine: run on the first n queries (the queries
#: are in a random order, so they are a random sample, about half of them copies).
SUBSAMPLED = {"palette_emd": 600}
#: The method also scored on each subsample, for comparison.
SUBSAMPLE_REFERENCE = "hsv_hist"
COLUMNS = (("µAP", "uAP"), ("µAP_SN", "uAP_SN"), ("R@P90", "recall_at_p90"), ("R@P90_SN", "recall_at_p90_SN"),
           ("R@1", "recall_at_1"), ("MRR", "MRR"))


def _cell(res, key):
    ci = res[f"{key}_ci"]
    return f"{res[key]:.3f} [{ci.low:.3f}, {ci.high:.3f}]"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rebuild", action="store_true", help="rebuild the benchmark first (timed)")
    ap.add_argument("--only", nargs="*", help="method keys to run (default: all)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    ap.add_argument("--save", default=None, help="write the per-method metrics as JSON to this file")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    disc = ev.load_disc(rebuild=args.rebuild, progress=True)
    print(f"# Copy detection, DISC-style — {datetime.date.today()}, {platform.machine()}, "
          f"{args.threads} torch thread(s)\n")
    print(f"{disc!r}; built in {disc.build_seconds:.1f} s, this load {time.perf_counter() - t0:.1f} s; "
          f"{disc.duplicates_dropped} near-duplicates dropped from the pool\n")
    methods = list(args.only or ev.disc_methods())
    unknown = [m for m in methods if m not in ev.disc_methods()]
    if unknown:
        print(f"unknown methods {unknown}; valid: {list(ev.disc_methods())}", file=sys.stderr)
        return 2
    results, sims, subsets = {}, {}, {}
    print("| method | ms/img | " + " | ".join(c for c, _ in COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for m in methods:
        bench = disc.select_queries(np.arange(SUBSAMPLED[m])) if m in SUBSAMPLED else disc
        try:
            r = ev.method_similarities(bench, m, progress=False)
        except Exception as err:  # noqa: BLE001 - report and go on with the other methods
            print(f"| {ev.method_label(m)} | failed: {type(err).__name__}: {err} |", flush=True)
            continue
        res = bench.evaluate_similarity(r["similarity"], r["background_similarity"], n_resamples=N_RESAMPLES,
                                        seed=SEED)
        if m in SUBSAMPLED:
            subsets[m] = res
        else:
            sims[m] = (r["similarity"], r["background_similarity"])
        results[m] = {key: res[key] for _, key in COLUMNS}
        results[m].update({f"{key}_ci": [res[f"{key}_ci"].low, res[f"{key}_ci"].high] for _, key in COLUMNS})
        results[m]["ms_per_image"] = 1000 * r["seconds_per_image"]
        results[m]["seconds"] = r["seconds"]
        results[m]["n_queries"] = len(bench.queries)
        mark = " †" if m in SUBSAMPLED else ""
        print(f"| {ev.method_label(m)}{mark} | {1000 * r['seconds_per_image']:.1f} | "
              + " | ".join(_cell(res, key) for _, key in COLUMNS) + " |", flush=True)
    for m, res in subsets.items():
        n = SUBSAMPLED[m]
        print(f"\n† {ev.method_label(m)}: on the first {n} queries only ({int(np.sum(disc.copy_of[:n] >= 0))} "
              f"copies), its {n} × {len(disc.references) + len(disc.background)} earth mover's distances "
              f"instead of {len(disc.queries)} × that.")
        if SUBSAMPLE_REFERENCE in sims:
            sub = disc.select_queries(np.arange(n))
            s, b = sims[SUBSAMPLE_REFERENCE]
            ref = sub.evaluate_similarity(s[:n], b[:n], n_resamples=N_RESAMPLES, seed=SEED)
            print(f"  On the same {n} queries, {ev.method_label(SUBSAMPLE_REFERENCE)}: "
                  + ", ".join(f"{c} {_cell(ref, key)}" for c, key in COLUMNS))
    pairs = [(a, b) for a, b in PAIRS if a in sims and b in sims]
    if pairs:
        print("\nPaired bootstrap, method a minus method b (95 %, 1000 resamples of the queries):\n")
        print("| a − b | µAP | µAP_SN | R@1 |")
        print("|---|---|---|---|")
        for a, b in pairs:
            d = disc.paired_intervals(sims[a][0], sims[b][0], sims[a][1], sims[b][1], n_resamples=N_RESAMPLES,
                                      seed=SEED)
            cells = [f"{d[k].estimate:+.3f} [{d[k].low:+.3f}, {d[k].high:+.3f}]{' *' if d[k].excludes(0) else ''}"
                     for k in ("uAP", "uAP_SN", "recall_at_1")]
            print(f"| {a} − {b} | " + " | ".join(cells) + " |")
        print("\n(* the interval excludes 0)")
    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
