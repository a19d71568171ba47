"""Chapter 7's pipeline on the course's benchmarks: bags of words, Hamming embedding, VLAD.

:class:`Pipeline` holds a vocabulary trained on training SIFT (and the Hamming embedding
learned with it) and encodes any :class:`imsearch.features.extraction.LocalFeatures`;
:func:`bow_similarity`, :func:`he_similarity` and :func:`vlad_similarity` score queries
against a database; :func:`variant_similarity` / :func:`evaluate_variants` run the chapter's
variants (:data:`VARIANTS`) on a benchmark; :func:`course_data` loads both benchmarks with
their cached SIFT features. The algorithms live in :mod:`imsearch.descriptors` and
:mod:`imsearch.index`; ``python -m imsearch.eval.bow_pipeline`` fills the cache.
"""
from __future__ import annotations


import time
from dataclasses import dataclass

import numpy as np

from .._util.validation import check_int
from ..descriptors.bow import bag_of_words, bow_vectors, cached_vocabulary, cached_words, idf_weights, assign_words, train_vocabulary
from ..descriptors.hamming import train_hamming_embedding
from ..descriptors.pca import pca_fit, pca_project
from ..descriptors.vlad import vlad_descriptors
from ..features.extraction import DESCRIPTOR_DIM, LocalFeatures, _cache_folder, cached_features
from ..index.reranking import spatial_rerank
from .methods import methods_of


# ============================================================================ pipeline per vocabulary

class Pipeline:
    """A vocabulary trained on training features, with what depends on it.

    Holds the ``k`` centroids (k-means on training RootSIFT, cached), the Hamming
    embedding learned on the training descriptors, and gives visual words (cached),
    bags of words, HE signatures and VLAD vectors of any :class:`LocalFeatures`.

    Parameters
    ----------
    train : LocalFeatures
        Descriptors of training photos, disjoint from the evaluation.
    k : int
        Vocabulary size.
    seed : int
    n_bits : int
        Bits of the Hamming-embedding signatures.
    cache : bool
        Use the cache for the vocabulary and the words.
    """

    def __init__(self, train: LocalFeatures, k: int, seed=0, n_bits: int = 64, cache: bool = True):
        if not isinstance(train, LocalFeatures):
            raise TypeError(f"train must be LocalFeatures, got {type(train).__name__}")
        self.k = check_int(k, "k", minimum=1)
        self.seed = check_int(seed, "seed", minimum=0)
        self.cache = bool(cache)
        self.train = train
        self.centroids = (cached_vocabulary(train, self.k, self.seed) if self.cache
                          else train_vocabulary(train.rootsift(), self.k, self.seed))
        self._memory = {}
        tw = self.words(train)
        self.he = train_hamming_embedding(train.rootsift(), tw, self.k, n_bits, seed=self.seed)

    def _memo(self, kind, features, compute):
        key = (kind, id(features))
        got = self._memory.get(key)
        if got is None or got[0] is not features:
            got = (features, compute())
            self._memory[key] = got
        return got[1]

    def words(self, features: LocalFeatures) -> np.ndarray:
        """(M,) int64 visual words of ``features`` (kept in memory, and on disk when ``cache``)."""
        if not isinstance(features, LocalFeatures):
            raise TypeError(f"features must be LocalFeatures, got {type(features).__name__}")
        return self._memo("words", features, lambda: cached_words(features, self.centroids) if self.cache
                          else assign_words(features.rootsift(), self.centroids))

    def bow(self, features: LocalFeatures):
        """(N, k) sparse term counts of the images of ``features``."""
        return bag_of_words(self.words(features), features.image_ids, features.n_images, self.k)

    def signatures(self, features: LocalFeatures) -> np.ndarray:
        """(M,) uint64 Hamming-embedding signatures of ``features`` (kept in memory)."""
        return self._memo("signatures", features, lambda: self.he.signatures(features.rootsift(), self.words(features)))

    def vlad(self, features: LocalFeatures, alpha=0.5, intra: bool = True) -> np.ndarray:
        """(N, k · 128) float32 VLAD vectors of the images of ``features`` (kept in memory, read-only)."""
        def compute():
            v = vlad_descriptors(features.rootsift(), self.words(features), features.image_ids, features.n_images,
                                 self.centroids, alpha=alpha, intra=intra)
            v.setflags(write=False)
            return v

        return self._memo(("vlad", float(alpha), bool(intra)), features, compute)

    def pca(self, n_components: int = 128, alpha=0.5, intra: bool = True):
        """PCA of the training images' VLAD vectors: ``(mean, components, variances)`` (kept in memory).

        ``n_components`` is capped by the number of training images minus one.
        """
        n_components = check_int(n_components, "n_components", minimum=1)
        key = ("pca", n_components, float(alpha), bool(intra))
        if key not in self._memory:
            vt = self.vlad(self.train, alpha, intra)
            # N centred training vectors span at most N - 1 directions
            self._memory[key] = pca_fit(vt, max(1, min(n_components, vt.shape[0] - 1, vt.shape[1])))
        return self._memory[key]


# ============================================================================ similarities

def _pair(database, queries):
    if not isinstance(database, LocalFeatures) or not isinstance(queries, LocalFeatures):
        raise TypeError("database and queries must be LocalFeatures")


def bow_similarity(pipeline: Pipeline, database: LocalFeatures, queries: LocalFeatures, weighting: str = "tfidf",
                   stop_fraction=0.0) -> np.ndarray:
    """(Q, N) cosine similarities of bags of words, computed through the inverted index.

    Parameters
    ----------
    pipeline : Pipeline
    database, queries : LocalFeatures
    weighting : {"counts", "tfidf"}
    stop_fraction : float
        Share of the vocabulary stopped (most frequent words in the database).
    """
    from ..index.inverted_file import InvertedIndex

    _pair(database, queries)
    db, q = bow_vectors(pipeline.bow(database), pipeline.bow(queries), weighting, stop_fraction)
    index = InvertedIndex(pipeline.k)
    index.add(db)
    return index.scores(q)


class HEMatches:
    """Hamming-embedding matches of queries against a database, scored for any threshold and weighting.

    Built by :func:`he_matches`; :meth:`scores` costs a weighted sum per (query, image),
    so trying many thresholds (a curve, a slider) walks the posting lists only once.
    """

    def __init__(self, index, histograms, query_norms):
        self.index = index
        self.histograms = histograms
        self.query_norms = query_norms

    @property
    def max_distance(self) -> int:
        return self.histograms.shape[2] - 1

    def scores(self, threshold: int = 24, sigma=16.0) -> np.ndarray:
        """(Q, N) similarities counting matches within ``threshold`` bits, weighted by ``exp(-h²/σ²)``."""
        return self.index.scores_from_histograms(self.histograms, self.query_norms, threshold, sigma)


def he_matches(pipeline: Pipeline, database: LocalFeatures, queries: LocalFeatures, idf: bool = True,
               max_distance: int | None = None) -> HEMatches:
    """Match the queries' descriptors against the database's through a Hamming inverted file.

    Parameters
    ----------
    pipeline : Pipeline
    database, queries : LocalFeatures
    idf : bool
        Weight matches by the idf² of their word (idf of the database).
    max_distance : int, optional
        Largest Hamming distance kept (default: every distance).

    Returns
    -------
    HEMatches
    """
    from ..index.inverted_file import HammingInvertedFile

    _pair(database, queries)
    wd, wq = pipeline.words(database), pipeline.words(queries)
    weights = idf_weights(pipeline.bow(database)) if idf else None
    hif = HammingInvertedFile(pipeline.k, weights, pipeline.he.n_bits)
    hif.add(wd, pipeline.signatures(database), database.image_ids, database.n_images)
    hist = hif.match_histograms(wq, pipeline.signatures(queries), queries.image_ids, queries.n_images,
                                max_distance=max_distance)
    return HEMatches(hif, hist, hif.query_norms(wq, queries.image_ids, queries.n_images))


def he_similarity(pipeline: Pipeline, database: LocalFeatures, queries: LocalFeatures, threshold: int = 24,
                  sigma=16.0, idf: bool = True) -> np.ndarray:
    """(Q, N) Hamming-embedding similarities (:class:`imsearch.index.inverted_file.HammingInvertedFile`).

    Parameters
    ----------
    threshold : int
        Largest Hamming distance of a match (bits).
    sigma : float or None
        Gaussian weighting of the distance, ``exp(-h²/σ²)``.
    idf : bool
        Weight matches by the idf² of their word (idf of the database).
    """
    threshold = check_int(threshold, "threshold", minimum=0, maximum=pipeline.he.n_bits)
    return he_matches(pipeline, database, queries, idf, max_distance=threshold).scores(threshold, sigma)


def vlad_similarity(pipeline: Pipeline, database: LocalFeatures, queries: LocalFeatures, alpha=0.5,
                    intra: bool = True, pca_dim: int | None = None, whiten: bool = True) -> np.ndarray:
    """(Q, N) cosine similarities of VLAD vectors, optionally reduced by a PCA learned on the training images.

    Parameters
    ----------
    alpha : float
        Power normalisation (0.5: signed square root).
    intra : bool
        Intra-normalisation.
    pca_dim : int, optional
        Reduce to this many dimensions (capped by the number of training images).
    whiten : bool
        PCA whitening (with ``pca_dim``).
    """
    _pair(database, queries)
    vd, vq = pipeline.vlad(database, alpha, intra), pipeline.vlad(queries, alpha, intra)
    if pca_dim is not None:
        mean, comp, var = pipeline.pca(pca_dim, alpha, intra)
        var = var if whiten else None
        vd, vq = pca_project(vd, mean, comp, var), pca_project(vq, mean, comp, var)
    return vq.astype(np.float64) @ vd.astype(np.float64).T


# ============================================================================ the results table

#: Holidays mAP reported by the papers, for perspective (not comparable: other data,
#: other features, 1491 photos). Each entry: (method, Holidays mAP, source).
PAPER_RESULTS = (
    ("HE + weak geometric consistency (20k words)", 0.746,
     "Jégou, Douze & Schmid, ECCV 2008: the result file of the article, scored by the Holidays "
     "evaluation package (eval_holidays README, INRIA 2008)"),
    ("VLAD + vocabulary adaptation + intra-normalisation (32768-D)", 0.646,
     "Arandjelović & Zisserman, CVPR 2013, as tabulated in Babenko et al., ECCV 2014, Table 1"),
)


#: Chapter 7's variants: its keys of :data:`imsearch.eval.methods.METHODS`, in table order.
VARIANTS = methods_of(7)

#: Vocabulary sizes each variant is run with by default in :func:`evaluate_variants`:
#: spatial verification and Hamming embedding need words precise enough to make
#: correspondences (and are slow with long posting lists); VLAD needs few centroids
#: (its vector has k · 128 dimensions).
VARIANT_K_RANGE = {"tfidf+stop+sv": (1024, None), "he": (256, None), "vlad": (None, 256), "vlad+pca": (None, 256)}


def variant_similarity(variant: str, pipeline: Pipeline, database: LocalFeatures, queries: LocalFeatures,
                       stop_fraction=0.05, he_threshold: int = 24, he_sigma=16.0, shortlist: int = 30,
                       exclude=None, pca_dim: int = 128) -> np.ndarray:
    """(Q, N) similarities of one variant of :data:`VARIANTS` (see :func:`evaluate_variants`)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if variant == "bow":
        return bow_similarity(pipeline, database, queries, "counts")
    if variant == "tfidf":
        return bow_similarity(pipeline, database, queries, "tfidf")
    if variant == "tfidf+stop":
        return bow_similarity(pipeline, database, queries, "tfidf", stop_fraction)
    if variant == "tfidf+stop+sv":
        s0 = bow_similarity(pipeline, database, queries, "tfidf", stop_fraction)
        s, _, _ = spatial_rerank(s0, queries, pipeline.words(queries), database, pipeline.words(database),
                                 shortlist=shortlist, exclude=exclude)
        return s
    if variant == "he":
        return he_similarity(pipeline, database, queries, he_threshold, he_sigma)
    if variant == "vlad":
        return vlad_similarity(pipeline, database, queries)
    return vlad_similarity(pipeline, database, queries, pca_dim=pca_dim)


def variant_dim(variant: str, pipeline: Pipeline, pca_dim: int = 128) -> int:
    """Length of an image's vector for a variant: ``k`` (bags of words), ``k·128`` (VLAD) or the PCA size."""
    if variant == "vlad":
        return pipeline.k * DESCRIPTOR_DIM
    if variant == "vlad+pca":
        return max(1, min(pca_dim, pipeline.k * DESCRIPTOR_DIM, pipeline.train.n_images - 1))
    return pipeline.k


def evaluate_variants(evaluate, database: LocalFeatures, queries: LocalFeatures, pipelines: dict,
                      variants=VARIANTS, k_range=None, stop_fraction=0.05, he_threshold: int = 24, he_sigma=16.0,
                      shortlist: int = 30, exclude=None, pca_dim: int = 128, progress: bool = True,
                      keep_similarity: bool = False) -> list:
    """Score every variant with every vocabulary size through a benchmark's ``evaluate``.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(similarity (Q, N)) -> dict`` of metrics, e.g. ``scenes.evaluate``.
    database, queries : LocalFeatures
    pipelines : dict int -> Pipeline
        One per vocabulary size.
    variants : sequence of str
        Among :data:`VARIANTS`: ``bow`` (raw counts), ``tfidf``, ``tfidf+stop`` (the
        ``stop_fraction`` most frequent words removed), ``tfidf+stop+sv`` (then the
        ``shortlist`` best re-ranked by spatial verification), ``he`` (Hamming
        embedding, ``he_threshold`` bits, Gaussian weight of width ``he_sigma``),
        ``vlad`` and ``vlad+pca`` (whitened PCA to ``pca_dim`` learned on the training
        images).
    k_range : dict, optional
        ``variant -> (min k, max k)`` (None: no bound); default :data:`VARIANT_K_RANGE`.
    exclude : (Q,) int array, optional
        The database index of each query (never shortlisted by spatial verification).
    progress : bool
    keep_similarity : bool
        Also return each run's ``(Q, N)`` similarities (key ``"similarity"``), e.g. to compare
        two variants with a paired bootstrap (``scenes.paired_intervals``).

    Returns
    -------
    list of dict
        ``{"variant", "k", "dim", "seconds", **metrics}`` per (variant, k), in the order
        of ``variants`` then ``k``; ``seconds`` is the time to compute the similarities of
        all queries (the vocabulary and the features are not counted), ``dim`` the
        length of an image's vector.
    """
    for v in variants:
        if v not in VARIANTS:
            raise ValueError(f"variants must be among {VARIANTS}, got {v!r}")
    if not callable(evaluate):
        raise TypeError("evaluate must be callable")
    if not isinstance(pipelines, dict) or not pipelines:
        raise ValueError("pipelines must be a non-empty dict {k: Pipeline}")
    jobs = _jobs(variants, pipelines, k_range)
    items = jobs
    if progress:
        from tqdm.auto import tqdm
        items = tqdm(jobs, desc="variants", unit="run", leave=False)
    rows = []
    for v, k in items:
        t = time.perf_counter()
        s = variant_similarity(v, pipelines[k], database, queries, stop_fraction, he_threshold, he_sigma,
                               shortlist, exclude, pca_dim)
        seconds = time.perf_counter() - t
        metrics = evaluate(s)
        rows.append({"variant": v, "k": k, "dim": variant_dim(v, pipelines[k], pca_dim), "seconds": seconds,
                     **{m: val for m, val in metrics.items() if np.isscalar(val)}})
        if keep_similarity:
            rows[-1]["similarity"] = s
    return rows


def _jobs(variants, pipelines, k_range):
    k_range = VARIANT_K_RANGE if k_range is None else k_range

    def allowed(v, k):
        lo, hi = k_range.get(v, (None, None))
        return (lo is None or k >= lo) and (hi is None or k <= hi)

    return [(v, k) for v in variants for k in sorted(pipelines) if allowed(v, k)]


# ============================================================================ the course's data, cached

@dataclass
class CourseData:
    """The features chapter 7 works on (see :func:`course_data`).

    Attributes
    ----------
    source : str
        ``"pack"`` (the two benchmarks) or ``"embedded"`` (:func:`imsearch.eval.benchmarks.embedded_scenes`).
    missing : str or None
        Why the pack is not used: the missing dataset and how to get it.
    scenes : Scenes
    copy_detection : CopyDetection or None
    train, scenes_database, scenes_queries : LocalFeatures
    copy_references, copy_queries, copy_background : LocalFeatures or None
    seconds : float
        Time this call took.
    """

    source: str
    missing: str | None
    scenes: object
    copy_detection: object
    train: LocalFeatures
    scenes_database: LocalFeatures
    scenes_queries: LocalFeatures
    copy_references: LocalFeatures | None
    copy_queries: LocalFeatures | None
    copy_background: LocalFeatures | None
    seconds: float


#: Training photos used for the vocabularies: the first ``N_TRAIN`` of the copy-detection training set.
N_TRAIN = 400
#: SIFT keypoints kept per image (the strongest).
MAX_KEYPOINTS = 300


def course_data(background: bool = False, progress: bool = True, n_train: int = N_TRAIN,
                max_keypoints: int = MAX_KEYPOINTS) -> CourseData:
    """Load both benchmarks and the SIFT features of every image, extracting them once (cached).

    With the course data pack: the ``scenes`` and ``copy_detection`` benchmarks
    (:mod:`imsearch.eval.benchmarks`), and training features from the first ``n_train``
    photos of ``copy_detection.train`` (ImageNet samples: never a query, a positive or
    a reference). Without it: :func:`imsearch.eval.benchmarks.embedded_scenes` and no copy detection, with the
    reason in ``missing``.

    Rebuild everything with ``python -m imsearch.eval.bow_pipeline`` (it also trains the vocabularies).

    Parameters
    ----------
    background : bool
        Also extract the copy-detection background photos (for µAP_SN).
    progress : bool
    n_train : int
    max_keypoints : int

    Returns
    -------
    CourseData
    """
    from ..data.pack import DataMissingError

    t = time.perf_counter()
    n_train = check_int(n_train, "n_train", minimum=1)
    try:
        from ..eval.benchmarks import load_copy_detection, load_scenes

        sc = load_scenes(progress=progress)
        cd = load_copy_detection(progress=progress)
    except DataMissingError as err:
        from ..eval.benchmarks import embedded_scenes

        es = embedded_scenes()
        train = cached_features(es.train, "embedded_train", max_keypoints, progress)
        db = cached_features(es.images, "embedded_scenes", max_keypoints, progress)
        why = (f"the course data pack is not available — {err}. Chapter 7 runs instead on a small same-scene "
               f"set made from the embedded photos, and skips copy detection.")
        return CourseData("embedded", why, es, None, train, db, db.select(es.query_indices), None, None, None,
                          time.perf_counter() - t)
    train = cached_features(cd.train[:n_train], "train", max_keypoints, progress)
    db = cached_features(sc.images, "scenes", max_keypoints, progress)
    refs = cached_features(cd.references, "copy_references", max_keypoints, progress)
    queries = cached_features(cd.queries, "copy_queries", max_keypoints, progress)
    bg = cached_features(cd.background, "copy_background", max_keypoints, progress) if background else None
    return CourseData("pack", None, sc, cd, train, db, db.select(sc.query_indices), refs, queries, bg,
                      time.perf_counter() - t)


# ============================================================================ command line

def evaluate_course_variants(data: CourseData, pipelines: dict, variants=VARIANTS, k_range=None,
                             progress: bool = True, **options) -> list:
    """Chapter 7's table: every variant on ``scenes`` (mAP) and, with the data pack, ``copy_detection`` (µAP).

    :func:`evaluate_variants` on both benchmarks of a :class:`CourseData`, with the similarities
    kept for paired comparisons.

    Parameters
    ----------
    data : CourseData
        From :func:`course_data`.
    pipelines : dict int -> Pipeline
    variants : sequence of str
        Among :data:`VARIANTS`.
    k_range : dict, optional
        As for :func:`evaluate_variants`.
    progress : bool
    **options
        Passed on to :func:`evaluate_variants` (``stop_fraction``, ``he_threshold``...).

    Returns
    -------
    list of dict
        The rows of :func:`evaluate_variants` on ``scenes`` (``mAP``, ``similarity``...) with, when
        ``data.copy_detection`` is there, ``uAP``, ``seconds_copy`` and ``similarity_copy``.
    """
    sc, cd = data.scenes, data.copy_detection
    rows = evaluate_variants(sc.evaluate, data.scenes_database, data.scenes_queries, pipelines, variants, k_range,
                             exclude=sc.query_indices, progress=progress, keep_similarity=True, **options)
    if cd is not None and data.copy_references is not None:
        copies = evaluate_variants(cd.evaluate_similarity, data.copy_references, data.copy_queries, pipelines,
                                   variants, k_range, progress=progress, keep_similarity=True, **options)
        for row, c in zip(rows, copies):
            row.update(uAP=c["uAP"], seconds_copy=c["seconds"], similarity_copy=c["similarity"])
    return rows


def variants_table(rows) -> tuple:
    """Header and rows of a table of :func:`evaluate_course_variants` results (for ``viz.markdown_table``).

    Parameters
    ----------
    rows : list of dict
        With ``variant``, ``k``, ``dim``, ``mAP`` and optionally ``uAP``.

    Returns
    -------
    header : list of str
    table : list of list
        ``[variant, k, dim, mAP(, µAP)]`` per row; the µAP column only when every row has it.
    """
    rows = list(rows)
    copy = bool(rows) and all("uAP" in r for r in rows)
    header = ["variant", "k", "dim", "scenes mAP"] + (["copy µAP"] if copy else [])
    return header, [[r["variant"], r["k"], r["dim"], r["mAP"]] + ([r["uAP"]] if copy else []) for r in rows]


def main(argv=None) -> int:
    """``python -m imsearch.eval.bow_pipeline [--ks 64 256 1024 4096]``: build the chapter's cache and print timings."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m imsearch.eval.bow_pipeline",
                                     description="Extract and cache SIFT features of both benchmarks, train and "
                                                 "cache the visual vocabularies and the words (chapter 7).")
    parser.add_argument("--ks", type=int, nargs="+", default=[64, 256, 1024, 4096], help="vocabulary sizes")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    data = course_data(background=True, progress=True)
    print(f"features: {time.perf_counter() - t:.1f} s ({data.source}; cache: {_cache_folder()})")
    if data.missing:
        print(data.missing)
    sets = [f for f in (data.scenes_database, data.copy_references, data.copy_queries, data.copy_background)
            if f is not None]
    for k in args.ks:
        t = time.perf_counter()
        p = Pipeline(data.train, k)
        for f in sets:
            p.words(f)
        print(f"k = {k}: vocabulary and words in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
