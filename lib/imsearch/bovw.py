"""Bags of visual words: vocabulary, quantisation, TF-IDF, stop words, spatial re-ranking,
Hamming embedding and VLAD.

The pipeline of chapter 7, after Sivic & Zisserman's "Video Google" (ICCV 2003):

1. **Local descriptors**: SIFT keypoints and descriptors (OpenCV, at most
   ``max_keypoints`` per image), compared as RootSIFT (Arandjelović & Zisserman 2012):
   :func:`extract_features`, :class:`LocalFeatures`.
2. **A visual vocabulary**: k-means on descriptors of *training* photos
   (:func:`train_vocabulary`, faiss), and the quantiser ``R^d → {0..k-1}`` that
   assigns each descriptor to its nearest centroid, its visual word (:func:`quantize`).
3. **The bag of words**: how many descriptors of an image fall on each word, a sparse
   ``(N, k)`` matrix (:func:`bag_of_words`), searched through an inverted index
   (:mod:`imsearch.invindex`).
4. **Text-retrieval weighting**: term frequency × inverse document frequency
   (:func:`tfidf_weights`, :func:`tfidf`) and a stop list of the most frequent words
   (:func:`stop_words`), with L2-normalised vectors compared by the cosine.
5. **Spatial verification** of a shortlist: correspondences between features that share
   a word, a geometric model fitted robustly, images re-ranked by their number of
   inliers (:func:`spatial_verification`, :func:`spatial_rerank`; Philbin et al. 2007).
6. **Hamming embedding** (Jégou, Douze & Schmid, ECCV 2008): a 64-bit signature per
   descriptor that refines its word (:class:`HammingEmbedding`).
7. **VLAD** (Jégou et al., CVPR 2010 / PAMI 2012): the sums of the residuals to the
   centroids, power- and intra-normalised (Arandjelović & Zisserman, CVPR 2013) and
   reduced by PCA (:func:`vlad_descriptors`, :func:`pca_fit`).

Heavy steps (SIFT on thousands of images, k-means) are cached under
``imsearch.data.cache_dir() / "bovw"``; ``python -m imsearch.bovw`` rebuilds the cache for
the course's two benchmarks.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._guard import reference
from .data import load_npz, save_npz
from ._validation import as_rng, check_array, check_int, check_number

__all__ = [
    "LocalFeatures", "extract_features", "cached_features",
    "train_vocabulary", "cached_vocabulary", "quantize", "nearest_word", "cached_words", "word_patches",
    "bag_of_words", "document_frequency", "idf_weights", "tfidf_weights", "tfidf", "stop_words",
    "drop_words", "l2_normalize", "bow_vectors",
    "word_correspondences", "spatial_verification", "spatial_rerank",
    "random_orthogonal_projection", "he_thresholds", "pack_bits", "unpack_bits", "he_signatures",
    "hamming_distances", "HammingEmbedding", "train_hamming_embedding",
    "vlad_aggregate", "power_normalize", "intra_normalize", "vlad_descriptors", "pca_fit", "pca_project",
    "Pipeline", "EmbeddedScenes", "embedded_scenes",
    "bow_similarity", "HEMatches", "he_matches", "he_similarity", "vlad_similarity", "predictions_from_similarity",
    "VARIANTS", "VARIANT_K_RANGE", "variant_similarity", "variant_dim", "evaluate_variants", "evaluate_copy_detection",
    "CourseData", "course_data", "N_TRAIN", "MAX_KEYPOINTS", "leaderboard_rows", "main", "PAPER_RESULTS",
]

DESCRIPTOR_DIM = 128
CACHE_VERSION = "1"


# ============================================================================ caching

def _cache_folder() -> Path:
    from .data import cache_dir

    return cache_dir() / "bovw"


def _fingerprint(*parts) -> str:
    """A short hash of arrays (shape, dtype and bytes), strings and numbers."""
    h = hashlib.blake2b(digest_size=10)
    h.update(CACHE_VERSION.encode())
    for p in parts:
        if isinstance(p, np.ndarray):
            h.update(f"{p.dtype.str}{p.shape}".encode())
            h.update(np.ascontiguousarray(p).data)
        else:
            h.update(repr(p).encode())
        h.update(b"|")
    return h.hexdigest()


def _images_fingerprint(images) -> str:
    h = hashlib.blake2b(digest_size=10)
    for im in images:
        a = np.ascontiguousarray(im)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.data)
    return h.hexdigest()


# ============================================================================ local features

@dataclass(frozen=True)
class LocalFeatures:
    """The local features of a list of images, stored contiguously.

    Attributes
    ----------
    keypoints : (M, 4) float32 array
        ``x, y`` (pixels), ``scale`` (Gaussian σ, pixels), ``angle`` (radians, from +x
        towards +y), as :func:`imsearch.matching.opencv_sift` returns them.
    descriptors : (M, 128) uint8 array
        OpenCV's SIFT vectors (integers 0..255).
    offsets : (N + 1,) int64 array
        The features of image ``i`` are rows ``offsets[i]:offsets[i + 1]``.
    """

    keypoints: np.ndarray
    descriptors: np.ndarray
    offsets: np.ndarray

    def __post_init__(self):
        k = check_array(self.keypoints, "keypoints", shape=(None, 4), kinds="f", allow_empty=True)
        d = check_array(self.descriptors, "descriptors", shape=(None, DESCRIPTOR_DIM), kinds="u",
                        allow_empty=True)
        o = check_array(self.offsets, "offsets", ndim=1, kinds="iu")
        if len(k) != len(d) or o[0] != 0 or o[-1] != len(d) or np.any(np.diff(o) < 0):
            raise ValueError("keypoints, descriptors and offsets are inconsistent")

    @property
    def n_images(self) -> int:
        return len(self.offsets) - 1

    def __len__(self) -> int:
        return self.n_images

    @property
    def counts(self) -> np.ndarray:
        """(N,) int64: the number of features of each image."""
        return np.diff(self.offsets)

    @property
    def image_ids(self) -> np.ndarray:
        """(M,) int64: the image each feature belongs to."""
        return np.repeat(np.arange(self.n_images, dtype=np.int64), self.counts)

    def of(self, i: int):
        """``(keypoints, descriptors)`` of image ``i``."""
        i = check_int(i, "i", minimum=0, maximum=self.n_images - 1)
        a, b = self.offsets[i], self.offsets[i + 1]
        return self.keypoints[a:b], self.descriptors[a:b]

    def rootsift(self) -> np.ndarray:
        """(M, 128) float32: RootSIFT of every descriptor (L1-normalise, square root).

        Computed once by :func:`imsearch.local.root_sift` and kept (read-only).
        """
        got = self.__dict__.get("_rootsift")
        if got is None:
            from .local import root_sift

            if len(self.descriptors) == 0:
                got = np.zeros((0, DESCRIPTOR_DIM), np.float32)
            else:
                got = np.concatenate([root_sift(self.descriptors[a:a + 65536])
                                      for a in range(0, len(self.descriptors), 65536)])
            got.setflags(write=False)
            object.__setattr__(self, "_rootsift", got)
        return got

    def select(self, indices) -> "LocalFeatures":
        """The features of the images ``indices``, in that order."""
        idx = check_array(indices, "indices", ndim=1, kinds="iu", allow_empty=True, min_value=0,
                          max_value=max(self.n_images - 1, 0)).astype(np.int64)
        if len(idx) and self.n_images == 0:
            raise ValueError("indices must be empty: there are no images")
        counts = self.counts[idx]
        rows = _ranges(self.offsets[idx], counts)
        return LocalFeatures(self.keypoints[rows], self.descriptors[rows],
                             np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))

    def fingerprint(self) -> str:
        return _fingerprint(self.keypoints, self.descriptors, self.offsets)


def _ranges(starts, lengths) -> np.ndarray:
    """Concatenation of ``arange(s, s + l)`` for every (s, l)."""
    lengths = np.asarray(lengths, np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    shift = np.repeat(np.asarray(starts, np.int64) - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(total, dtype=np.int64) + shift


def _check_images(images, name="images") -> list:
    if isinstance(images, np.ndarray) and images.ndim in (2, 3) and images.dtype != object:
        raise TypeError(f"{name} must be a list of images, got a single array of shape {images.shape}")
    try:
        images = list(images)
    except TypeError:
        raise TypeError(f"{name} must be a list of images, got {type(images).__name__}") from None
    return images


def extract_features(images, max_keypoints: int = 300, progress: bool = True, desc: str = "SIFT") -> LocalFeatures:
    """SIFT keypoints and descriptors of every image (OpenCV), at most ``max_keypoints`` per image.

    Parameters
    ----------
    images : list of (H, W, 3) or (H, W) uint8 or float [0, 1] arrays
    max_keypoints : int >= 1
        The strongest keypoints (by DoG response) are kept.
    progress : bool
        Show a progress bar (tqdm).
    desc : str
        Label of the progress bar.

    Returns
    -------
    LocalFeatures

    References
    ----------
    D. G. Lowe. Distinctive image features from scale-invariant keypoints. IJCV 60(2), 2004.
    """
    from ._validation import check_image
    from .matching import opencv_sift

    images = _check_images(images)
    max_keypoints = check_int(max_keypoints, "max_keypoints", minimum=1)
    for i, im in enumerate(images):
        check_image(im, f"images[{i}]")
    items = images
    if progress:
        from tqdm.auto import tqdm
        items = tqdm(images, desc=desc, unit="image", leave=False)
    kps, descs, counts = [], [], []
    for im in items:
        k, d = opencv_sift(im, n_features=max_keypoints)
        k, d = k[:max_keypoints], d[:max_keypoints]
        kps.append(k.astype(np.float32))
        descs.append(np.clip(np.rint(d), 0, 255).astype(np.uint8))
        counts.append(len(k))
    if not images:
        return LocalFeatures(np.zeros((0, 4), np.float32), np.zeros((0, DESCRIPTOR_DIM), np.uint8),
                             np.zeros(1, np.int64))
    return LocalFeatures(np.concatenate(kps), np.concatenate(descs),
                         np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))


def cached_features(images, name: str, max_keypoints: int = 300, progress: bool = True) -> LocalFeatures:
    """:func:`extract_features`, computed once and kept in the cache.

    The cache file ``<cache_dir>/bovw/features-<name>-<hash>.npz`` is keyed by a hash of
    the images' pixels and of ``max_keypoints``: other images never reuse it.

    Parameters
    ----------
    images : list of images
    name : str
        A readable label for the file name (e.g. ``"scenes"``).
    max_keypoints : int
    progress : bool

    Returns
    -------
    LocalFeatures
    """
    images = _check_images(images)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a short identifier like 'scenes', got {name!r}")
    max_keypoints = check_int(max_keypoints, "max_keypoints", minimum=1)
    key = _fingerprint(_images_fingerprint(images), max_keypoints)
    path = _cache_folder() / f"features-{name}-{key}.npz"
    if path.exists():
        got = load_npz(path)
        if got is not None:
            return LocalFeatures(got["keypoints"], got["descriptors"], got["offsets"])
    feats = extract_features(images, max_keypoints, progress, desc=f"SIFT ({name})")
    save_npz(path, dict(keypoints=feats.keypoints, descriptors=feats.descriptors, offsets=feats.offsets))
    return feats


# ============================================================================ vocabulary and quantisation

def _descriptors(x, name="descriptors", allow_empty=True) -> np.ndarray:
    return check_array(x, name, ndim=2, kinds="iuf", allow_empty=allow_empty)


def train_vocabulary(descriptors, k: int, seed=0, n_iter: int = 10, max_points_per_word: int = 64) -> np.ndarray:
    """A visual vocabulary: the ``k`` centroids of k-means on training descriptors (faiss).

    Parameters
    ----------
    descriptors : (M, d) float array
        Training descriptors (e.g. RootSIFT), ``M >= k``.
    k : int >= 1
        Number of visual words.
    seed : int
        Seed of the k-means initialisation and subsampling.
    n_iter : int
        Lloyd iterations.
    max_points_per_word : int
        faiss subsamples ``k × max_points_per_word`` descriptors when there are more.

    Returns
    -------
    (k, d) float32 array of centroids

    References
    ----------
    J. Sivic and A. Zisserman, ICCV 2003 (k-means vocabulary); J. Johnson, M. Douze and
    H. Jégou. Billion-scale similarity search with GPUs. IEEE TBD 2019 (faiss).
    """
    import faiss

    x = _descriptors(descriptors, allow_empty=False)
    k = check_int(k, "k", minimum=1)
    if len(x) < k:
        raise ValueError(f"descriptors must hold at least k = {k} vectors, got {len(x)}")
    seed = check_int(seed, "seed", minimum=0)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    max_points_per_word = check_int(max_points_per_word, "max_points_per_word", minimum=1)
    x = np.ascontiguousarray(x, dtype=np.float32)
    km = faiss.Kmeans(x.shape[1], k, niter=n_iter, seed=seed, max_points_per_centroid=max_points_per_word,
                      min_points_per_centroid=1, verbose=False)
    km.train(x)
    return np.asarray(km.centroids, dtype=np.float32).reshape(k, x.shape[1]).copy()


def cached_vocabulary(train: LocalFeatures, k: int, seed=0, n_iter: int = 10) -> np.ndarray:
    """:func:`train_vocabulary` on the RootSIFT descriptors of ``train``, computed once and cached.

    Returns
    -------
    (k, 128) float32 array of centroids
    """
    if not isinstance(train, LocalFeatures):
        raise TypeError(f"train must be LocalFeatures, got {type(train).__name__}")
    k = check_int(k, "k", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    path = _cache_folder() / f"vocabulary-k{k}-{_fingerprint(train.fingerprint(), k, seed, n_iter, 64)}.npz"
    if path.exists():
        got = load_npz(path)
        if got is not None:
            return got["centroids"]
    centroids = train_vocabulary(train.rootsift(), k, seed=seed, n_iter=n_iter, max_points_per_word=64)
    save_npz(path, dict(centroids=centroids))
    return centroids


def _check_centroids(centroids, dim=None) -> np.ndarray:
    c = check_array(centroids, "centroids", ndim=2, kinds="iuf")
    if dim is not None and c.shape[1] != dim:
        raise ValueError(f"descriptors and centroids must have the same dimension, got {dim} and {c.shape[1]}")
    return c


def quantize(descriptors, centroids) -> np.ndarray:
    """Visual words: the index of each descriptor's nearest centroid (faiss ``IndexFlatL2``).

    Parameters
    ----------
    descriptors : (M, d) float array
    centroids : (k, d) float array

    Returns
    -------
    (M,) int64 array of words in ``0 .. k-1`` (computed in float32; see :func:`nearest_word`
    for the exact float64 version).
    """
    import faiss

    x = _descriptors(descriptors)
    c = _check_centroids(centroids, x.shape[1])
    if len(x) == 0:
        return np.zeros(0, np.int64)
    index = faiss.IndexFlatL2(c.shape[1])
    index.add(np.ascontiguousarray(c, dtype=np.float32))
    out = np.empty(len(x), np.int64)
    for a in range(0, len(x), 65536):
        _, idx = index.search(np.ascontiguousarray(x[a:a + 65536], dtype=np.float32), 1)
        out[a:a + 65536] = idx[:, 0]
    return out


def nearest_word(descriptors, centroids) -> np.ndarray:
    """Nearest centroid of each descriptor in float64 numpy (ties to the lower index).

    The slow, exact reference of :func:`quantize`: ``argmin_j ||x - c_j||²``.

    Parameters
    ----------
    descriptors : (M, d) float array
    centroids : (k, d) float array

    Returns
    -------
    (M,) int64 array
    """
    x = _descriptors(descriptors).astype(np.float64)
    c = _check_centroids(centroids, x.shape[1]).astype(np.float64)
    out = np.empty(len(x), np.int64)
    step = max(1, (1 << 21) // (c.shape[0] * c.shape[1]))   # rows per block: about 16 MB of differences
    for a in range(0, len(x), step):
        d = ((x[a:a + step, None, :] - c[None]) ** 2).sum(-1)
        out[a:a + step] = np.argmin(d, axis=1)
    return out


def cached_words(features: LocalFeatures, centroids) -> np.ndarray:
    """:func:`quantize` of the RootSIFT descriptors of ``features``, computed once and cached.

    Returns
    -------
    (M,) int64 array of visual words
    """
    if not isinstance(features, LocalFeatures):
        raise TypeError(f"features must be LocalFeatures, got {type(features).__name__}")
    c = _check_centroids(centroids, DESCRIPTOR_DIM)
    path = _cache_folder() / f"words-k{len(c)}-{_fingerprint(features.fingerprint(), c)}.npz"
    if path.exists():
        got = load_npz(path)
        if got is not None and len(got["words"]) == len(features.descriptors):
            return got["words"].astype(np.int64)
    words = quantize(features.rootsift(), c)
    save_npz(path, dict(words=words.astype(np.int32)))
    return words


def word_patches(images, features: LocalFeatures, words, word: int, n: int = 8, size_px: int = 32,
                 seed=0) -> np.ndarray:
    """Grayscale patches around ``n`` keypoints quantised to ``word``: what a visual word looks like.

    Each patch is the square of side ``12 σ`` centred on the keypoint (about the region
    the SIFT descriptor describes, without rotating it), resized to ``size_px``.

    Parameters
    ----------
    images : list of images, the images of ``features``
    features : LocalFeatures
    words : (M,) int array, the features' visual words
    word : int
    n : int
        Patches returned at most (drawn at random among the word's keypoints, by ``seed``).
    size_px : int
    seed : int

    Returns
    -------
    (n', size_px, size_px) uint8 array, n' <= n
    """
    import cv2

    from .image import to_gray, to_uint8

    images = _check_images(images)
    if len(images) != features.n_images:
        raise ValueError(f"images must hold the {features.n_images} images of features, got {len(images)}")
    w = check_array(words, "words", shape=(len(features.descriptors),), kinds="iu")
    n = check_int(n, "n", minimum=1)
    size_px = check_int(size_px, "size_px", minimum=4)
    rows = np.flatnonzero(w == check_int(word, "word", minimum=0))
    rows = as_rng(seed).permutation(rows)[:n]
    img_of = features.image_ids
    out = []
    for r in rows:
        gray = to_uint8(to_gray(images[img_of[r]])) if np.asarray(images[img_of[r]]).ndim == 3 \
            else to_uint8(images[img_of[r]])
        x, y, sigma = (float(v) for v in features.keypoints[r, :3])
        half = max(2.0, 6.0 * sigma)
        m = np.array([[size_px / (2 * half), 0, size_px / 2 - x * size_px / (2 * half)],
                      [0, size_px / (2 * half), size_px / 2 - y * size_px / (2 * half)]])
        out.append(cv2.warpAffine(gray, m, (size_px, size_px), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT))
    return np.array(out, dtype=np.uint8).reshape(-1, size_px, size_px)


# ============================================================================ bag of words, TF-IDF, stop words

def _sp():
    import scipy.sparse

    return scipy.sparse


def bag_of_words(words, image_ids, n_images: int, n_words: int):
    """The bag of words: how many features of each image fall on each visual word.

    Parameters
    ----------
    words : (M,) int array in ``0 .. n_words-1``
    image_ids : (M,) int array in ``0 .. n_images-1``
    n_images, n_words : int

    Returns
    -------
    scipy.sparse.csr_matrix, (n_images, n_words) float64
        Term counts; sorted indices, no explicit zeros.
    """
    n_images = check_int(n_images, "n_images", minimum=0)
    n_words = check_int(n_words, "n_words", minimum=1)
    w = check_array(words, "words", ndim=1, kinds="iu", allow_empty=True, min_value=0, max_value=n_words - 1)
    i = check_array(image_ids, "image_ids", ndim=1, kinds="iu", allow_empty=True, min_value=0,
                    max_value=max(n_images - 1, 0))
    if len(w) != len(i):
        raise ValueError(f"words and image_ids must have the same length, got {len(w)} and {len(i)}")
    if len(i) and n_images == 0:
        raise ValueError("n_images must be > 0 when there are words")
    m = _sp().csr_matrix((np.ones(len(w)), (i.astype(np.int64), w.astype(np.int64))), shape=(n_images, n_words))
    m.sum_duplicates()
    m.sort_indices()
    return m


def _as_matrix(m, name):
    sp = _sp()
    if sp.issparse(m):
        if m.ndim != 2:
            raise ValueError(f"{name} must have 2 dimensions, got shape {m.shape}")
        m = sp.csr_matrix(m, dtype=np.float64)
        if m.nnz and (not np.all(np.isfinite(m.data)) or m.data.min() < 0):
            raise ValueError(f"{name} must hold finite, non-negative counts")
        return m
    return sp.csr_matrix(check_array(m, name, ndim=2, kinds="biuf", allow_empty=True, min_value=0)
                         .astype(np.float64))


def document_frequency(bow) -> np.ndarray:
    """(k,) int64: in how many images each word occurs (the ``n_i`` of text retrieval)."""
    m = _as_matrix(bow, "bow")
    m.eliminate_zeros()
    return np.bincount(m.indices, minlength=m.shape[1]).astype(np.int64)


def idf_weights(bow) -> np.ndarray:
    """Inverse document frequencies ``log(N / n_i)`` of a database's bags of words (0 for unused words).

    Parameters
    ----------
    bow : (N, k) sparse or dense counts

    Returns
    -------
    (k,) float64 array

    References
    ----------
    K. Spärck Jones. A statistical interpretation of term specificity and its application
    in retrieval. J. Documentation 28(1), 1972; Sivic & Zisserman, ICCV 2003, eq. (1).
    """
    m = _as_matrix(bow, "bow")
    df = document_frequency(m)
    return np.where(df > 0, np.log(np.maximum(m.shape[0], 1) / np.maximum(df, 1)), 0.0)


@reference("7.2")
def tfidf_weights(counts) -> np.ndarray:
    """TF-IDF weights of bags of words, with the idf computed from the same images.

    ``t[d, i] = (n_id / n_d) · log(N / n_i)``: ``n_id`` the count of word ``i`` in image
    ``d``, ``n_d`` the number of words of image ``d``, ``N`` the number of images and ``n_i``
    the number of images containing word ``i`` (Sivic & Zisserman 2003, eq. 1). Images
    without any word give a row of zeros; words in no image get weight 0.

    Parameters
    ----------
    counts : (N, k) int or float array of non-negative counts

    Returns
    -------
    (N, k) float64 array
    """
    c = check_array(counts, "counts", ndim=2, kinds="iuf", min_value=0).astype(np.float64)
    n_d = c.sum(axis=1, keepdims=True)
    tf = np.divide(c, n_d, out=np.zeros_like(c), where=n_d > 0)
    df = (c > 0).sum(axis=0)
    idf = np.where(df > 0, np.log(len(c) / np.maximum(df, 1)), 0.0)
    return tf * idf


@reference("7.2")  # computes exercise 7.2's weights too: it may not stand in for it
def tfidf(bow, idf=None):
    """Sparse TF-IDF: each count divided by the image's number of words, times the word's idf.

    Parameters
    ----------
    bow : (N, k) sparse or dense counts
    idf : (k,) float array, optional
        Weights learned on the database (:func:`idf_weights`); default: from ``bow`` itself.

    Returns
    -------
    scipy.sparse.csr_matrix, (N, k) float64
        Equal to :func:`tfidf_weights` when ``idf`` is None.
    """
    m = _as_matrix(bow, "bow")
    if idf is None:
        idf = idf_weights(m)
    idf = check_array(idf, "idf", shape=(m.shape[1],), kinds="iuf", min_value=0).astype(np.float64)
    n_d = np.asarray(m.sum(axis=1)).ravel()
    out = _sp().csr_matrix(_sp().diags(np.divide(1.0, n_d, out=np.zeros_like(n_d), where=n_d > 0)) @ m
                           @ _sp().diags(idf))
    out.eliminate_zeros()
    out.sort_indices()
    return out


def stop_words(bow, fraction=0.05) -> np.ndarray:
    """The stop list: the most frequent visual words (highest total count in ``bow``).

    Parameters
    ----------
    bow : (N, k) sparse or dense counts
    fraction : float in [0, 1)
        Share of the vocabulary to stop (``round(fraction · k)`` words).

    Returns
    -------
    (n_stop,) int64 array of word indices, most frequent first (ties: lower index first)

    References
    ----------
    Sivic & Zisserman, ICCV 2003, section 4 (a stop list of frequent visual words).
    """
    m = _as_matrix(bow, "bow")
    fraction = check_number(fraction, "fraction", minimum=0.0, maximum=1.0, strict_max=True)
    n_stop = int(round(fraction * m.shape[1]))
    total = np.asarray(m.sum(axis=0)).ravel()
    order = np.lexsort((np.arange(len(total)), -total))
    return order[:n_stop].astype(np.int64)


def drop_words(bow, words):
    """Bags of words with the given words' columns set to zero (the shape is kept).

    Returns
    -------
    scipy.sparse.csr_matrix, float64
    """
    m = _as_matrix(bow, "bow").copy()
    w = check_array(words, "words", ndim=1, kinds="iu", allow_empty=True, min_value=0,
                    max_value=m.shape[1] - 1)
    mask = np.zeros(m.shape[1], bool)
    mask[w] = True
    m.data[mask[m.indices]] = 0.0
    m.eliminate_zeros()
    return m


def l2_normalize(x):
    """Rows divided by their Euclidean norm (zero rows stay zero); sparse stays sparse.

    Parameters
    ----------
    x : (N, D) array or scipy sparse matrix

    Returns
    -------
    (N, D) float array (float32 stays float32) or scipy.sparse.csr_matrix (float64)
    """
    sp = _sp()
    if sp.issparse(x):
        m = sp.csr_matrix(x, dtype=np.float64)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        out = sp.csr_matrix(sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ m)
        out.sort_indices()
        return out
    a = check_array(x, "x", ndim=2, kinds="biuf", allow_empty=True)
    a = a.astype(np.float32 if a.dtype == np.float32 else np.float64)
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    return np.divide(a, norms, out=np.zeros_like(a), where=norms > 0)


def bow_vectors(database_bow, query_bow, weighting: str = "tfidf", stop_fraction=0.0):
    """L2-normalised database and query vectors for cosine search, as in text retrieval.

    Parameters
    ----------
    database_bow : (N, k) counts
    query_bow : (Q, k) counts
    weighting : {"counts", "tfidf"}
        Raw counts, or TF-IDF with the idf of the database.
    stop_fraction : float in [0, 1)
        Share of the vocabulary removed as stop words (most frequent in the database).

    Returns
    -------
    database, queries : scipy.sparse.csr_matrix, unit-norm rows (zero rows stay zero)
    """
    db = _as_matrix(database_bow, "database_bow")
    q = _as_matrix(query_bow, "query_bow")
    if q.shape[1] != db.shape[1]:
        raise ValueError(f"query_bow and database_bow must have the same number of words, "
                         f"got {q.shape[1]} and {db.shape[1]}")
    if weighting not in ("counts", "tfidf"):
        raise ValueError(f"weighting must be 'counts' or 'tfidf', got {weighting!r}")
    stop = stop_words(db, stop_fraction)
    if len(stop):
        db, q = drop_words(db, stop), drop_words(q, stop)
    if weighting == "tfidf":
        idf = idf_weights(db)
        db, q = tfidf(db, idf), tfidf(q, idf)
    return l2_normalize(db), l2_normalize(q)


# ============================================================================ spatial verification

def word_correspondences(words_a, words_b, max_per_word: int = 5) -> np.ndarray:
    """Tentative correspondences: every pair of features of two images that share a visual word.

    Words occurring more than ``max_per_word`` times in either image (repeated
    textures, "bursts") give no pairs.

    Parameters
    ----------
    words_a : (Ma,) int array
    words_b : (Mb,) int array
    max_per_word : int >= 1

    Returns
    -------
    (P, 2) int64 array of ``(index in a, index in b)``, sorted by index in a then in b.
    """
    a = check_array(words_a, "words_a", ndim=1, kinds="iu", allow_empty=True).astype(np.int64)
    b = check_array(words_b, "words_b", ndim=1, kinds="iu", allow_empty=True).astype(np.int64)
    max_per_word = check_int(max_per_word, "max_per_word", minimum=1)
    if len(a) == 0 or len(b) == 0:
        return np.zeros((0, 2), np.int64)
    order_b = np.argsort(b, kind="stable")
    sb = b[order_b]
    lo = np.searchsorted(sb, a, side="left")
    hi = np.searchsorted(sb, a, side="right")
    n_b = hi - lo
    _, inv, count_a = np.unique(a, return_inverse=True, return_counts=True)
    n_b[(count_a[inv] > max_per_word) | (n_b > max_per_word)] = 0
    ia = np.repeat(np.arange(len(a), dtype=np.int64), n_b)
    ib = order_b[_ranges(lo, n_b)]
    return np.column_stack([ia, ib])


def _inliers_of(M, src, dst, threshold):
    p = np.c_[src, np.ones(len(src))] @ M.T
    with np.errstate(divide="ignore", invalid="ignore"):
        proj = p[:, :2] / p[:, 2:3]
        err = np.linalg.norm(proj - dst, axis=1)
    return np.isfinite(err) & (err < threshold)


def _similarity_hypotheses(ka, kb):
    """One similarity transform per correspondence, from its two keypoints' position, scale, angle."""
    s = kb[:, 2] / np.maximum(ka[:, 2], 1e-9)
    t = kb[:, 3] - ka[:, 3]
    c, si = s * np.cos(t), s * np.sin(t)
    tx = kb[:, 0] - (c * ka[:, 0] - si * ka[:, 1])
    ty = kb[:, 1] - (si * ka[:, 0] + c * ka[:, 1])
    return c, si, tx, ty


def spatial_verification(keypoints_a, keypoints_b, pairs, threshold_px=10.0, method: str = "similarity",
                         max_iters: int = 200, seed=0):
    """The number of correspondences consistent with one geometric transformation of image a onto b.

    * ``method="similarity"`` (Philbin et al. 2007): each correspondence of two SIFT
      keypoints (position, scale, orientation) defines a similarity transformation on
      its own; every one of them is tried (no random sampling, vectorised), the one
      with the most inliers is kept and refined by least squares on its inliers — an
      affine transformation, then a homography (normalised DLT,
      :func:`imsearch.geometry.fit_homography`) — keeping the largest consensus.
    * ``method="ransac"``: :func:`imsearch.geometry.ransac_homography` (4-point samples,
      chapter 5) with at most ``max_iters`` samples.

    Parameters
    ----------
    keypoints_a, keypoints_b : (Na, 4), (Nb, 4) float arrays
        ``x, y, scale, angle_rad``.
    pairs : (P, 2) int array
        Tentative correspondences (:func:`word_correspondences`).
    threshold_px : float > 0
        Largest reprojection error of an inlier, in pixels of image b.
    method : {"similarity", "ransac"}
    max_iters : int
        RANSAC only.
    seed : int
        RANSAC only.

    Returns
    -------
    n_inliers : int
    inlier_mask : (P,) bool array

    References
    ----------
    J. Philbin, O. Chum, M. Isard, J. Sivic and A. Zisserman. Object retrieval with large
    vocabularies and fast spatial matching. CVPR 2007.
    """
    ka_all = check_array(keypoints_a, "keypoints_a", shape=(None, 4), kinds="iuf", allow_empty=True)
    kb_all = check_array(keypoints_b, "keypoints_b", shape=(None, 4), kinds="iuf", allow_empty=True)
    p = check_array(pairs, "pairs", shape=(None, 2), kinds="iu", allow_empty=True).astype(np.int64)
    threshold_px = check_number(threshold_px, "threshold_px", minimum=0.0, strict_min=True)
    if method not in ("similarity", "ransac"):
        raise ValueError(f"method must be 'similarity' or 'ransac', got {method!r}")
    if len(p) and (p[:, 0].max() >= len(ka_all) or p[:, 1].max() >= len(kb_all)):
        raise ValueError("pairs index keypoints that do not exist")
    n = len(p)
    mask = np.zeros(n, bool)
    if n == 0:
        return 0, mask
    ka = ka_all[p[:, 0]].astype(np.float64)
    kb = kb_all[p[:, 1]].astype(np.float64)
    src, dst = ka[:, :2], kb[:, :2]
    if method == "ransac":
        from .geometry import ransac_homography

        if n < 4:
            return 0, mask
        try:
            H, m = ransac_homography(src, dst, threshold=threshold_px, max_iters=check_int(max_iters, "max_iters",
                                     minimum=1), seed=seed)
        except ValueError:          # all points on one line: no homography
            return 0, mask
        return (0, mask) if H is None else (int(m.sum()), m)
    c, s, tx, ty = _similarity_hypotheses(ka, kb)
    best_count, best = 0, mask
    for a in range(0, n, 512):      # (hypotheses × correspondences) in blocks
        px = c[a:a + 512, None] * src[None, :, 0] - s[a:a + 512, None] * src[None, :, 1] + tx[a:a + 512, None]
        py = s[a:a + 512, None] * src[None, :, 0] + c[a:a + 512, None] * src[None, :, 1] + ty[a:a + 512, None]
        inl = (px - dst[None, :, 0]) ** 2 + (py - dst[None, :, 1]) ** 2 < threshold_px ** 2
        counts = inl.sum(axis=1)
        j = int(np.argmax(counts))
        if counts[j] > best_count:
            best_count, best = int(counts[j]), inl[j]
    # local optimisation: least squares on the inliers, up the transformation hierarchy
    # (affine, then homography once there are enough inliers), kept while the consensus grows
    from .geometry import fit_homography

    for model in ("affine", "affine", "homography", "homography"):
        if best_count < (3 if model == "affine" else 8):
            continue
        if model == "affine":
            sol, *_ = np.linalg.lstsq(np.c_[src[best], np.ones(best_count)], dst[best], rcond=None)
            M = np.vstack([sol.T, [0.0, 0.0, 1.0]])
        else:
            try:
                M = fit_homography(src[best], dst[best])
            except ValueError:      # degenerate inliers (on a line): keep the affine consensus
                break
        m = _inliers_of(M, src, dst, threshold_px)
        if m.sum() > best_count:
            best_count, best = int(m.sum()), m
    return best_count, best


def spatial_rerank(scores, query_features: LocalFeatures, query_words, database_features: LocalFeatures,
                   database_words, shortlist: int = 30, exclude=None, threshold_px=10.0, max_per_word: int = 5,
                   min_inliers: int = 5, method: str = "similarity", progress: bool = False):
    """Re-rank the top of each query's list by spatial verification (inliers first, then the old score).

    The ``shortlist`` best database images of each query (by ``scores``) are verified
    with :func:`spatial_verification` on :func:`word_correspondences`; they move to the
    top of the ranking, ordered by number of inliers and then by their old score. The
    other images keep their order below them.

    Parameters
    ----------
    scores : (Q, N) float array
        First-stage similarities, in ``[-1, 1]`` (cosines).
    query_features : LocalFeatures of the Q queries
    query_words : (Mq,) int array, their visual words
    database_features : LocalFeatures of the N database images
    database_words : (Md,) int array
    shortlist : int >= 1
        How many images are verified per query.
    exclude : (Q,) int array, optional
        A database index per query never to verify (the query itself), or -1.
    threshold_px : float
    max_per_word : int
    min_inliers : int
        Fewer inliers than this count as 0 (a single correspondence always "verifies"
        itself; a handful agree by chance).
    method : {"similarity", "ransac"}
    progress : bool

    Returns
    -------
    new_scores : (Q, N) float64 array
        Verified images score ``2 + inliers + (old + 1) / 4`` (above every unverified
        image, whose score is unchanged).
    inliers : (Q, shortlist) int64 array
        Inlier counts of the shortlisted images, in first-stage order.
    shortlist_ids : (Q, shortlist) int64 array
    """
    s = check_array(scores, "scores", ndim=2, kinds="iuf", min_value=-1.0 - 1e-9, max_value=1.0 + 1e-9)
    q, n = s.shape
    if not isinstance(query_features, LocalFeatures) or not isinstance(database_features, LocalFeatures):
        raise TypeError("query_features and database_features must be LocalFeatures")
    if query_features.n_images != q or database_features.n_images != n:
        raise ValueError(f"scores has shape {s.shape} but there are {query_features.n_images} query and "
                         f"{database_features.n_images} database images")
    qw = check_array(query_words, "query_words", shape=(len(query_features.descriptors),), kinds="iu",
                     allow_empty=True)
    dw = check_array(database_words, "database_words", shape=(len(database_features.descriptors),), kinds="iu",
                     allow_empty=True)
    shortlist = min(check_int(shortlist, "shortlist", minimum=1), n - (exclude is not None))
    min_inliers = check_int(min_inliers, "min_inliers", minimum=1)
    first = s.astype(np.float64).copy()
    if exclude is not None:
        ex = check_array(exclude, "exclude", shape=(q,), kinds="iu", min_value=-1, max_value=n - 1)
        rows = np.flatnonzero(ex >= 0)
        first[rows, ex[rows]] = -3.0   # below every cosine: never shortlisted
    from .invindex import top_k

    _, ids = top_k(first, max(shortlist, 1))
    ids = ids[:, :shortlist]
    inliers = np.zeros(ids.shape, np.int64)
    new = s.astype(np.float64).copy()
    items = range(q)
    if progress:
        from tqdm.auto import tqdm
        items = tqdm(items, desc="spatial verification", unit="query", leave=False)
    qo, do = query_features.offsets, database_features.offsets
    for i in items:
        kq = query_features.keypoints[qo[i]:qo[i + 1]]
        wq = qw[qo[i]:qo[i + 1]]
        for r, j in enumerate(ids[i]):
            pairs = word_correspondences(wq, dw[do[j]:do[j + 1]], max_per_word)
            n_in, _ = spatial_verification(kq, database_features.keypoints[do[j]:do[j + 1]], pairs,
                                           threshold_px, method)
            inliers[i, r] = n_in if n_in >= min_inliers else 0
        new[i, ids[i]] = 2.0 + inliers[i] + (s[i, ids[i]] + 1.0) / 4.0
    return new, inliers, ids


# ============================================================================ Hamming embedding

def random_orthogonal_projection(dim: int, n_bits: int = 64, seed=0) -> np.ndarray:
    """``n_bits`` orthonormal rows of a random rotation of ``R^dim`` (QR of a Gaussian matrix).

    Returns
    -------
    (n_bits, dim) float64 array with ``P @ P.T = I``
    """
    dim = check_int(dim, "dim", minimum=1)
    n_bits = check_int(n_bits, "n_bits", minimum=1, maximum=min(64, dim))
    g = as_rng(seed).standard_normal((dim, dim))
    q, r = np.linalg.qr(g)
    q = q * np.sign(np.diag(r))  # a uniformly distributed rotation (Mezzadri 2007)
    return q[:n_bits].copy()


def he_thresholds(projected, words, n_words: int) -> np.ndarray:
    """Per-word, per-bit medians of projected training descriptors (the Hamming-embedding thresholds).

    Parameters
    ----------
    projected : (M, b) float array
        Training descriptors after the random projection.
    words : (M,) int array
        Their visual words.
    n_words : int

    Returns
    -------
    (n_words, b) float64 array
        Words without training descriptors get the median over all descriptors.

    References
    ----------
    H. Jégou, M. Douze and C. Schmid. Hamming embedding and weak geometric consistency for
    large scale image search. ECCV 2008, section 3.
    """
    z = check_array(projected, "projected", ndim=2, kinds="iuf").astype(np.float64)
    n_words = check_int(n_words, "n_words", minimum=1)
    w = check_array(words, "words", shape=(len(z),), kinds="iu", min_value=0, max_value=n_words - 1)
    out = np.tile(np.median(z, axis=0), (n_words, 1))
    order = np.argsort(w, kind="stable")
    sw, sz = w[order], z[order]
    bounds = np.flatnonzero(np.diff(sw)) + 1
    for start, stop in zip(np.r_[0, bounds], np.r_[bounds, len(sw)]):
        out[sw[start]] = np.median(sz[start:stop], axis=0)
    return out


def pack_bits(bits) -> np.ndarray:
    """Pack rows of at most 64 bits into ``uint64``: column ``b`` becomes bit ``b`` (value ``2**b``).

    Parameters
    ----------
    bits : (M, b) bool or 0/1 int array, b <= 64

    Returns
    -------
    (M,) uint64 array
    """
    x = check_array(bits, "bits", ndim=2, kinds="biu", allow_empty=True, min_value=0, max_value=1)
    if x.shape[1] > 64:
        raise ValueError(f"bits must have at most 64 columns, got {x.shape[1]}")
    weights = np.left_shift(np.uint64(1), np.arange(x.shape[1], dtype=np.uint64))
    return (x.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)


def unpack_bits(signatures, n_bits: int = 64) -> np.ndarray:
    """The inverse of :func:`pack_bits`: (M,) uint64 → (M, n_bits) bool."""
    s = check_array(signatures, "signatures", ndim=1, kinds="u", allow_empty=True).astype(np.uint64)
    n_bits = check_int(n_bits, "n_bits", minimum=1, maximum=64)
    return ((s[:, None] >> np.arange(n_bits, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(bool)


def he_signatures(projected, words, thresholds) -> np.ndarray:
    """Binary signatures: bit ``b`` is 1 where the projected descriptor exceeds its word's median.

    Parameters
    ----------
    projected : (M, b) float array, b <= 64
    words : (M,) int array
    thresholds : (k, b) float array (:func:`he_thresholds`)

    Returns
    -------
    (M,) uint64 array (a value equal to the threshold gives bit 0)
    """
    z = check_array(projected, "projected", ndim=2, kinds="iuf", allow_empty=True)
    t = check_array(thresholds, "thresholds", ndim=2, kinds="iuf")
    if z.shape[1] != t.shape[1]:
        raise ValueError(f"projected and thresholds must have the same number of bits, got {z.shape[1]} "
                         f"and {t.shape[1]}")
    w = check_array(words, "words", shape=(len(z),), kinds="iu", allow_empty=True, min_value=0,
                    max_value=len(t) - 1)
    return pack_bits(z > t[w])


@reference("7.3")
def hamming_distances(a, b) -> np.ndarray:
    """Hamming distances between two sets of 64-bit signatures: the popcount of ``a XOR b``.

    Parameters
    ----------
    a : (M,) uint64 array
    b : (N,) uint64 array

    Returns
    -------
    (M, N) int64 array of distances in ``0 .. 64``
    """
    x = check_array(a, "a", ndim=1, kinds="u", allow_empty=True).astype(np.uint64)
    y = check_array(b, "b", ndim=1, kinds="u", allow_empty=True).astype(np.uint64)
    return np.bitwise_count(x[:, None] ^ y[None, :]).astype(np.int64)


@dataclass(frozen=True)
class HammingEmbedding:
    """A trained Hamming embedding: a random orthogonal projection and per-word median thresholds.

    Attributes
    ----------
    projection : (b, d) float64 array
    thresholds : (k, b) float64 array
    """

    projection: np.ndarray
    thresholds: np.ndarray

    @property
    def n_bits(self) -> int:
        return self.projection.shape[0]

    def signatures(self, descriptors, words) -> np.ndarray:
        """(M,) uint64 signatures of ``descriptors`` (M, d) with visual ``words`` (M,)."""
        x = _descriptors(descriptors)
        if x.shape[1] != self.projection.shape[1]:
            raise ValueError(f"descriptors must have dimension {self.projection.shape[1]}, got {x.shape[1]}")
        return he_signatures(x.astype(np.float64) @ self.projection.T, words, self.thresholds)


def train_hamming_embedding(descriptors, words, n_words: int, n_bits: int = 64, seed=0) -> HammingEmbedding:
    """Learn the Hamming embedding on training descriptors and their words.

    Parameters
    ----------
    descriptors : (M, d) float array
    words : (M,) int array
    n_words : int
    n_bits : int <= 64
    seed : int

    Returns
    -------
    HammingEmbedding
    """
    x = _descriptors(descriptors, allow_empty=False).astype(np.float64)
    P = random_orthogonal_projection(x.shape[1], n_bits, seed)
    return HammingEmbedding(P, he_thresholds(x @ P.T, words, n_words))


# ============================================================================ VLAD

@reference("7.4")
def vlad_aggregate(descriptors, centroids) -> np.ndarray:
    """The raw VLAD vector: per centroid, the sum of the residuals ``x - c`` of the descriptors assigned to it.

    Each descriptor goes to its nearest centroid (Euclidean distance, ties to the lower
    index); the ``k`` residual sums of dimension ``d`` are concatenated, centroid after
    centroid. No normalisation.

    Parameters
    ----------
    descriptors : (M, d) float array (M may be 0)
    centroids : (k, d) float array

    Returns
    -------
    (k · d,) float64 array

    References
    ----------
    H. Jégou, M. Douze, C. Schmid and P. Pérez. Aggregating local descriptors into a
    compact image representation. CVPR 2010.
    """
    c = check_array(centroids, "centroids", ndim=2, kinds="iuf").astype(np.float64)
    x = check_array(descriptors, "descriptors", ndim=2, kinds="iuf", allow_empty=True).astype(np.float64)
    if x.shape[1] != c.shape[1]:
        raise ValueError(f"descriptors and centroids must have the same dimension, got {x.shape[1]} and {c.shape[1]}")
    v = np.zeros_like(c)
    if len(x):
        w = np.argmin(((x[:, None, :] - c[None]) ** 2).sum(-1), axis=1)
        np.add.at(v, w, x - c[w])
    return v.ravel()


def power_normalize(x, alpha=0.5) -> np.ndarray:
    """Signed power normalisation ``sign(x) |x|^alpha`` (alpha = 0.5: the signed square root).

    References
    ----------
    F. Perronnin, J. Sánchez and T. Mensink. Improving the Fisher kernel for large-scale
    image classification. ECCV 2010; Jégou et al. PAMI 2012 (for VLAD).
    """
    a = check_array(x, "x", kinds="iuf", allow_empty=True)
    alpha = check_number(alpha, "alpha", minimum=0.0, maximum=1.0, strict_min=True)
    a = a.astype(np.float32 if a.dtype == np.float32 else np.float64)
    return np.sign(a) * np.abs(a) ** alpha


def intra_normalize(x, n_words: int) -> np.ndarray:
    """L2-normalise each centroid's block of ``d = D / n_words`` values of VLAD vectors (zero blocks stay zero).

    Parameters
    ----------
    x : (D,) or (N, D) float array, D a multiple of n_words
    n_words : int

    References
    ----------
    R. Arandjelović and A. Zisserman. All about VLAD. CVPR 2013.
    """
    a = check_array(x, "x", ndim=(1, 2), kinds="iuf", allow_empty=True)
    n_words = check_int(n_words, "n_words", minimum=1)
    if a.shape[-1] % n_words:
        raise ValueError(f"x must have a multiple of n_words = {n_words} values per row, got {a.shape[-1]}")
    a = a.astype(np.float32 if a.dtype == np.float32 else np.float64)
    blocks = a.reshape(a.shape[:-1] + (n_words, a.shape[-1] // n_words))
    norms = np.linalg.norm(blocks, axis=-1, keepdims=True)
    return np.divide(blocks, norms, out=np.zeros_like(blocks), where=norms > 0).reshape(a.shape)


def vlad_descriptors(descriptors, words, image_ids, n_images: int, centroids, alpha=0.5, intra: bool = True,
                     batch_images: int = 256) -> np.ndarray:
    """VLAD vectors of many images at once: residual sums, power and intra-normalisation, L2.

    Parameters
    ----------
    descriptors : (M, d) float array
    words : (M,) int array
        Nearest centroid of each descriptor (:func:`quantize`).
    image_ids : (M,) int array in ``0 .. n_images-1``, non-decreasing
    n_images : int
    centroids : (k, d) float array
    alpha : float in (0, 1]
        Power normalisation (1 = none).
    intra : bool
        Intra-normalisation (per-centroid L2) after the power normalisation.
    batch_images : int
        Images aggregated at once (memory bound).

    Returns
    -------
    (n_images, k · d) float32 array of unit (or zero) rows
    """
    c = _check_centroids(centroids).astype(np.float32)
    x = _descriptors(descriptors)
    if x.shape[1] != c.shape[1]:
        raise ValueError(f"descriptors and centroids must have the same dimension, got {x.shape[1]} and {c.shape[1]}")
    k, d = c.shape
    w = check_array(words, "words", shape=(len(x),), kinds="iu", allow_empty=True, min_value=0,
                    max_value=k - 1).astype(np.int64)
    n_images = check_int(n_images, "n_images", minimum=0)
    img = check_array(image_ids, "image_ids", shape=(len(x),), kinds="iu", allow_empty=True, min_value=0,
                      max_value=max(n_images - 1, 0)).astype(np.int64)
    if np.any(np.diff(img) < 0):
        raise ValueError("image_ids must be non-decreasing (features stored image after image)")
    alpha = check_number(alpha, "alpha", minimum=0.0, maximum=1.0, strict_min=True)
    batch_images = check_int(batch_images, "batch_images", minimum=1)
    sp = _sp()
    out = np.zeros((n_images, k * d), np.float32)
    bounds = np.searchsorted(img, np.arange(0, n_images + batch_images, batch_images))
    for bi, a in enumerate(range(0, n_images, batch_images)):
        b = min(a + batch_images, n_images)
        lo, hi = bounds[bi], bounds[bi + 1] if bi + 1 < len(bounds) else len(img)
        rows = (img[lo:hi] - a) * k + w[lo:hi]
        onehot = sp.csr_matrix((np.ones(hi - lo, np.float32), (rows, np.arange(hi - lo))),
                               shape=((b - a) * k, hi - lo))
        sums = np.asarray(onehot @ x[lo:hi].astype(np.float32))
        counts = np.bincount(rows, minlength=(b - a) * k).astype(np.float32)
        v = (sums - counts[:, None] * np.tile(c, (b - a, 1))).reshape(b - a, k * d)
        if alpha != 1.0:
            v = power_normalize(v, alpha)
        if intra:
            v = intra_normalize(v, k)
        out[a:b] = l2_normalize(v.astype(np.float32))
    return out


def pca_fit(x, n_components: int):
    """Principal components of the rows of ``x`` (from the centred data, by SVD or the Gram matrix).

    Parameters
    ----------
    x : (N, D) float array
    n_components : int, at most ``min(N, D)``

    Returns
    -------
    mean : (D,) float64 array
    components : (n_components, D) float64 array
        Orthonormal rows by decreasing variance, each signed so that its largest
        coefficient is positive (deterministic).
    variances : (n_components,) float64 array
        The variance of the data along each component (``s² / N``).
    """
    a = check_array(x, "x", ndim=2, kinds="iuf").astype(np.float64)
    n_components = check_int(n_components, "n_components", minimum=1, maximum=min(a.shape))
    mean = a.mean(axis=0)
    centred = a - mean
    if a.shape[0] < a.shape[1]:
        # fewer samples than dimensions: eigenvectors u of the (N, N) Gram matrix give the
        # components X^T u / s, at a fraction of the cost of the SVD of X
        evals, u = np.linalg.eigh(centred @ centred.T)
        order = np.argsort(evals)[::-1][:n_components]
        sq = np.maximum(evals[order], 0.0)
        sv = np.sqrt(sq)
        vt = (centred.T @ u[:, order]).T / np.where(sv > 0, sv, 1.0)[:, None]
    else:
        _, sv_all, vt = np.linalg.svd(centred, full_matrices=False)
        sq, vt = sv_all[:n_components] ** 2, vt[:n_components]
    signs = np.sign(vt[np.arange(len(vt)), np.argmax(np.abs(vt), axis=1)])
    vt = vt * np.where(signs == 0, 1.0, signs)[:, None]
    return mean, vt.copy(), sq / len(a)


def pca_project(x, mean, components, variances=None) -> np.ndarray:
    """Project rows onto principal components (whitened when ``variances`` is given), then L2-normalise.

    Parameters
    ----------
    x : (N, D) float array
    mean : (D,) float array
    components : (d, D) float array
    variances : (d,) float array, optional
        Divide each coordinate by the square root of its variance (PCA whitening, which
        helps BoW and VLAD vectors: Jégou & Chum, ECCV 2012).

    Returns
    -------
    (N, d) float32 array of unit (or zero) rows
    """
    a = check_array(x, "x", ndim=2, kinds="iuf", allow_empty=True)
    comp = check_array(components, "components", ndim=2, kinds="f")
    mean = check_array(mean, "mean", shape=(comp.shape[1],), kinds="f")
    if a.shape[1] != comp.shape[1]:
        raise ValueError(f"x must have {comp.shape[1]} columns, got {a.shape[1]}")
    # (x - mean) @ C^T computed as x @ C^T - mean @ C^T, in the precision of x (float32 VLADs
    # are not copied to float64)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    c = comp.astype(dtype)
    y = a.astype(dtype, copy=False) @ c.T - (mean.astype(dtype) @ c.T)
    if variances is not None:
        var = check_array(variances, "variances", shape=(comp.shape[0],), kinds="iuf", min_value=0)
        y = y / np.sqrt(np.maximum(var, 1e-12 * max(var.max(), 1e-300)))
    return l2_normalize(y.astype(np.float32))


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
                          else quantize(features.rootsift(), self.centroids))

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
    from .invindex import InvertedIndex

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
    from .invindex import HammingInvertedFile

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
    """(Q, N) Hamming-embedding similarities (:class:`imsearch.invindex.HammingInvertedFile`).

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


def predictions_from_similarity(similarity, query_ids, reference_ids, k: int = 10) -> list:
    """The ``k`` best references of each query as ``(query_id, reference_id, score)`` rows (for µAP)."""
    from .invindex import top_k

    s = check_array(similarity, "similarity", ndim=2, kinds="iuf")
    if len(query_ids) != s.shape[0] or len(reference_ids) != s.shape[1]:
        raise ValueError(f"similarity has shape {s.shape} but there are {len(query_ids)} query ids and "
                         f"{len(reference_ids)} reference ids")
    scores, ids = top_k(s, k)
    return [(query_ids[i], reference_ids[j], float(scores[i, r]))
            for i in range(s.shape[0]) for r, j in enumerate(ids[i])]


# ============================================================================ embedded fallback benchmark

@dataclass
class EmbeddedScenes:
    """A tiny same-scene benchmark made from the embedded photos, for when the data pack is missing.

    Same attributes as :func:`imsearch.benchmarks.load_scenes`'s result: ``images``,
    ``ids``, ``groups``, ``query_indices``, ``positives``, ``evaluate(similarity)``;
    plus ``train``: crops of other embedded photos for the vocabulary.
    """

    images: list
    ids: list
    groups: list
    query_indices: np.ndarray
    positives: list
    train: list

    def evaluate(self, similarity) -> dict:
        """mAP of a (Q, N) similarity matrix (the query's own column ignored)."""
        from .metrics import average_precision

        s = check_array(similarity, "similarity", shape=(len(self.query_indices), len(self.images)),
                        kinds="iuf")
        aps = []
        for qi, (q, pos) in enumerate(zip(self.query_indices, self.positives)):
            keep = np.ones(len(self.images), bool)
            keep[q] = False
            rel = np.zeros(len(self.images), bool)
            rel[pos] = True
            aps.append(average_precision(s[qi][keep], rel[keep]))
        aps = np.array(aps)
        return {"mAP": float(aps.mean()), "AP": aps}


_EMBEDDED_GROUPS = ("astronaut", "chelsea", "coffee", "rocket", "china", "flower", "grace_hopper", "camera")
# scikit-image's "cat" is Chelsea again: left out. Training photos give the vocabulary only;
# distractor photos give the crops that fill the database.
_EMBEDDED_TRAIN = ("brick", "grass", "gravel", "coins", "clock", "horse", "page", "text")
_EMBEDDED_DISTRACTORS = ("immunohistochemistry", "retina", "moon", "hubble_deep_field", "microaneurysms",
                         "colorwheel", "logo")


def embedded_scenes(seed=0, max_side: int = 320, n_views: int = 3) -> EmbeddedScenes:
    """A same-scene benchmark from embedded photos, for when the course data pack is missing.

    Groups: eight embedded photos (astronaut, chelsea, coffee, rocket, china, flower,
    grace_hopper, camera), each the query of its group, with ``n_views`` views made by
    seeded edits (rotation by 25°, crop of 70% + scale, perspective, JPEG 30 + colour
    jitter). Distractors: 24 random crops of seven other embedded photos. Training
    images (``train``): 40 random crops of eight further photos (brick, grass, gravel,
    coins, clock, horse, page, text), disjoint from the groups and the distractors.

    Parameters
    ----------
    seed : int
    max_side : int
        Longest side of every image (pixels).
    n_views : int in 1..4

    Returns
    -------
    EmbeddedScenes
    """
    from . import edits
    from .data import load_default_image

    rng = as_rng(seed)
    max_side = check_int(max_side, "max_side", minimum=32)
    n_views = check_int(n_views, "n_views", minimum=1, maximum=4)
    makers = [
        lambda im, s: edits.rotate(im, degrees=25.0, seed=s),
        lambda im, s: edits.crop_and_scale(im, crop_fraction=0.7, seed=s),
        lambda im, s: edits.apply_edit("perspective", im, seed=s),
        lambda im, s: edits.color_jitter(edits.jpeg(im, quality=30), seed=s),
    ]
    images, ids, groups, queries, positives = [], [], [], [], []
    for name in _EMBEDDED_GROUPS:
        base = edits.downscale(load_default_image(name), max_side)
        queries.append(len(images))
        images.append(base)
        ids.append(f"embedded/{name}")
        groups.append(name)
        pos = []
        for v in range(n_views):
            pos.append(len(images))
            images.append(edits.downscale(makers[v](base, int(rng.integers(1 << 30))), max_side))
            ids.append(f"embedded/{name}/view{v + 1}")
            groups.append(name)
        positives.append(np.array(pos))
    sources = [load_default_image(n) for n in _EMBEDDED_DISTRACTORS]
    for i, im in enumerate(edits.random_crops(sources, 24, crop_fraction=(0.5, 0.9), max_side=max_side,
                                              seed=int(rng.integers(1 << 30)))):
        images.append(im)
        ids.append(f"embedded/distractor{i}")
        groups.append(None)
    train_sources = [load_default_image(n) for n in _EMBEDDED_TRAIN]
    train = edits.random_crops(train_sources, 40, crop_fraction=(0.4, 0.8), max_side=max_side,
                               seed=int(rng.integers(1 << 30)))
    return EmbeddedScenes(images, ids, groups, np.array(queries), positives, train)


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


VARIANTS = ("bow", "tfidf", "tfidf+stop", "tfidf+stop+sv", "he", "vlad", "vlad+pca")

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
                      shortlist: int = 30, exclude=None, pca_dim: int = 128, progress: bool = True) -> list:
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
    return rows


def _jobs(variants, pipelines, k_range):
    k_range = VARIANT_K_RANGE if k_range is None else k_range

    def allowed(v, k):
        lo, hi = k_range.get(v, (None, None))
        return (lo is None or k >= lo) and (hi is None or k <= hi)

    return [(v, k) for v in variants for k in sorted(pipelines) if allowed(v, k)]


def evaluate_copy_detection(copy_detection, similarity, background_similarity=None, k: int = 10) -> dict:
    """DISC metrics of a (queries × references) similarity: the ``k`` best references per query.

    Parameters
    ----------
    copy_detection : imsearch.benchmarks.CopyDetection
    similarity : (Q, R) float array
    background_similarity : (Q, B) float array, optional
        Similarities to the background photos (same method): adds ``uAP_SN`` and
        ``recall_at_p90_SN`` after score normalisation (:func:`imsearch.metrics.score_normalize`).
    k : int

    Returns
    -------
    dict
        ``uAP``, ``recall_at_p90`` (and the ``_SN`` versions).
    """
    from .invindex import top_k
    from .metrics import score_normalize

    cd = copy_detection
    s = check_array(similarity, "similarity", shape=(len(cd.query_ids), len(cd.reference_ids)), kinds="iuf")
    scores, ids = top_k(s, k)
    qids = np.repeat(np.asarray(cd.query_ids), scores.shape[1])
    rids = np.asarray(cd.reference_ids)[ids.ravel()]
    out = cd.evaluate((qids, rids, scores.ravel()))
    if background_similarity is not None:
        b = check_array(background_similarity, "background_similarity", ndim=2, kinds="iuf")
        if b.shape[0] != s.shape[0]:
            raise ValueError(f"background_similarity must have {s.shape[0]} rows, got {b.shape[0]}")
        sn = score_normalize(scores, b)
        norm = cd.evaluate((qids, rids, sn.ravel()))
        out.update({f"{m}_SN": v for m, v in norm.items()})
    return out


# ============================================================================ the course's data, cached

@dataclass
class CourseData:
    """The features chapter 7 works on (see :func:`course_data`).

    Attributes
    ----------
    source : str
        ``"pack"`` (the two benchmarks) or ``"embedded"`` (the fallback of :func:`embedded_scenes`).
    missing : str or None
        Why the pack is not used: the missing dataset and how to get it.
    scenes : Scenes or EmbeddedScenes
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
    (:mod:`imsearch.benchmarks`), and training features from the first ``n_train``
    photos of ``copy_detection.train`` (ImageNet samples: never a query, a positive or
    a reference). Without it: :func:`embedded_scenes` and no copy detection, with the
    reason in ``missing``.

    Rebuild everything with ``python -m imsearch.bovw`` (it also trains the vocabularies).

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
    from .data import DataMissingError

    t = time.perf_counter()
    n_train = check_int(n_train, "n_train", minimum=1)
    try:
        from .benchmarks import load_copy_detection, load_scenes

        sc = load_scenes(progress=progress)
        cd = load_copy_detection(progress=progress)
    except DataMissingError as err:
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


# ============================================================================ leaderboard and command line

def leaderboard_rows(ks=(64, 256, 1024, 4096), variants=VARIANTS, progress: bool = True, n_timing: int = 50) -> list:
    """Every variant × vocabulary size on both benchmarks, with timings (for ``benchmarks/``).

    Parameters
    ----------
    ks : sequence of int
        Vocabulary sizes (variants run within :data:`VARIANT_K_RANGE`).
    variants : sequence of str
    progress : bool
    n_timing : int
        Images whose SIFT extraction is timed again (uncached) for the per-image time.

    Returns
    -------
    list of dict
        ``method``, ``variant``, ``k``, ``dim``, ``extract_ms_per_image`` (SIFT + RootSIFT +
        quantisation, measured on ``n_timing`` images), ``search_ms_per_query`` (on
        ``scenes``: building the index from the encoded database — inverted index, Hamming
        inverted file or VLAD matrix — and scoring all 38 queries, spatial re-ranking
        included, divided by the number of queries), ``scenes_mAP``, ``uAP``,
        ``recall_at_p90``, ``uAP_SN``, ``recall_at_p90_SN``.

    Raises
    ------
    imsearch.data.DataMissingError
        Without the course data pack.
    """
    from .data import DataMissingError

    data = course_data(background=True, progress=progress)
    if data.source != "pack":
        raise DataMissingError("bsds500", "the leaderboard needs both benchmarks")
    sample = data.scenes.images[:: max(1, len(data.scenes.images) // n_timing)][:n_timing]
    t = time.perf_counter()
    timed = extract_features(sample, MAX_KEYPOINTS, progress=False)
    timed.rootsift()
    sift_s = (time.perf_counter() - t) / len(sample)
    pipelines = {k: Pipeline(data.train, k) for k in ks}
    cd = data.copy_detection
    rows = []
    jobs = _jobs(variants, pipelines, None)
    items = jobs
    if progress:
        from tqdm.auto import tqdm
        items = tqdm(jobs, desc="leaderboard", unit="run", leave=False)
    for v, k in items:
        p = pipelines[k]
        t = time.perf_counter()
        quantize(timed.rootsift(), p.centroids)
        quant_s = (time.perf_counter() - t) / len(sample)
        # first call: encodes the database (words, signatures, VLAD; kept in memory), then
        # the timed call: indexing and scoring every query
        variant_similarity(v, p, data.scenes_database, data.scenes_queries, exclude=data.scenes.query_indices)
        t = time.perf_counter()
        s = variant_similarity(v, p, data.scenes_database, data.scenes_queries, exclude=data.scenes.query_indices)
        search_s = (time.perf_counter() - t) / len(data.scenes.query_indices)
        scenes = data.scenes.evaluate(s)
        s_ref = variant_similarity(v, p, data.copy_references, data.copy_queries)
        s_bg = variant_similarity(v, p, data.copy_background, data.copy_queries)
        copy = evaluate_copy_detection(cd, s_ref, s_bg)
        rows.append({"method": f"{v} (k={k})", "variant": v, "k": k, "dim": variant_dim(v, p),
                     "extract_ms_per_image": 1000 * (sift_s + quant_s), "search_ms_per_query": 1000 * search_s,
                     "scenes_mAP": scenes["mAP"], **copy})
    return rows


def main(argv=None) -> int:
    """``python -m imsearch.bovw [--ks 64 256 1024 4096]``: build the chapter's cache and print timings."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m imsearch.bovw",
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
