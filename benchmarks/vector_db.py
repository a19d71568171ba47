"""Chapter 12's vector database against faiss: the same index types on the same SIFT vectors.

For HNSW (M = 16, efConstruction = 40) and IVF-Flat (nlist = 1024), built by faiss and by Milvus Lite
(``imsearch.index.vector_db``) on the first ``--n`` vectors of SIFT-1M in miniature: recall@10 of
``--queries`` queries against the exact neighbours in that subset, milliseconds per query in one batch
and one query per call, insert and index-build times, and how much the process's resident memory
grows with Milvus Lite (which runs inside it).

    python benchmarks/vector_db.py              # 100,000 rows
    python benchmarks/vector_db.py --n 20000    # a quick run
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from imsearch import eval as ev
from imsearch.index import ann, faiss_indexes as fi, vector_db as vdb

#: (label, faiss factory, Milvus index type, Milvus build parameters, search knob: (faiss name, Milvus name), values)
CASES = [
    ("HNSW M=16", "HNSW16", "HNSW", {"M": 16, "efConstruction": 40}, ("efSearch", "ef"), [32, 64]),
    ("IVF1024-Flat", "IVF1024,Flat", "IVF_FLAT", {"nlist": 1024}, ("nprobe", "nprobe"), [8, 32]),
]


def rss_mib() -> float:
    """Resident memory of this process now (MiB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000, help="rows (default 100,000)")
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--single", type=int, default=50, help="queries sent one per call")
    args = p.parse_args(argv)

    data = ev.sift_set(args.n, args.queries)
    x, q, truth = data.database, data.queries, data.truth[:, :10]
    print(f"# {args.n:,} SIFT rows, {len(q):,} queries, recall@10 against the exact neighbours in these rows")
    rows = []
    for label, factory, mtype, build, (fknob, mknob), values in CASES:      # faiss first, then freed
        index, sec = fi.build_index(factory, data.learn, x)
        for v in values:
            fi.set_search_params(index, **{fknob: v})
            _, ids, qps = fi.timed_search(index, q, 10, threads=1, min_seconds=0.3)
            t = time.perf_counter()
            for row in q[:args.single]:
                index.search(row[None], 10)
            single = (time.perf_counter() - t) / args.single
            rows.append((label, "faiss (1 thread)", f"{fknob}={v}", ann.knn_recall(ids, truth, 10), 1000 / qps,
                         1000 * single, sec["train"] + sec["add"]))
        del index
    before = rss_mib()
    folder = Path(tempfile.mkdtemp(prefix="imsearch-vdb-bench-"))
    try:
        uri = str(folder / "bench.db")
        client = vdb.milvus_connect(uri)
        vdb.milvus_create_collection(client, "sift", x.shape[1])
        t = time.perf_counter()
        vdb.milvus_insert(client, "sift", x, np.arange(len(x)), progress=True)
        insert_s = time.perf_counter() - t
        for label, factory, mtype, build, (fknob, mknob), values in CASES:
            t = time.perf_counter()
            vdb.milvus_build_index(client, "sift", mtype, **build)
            client = vdb.milvus_wait_for_index(client, "sift", uri)
            build_s = time.perf_counter() - t
            vdb.milvus_search(client, "sift", q[:10], 10, batch=10, **{mknob: values[0]})      # warm-up
            for v in values:
                batch = np.inf
                for _ in range(2):                               # best of two, as faiss's timed_search
                    t = time.perf_counter()
                    _, ids = vdb.milvus_search(client, "sift", q, 10, batch=len(q), **{mknob: v})
                    batch = min(batch, (time.perf_counter() - t) / len(q))
                t = time.perf_counter()
                vdb.milvus_search(client, "sift", q[:args.single], 10, batch=1, **{mknob: v})
                single = (time.perf_counter() - t) / args.single
                rows.append((label, "Milvus Lite", f"{mknob}={v}", ann.knn_recall(ids, truth, 10), 1000 * batch,
                             1000 * single, build_s))
        after = rss_mib()
        client.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("| index | engine | setting | recall@10 | ms/query, one batch | ms/query, one per call | build s |")
    print("|---|---|---|---|---|---|---|")
    for label, engine, knob, r10, ms_batch, ms_single, build_s in sorted(rows, key=lambda r: r[0]):
        print(f"| {label} | {engine} | {knob} | {r10:.3f} | {ms_batch:.3f} | {ms_single:.3f} | {build_s:.1f} |")
    print(f"\ninsert of {args.n:,} rows into Milvus Lite: {insert_s:.1f} s. Milvus Lite runs inside this process: "
          f"its resident memory grew from {before:.0f} to {after:.0f} MiB (+{after - before:.0f} MiB) while the "
          f"collection was filled, indexed and searched.")


if __name__ == "__main__":
    main()
