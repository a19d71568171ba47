"""Chapter 12's Pareto table: every faiss index family on SIFT-1M in miniature (``imsearch.eval.sift_set``).

For each index and each value of its search knob (``nprobe``, ``efSearch``, ``k_factor_rf``):
recall@1 and recall@10 (k-recall@k against the exact neighbours, on every query),
queries per second with 1 thread and with all threads (batch of ``--timing-queries``
queries, best of repeated runs), bytes per vector (serialized index / vectors) and build
time (train + add). Then the issue's goals are checked, and our hand-written IVF and PQ
(``imsearch.index.ann``) are compared with faiss's on the same centroids / codebooks.

    python benchmarks/ann.py                # the full million (builds the set once, cached)
    python benchmarks/ann.py --n 100000     # a quick run
    python benchmarks/ann.py --set deep     # 100,000 SSCD descriptors (chapter 11's network) instead
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from imsearch import eval as ev
from imsearch.index import ann, faiss_indexes as fi

#: (label, factory string, knob, values[, build parameters]). Families: exact, IVF, SQ, PQ (+ re-ranking), OPQ, HNSW.
FAMILIES = [
    ("Flat (exact)", "Flat", None, [None]),
    ("IVF-Flat", "IVF1024,Flat", "nprobe", [1, 4, 16, 64]),
    ("IVF-SQ8", "IVF1024,SQ8", "nprobe", [16, 64]),
    ("IVF-PQ16", "IVF1024,PQ16", "nprobe", [16, 64]),
    ("IVF-PQ16 + exact re-ranking of 100", "IVF1024,PQ16,Refine(Flat)", "nprobe", [16, 64]),
    ("HNSW16", "HNSW16", "efSearch", [16, 32, 64, 128]),
    ("IVF4096-Flat", "IVF4096,Flat", "nprobe", [16, 32, 64]),
    ("IVF4096-PQ16 + exact re-ranking of 100", "IVF4096,PQ16,Refine(Flat)", "nprobe", [32, 64]),
    ("OPQ16 IVF-PQ16 + re-ranking of 100", "OPQ16,IVF1024,PQ16,Refine(Flat)", "nprobe", [16, 64]),
    ("HNSW32", "HNSW32", "efSearch", [32, 40, 48, 64, 128]),
    # A better graph for the same memory: a candidate list of 200 instead of faiss's 40 while building.
    ("HNSW32 efConstruction=200", "HNSW32", "efSearch", [24, 32, 36, 40, 64], {"efConstruction": 200}),
    # The same graph over 8-bit codes (SIFT's components are integers in 0..255): a quarter of the bytes read.
    ("HNSW32-SQ8 efConstruction=200", "HNSW32,SQ8", "efSearch", [32, 40, 44, 48, 64], {"efConstruction": 200}),
    # No inverted lists, so no 8-byte id per vector: the 16-byte code is the whole index in RAM.
    ("PQ16 + exact re-ranking", "PQ16,Refine(Flat)", "k_factor_rf", [10, 30, 100]),
]
K_FACTOR = 10          # Refine: a shortlist of K_FACTOR * k = 100 candidates re-ranked by exact distance


def measure(data, families, timing_queries: int, recall_queries: int, threads_all: int):
    import faiss

    rows = []
    tq = data.queries[:timing_queries]
    rq, truth = data.queries[:recall_queries], data.truth[:recall_queries]
    for label, factory, knob, values, *build in families:
        t = time.perf_counter()
        index, sec = fi.build_index(factory, data.learn, data.database, **(build[0] if build else {}))
        build = sec["train"] + sec["add"]
        bpv = fi.bytes_per_vector(index)
        extra = ""
        if "Refine" in factory:
            bpv_codes = fi.bytes_per_vector(faiss.downcast_index(index).base_index)
            extra = f"{bpv_codes:.0f} B in RAM + the raw vectors read for re-ranking"
        for v in values:
            params = {knob: v} if knob else {}
            if "Refine" in factory and knob != "k_factor_rf":
                params["k_factor_rf"] = K_FACTOR
            if "PQ8+8" in factory:
                params["k_factor"] = K_FACTOR * 10
            fi.set_search_params(index, **params)
            with fi.faiss_threads(threads_all):
                _, ids = index.search(rq, 10)
            _, _, qps1 = fi.timed_search(index, tq, 10, threads=1, min_seconds=0.3)
            _, _, qpsn = fi.timed_search(index, tq, 10, threads=threads_all, min_seconds=0.3)
            rows.append(dict(index=label, factory=factory, knob=f"{knob}={v}" if knob else "",
                             r1=ann.knn_recall(ids, truth, 1), r10=ann.knn_recall(ids, truth, 10),
                             qps1=qps1, qpsn=qpsn, bpv=bpv, note=extra, build=build))
            print(_row(rows[-1]), flush=True)
        del index
        print(f"# {label}: built in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    return rows


HEADER = ("| index | setting | recall@1 | recall@10 | q/s 1 thread | q/s all threads | bytes/vector | build s |\n"
          "|---|---|---|---|---|---|---|---|")


def _row(r):
    bpv = f"{r['bpv']:.0f}" + (f" ({r['note']})" if r["note"] else "")
    return (f"| {r['index']} | {r['knob'] or '—'} | {r['r1']:.3f} | {r['r10']:.3f} | {r['qps1']:,.0f} | "
            f"{r['qpsn']:,.0f} | {bpv} | {r['build']:.1f} |")


def goals(rows):
    exact = next(r for r in rows if r["factory"] == "Flat")
    fast = [r for r in rows if r["r10"] >= 0.95 and r["factory"] != "Flat"]
    best = max(fast, key=lambda r: r["qps1"], default=None)
    out = []
    if best:
        out.append(f"goal 1 (recall@10 >= 0.95 at >= 20x exact q/s, 1 thread): best {best['index']} {best['knob']}: "
                   f"recall@10 {best['r10']:.3f}, {best['qps1']:,.0f} q/s = {best['qps1'] / exact['qps1']:.1f}x exact "
                   f"({exact['qps1']:,.0f} q/s) -> {'MET' if best['qps1'] >= 20 * exact['qps1'] else 'NOT MET'}")
    else:
        out.append("goal 1: no index reached recall@10 >= 0.95 -> NOT MET")
    small = [r for r in rows if "Refine" in r["factory"]]
    for r in small:
        r["codes_bpv"] = float(r["note"].split(" B")[0])
    # <= 16 bytes per vector in RAM, the codebooks (a few hundred kB for the million) amortised
    ok = [r for r in small if r["codes_bpv"] < 16.5 and r["r10"] >= 0.8]
    bestc = max(ok or small, key=lambda r: (r["r10"] >= 0.8, r["qps1"] if ok else r["r10"]), default=None)
    if bestc:
        out.append(f"goal 2 (<= 16 bytes/vector in RAM, recall@10 >= 0.8 after re-ranking): "
                   f"{'fastest' if ok else 'best'} {bestc['index']} {bestc['knob']}: recall@10 {bestc['r10']:.3f}, "
                   f"{bestc['qps1']:,.0f} q/s (1 thread), index in RAM {bestc['codes_bpv']:.1f} B/vector, raw vectors "
                   f"read from disk for the re-ranking -> {'MET' if ok else 'NOT MET'}")
    return out


def hand_written(data, n_queries: int = 200, nprobe: int = 16):
    """Our IVF and PQ against faiss's on the same centroids / codebooks: identical results, speed."""
    import faiss

    q = data.queries[:n_queries]
    x = data.database
    quant = faiss.IndexFlatL2(x.shape[1])
    ivf = faiss.IndexIVFFlat(quant, x.shape[1], 1024)
    ivf.train(data.learn)
    ivf.add(x)
    ivf.nprobe = nprobe
    mine = ann.IVFFlat(quant.reconstruct_n(0, 1024))
    mine.add(x)
    t = time.perf_counter()
    d, i = mine.search(q, 10, nprobe)
    ours_qps = len(q) / (time.perf_counter() - t)
    fd, fi_, fqps = fi.timed_search(ivf, q, 10, threads=1, min_seconds=0.3)
    out = [f"IVF1024 nprobe={nprobe}, {len(q)} queries: ids identical to faiss for {np.mean(i == fi_):.2%} of results, "
           f"max |distance difference| {np.abs(d - fd).max():.2g}; ours {ours_qps:,.0f} q/s, faiss {fqps:,.0f} q/s "
           f"(1 thread)"]
    pq = faiss.IndexPQ(x.shape[1], 16, 8)
    pq.train(data.learn)
    sub = x[:200_000]
    pq.add(sub)
    cb = ann.faiss_pq_codebooks(pq.pq)
    t = time.perf_counter()
    codes = ann.pq_encode(sub, cb)
    enc = time.perf_counter() - t
    same_codes = np.mean(codes == faiss.vector_to_array(pq.codes).reshape(-1, 16))
    t = time.perf_counter()
    d, i = ann.pq_search(q, cb, codes, 10)
    ours_qps = len(q) / (time.perf_counter() - t)
    fd, fi_, fqps = fi.timed_search(pq, q, 10, threads=1, min_seconds=0.3)
    out.append(f"PQ16 on 200k vectors: codes identical to faiss's for {same_codes:.2%} (encoding {enc:.1f} s), ADC "
               f"distances max |difference| {np.abs(d - fd).max():.2g}, ids identical for {np.mean(i == fi_):.2%}; "
               f"ours {ours_qps:,.0f} q/s, faiss {fqps:,.0f} q/s (1 thread)")
    return out


def main(argv=None):
    import faiss

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--set", choices=("sift", "deep"), default="sift",
                   help="sift: SIFT-1M in miniature; deep: chapter 11's SSCD descriptors of photos and copies")
    p.add_argument("--n", type=int, default=None,
                   help="database size (default: the full million for sift, 100,000 for deep)")
    p.add_argument("--timing-queries", type=int, default=1000)
    p.add_argument("--recall-queries", type=int, default=2000)
    p.add_argument("--only", default="", help="comma-separated labels (or their first words) to run (default: all)")
    p.add_argument("--no-hand-written", action="store_true", help="skip the hand-written IVF/PQ comparison")
    args = p.parse_args(argv)
    threads_all = faiss.omp_get_max_threads()
    t = time.perf_counter()
    if args.set == "sift":
        data = ev.sift_set(args.n or 1_000_000, 10_000, 100_000, k=100)
    else:
        data = ev.deep_set((args.n or 100_000) + 11_000, 1000, 10_000, k=100)
    print(f"# {data}; loaded in {time.perf_counter() - t:.0f} s; {threads_all} threads", flush=True)
    only = set(args.only.split(",")) if args.only else set()
    fams = [f for f in FAMILIES if not only or {f[0], f[0].split()[0]} & only]
    print(HEADER, flush=True)
    rows = measure(data, fams, args.timing_queries, args.recall_queries, threads_all)
    print("\n" + HEADER)
    for r in rows:
        print(_row(r))
    if any(r["factory"] == "Flat" for r in rows):
        for line in goals(rows):
            print(line)
    if not args.no_hand_written:
        for line in hand_written(data):
            print(line, flush=True)


if __name__ == "__main__":
    main()
