"""Chapter 7's speed experiment: an inverted index against brute-force scoring as the database grows.

Synthetic bags of words with Zipf-distributed words (the hard case for an index: a few
very long posting lists) are scored by the dense product, the sparse product
(:func:`imsearch.index.brute_force_scores`) and :class:`imsearch.index.InvertedIndex`,
timed best-of-N, and checked to give the same ranking (Sivic & Zisserman, "Video
Google", ICCV 2003, sec. 4: the inverted file of text retrieval).
"""
from __future__ import annotations

import numpy as np

from .._util.progress import progress as _progress
from .._util.timing import best_of
from .._util.validation import as_rng, check_int
from ..index.brute_force import ranking
from ..index.inverted_file import InvertedIndex, brute_force_scores


def _synthetic_bow(n_images, n_words, words_per_image, rng, zipf=1.0):
    """Random L2-normalised bags of words whose word frequencies follow a Zipf law (as words of a text do)."""
    import scipy.sparse as sp

    p = 1.0 / np.arange(1, n_words + 1) ** zipf
    p = p[rng.permutation(n_words)]
    p /= p.sum()
    rows = np.repeat(np.arange(n_images), words_per_image)
    cols = rng.choice(n_words, size=n_images * words_per_image, p=p)
    m = sp.csr_matrix((rng.random(len(rows)) + 0.1, (rows, cols)), shape=(n_images, n_words))
    m.sum_duplicates()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ m)


def benchmark_inverted_index(sizes=(1000, 4000, 16000), n_words: int = 20000, words_per_image: int = 300,
                             n_queries: int = 20, seed=0, repeat: int = 3, dense_limit: int = 50_000_000,
                             progress: bool = False) -> list:
    """Time the inverted index against brute force as the database grows; check they agree.

    The database holds ``N`` random L2-normalised bags of ``words_per_image`` words out of
    ``n_words``, drawn from a Zipf law (a few words are very frequent, as in text: long
    posting lists, the hard case for an index). For each size, ``n_queries`` queries
    drawn the same way are scored three ways: the dense matrix product (``numpy``, only
    while ``N × n_words`` is at most ``dense_limit``), the sparse matrix product (:func:`brute_force_scores`, every
    non-zero of the database) and :class:`InvertedIndex` (only the posting lists of the
    query's words).

    Parameters
    ----------
    sizes : sequence of int
        Database sizes ``N``.
    n_words, words_per_image, n_queries : int
    seed : int or numpy.random.Generator
    repeat : int
        Each timing is the best of ``repeat`` runs.
    dense_limit : int
    progress : bool
        Show a progress bar over the sizes.

    Returns
    -------
    list of dict
        One row per size: ``n_images``, ``dense_ms``, ``sparse_ms``, ``inverted_ms`` (per
        query; ``dense_ms`` is NaN when skipped), ``speedup`` (sparse / inverted),
        ``touched_fraction`` (mean fraction of the database images an inverted-index
        query reaches), ``visited_fraction`` (mean fraction of all postings it reads),
        ``max_abs_diff`` (largest score difference with the sparse product) and
        ``same_ranking`` (the full rankings are identical).
    """
    sizes = [check_int(s, "sizes", minimum=1) for s in np.atleast_1d(np.asarray(sizes, dtype=object))]
    n_words = check_int(n_words, "n_words", minimum=1)
    words_per_image = check_int(words_per_image, "words_per_image", minimum=1)
    n_queries = check_int(n_queries, "n_queries", minimum=1)
    repeat = check_int(repeat, "repeat", minimum=1)
    rng = as_rng(seed)
    queries = _synthetic_bow(n_queries, n_words, words_per_image, rng)
    rows = []
    items = _progress(sizes, "inverted index vs brute force", enabled=progress, unit="size")
    for n in items:
        db = _synthetic_bow(n, n_words, words_per_image, rng)
        index = InvertedIndex(n_words)
        index.add(db)
        index.scores(queries[:1])  # builds the posting lists (not timed)
        t_sparse, s_sparse = best_of(lambda: brute_force_scores(queries, db), repeat)
        t_inv, s_inv = best_of(lambda: index.scores(queries), repeat)
        t_dense = np.nan
        if n * n_words <= dense_limit:
            dense_db, dense_q = db.toarray(), queries.toarray()
            t_dense, _ = best_of(lambda: dense_q @ dense_db.T, repeat)
        touched = index.n_touched(queries).mean() / n
        lengths = index.posting_lengths()
        visited = np.mean([lengths[queries.indices[queries.indptr[i]:queries.indptr[i + 1]]].sum()
                           for i in range(n_queries)]) / max(index.n_postings, 1)
        rows.append({
            "n_images": n,
            "dense_ms": 1000 * t_dense / n_queries,
            "sparse_ms": 1000 * t_sparse / n_queries,
            "inverted_ms": 1000 * t_inv / n_queries,
            "speedup": t_sparse / t_inv,
            "touched_fraction": float(touched),
            "visited_fraction": float(visited),
            "max_abs_diff": float(np.abs(s_sparse - s_inv).max()),
            "same_ranking": bool(np.array_equal(ranking(s_sparse), ranking(s_inv))),
        })
    return rows
