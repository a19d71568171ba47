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
   (:mod:`imsearch.index.inverted_file`).
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
``imsearch.data.cache_dir() / "bovw"``; ``python -m imsearch.descriptors`` rebuilds the cache for
the course's two benchmarks.
"""
from __future__ import annotations



import numpy as np

from ..grading.guard import reference
from .._util.validation import check_array, check_int, check_number
from ..descriptors.bow import _check_centroids, _descriptors, _sp, l2_normalize


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
