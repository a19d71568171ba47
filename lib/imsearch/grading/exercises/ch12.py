"""Exercises of chapter 12 — vector search at scale."""
from __future__ import annotations

import numpy as np

from imsearch.index import ann
from imsearch.grading.checks import Case, Exercise, register


def _blobs(rng, n, d, n_clusters):
    centres = rng.normal(size=(n_clusters, d)) * 3
    return centres[rng.integers(0, n_clusters, n)] + rng.normal(size=(n, d))


def _ivf_case(rng, n, d, nlist, nq, k, nprobe):
    x = _blobs(rng, n, d, nlist)
    centroids = x[rng.choice(n, nlist, replace=False)] + 0.01 * rng.normal(size=(nlist, d))
    ptr, ids = ann.ivf_lists(ann.coarse_assign(x, centroids)[:, 0], nlist)
    q = _blobs(rng, nq, d, nlist)
    return (q, centroids, ptr, ids, x, k, nprobe)


def _cases_12_1(rng):
    c = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    x = np.array([[1.0, 0.0], [9.0, 0.0], [0.0, 9.0], [-1.0, 0.5], [11.0, 1.0], [4.0, 0.0]])
    ptr, ids = np.array([0, 3, 5, 6]), np.array([0, 3, 5, 1, 4, 2])      # lists of c0, c1, c2
    return [
        Case("one probe: only the list of the nearest centroid", (np.array([[6.0, 0.0]]), c, ptr, ids, x, 2, 1),
             expected=(np.array([[9.0, 26.0]]), np.array([[1, 4]]))),
        Case("two probes reach the closer vector in the second list",
             (np.array([[6.0, 0.0]]), c, ptr, ids, x, 2, 2),
             expected=(np.array([[4.0, 9.0]]), np.array([[5, 1]]))),
        Case("fewer than k vectors visited: padded with (inf, -1)",
             (np.array([[0.0, 12.0]]), c, ptr, ids, x, 2, 1),
             expected=(np.array([[9.0, np.inf]]), np.array([[2, -1]]))),
        Case("every list probed = exact search", (np.array([[5.0, 0.5]]), c, ptr, ids, x, 6, 3),
             expected=(np.array([[1.25, 16.25, 16.25, 36.0, 36.25, 97.25]]), np.array([[5, 0, 1, 3, 4, 2]]))),
        Case("random blobs: 300 vectors, 8 lists, nprobe 2", _ivf_case(rng, 300, 4, 8, 10, 5, 2)),
        Case("random blobs: 500 vectors, 16 lists, nprobe 5", _ivf_case(rng, 500, 8, 16, 12, 10, 5)),
    ]


register(Exercise(
    id="12.1", title="IVF search: scan the inverted lists of the nprobe nearest centroids", points=3,
    function="ivf_search",
    signature="ivf_search(queries: (Q, D), centroids: (nlist, D), list_ptr: (nlist+1,) int, list_ids: (N,) int, "
              "database: (N, D), k: int, nprobe: int) -> (distances (Q, k) float squared L2 increasing, ids (Q, k) "
              "int); the list of centroid j is list_ids[list_ptr[j]:list_ptr[j+1]]; ties by lower id; padded with "
              "inf / -1 when fewer than k vectors are visited",
    reference=ann.ivf_search, cases=_cases_12_1, rtol=1e-6, atol=1e-6,
))


def _cases_recall(rng):
    truth = np.array([[0, 1, 2], [3, 4, 5]])
    found = np.argsort(rng.random((12, 40)), 1)[:, :10]       # distinct ids per row, as a search returns
    return [
        Case("perfect", (truth, truth, 3), expected=1.0),
        Case("right ids in another order count", (np.array([[2, 1, 0], [5, 9, 8]]), truth, 3), expected=4 / 6),
        Case("k = 1: the first result only", (np.array([[1, 0, 2], [3, 4, 5]]), truth, 1), expected=0.5),
        Case("-1 (no result) never counts", (np.array([[-1, -1, -1], [3, -1, -1]]), truth, 3), expected=1 / 6),
        Case("more columns than k: only the first k", (np.array([[7, 8, 0, 1], [3, 4, 5, 6]]), truth, 2),
             expected=2 / 4),
        Case("random: 12 queries, k = 5", (found, np.argsort(rng.random((12, 40)), 1)[:, :10], 5)),
    ]


register(Exercise(
    id="12.2", title="k-recall@k of an approximate search against exact search", points=2,
    function="knn_recall",
    signature="knn_recall(found: (Q, >=k) int, truth: (Q, >=k) int, k: int) -> float: the fraction of the true k "
              "nearest neighbours (first k of truth) found among the first k results (-1 = no result)",
    reference=ann.knn_recall, cases=_cases_recall, rtol=1e-9, atol=1e-12,
))


def _cases_12_2(rng):
    cb = np.array([[[0.0, 0.0], [1.0, 1.0]], [[0.0, 0.0], [5.0, 0.0]]])     # m = 2, ksub = 2, dsub = 2
    return [
        Case("two sub-spaces of two dimensions", (np.array([[0.9, 0.8, 4.0, 1.0], [0.1, 0.0, 1.0, 0.0]]), cb),
             expected=np.array([[1, 1], [0, 0]])),
        Case("half-way between two sub-centroids: the lower index", (np.array([[0.5, 0.5, 2.5, 0.0]]), cb),
             expected=np.array([[0, 0]])),
        Case("no vectors", (np.zeros((0, 4)), cb), expected=np.zeros((0, 2))),
        Case("random: 50 vectors, m = 4, 16 sub-centroids", (rng.normal(size=(50, 8)), rng.normal(size=(4, 16, 2)))),
        Case("random: 30 vectors, m = 2, 8 sub-centroids of 3 dimensions",
             (rng.random((30, 6)), rng.random((2, 8, 3)))),
    ]


register(Exercise(
    id="12.3", title="Product quantization: encode vectors with m sub-quantizers", points=2,
    function="pq_encode",
    signature="pq_encode(x: (N, D) float, codebooks: (m, ksub, D // m) float) -> (N, m) int array: for each "
              "sub-vector x[:, j*d:(j+1)*d] the index of its nearest codebooks[j] centroid (ties: lower index)",
    reference=ann.pq_encode, cases=_cases_12_2, rtol=0, atol=0,
))


def _cases_12_3(rng):
    t = np.array([[[1.0, 0.0], [1.0, 1.0]]])
    return [
        Case("one query, two sub-spaces", (t, np.array([[1, 0], [0, 1], [1, 1]])),
             expected=np.array([[1.0, 2.0, 1.0]])),
        Case("no codes", (t, np.zeros((0, 2), np.int64)), expected=np.zeros((1, 0))),
        Case("random tables: 3 queries, m = 4, 16 centroids",
             (rng.random((3, 4, 16)).astype(np.float32), rng.integers(0, 16, (20, 4)))),
        Case("random tables: 2 queries, m = 8, 256 centroids, uint8 codes",
             (rng.random((2, 8, 256)).astype(np.float32), rng.integers(0, 256, (30, 8)).astype(np.uint8))),
    ]


register(Exercise(
    id="12.4", title="Asymmetric distances from lookup tables (ADC)", points=2,
    function="adc_distances",
    signature="adc_distances(tables: (Q, m, ksub) float, codes: (N, m) int) -> (Q, N) float: "
              "sum over j of tables[q, j, codes[n, j]]",
    reference=ann.adc_distances, cases=_cases_12_3, rtol=1e-5, atol=1e-5,
))


def _cases_12_5(rng):
    truth = np.array([[0, 1], [2, 3]])
    found = np.array([[[9, 9], [9, 9]], [[0, 9], [2, 3]], [[0, 1], [2, 3]]])   # recall@2: 0, 0.75, 1
    cases = [
        Case("the first setting reaching 0.75", (found, truth, np.array([1, 4, 16]), 2, 0.75), expected=4),
        Case("target 0.9", (found, truth, np.array([1, 4, 16]), 2, 0.9), expected=16),
        Case("settings in another order", (found[::-1], truth, np.array([16, 4, 1]), 2, 0.75), expected=4),
        Case("no setting reaches the target: -1", (found[:2], truth, np.array([1, 4]), 2, 0.9), expected=-1),
        Case("k = 1 on the same results", (found, truth, np.array([1, 4, 16]), 1, 0.9), expected=4),
    ]
    t = np.argsort(rng.random((15, 30)), 1)[:, :10]
    f = np.stack([np.where(rng.random((15, 10)) < p, t, 99) for p in (0.3, 0.7, 0.95, 1.0)])
    cases.append(Case("random: 4 settings, 15 queries", (f, t, np.array([2, 8, 32, 128]), 10, 0.9)))
    return cases


register(Exercise(
    id="12.5", title="Choose: the smallest nprobe that reaches the target recall", points=2,
    function="choose_nprobe",
    signature="choose_nprobe(found: (S, Q, >=k) int ids returned with each of the S settings, truth: (Q, >=k) int, "
              "nprobes: (S,) int, k: int, target: float) -> int: the smallest nprobe whose k-recall@k >= target, "
              "or -1 when none reaches it",
    reference=ann.choose_setting, cases=_cases_12_5, rtol=0, atol=0,
))
