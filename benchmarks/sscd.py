"""Chapter 11's tables, re-run from the committed SSCD models on the DISC benchmark (issue 13).

Prints, next to Pizzi et al.'s numbers (CVPR 2022, in %):

* the SimCLR baseline (trunk vs projection features) and the SimCLR_CD ablation (cumulative rows);
* the KoLeo λ table (µAP, µAP_SN, recall@1, MRR);
* mixup / CutMix against the two-photo queries;
* the example-match table (both / only SSCD / only SimCLR / neither);
* the effective ranks of the reference descriptors (dimensional collapse);
* paired bootstrap intervals (95 %, over the queries) of the differences the chapter discusses;
* each model's training time (from its card).

    python benchmarks/sscd.py [--resamples 1000] [--retrain]

``--retrain`` first retrains every model with ``python -m imsearch models train NAME`` (one torch
thread, a few minutes each on the course machine).
"""
from __future__ import annotations

import argparse
import subprocess
import sys

import numpy as np

ABLATION = [("SimCLR trunk", "sscd_simclr", "trunk_avg"), ("  + GeM (same network)", "sscd_simclr", "trunk_gem"),
            ("SimCLR projection", "sscd_simclr", "projection"), ("  + GeM", "sscd_simclr_gem", "projection"),
            ("  + strong blur", "sscd_simclr_blur", "projection"),
            ("  + low temperature", "sscd_simclr_lowtemp", "projection"),
            ("  + 192-d", "sscd_simclr_wide", "projection"),
            ("  + linear = SimCLR_CD", "sscd_simclr_cd", "projection")]
LAMBDAS = {0: "sscd_simclr_cd", 1: "sscd_koleo1", 3: "sscd_koleo3", 10: "sscd_koleo10", 30: "sscd_koleo30"}
TWO_PHOTO = {"collage", "mixup", "cutmix", "paste_into"}


def _pct(x):
    return f"{100 * x:5.1f}"


def _interval(iv):
    verdict = "excludes 0" if iv.excludes(0) else "contains 0"
    return f"{100 * iv.estimate:+5.1f} [{100 * iv.low:+5.1f}, {100 * iv.high:+5.1f}] ({verdict})"


def main(argv=None):
    from imsearch import eval as ev
    from imsearch import nn as inn
    from imsearch.nn.sscd import RECIPES

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--retrain", action="store_true")
    args = ap.parse_args(argv)
    if args.retrain:
        for name in RECIPES:
            subprocess.run([sys.executable, "-m", "imsearch.nn.zoo", "train", name], check=True)
    names = [n for n in RECIPES if (inn.models_folder() / n / "model.pt").is_file()]
    disc = ev.load_disc(progress=False)
    res = ev.sscd_results(names, disc, ("projection", "trunk_avg", "trunk_gem"), n_resamples=0, progress=False)
    print(f"{disc}\n")

    print("Training (one torch thread):")
    for n in names:
        c = res[n, "projection"]["card"]
        print(f"  {n:22s} {c['training_seconds']:6.0f} s  {c['steps']} steps  {c['views_per_second']:5.1f} views/s  "
              f"{c['size_bytes'] / 1e6:.1f} MB")

    print("\nSimCLR_CD ablation (µAP, µAP_SN in %; paper beside):")
    for (row, n, f), p in zip(ABLATION, ev.PAPER_ABLATION):
        if n in names:
            r = res[n, f]
            print(f"  {row:24s} {_pct(r['uAP'])} {_pct(r['uAP_SN'])}   | paper {p[0]:34s} {p[2]:5.1f} {p[3]:5.1f}")

    print("\nKoLeo λ (µAP, µAP_SN, recall@1, MRR in %; paper beside):")
    for lam, n in LAMBDAS.items():
        if n in names:
            r = res[n, "projection"]
            ours = " ".join(_pct(r[k]) for k in ("uAP", "uAP_SN", "recall_at_1", "MRR"))
            print(f"  λ = {lam:2d}  {ours}   | paper " + " ".join(f"{v:5.1f}" for v in ev.PAPER_KOLEO[lam]))

    def paired(a, b, keys=("uAP", "uAP_SN", "recall_at_1", "MRR")):
        ra, rb = res[a], res[b]
        d = disc.paired_intervals(ra["similarity"], rb["similarity"], ra["background_similarity"],
                                  rb["background_similarity"], n_resamples=args.resamples)
        return {k: d[k] for k in keys}

    print("\nPaired bootstrap, difference in points (95 %):")
    pairs = [(("sscd_koleo10", "projection"), ("sscd_simclr_cd", "projection"), "SSCD λ=10 − SimCLR_CD"),
             (("sscd_koleo30", "projection"), ("sscd_simclr_cd", "projection"), "SSCD λ=30 − SimCLR_CD"),
             (("sscd_simclr_cd", "projection"), ("sscd_simclr", "trunk_avg"), "SimCLR_CD − SimCLR trunk"),
             (("sscd_simclr_cd", "projection"), ("sscd_simclr", "projection"), "SimCLR_CD − SimCLR projection"),
             (("sscd_simclr", "trunk_avg"), ("sscd_simclr", "projection"), "SimCLR trunk − projection"),
             (("sscd_simclr", "trunk_gem"), ("sscd_simclr", "trunk_avg"), "SimCLR trunk GeM − avg")]
    for a, b, label in pairs:
        if a[0] in names and b[0] in names:
            for k, iv in paired(a, b).items():
                print(f"  {label:32s} {k:12s} {_interval(iv)}")

    copy_q = disc.copy_of >= 0
    two = np.array([bool(TWO_PHOTO & set(e)) for e in disc.query_edits]) & copy_q
    if "sscd_mix" in names and "sscd_koleo10" in names:
        print(f"\nMixup / CutMix on the {two.sum()} two-photo copy queries (recall@1 %):")
        hits = {n: (res[n, "projection"]["rank"][two] == 1).astype(float) for n in ("sscd_koleo10", "sscd_mix")}
        for n, h in hits.items():
            print(f"  {n:14s} {100 * h.mean():5.1f}  (other copies "
                  f"{100 * np.mean(res[n, 'projection']['rank'][copy_q & ~two] == 1):5.1f})")
        iv = ev.paired_bootstrap(hits["sscd_mix"], hits["sscd_koleo10"], n_resamples=args.resamples)
        print(f"  mix − no mix: {_interval(iv)}")

    if "sscd_koleo10" in names and "sscd_simclr" in names:
        t = ev.outcome_table(res["sscd_koleo10", "projection"]["rank"], res["sscd_simclr", "trunk_avg"]["rank"])
        print("\nExample matches, first result right (%; paper beside):")
        for key, paper in zip(("both", "only_a", "only_b", "neither"), ev.PAPER_OUTCOMES.items()):
            print(f"  {paper[0]:12s} {100 * t[key]:5.1f}   | paper {paper[1]:5.1f}")

    print("\nEffective rank of the reference descriptors (uniform on the sphere: "
          f"{inn.effective_rank(np.random.default_rng(0).normal(size=(len(disc.references), 192))):.1f} of 192):")
    for n in names:
        print(f"  {n:22s} {inn.effective_rank(res[n, 'projection']['references']):6.1f}")

    thresholds = {}
    print("\nRange search at the threshold giving 90 % precision on even queries, applied to odd ones:")
    even = np.arange(len(disc.queries)) % 2 == 0
    for n in ("sscd_simclr_cd", "sscd_koleo10"):
        if n in names:
            sim = res[n, "projection"]["similarity"]
            thresholds[n] = t = ev.threshold_at_precision(sim[even], disc.copy_of[even], 0.9)
            p, r, _ = ev.range_search_precision_recall(sim[~even], disc.copy_of[~even], t)
            print(f"  {n:16s} threshold {t:.3f}: held-out precision {p:.2f}, recall {r:.2f}")


if __name__ == "__main__":
    main()
