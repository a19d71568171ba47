"""The data sets of chapter 12: real vectors for approximate nearest-neighbour search, with exact ground truth.

* :func:`sift_set`, "SIFT-1M in miniature": SIFT descriptors (128-d, OpenCV, integer
  values 0..255 like the classic SIFT1M set of Jégou et al., TPAMI 2011) extracted from
  the course pack's photos. Three disjoint groups of photos give the three parts of the
  classic benchmark: **queries** (descriptors of 20 BSDS500 photos never in the
  database), a **learn** set (300 ImageNet-sample photos, for k-means and codebooks) and
  the **database** (the other photos at full size, then seeded edited copies of them —
  crop + rotation — until the requested size is reached). The database of size ``n`` is
  the first ``n`` vectors of the million, so smaller sets are prefixes of the full one.
* :func:`embedding_set`: the same three parts cut from any ``(N, D)`` float32 embeddings
  (deep descriptors of chapters 8 / 11: photos of the pack and augmented copies).
* :func:`exact_ground_truth`: the exact ``k`` nearest neighbours of every query with
  ``faiss.IndexFlatL2``, block by block over the database (progress bar), cached.

Everything is cached under ``imsearch.data.cache_dir() / "ann"``: the SIFT extraction in
chunks of photos, so an interrupted build resumes where it stopped. Rebuild the full
million ahead of time with ``python -m imsearch.eval.ann_data`` (a few minutes).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .._util.cache import load_npz, save_npz
from .._util.validation import as_rng, check_array, check_int

#: Version of the recipe; changing it rebuilds every cached file.
VERSION = "1"
#: Photos whose descriptors are the queries (BSDS500, never in the database or learn set).
N_QUERY_PHOTOS = 20
#: Photos whose descriptors form the learn (training) set (ImageNet samples).
N_LEARN_PHOTOS = 300
#: SIFT keypoints kept per image (the strongest).
MAX_KEYPOINTS = 2000
#: Photos extracted per cached chunk.
CHUNK = 40
#: The size of the full set (benchmarks/ann.py).
FULL_SIZE = 1_000_000


@dataclass
class ANNSet:
    """Database, queries, learn set and exact ground truth for nearest-neighbour search.

    Attributes
    ----------
    name : str
    database : (N, D) float32
    queries : (Q, D) float32
    learn : (L, D) float32
        Training vectors disjoint from the database and the queries.
    truth : (Q, K) int64
        Database ids of the exact ``K`` nearest neighbours of each query, nearest first.
    truth_distances : (Q, K) float32
        Their squared L2 distances.
    source : (N,) int64
        For each database vector, its photo (an index into ``photos``).
    photos : list of str
        ``"dataset/id"`` (``"…#edit1"`` for an edited copy) of each source photo.
    """

    name: str
    database: np.ndarray
    queries: np.ndarray
    learn: np.ndarray
    truth: np.ndarray
    truth_distances: np.ndarray
    source: np.ndarray = field(repr=False)
    photos: list = field(repr=False)

    @property
    def dim(self) -> int:
        return self.database.shape[1]

    def __repr__(self):
        return (f"ANNSet({self.name!r}: {len(self.database)} database, {len(self.queries)} queries, "
                f"{len(self.learn)} learn, d = {self.dim}, {self.truth.shape[1]} true neighbours each)")


def _folder():
    from ..data.pack import cache_dir

    return cache_dir() / "ann"


def _key(*parts) -> str:
    h = hashlib.blake2b(digest_size=8)
    h.update(VERSION.encode())
    for p in parts:
        if isinstance(p, np.ndarray):
            h.update(f"{p.dtype.str}{p.shape}".encode())
            h.update(np.ascontiguousarray(p).data)
        else:
            h.update(repr(p).encode())
        h.update(b"|")
    return h.hexdigest()


# ============================================================================ exact ground truth


def exact_ground_truth(database, queries, k: int = 100, block: int = 200_000, progress: bool = True,
                       cache: bool = True):
    """The exact ``k`` nearest database vectors of every query (squared L2), computed once and cached.

    ``faiss.IndexFlatL2`` searches each block of ``block`` database rows; the partial
    results are merged (ties by lower id).

    Parameters
    ----------
    database : (N, D) float array, N >= k
    queries : (Q, D) float array
    k : int >= 1
    block : int >= 1
    progress : bool
    cache : bool
        Keep the result under ``cache_dir()/ann``, keyed by a hash of both arrays.

    Returns
    -------
    distances : (Q, k) float32
    ids : (Q, k) int64
    """
    import faiss

    x = check_array(database, "database", ndim=2, kinds="iuf")
    q = check_array(queries, "queries", ndim=2, kinds="iuf")
    if q.shape[1] != x.shape[1]:
        raise ValueError(f"queries must have {x.shape[1]} columns, got shape {q.shape}")
    k = check_int(k, "k", minimum=1, maximum=len(x))
    block = check_int(block, "block", minimum=1)
    path = None
    if cache:
        path = _folder() / f"truth-{_key(x, q, k)}.npz"
        got = load_npz(path)
        if got is not None:
            return got["distances"], got["ids"]
    qf = np.ascontiguousarray(q, np.float32)
    best_d = np.full((len(q), k), np.inf, np.float32)
    best_i = np.full((len(q), k), -1, np.int64)
    starts = range(0, len(x), block)
    if progress:
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc="exact ground truth (faiss IndexFlatL2)")
    for a in starts:
        index = faiss.IndexFlatL2(x.shape[1])
        index.add(np.ascontiguousarray(x[a:a + block], np.float32))
        d, i = index.search(qf, min(k, index.ntotal))
        d_all = np.concatenate([best_d, d], axis=1)
        i_all = np.concatenate([best_i, np.where(i >= 0, i + a, -1)], axis=1)
        big = np.where(i_all >= 0, i_all, np.iinfo(np.int64).max)
        order = _row_lexsort(d_all, big)[:, :k]
        best_d = np.take_along_axis(d_all, order, axis=1)
        best_i = np.take_along_axis(i_all, order, axis=1)
    if cache:
        save_npz(path, {"distances": best_d, "ids": best_i})
    return best_d, best_i


def _row_lexsort(d, ids) -> np.ndarray:
    """Per row: order by distance, then by id."""
    order = np.argsort(ids, axis=1, kind="stable")
    d2 = np.take_along_axis(d, order, axis=1)
    return np.take_along_axis(order, np.argsort(d2, axis=1, kind="stable"), axis=1)


# ============================================================================ SIFT set


def _photo_plan(seed: int = 0):
    """The photos of the SIFT set: (queries, learn, database) lists of (dataset, index, id)."""
    rng = np.random.default_rng(seed)
    bsds_ids, _ = _ids("bsds500")
    imnet_ids, _ = _ids("imagenet_samples")
    b = rng.permutation(len(bsds_ids))
    m = rng.permutation(len(imnet_ids))
    queries = [("bsds500", int(i), bsds_ids[i]) for i in b[:N_QUERY_PHOTOS]]
    learn = [("imagenet_samples", int(i), imnet_ids[i]) for i in m[:N_LEARN_PHOTOS]]
    base = ([("bsds500", int(i), bsds_ids[i]) for i in b[N_QUERY_PHOTOS:]]
            + [("imagenet_samples", int(i), imnet_ids[i]) for i in m[N_LEARN_PHOTOS:]])
    base = [base[i] for i in rng.permutation(len(base))]
    return queries, learn, base


_IMAGES = {}


def _ids(dataset):
    """(ids, images) of a pack dataset, loaded once per process."""
    from ..data import loaders

    if dataset not in _IMAGES:
        if dataset == "bsds500":
            ids, ims = loaders.load_bsds500()
        else:
            ids, ims, _ = loaders.load_imagenet_samples()
        _IMAGES[dataset] = (list(ids), ims)
    return _IMAGES[dataset]


def _edited(image, round_: int, seed: int):
    """Round 0: the photo itself; round r >= 1: a seeded crop-and-rescale then rotation."""
    from .. import edits

    if round_ == 0:
        return image
    return edits.rotate(edits.crop_and_scale(image, seed=seed), seed=seed + 1)


def _extract_chunk(photos, round_: int, label: str, progress: bool):
    """SIFT descriptors (uint8) and per-descriptor photo positions of one chunk, cached."""
    from ..features.extraction import extract_features

    key = _key("chunk", [(d, i) for d, i, _ in photos], round_, MAX_KEYPOINTS)
    path = _folder() / f"sift-{label}-r{round_}-{key}.npz"
    got = load_npz(path)
    if got is not None:
        return got["descriptors"], got["counts"]
    images = []
    for d, i, _ in photos:
        im = _ids(d)[1][i]
        images.append(_edited(im, round_, seed=1000 * round_ + i + (0 if d == "bsds500" else 500)))
    feats = extract_features(images, MAX_KEYPOINTS, progress=False)
    out = {"descriptors": feats.descriptors, "counts": feats.counts.astype(np.int64)}
    save_npz(path, out)
    return out["descriptors"], out["counts"]


def _sift_database(base, n: int, progress: bool):
    """The first ``n`` database descriptors: photos in order, round after round, chunk by chunk."""
    parts, sources, photos = [], [], []
    total = 0
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc="SIFT database (cached in chunks)", unit="vec", unit_scale=True)
    round_ = 0
    while total < n:
        for a in range(0, len(base), CHUNK):
            chunk = base[a:a + CHUNK]
            desc, counts = _extract_chunk(chunk, round_, "base", progress)
            take = min(len(desc), n - total)
            parts.append(desc[:take])
            first = len(photos)
            photos.extend(f"{d}/{pid}" + (f"#edit{round_}" if round_ else "") for d, _, pid in chunk)
            sources.append(np.repeat(np.arange(first, first + len(chunk)), counts)[:take])
            total += take
            if bar is not None:
                bar.update(take)
            if total >= n:
                break
        round_ += 1
        if round_ > 20:
            raise ValueError(f"n_database = {n} is more than this recipe can extract")
    if bar is not None:
        bar.close()
    return np.concatenate(parts), np.concatenate(sources).astype(np.int64), photos


def sift_set(n_database: int = 100_000, n_queries: int = 1000, n_learn: int = 50_000, k: int = 100,
             seed: int = 0, progress: bool = True) -> ANNSet:
    """SIFT-1M in miniature: real SIFT descriptors of the pack's photos, with exact ground truth.

    Parameters
    ----------
    n_database : int in [k, 1_000_000]
        Database size; the first ``n_database`` vectors of the full million.
    n_queries : int in [1, 10_000]
        Query descriptors, a seeded sample of the descriptors of the query photos.
    n_learn : int in [1, 100_000]
        Learn descriptors, a seeded sample of the learn photos' descriptors.
    k : int
        True neighbours kept per query.
    seed : int
        Seeds the choice of photos and the samples.
    progress : bool

    Returns
    -------
    ANNSet
        Vectors as float32 with integer values in [0, 255] (OpenCV SIFT).

    Raises
    ------
    imsearch.data.DataMissingError
        Without the course data pack.
    """
    n_database = check_int(n_database, "n_database", minimum=1, maximum=FULL_SIZE)
    n_queries = check_int(n_queries, "n_queries", minimum=1, maximum=10_000)
    n_learn = check_int(n_learn, "n_learn", minimum=1, maximum=100_000)
    k = check_int(k, "k", minimum=1, maximum=n_database)
    seed = check_int(seed, "seed", minimum=0)
    queries_photos, learn_photos, base = _photo_plan(seed)
    rng = np.random.default_rng(seed)
    qd, _ = _extract_chunk(queries_photos, 0, "queries", progress)
    ld = np.concatenate([_extract_chunk(learn_photos[a:a + 100], 0, "learn", progress)[0]
                         for a in range(0, len(learn_photos), 100)])
    if len(qd) < n_queries or len(ld) < n_learn:
        raise ValueError(f"the recipe gives {len(qd)} query and {len(ld)} learn descriptors, "
                         f"fewer than n_queries = {n_queries} / n_learn = {n_learn}")
    queries = qd[np.sort(rng.choice(len(qd), n_queries, replace=False))].astype(np.float32)
    learn = ld[np.sort(rng.choice(len(ld), n_learn, replace=False))].astype(np.float32)
    db, source, photos = _sift_database(base, n_database, progress)
    database = db.astype(np.float32)
    dist, ids = exact_ground_truth(database, queries, k, progress=progress)
    return ANNSet(f"SIFT-{_short(n_database)}", database, queries, learn, ids, dist, source, photos)


def _short(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else (f"{n // 1000}k" if n % 1000 == 0 else str(n))


# ============================================================================ any embeddings


def embedding_set(embeddings, n_queries: int = 1000, n_learn: int = 10_000, k: int = 100, seed: int = 0,
                  name: str = "embeddings", labels=None, progress: bool = True) -> ANNSet:
    """Queries, learn set and database cut from any ``(N, D)`` embeddings, with exact ground truth.

    A seeded permutation puts ``n_queries`` vectors aside as queries, the next ``n_learn``
    as the learn set, and the rest in the database (in their original order).

    Parameters
    ----------
    embeddings : (N, D) float array, N > n_queries + n_learn + k
        E.g. deep descriptors of the pack's photos and of augmented copies (chapters 8, 11).
    n_queries, n_learn, k : int
    seed : int
    name : str
    labels : sequence of str, optional
        A name for each embedding (its photo), kept in ``photos``.
    progress : bool

    Returns
    -------
    ANNSet
    """
    e = check_array(embeddings, "embeddings", ndim=2, kinds="f")
    n_queries = check_int(n_queries, "n_queries", minimum=1)
    n_learn = check_int(n_learn, "n_learn", minimum=0)
    k = check_int(k, "k", minimum=1)
    if len(e) < n_queries + n_learn + k:
        raise ValueError(f"embeddings must have at least n_queries + n_learn + k = {n_queries + n_learn + k} "
                         f"rows, got {len(e)}")
    if labels is not None and len(labels) != len(e):
        raise ValueError(f"labels must have one entry per embedding ({len(e)}), got {len(labels)}")
    perm = as_rng(seed).permutation(len(e))
    qi, li = np.sort(perm[:n_queries]), np.sort(perm[n_queries:n_queries + n_learn])
    di = np.sort(perm[n_queries + n_learn:])
    e = np.asarray(e, np.float32)
    database = np.ascontiguousarray(e[di])
    queries = np.ascontiguousarray(e[qi])
    dist, ids = exact_ground_truth(database, queries, k, progress=progress)
    photos = [str(s) for s in (labels if labels is not None else range(len(e)))]
    return ANNSet(name, database, queries, np.ascontiguousarray(e[li]), ids, dist,
                  np.asarray(di, np.int64), photos)


def deep_set(n_vectors: int = 111_000, n_queries: int = 1000, n_learn: int = 10_000, k: int = 100,
             model: str = "sscd_koleo10", size: int = 48, seed: int = 0, progress: bool = True) -> ANNSet:
    """Deep descriptors of the pack's photos and of augmented copies: chapter 11's SSCD at scale.

    Every original photo of the DISC-style benchmark (references, background and training
    pool: about 4,100 photos, see :func:`imsearch.eval.load_disc`) is squashed to ``size`` px
    and described by a committed chapter 11 network, then described again after rounds of
    SimCLR augmentations (:func:`imsearch.nn.augment.simclr_augment`, preset ``"all"``,
    seeded per round) until ``n_vectors`` descriptors exist; :func:`embedding_set` then puts
    ``n_queries`` of them aside as queries and ``n_learn`` as the learn set, with exact
    ground truth. The descriptors are cached (by model weights, size, count and seed).

    Parameters
    ----------
    n_vectors : int
        Descriptors in all (database = ``n_vectors - n_queries - n_learn``; the default gives
        100,000).
    n_queries, n_learn, k : int
    model : str
        A committed model of :mod:`imsearch.nn.zoo` with an SSCD network (chapter 11).
    size : int
        Side in pixels of the squashed photos (the size the network's benchmark uses).
    seed : int
    progress : bool

    Returns
    -------
    ANNSet
        ``photos`` names each vector ``"<photo id>#r<round>"`` (round 0: the original).
    """
    from ..nn.extraction import augmented_embeddings
    from ..nn.sscd import weights_id
    from ..nn.zoo import load_model
    from .disc import load_disc

    n_vectors = check_int(n_vectors, "n_vectors", minimum=2)
    size = check_int(size, "size", minimum=8)
    net = load_model(model)[0].eval()
    key = _key("deep", model, weights_id(net), n_vectors, size, seed)
    path = _folder() / f"deep-{_short(n_vectors)}-{key}.npz"
    cached = load_npz(path)
    if cached is None:
        disc = load_disc(progress=progress)
        photos = list(disc.references) + list(disc.background) + list(disc.train)
        ids = list(disc.reference_ids) + list(disc.background_ids) + list(disc.train_ids)
        emb, photo, round_ = augmented_embeddings(net, photos, n_vectors, "all", size, seed, progress=progress)
        names = np.asarray([f"{ids[p]}#r{r}" for p, r in zip(photo, round_)])
        cached = {"embeddings": emb, "names": names}
        save_npz(path, cached)
    s = embedding_set(cached["embeddings"], n_queries, n_learn, k, seed, name=f"{model} deep {_short(n_vectors)}",
                      labels=list(cached["names"]), progress=progress)
    return s


def main(argv=None) -> int:
    """``python -m imsearch.eval.ann_data [n_database]``: build (or finish building) the SIFT set."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("n_database", nargs="?", type=int, default=FULL_SIZE)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--learn", type=int, default=100_000)
    args = parser.parse_args(argv)
    s = sift_set(args.n_database, args.queries, args.learn)
    print(s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
