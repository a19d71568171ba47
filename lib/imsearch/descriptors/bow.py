"""Bags of visual words (chapter 7): vocabulary, visual words, term counts, TF-IDF, stop words.

A vocabulary is k-means (faiss) on training descriptors; :func:`assign_words` gives each
descriptor its nearest centroid; an image becomes the sparse vector of its word counts,
weighted as in text retrieval. Vocabularies and words are cached under
``imsearch.data.cache_dir() / "bovw"``.

Reference: J. Sivic, A. Zisserman. Video Google: a text retrieval approach to object
matching in videos. ICCV 2003.
"""
from __future__ import annotations



import numpy as np

from .._util.cache import content_hash, load_npz, save_npz
from .._util.validation import as_rng, check_array, check_int, check_number
from ..features.extraction import CACHE_VERSION, DESCRIPTOR_DIM, LocalFeatures, _cache_folder, _check_images


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
    path = _cache_folder() / f"vocabulary-k{k}-{content_hash(train.fingerprint(), k, seed, n_iter, 64, version=CACHE_VERSION)}.npz"
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


def assign_words(descriptors, centroids) -> np.ndarray:
    """Visual words: the index of each descriptor's nearest centroid, with faiss ``IndexFlatL2``.

    The practitioner's tool; :func:`imsearch.signal.assign` is the same nearest-centroid
    rule in float64 numpy (chapter 1), which chapter 7 compares it with.

    Parameters
    ----------
    descriptors : (M, d) float array
    centroids : (k, d) float array

    Returns
    -------
    (M,) int64 array of words in ``0 .. k-1`` (distances computed in float32).
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


def cached_words(features: LocalFeatures, centroids) -> np.ndarray:
    """:func:`assign_words` of the RootSIFT descriptors of ``features``, computed once and cached.

    Returns
    -------
    (M,) int64 array of visual words
    """
    if not isinstance(features, LocalFeatures):
        raise TypeError(f"features must be LocalFeatures, got {type(features).__name__}")
    c = _check_centroids(centroids, DESCRIPTOR_DIM)
    path = _cache_folder() / f"words-k{len(c)}-{content_hash(features.fingerprint(), c, version=CACHE_VERSION)}.npz"
    if path.exists():
        got = load_npz(path)
        if got is not None and len(got["words"]) == len(features.descriptors):
            return got["words"].astype(np.int64)
    words = assign_words(features.rootsift(), c)
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

    from ..image import to_gray, to_uint8

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
