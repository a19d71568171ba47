"""SIFT features of many images (chapters 6–7), with a disk cache.

:class:`LocalFeatures` holds the keypoints and descriptors of a set of images in three
arrays (rows of image ``i`` are ``offsets[i]:offsets[i + 1]``);
:func:`extract_features` fills it with :func:`imsearch.features.opencv_sift`, and
:func:`cached_features` keeps it under ``imsearch.data.cache_dir() / "bovw"``, keyed by
a content hash of the images.
"""
from __future__ import annotations


from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._util.cache import content_hash, load_npz, save_npz
from .._util.validation import check_array, check_int
from .._util.progress import progress as _progress




DESCRIPTOR_DIM = 128
CACHE_VERSION = "1"


# ============================================================================ caching

def _cache_folder() -> Path:
    from ..data.pack import cache_dir

    return cache_dir() / "bovw"


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
        return content_hash(self.keypoints, self.descriptors, self.offsets, version=CACHE_VERSION)


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
    items = _progress(images, desc, enabled=progress, unit="image", leave=False)
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
    key = content_hash([np.asarray(im) for im in images], max_keypoints, version=CACHE_VERSION)
    path = _cache_folder() / f"features-{name}-{key}.npz"
    if path.exists():
        got = load_npz(path)
        if got is not None:
            return LocalFeatures(got["keypoints"], got["descriptors"], got["offsets"])
    feats = extract_features(images, max_keypoints, progress, desc=f"SIFT ({name})")
    save_npz(path, dict(keypoints=feats.keypoints, descriptors=feats.descriptors, offsets=feats.offsets))
    return feats


def _features(f, name):
    if not isinstance(f, (tuple, list)) or len(f) != 2:
        raise TypeError(f"{name} must be a pair (keypoints, descriptors), as opencv_sift returns")
    kps = check_array(f[0], f"{name} keypoints", ndim=2, kinds="iuf", allow_empty=True)
    desc = check_array(f[1], f"{name} descriptors", ndim=2, kinds="iuf", allow_empty=True)
    if len(kps) != len(desc) or (len(kps) and kps.shape[1] < 2):
        raise ValueError(f"{name} must hold one keypoint (x, y, ...) per descriptor, got {kps.shape} and {desc.shape}")
    return kps, desc
