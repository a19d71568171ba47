"""Speed of the copy-detection metrics on a million pooled predictions.

Usage (from the repository root)::

    .venv/bin/python benchmarks/metrics_speed.py

Prints one table row per input form (three arrays, Python rows, string ids): the time of
``micro_average_precision`` and ``recall_at_precision`` on 1,000,000 predictions of
50,000 queries with 1 % true pairs, best of 3 runs.
"""
from __future__ import annotations

import time

import numpy as np

from imsearch._util.timing import best_of
from imsearch.eval import micro_average_precision, recall_at_precision


def main() -> None:
    rng = np.random.default_rng(0)
    n = 1_000_000
    q = rng.integers(0, 50_000, n)
    r = np.arange(n)
    s = rng.random(n)
    truth = rng.random(n) < 0.01
    gt = list(zip(q[truth].tolist(), r[truth].tolist()))
    forms = {
        "three int arrays": ((q, r, s), gt),
        "list of (q, r, score) tuples": (list(zip(q.tolist(), r.tolist(), s.tolist())), gt),
        "three arrays, string ids": ((np.array([f"Q{i}" for i in q]), np.array([f"R{i}" for i in r]), s),
                                     [(f"Q{a}", f"R{b}") for a, b in gt]),
    }
    print(f"{n:,} predictions, {len(gt):,} ground-truth pairs\n")
    print("| input | µAP (s) | recall at 90 % precision (s) | µAP |")
    print("|---|---:|---:|---:|")
    for name, (pred, g) in forms.items():
        t_uap, _ = best_of(lambda: micro_average_precision(pred, g))
        t_rp, _ = best_of(lambda: recall_at_precision(pred, g, 0.9))
        print(f"| {name} | {t_uap:.2f} | {t_rp:.2f} | {micro_average_precision(pred, g):.4f} |")


if __name__ == "__main__":
    main()
