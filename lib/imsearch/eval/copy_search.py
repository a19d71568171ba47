"""Nearest-neighbour search over descriptors, by brute force.

Chapter 3 searches a few hundred images by pixel thumbnails and colour histograms;
:func:`knn` compares every query with every database vector, in blocks so that
memory stays bounded. Chapters 7 and 12 add inverted files and faiss indexes, which
must return what this exhaustive search returns.

Every metric is returned as a *distance*, smaller meaning closer:

* ``"l2"``: squared Euclidean distance, as ``faiss.IndexFlatL2`` reports it;
* ``"l1"``: sum of absolute differences;
* ``"chi2"``: symmetric chi-squared distance (:func:`imsearch.descriptors.chi2`);
* ``"intersection"``: the *negated* histogram intersection
  (:func:`imsearch.descriptors.intersection`, a similarity), so sorting still puts
  the most similar first.
"""
from __future__ import annotations


import zlib

import numpy as np

from .._util.validation import check_int
from ..index.brute_force import _check_metric, knn


def _edit_rng(seed: int, name: str, index: int) -> np.random.Generator:
    # One generator per (edit, original): a query does not depend on which other edits run.
    return np.random.default_rng([seed, zlib.crc32(name.encode()), index])


def copy_search_accuracy(originals, distractors, methods, edit_names=None, seed=0, progress=True) -> dict:
    """Top-1 accuracy of finding an original from an edited copy, per method and per edit.

    The database holds the originals followed by the distractors. For each edit and
    each original ``i``, the query is the edited original (random parameters from a
    generator seeded by ``(seed, edit, i)``); it succeeds when its nearest database
    item under the method is original ``i``.

    Parameters
    ----------
    originals : sequence of (H, W, 3) or (H, W) uint8 images, at least one
    distractors : sequence of images (may be empty)
    methods : dict
        ``label -> (describe, metric)``, where ``describe(image)`` returns a
        ``(D,)`` vector and ``metric`` is one of :data:`METRICS`.
    edit_names : sequence of str, optional
        Keys of :data:`imsearch.edits.EDITS` (default: all of them).
    seed : int
        Seed of the edits' parameters (>= 0).
    progress : bool
        Show progress bars.

    Returns
    -------
    dict
        ``{method label: {edit name: accuracy in [0, 1]}}``, methods and edits in
        the order given.
    """
    from .. import edits

    originals, distractors = list(originals), list(distractors)
    if not originals:
        raise ValueError("originals must not be empty")
    if not isinstance(methods, dict) or not methods:
        raise ValueError("methods must be a non-empty dict label -> (describe, metric)")
    for label, spec in methods.items():
        if not (isinstance(spec, tuple) and len(spec) == 2 and callable(spec[0])):
            raise TypeError(f"methods[{label!r}] must be a pair (describe, metric), got {spec!r}")
        _check_metric(spec[1])
    edit_names = list(edits.EDITS) if edit_names is None else list(edit_names)
    if not edit_names:
        raise ValueError("edit_names must not be empty")
    for name in edit_names:
        if name not in edits.EDITS:
            raise ValueError(f"edit_names must be keys of imsearch.edits.EDITS ({', '.join(edits.EDITS)}); got {name!r}")
    seed = check_int(seed, "seed", minimum=0)

    def bar(items, desc):
        if not progress:
            return items
        from tqdm.auto import tqdm
        return tqdm(items, desc=desc)

    database = originals + distractors
    db = {label: np.stack([describe(im) for im in bar(database, f"describe database ({label})")])
          for label, (describe, _) in methods.items()}
    truth = np.arange(len(originals))
    result = {label: {} for label in methods}
    for name in bar(edit_names, "edits"):
        queries = [edits.apply_edit(name, im, seed=_edit_rng(seed, name, i)) for i, im in enumerate(originals)]
        for label, (describe, metric) in methods.items():
            q = np.stack([describe(im) for im in queries])
            _, idx = knn(q, db[label], k=1, metric=metric)
            result[label][name] = float(np.mean(idx[:, 0] == truth))
    return result
