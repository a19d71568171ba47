"""Disk caches: atomic ``.npz`` files and the content hash that keys them.

Heavy results (SIFT of thousands of images, vocabularies, global descriptors) are
computed once and saved under the data cache; :func:`content_hash` names each file by
every byte of what it depends on, so changed inputs are never served stale results.
"""
from __future__ import annotations


import hashlib
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


def content_hash(*parts, version: str = "") -> str:
    """A short hash of what a cached result depends on: the library's one cache key.

    Arrays count by their dtype, shape and every byte (swapping two pixels changes the
    hash); a list or tuple of arrays (e.g. a set of images) by the hash of its arrays
    in order; anything else (strings, numbers, tuples of them) by its ``repr``.

    Parameters
    ----------
    *parts : numpy arrays, sequences of arrays, strings, numbers
    version : str
        Mixed in first: bump it when the cached computation changes.

    Returns
    -------
    str
        20 hexadecimal characters (BLAKE2b, 80 bits).
    """
    h = hashlib.blake2b(digest_size=10)
    h.update(version.encode())
    for p in parts:
        if isinstance(p, np.ndarray):
            _update(h, p)
        elif isinstance(p, (list, tuple)) and p and all(isinstance(a, np.ndarray) for a in p):
            inner = hashlib.blake2b(digest_size=10)
            for a in p:
                _update(inner, a)
            h.update(repr(inner.hexdigest()).encode())
        else:
            h.update(repr(p).encode())
        h.update(b"|")
    return h.hexdigest()


def _update(h, a: np.ndarray) -> None:
    a = np.ascontiguousarray(a)
    h.update(f"{a.dtype.str}{a.shape}".encode())
    h.update(a.data)
