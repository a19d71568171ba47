"""Where the course's images come from: embedded photos and the course data pack.

Two sources, both returning ``uint8`` RGB ``(H, W, 3)`` images:

* **Embedded photos** that installed packages ship (scikit-image, scikit-learn,
  matplotlib). They load offline, always: :func:`list_default_images`,
  :func:`load_default_image`.
* **The course data pack**: real benchmark images with ground truth (Oxford affine
  sequences with homographies, CMP homography pairs, OpenCV samples, BSDS500,
  ImageNet samples). The library finds it through the environment variable
  ``IMSEARCH_DATA_MIRROR`` (a local folder, or an ``http(s)`` base URL fetched with
  pooch), copies each file a chapter needs into a local cache (:func:`cache_dir`),
  and checks it against the pack's ``MANIFEST.sha256`` before use. A cached file
  whose hash is wrong (corrupt, truncated by an interrupted copy) is fetched again,
  never used; copies are written to a temporary name and renamed, so an interrupted
  copy never looks complete.

When the pack is not available, the loaders raise :class:`DataMissingError`, which
names the dataset, the variable to set and the README section to read.

The command line ``python -m imsearch data {list,fetch,verify} [datasets...]`` lists
the datasets, fills the cache ahead of time (e.g. before going offline) and re-checks
the cache (:func:`main`).
"""
from __future__ import annotations


import os
import tempfile
from pathlib import Path

import numpy as np



def save_npz(path, arrays: dict) -> None:
    """Write numeric arrays to an ``.npz`` cache file atomically (complete or absent).

    Parameters
    ----------
    path : str or pathlib.Path
        Destination; its folder is created if needed.
    arrays : dict of str -> numpy.ndarray
        Plain numeric or string arrays (saved without pickle).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".npz.part")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_npz(path):
    """The arrays of an ``.npz`` cache file as a dict, or ``None`` if it is missing or corrupt.

    A truncated or unreadable file gives ``None`` so that the caller computes it again.
    """
    import zipfile
    import zlib

    path = Path(path)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, zlib.error, zipfile.BadZipFile):
        return None
