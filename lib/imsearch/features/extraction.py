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


import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._util.cache import load_npz, save_npz
from .._util.validation import check_array, check_int




DESCRIPTOR_DIM = 128
CACHE_VERSION = "1"


# ============================================================================ caching

def _cache_folder() -> Path:
    from ..data.pack import cache_dir

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
        towards +y), as :func:`imsearch.features.opencv.opencv_sift` returns them.
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

        Computed once by :func:`imsearch.features.sift.root_sift` and kept (read-only).
        """
        got = self.__dict__.get("_rootsift")
        if got is None:
            from ..features.sift import root_sift

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
    from .._util.validation import check_image
    from ..features.opencv import opencv_sift

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


# ----------------------------------------------------------------------------- stage 2

def local_features(image, n_features=500, root_sift=True):
    """SIFT keypoints and descriptors of one image, for :func:`inlier_count`.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float in [0, 1]
    n_features : int >= 1
        Strongest keypoints kept (OpenCV's DoG detector).
    root_sift : bool
        Map the descriptors to RootSIFT (:func:`imsearch.features.sift.root_sift`; Arandjelović &
        Zisserman, CVPR 2012), which matches better with the L2 distance.

    Returns
    -------
    keypoints : (K, 4) float64
        ``[x, y, scale, angle_rad]`` (see :func:`imsearch.features.opencv.opencv_sift`).
    descriptors : (K, 128) float32
    """
    from ..features import sift as _sift
    from ..features import opencv as _opencv

    n_features = check_int(n_features, "n_features", minimum=1)
    kps, desc = _opencv.opencv_sift(image, n_features)
    if root_sift and len(desc):
        desc = _sift.root_sift(desc).astype(np.float32)
    return kps, desc


def _features(f, name):
    if not isinstance(f, (tuple, list)) or len(f) != 2:
        raise TypeError(f"{name} must be a pair (keypoints, descriptors), as local_features returns")
    kps = check_array(f[0], f"{name} keypoints", ndim=2, kinds="iuf", allow_empty=True)
    desc = check_array(f[1], f"{name} descriptors", ndim=2, kinds="iuf", allow_empty=True)
    if len(kps) != len(desc) or (len(kps) and kps.shape[1] < 2):
        raise ValueError(f"{name} must hold one keypoint (x, y, ...) per descriptor, got {kps.shape} and {desc.shape}")
    return kps, desc
