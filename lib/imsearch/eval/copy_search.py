"""Chapter 3's experiment: find an original photo from an edited copy, per method and per edit.

:func:`copy_search_accuracy` edits every original with each edit of :mod:`imsearch.edits`
(seeded per edit and photo), searches the originals and distractors by brute force
(:func:`imsearch.index.brute_force.knn`) and reports the top-1 accuracy.
"""
from __future__ import annotations


import zlib

import numpy as np

from .._util.progress import progress as _progress
from .._util.validation import check_int
from ..index.brute_force import _check_metric, knn


def _edit_rng(seed: int, name: str, index: int) -> np.random.Generator:
    # One generator per (edit, original): a query does not depend on which other edits run.
    return np.random.default_rng([seed, zlib.crc32(name.encode()), index])


def copy_search_accuracy(originals, distractors, methods, edit_names=None, seed=0, progress=True,
                         per_query=False) -> dict:
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
    per_query : bool
        Return each query's hit instead of the accuracy (for paired bootstrap intervals,
        :func:`imsearch.eval.bootstrap.paired_bootstrap`).

    Returns
    -------
    dict
        ``{method label: {edit name: accuracy in [0, 1]}}``, methods and edits in
        the order given; with ``per_query``, ``{method label: {edit name: (n_originals,)
        bool array}}``, True where the original was found first.
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

    database = originals + distractors
    db = {label: np.stack([describe(im) for im in _progress(database, f"describe database ({label})", enabled=progress)])
          for label, (describe, _) in methods.items()}
    truth = np.arange(len(originals))
    result = {label: {} for label in methods}
    for name in _progress(edit_names, "edits", enabled=progress):
        queries = [edits.apply_edit(name, im, seed=_edit_rng(seed, name, i)) for i, im in enumerate(originals)]
        for label, (describe, metric) in methods.items():
            q = np.stack([describe(im) for im in queries])
            _, idx = knn(q, db[label], k=1, metric=metric)
            hits = idx[:, 0] == truth
            result[label][name] = hits if per_query else float(np.mean(hits))
    return result
