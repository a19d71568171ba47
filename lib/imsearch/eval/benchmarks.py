"""The course's two retrieval benchmarks, built from the data pack: ``scenes`` and ``copy_detection``.

From chapter 6 on, every method (pixels, colour histograms, GIST, bags of words,
VLAD, CNNs, SimCLR, CLIP, SSCD) is measured on the same two benchmarks:

* :func:`load_scenes`: **same-scene retrieval**, in the style of INRIA Holidays
  (Jégou, Douze, Schmid, ECCV 2008). Groups of real photos of one scene (the Oxford
  affine sequences, the CMP homography and extreme-view pairs, the real pairs among
  OpenCV's samples); the first photo of each group is the query, the rest of its group
  the positives, and every BSDS500 and ImageNet-sample photo a distractor. Scored by
  mean average precision (:func:`imsearch.eval.average_precision`, the query itself
  excluded).
* :func:`load_copy_detection`: a **miniature of the DISC2021 copy-detection task**
  (Douze et al., "The 2021 Image Similarity Dataset and Challenge", arXiv 2106.09672).
  References are BSDS500 photos; queries are edited copies of some references
  (:func:`imsearch.edits.disc_edit`) and as many edited photos that are not references;
  a training set and a background set are disjoint from both. Scored by micro-average
  precision over the pooled predictions, recall at 90 % precision, and µAP after score
  normalisation against the background set (µAP_SN, Pizzi et al. CVPR 2022).

Both are deterministic, and cached as one ``.npz`` file each under
``imsearch.data.cache_dir() / "benchmarks"``, keyed by :data:`VERSIONS` and the
parameters: a missing file or a new version is rebuilt (with a progress bar);
``python -m imsearch benchmarks build`` rebuilds on purpose. Once cached, a benchmark
loads without the data pack. Every image is ``uint8`` RGB ``(H, W, 3)``, brought to one
size convention: the longest side is at most :data:`MAX_SIDE` = 320 pixels (area
averaging, aspect ratio kept, never upscaled). ``data/README.md`` describes both.
"""
from __future__ import annotations


import hashlib
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np

from ..eval import metrics
from .._util.cache import save_npz
from .._util.progress import progress as _progress
from .. import data
from .._util.validation import check_array, check_int, check_number

#: Longest image side in both benchmarks, in pixels (larger images are shrunk, smaller ones kept).
MAX_SIDE = 320

#: Version of each benchmark's recipe; changing it rebuilds the cached file.
VERSIONS = {"scenes": "1", "copy_detection": "1"}

#: Sizes of the copy-detection splits. References, negative-query sources and part of the
#: background come from BSDS500 (500 photos); the second photos that pasting / collage /
#: mixing edits use ("donors"), the rest of the background and the training set from the
#: ImageNet samples (1000 photos).
COPY_DETECTION_SIZES = {
    "references": 300,          # bsds500
    "positive_queries": 150,    # edited copies of 150 of the references
    "negative_queries": 150,    # edited bsds500 photos that are not references
    "background_bsds500": 50,   # the remaining bsds500 photos
    "donors": 50,               # imagenet_samples, only inside edited queries
    "background_imagenet": 250,  # imagenet_samples
    "train": 700,               # the remaining imagenet_samples
}

#: Similarity measures accepted by :func:`similarity_matrix` (higher = more similar).
SIMILARITY_METRICS = ("cosine", "ip", "l2", "l1", "chi2", "intersection")

# Same-scene groups that are different photos (not copies) of one scene, merged by hand
# after looking at the pictures: the CMP "adam" pairs show one poster, and CMP LePoint1-3 and
# EVD "mag" one magazine. Groups sharing a copy of a photo are merged automatically.
_SAME_SCENE = (
    ("cmp_homogr/adam", "cmp_evd/adam"),
    ("cmp_homogr/LePoint1", "cmp_homogr/LePoint2", "cmp_homogr/LePoint3", "cmp_evd/mag"),
)
_OPENCV_PAIRS = (
    ("graf", "graf1.png", "graf3.png"), ("leuven", "leuvenA.jpg", "leuvenB.jpg"),
    ("aero", "aero1.jpg", "aero3.jpg"), ("box", "box.png", "box_in_scene.png"),
    ("basketball", "basketball1.png", "basketball2.png"),
    ("Blender_Suzanne", "Blender_Suzanne1.jpg", "Blender_Suzanne2.jpg"),
    ("ela", "ela_original.jpg", "ela_modified.jpg"),
)
_OXFORD = ("bark", "bikes", "boat", "graf", "leuven", "trees", "ubc", "wall")
_SCENES_DATASETS = ("oxford_affine", "cmp_homography_pairs", "opencv_samples", "bsds500", "imagenet_samples")
_COPY_DATASETS = ("bsds500", "imagenet_samples")

# Two images are near-duplicates when their 32x32 grayscale thumbnails differ by less than
# this many gray levels on average (JPEG re-encoding of one photo: about 0.03; the closest
# distinct views in the pack, Oxford ubc's JPEG series: 0.2 and more).
_DUPLICATE_GRAY_LEVELS = 1.0


# ----------------------------------------------------------------------------- helpers


def _resize(image: np.ndarray) -> np.ndarray:
    from ..edits import downscale

    return downscale(image, MAX_SIDE)


def _thumbnails(images) -> np.ndarray:
    """(N, 1024) float32: 32x32 grayscale thumbnails (area averaging, aspect ratio not kept)."""
    import cv2

    out = np.empty((len(images), 32 * 32), np.float32)
    for i, im in enumerate(images):
        gray = cv2.cvtColor(np.ascontiguousarray(im), cv2.COLOR_RGB2GRAY) if im.ndim == 3 else im
        out[i] = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32).ravel()
    return out


def _duplicate_pairs(fine_a: np.ndarray, fine_b, max_difference: float) -> np.ndarray:
    """Near-duplicate pairs from 32x32 thumbnails; ``fine_b=None`` compares ``fine_a`` with itself."""
    same = fine_b is None
    fine_b = fine_a if same else fine_b
    if len(fine_a) == 0 or len(fine_b) == 0:
        return np.zeros((0, 2), np.int64)
    # 8x8 block means: their mean absolute difference never exceeds the 32x32 one (triangle
    # inequality), so they filter the candidates without missing any
    coarse_a = fine_a.reshape(-1, 8, 4, 8, 4).mean(axis=(2, 4)).reshape(-1, 64)
    coarse_b = coarse_a if same else fine_b.reshape(-1, 8, 4, 8, 4).mean(axis=(2, 4)).reshape(-1, 64)
    pairs = []
    step = max(1, (1 << 22) // max(1, len(fine_b) * 64))
    for start in range(0, len(fine_a), step):
        block = np.abs(coarse_a[start:start + step, None, :] - coarse_b[None, :, :]).mean(axis=2)
        for i, j in zip(*np.nonzero(block < max_difference)):
            i = int(i) + start
            j = int(j)
            if same and j <= i:
                continue
            if np.abs(fine_a[i] - fine_b[j]).mean() < max_difference:
                pairs.append((i, j))
    return np.array(sorted(pairs), np.int64).reshape(-1, 2)


def find_near_duplicates(images_a, images_b=None, max_difference=_DUPLICATE_GRAY_LEVELS) -> np.ndarray:
    """Pairs of near-duplicate images: the same photo, possibly resized or re-encoded.

    Two images are near-duplicates when their 32×32 grayscale thumbnails (area averaging,
    BT.601 luma) differ by less than ``max_difference`` gray levels on average. Their 8×8
    block means filter the candidates first (a mean absolute difference that never
    exceeds the 32×32 one), so thousands of images are compared in about a second.

    Parameters
    ----------
    images_a : sequence of (H, W, 3) or (H, W) uint8 images
    images_b : sequence of images, optional
        Compare ``images_a`` with ``images_b``; when ``None``, ``images_a`` with itself
        (each unordered pair once).
    max_difference : float
        Threshold on the mean absolute difference, in gray levels 0..255 (> 0).

    Returns
    -------
    (P, 2) int64
        ``(i, j)`` index pairs (``i`` in ``images_a``, ``j`` in ``images_b``; ``i < j``
        for a self-comparison), sorted.
    """
    from .._util.validation import check_image
    from ..image import to_uint8

    max_difference = check_number(max_difference, "max_difference", minimum=0.0, strict_min=True)
    a = [to_uint8(check_image(im, f"images_a[{i}]")) for i, im in enumerate(images_a)]
    b = None if images_b is None else [to_uint8(check_image(im, f"images_b[{i}]")) for i, im in enumerate(images_b)]
    return _duplicate_pairs(_thumbnails(a), None if b is None else _thumbnails(b), max_difference)


def benchmark_path(name: str, **params) -> Path:
    """Where a benchmark's cached ``.npz`` file lives.

    Parameters
    ----------
    name : {"scenes", "copy_detection"}
    **params
        The build parameters (``seed=...`` for ``copy_detection``).

    Returns
    -------
    pathlib.Path
        ``<cache_dir>/benchmarks/<name>-v<version>-<hash of the parameters>.npz``.
    """
    if name not in VERSIONS:
        raise ValueError(f"name must be one of {list(VERSIONS)}, got {name!r}")
    key = json.dumps({"max_side": MAX_SIDE, **params}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return data.cache_dir() / "benchmarks" / f"{name}-v{VERSIONS[name]}-{digest}.npz"


def _check_datasets(benchmark: str, needed) -> None:
    missing = [d for d in needed if not data.have_dataset(d)]
    if missing:
        raise data.DataMissingError(", ".join(missing), f"the {benchmark!r} benchmark is built from "
                                                        f"{', '.join(needed)} and is not cached yet")


def _pack_images(images) -> tuple[np.ndarray, np.ndarray]:
    shapes = np.array([im.shape for im in images], np.int64).reshape(-1, 3)
    flat = np.concatenate([np.ascontiguousarray(im).ravel() for im in images]) if images else np.zeros(0, np.uint8)
    return flat, shapes


def _unpack_images(flat: np.ndarray, shapes: np.ndarray) -> list:
    sizes = np.prod(shapes, axis=1)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    return [flat[offsets[i]:offsets[i + 1]].reshape(tuple(shapes[i])) for i in range(len(shapes))]


def _save(path: Path, arrays: dict) -> None:
    """Write the .npz atomically (imsearch._util.cache.save_npz); remove other versions of it."""
    save_npz(path, arrays)
    name, version = path.name.split("-v", 1)[0], VERSIONS[path.name.split("-v", 1)[0]]
    for old in path.parent.glob(f"{name}-v*.npz"):
        if not old.name.startswith(f"{name}-v{version}-"):
            old.unlink(missing_ok=True)  # an older recipe: never loaded again


def _load_npz(path: Path, name: str):
    """The cached arrays, or None when the file is missing, unreadable or of another version."""
    if not path.is_file():
        return None
    try:
        z = np.load(path, allow_pickle=False)
        if str(z["version"]) != VERSIONS[name]:
            return None
        return z
    except (OSError, ValueError, KeyError, zlib.error):
        return None


def _check_bool(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


# ----------------------------------------------------------------------------- similarities

def similarity_matrix(queries, database, metric="cosine") -> np.ndarray:
    """Similarities between query and database descriptors (higher = more similar).

    Parameters
    ----------
    queries : (Q, D) array_like of bool/int/float
    database : (N, D) array_like of bool/int/float
    metric : {"cosine", "ip", "l2", "l1", "chi2", "intersection"}
        ``"cosine"``: inner product of L2-normalised rows (a zero row has similarity 0);
        ``"ip"``: plain inner product; ``"l2"``: minus the squared Euclidean distance;
        ``"l1"``, ``"chi2"``: minus those distances; ``"intersection"``: histogram
        intersection (the last three from :func:`imsearch.index.brute_force.pairwise_distances`).

    Returns
    -------
    (Q, N) float64
    """
    from ..index import brute_force as _brute_force

    q = check_array(queries, "queries", ndim=2)
    x = check_array(database, "database", ndim=2)
    if q.shape[1] != x.shape[1]:
        raise ValueError(f"queries and database must have the same dimension, got {q.shape[1]} and {x.shape[1]}")
    if not isinstance(metric, str) or metric not in SIMILARITY_METRICS:
        raise ValueError(f"metric must be one of {', '.join(SIMILARITY_METRICS)}; got {metric!r}")
    q, x = q.astype(np.float64), x.astype(np.float64)
    if metric in ("cosine", "ip"):
        if metric == "cosine":
            q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-300)
            x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-300)
        return q @ x.T
    return -_brute_force.pairwise_distances(q, x, metric)


def predictions_from_similarity(similarity, query_ids, ref_ids, k=10, background_similarity=None,
                                beta=1.0, first=0, last=2):
    """Copy-detection predictions from a similarity matrix: each query's ``k`` best references.

    Parameters
    ----------
    similarity : (Q, R) array_like of float
        Query-reference similarities (higher = more similar), from any method.
    query_ids, ref_ids : sequences of str, of lengths Q and R
    k : int
        Predictions per query (>= 1; capped at R). Ties: the lower reference index first.
    background_similarity : (Q, B) array_like of float, optional
        Similarities of the queries to a background set; when given, the scores are
        normalised with :func:`imsearch.eval.metrics.score_normalize` (``beta``, ``first``, ``last``).
    beta, first, last
        Score-normalisation parameters (SSCD's defaults: 1, 0, 2).

    Returns
    -------
    (query_ids, ref_ids, scores) : three (Q·k,) arrays
        The form :func:`imsearch.eval.metrics.micro_average_precision` accepts.
    """
    sim = check_array(similarity, "similarity", ndim=2, kinds="iuf").astype(np.float64)
    query_ids, ref_ids = np.asarray(list(query_ids)), np.asarray(list(ref_ids))
    if len(query_ids) != sim.shape[0] or len(ref_ids) != sim.shape[1]:
        raise ValueError(f"similarity has shape {sim.shape} but there are {len(query_ids)} query ids and "
                         f"{len(ref_ids)} reference ids")
    k = min(check_int(k, "k", minimum=1), sim.shape[1])
    from ..index.brute_force import top_k

    scores, idx = top_k(sim, k)
    if background_similarity is not None:
        scores = metrics.score_normalize(scores, background_similarity, beta=beta, first=first, last=last)
    return np.repeat(query_ids, k), ref_ids[idx.ravel()], scores.ravel().astype(np.float64)


def knn_predictions(query_desc, ref_desc, query_ids, ref_ids, k=10, metric="l2", background_desc=None,
                    beta=1.0, first=0, last=2):
    """Copy-detection predictions: each query's ``k`` most similar references, with their scores.

    Parameters
    ----------
    query_desc : (Q, D) array_like
    ref_desc : (R, D) array_like
    query_ids, ref_ids : sequences of str, of lengths Q and R
    k : int
        Predictions per query (1 <= k; capped at R).
    metric : str
        One of :data:`SIMILARITY_METRICS`; the score is the similarity.
    background_desc : (B, D) array_like, optional
        When given, the scores are normalised against it with
        :func:`imsearch.eval.metrics.score_normalize` (``beta``, ``first``, ``last``).
    beta, first, last
        Score-normalisation parameters (SSCD's defaults: 1, 0, 2).

    Returns
    -------
    (query_ids, ref_ids, scores) : three (Q·k,) arrays
        The form :func:`imsearch.eval.metrics.micro_average_precision` accepts.
    """
    qd = check_array(query_desc, "query_desc", ndim=2)
    rd = check_array(ref_desc, "ref_desc", ndim=2)
    query_ids, ref_ids = np.asarray(list(query_ids)), np.asarray(list(ref_ids))
    if len(query_ids) != len(qd):
        raise ValueError(f"query_ids must have {len(qd)} entries (one per row of query_desc), got {len(query_ids)}")
    if len(ref_ids) != len(rd):
        raise ValueError(f"ref_ids must have {len(rd)} entries (one per row of ref_desc), got {len(ref_ids)}")
    check_int(k, "k", minimum=1)
    bsim = None
    if background_desc is not None:
        bsim = similarity_matrix(qd, check_array(background_desc, "background_desc", ndim=2), metric)
    return predictions_from_similarity(similarity_matrix(qd, rd, metric), query_ids, ref_ids, k=k,
                                       background_similarity=bsim, beta=beta, first=first, last=last)


# ----------------------------------------------------------------------------- scenes

class Scenes:
    """The same-scene retrieval benchmark (see :func:`load_scenes`).

    Attributes
    ----------
    images : list of N (H, W, 3) uint8 arrays
        Group photos first (group by group, the query first), then the distractors.
    ids : list of N str
        ``"oxford_affine/graf/img1"``, ``"cmp_homogr/adam/A"``, ``"cmp_evd/adam/B"``,
        ``"opencv_samples/box"``, ``"bsds500/100007"``, ``"imagenet/n01440764_tench"``.
    groups : list of N (str or None)
        The scene group of each image (``None`` for distractors).
    query_indices : (Q,) int64
        Every photo of every group is a query (the UKBench protocol), group by group.
    positives : list of Q (P_q,) int64 arrays
        The other photos of each query's group (never the query itself).
    first_rows : (G,) int64
        The rows of :attr:`query_indices` that are the first photo of their group: the
        one query per group of the first version of the benchmark ("mAP (first photo)").
    duplicates : list of (str, str)
        ``(dropped id, id of the copy kept)``: photos left out because they are
        near-duplicates of a photo kept in another group (see :func:`load_scenes`).
    build_seconds : float
        How long the build took (when the cache was written).
    train : list of (H, W, 3) uint8
        Training photos for methods that learn, disjoint from every image above: empty for
        the pack's ``scenes`` (its methods learn on ``copy_detection.train``), filled by
        :func:`embedded_scenes`.
    """

    def __init__(self, images, ids, groups, query_indices, positives, duplicates, build_seconds, first_rows=None,
                 train=()):
        self.images = images
        self.ids = ids
        self.groups = groups
        self.query_indices = np.asarray(query_indices, np.int64)
        self.positives = positives
        self.duplicates = duplicates
        self.build_seconds = build_seconds
        self.first_rows = (np.arange(len(self.query_indices), dtype=np.int64) if first_rows is None
                           else np.asarray(first_rows, np.int64))
        self.train = list(train)

    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        n_dis = sum(g is None for g in self.groups)
        return (f"{type(self).__name__}({len(self.query_indices)} queries in {len(self.first_rows)} groups, "
                f"{len(self.images) - n_dis} group photos, {n_dis} distractors, "
                f"{len(self.duplicates)} duplicates dropped)")

    @property
    def query_ids(self) -> list:
        """The ids of the queries, in the order of :attr:`query_indices`."""
        return [self.ids[i] for i in self.query_indices]

    @property
    def distractor_indices(self) -> np.ndarray:
        """(M,) int64 indices of the distractors."""
        return np.array([i for i, g in enumerate(self.groups) if g is None], np.int64)

    def evaluate(self, similarity) -> dict:
        """Average precision of every query, and their mean (mAP).

        Parameters
        ----------
        similarity : (Q, N) array_like of float
            Row ``q``: the similarity of query ``q`` to every image (higher = more
            similar). The query's own column is ignored.

        Returns
        -------
        dict
            ``{"mAP": float, "AP": (Q,) float64, "mAP_first": float}``; AP by
            :func:`imsearch.eval.metrics.average_precision` (trapezoid rule, ties ranked
            pessimistically), as in the Holidays and revisited-Oxford evaluations;
            ``mAP_first`` is the mean over the first photo of each group only
            (:attr:`first_rows`).
        """
        q, n = len(self.query_indices), len(self.images)
        sim = check_array(similarity, "similarity", shape=(q, n), kinds="iuf")
        ap = np.empty(q)
        keep = np.ones(n, bool)
        for row, (qi, pos) in enumerate(zip(self.query_indices, self.positives)):
            relevant = np.zeros(n, bool)
            relevant[pos] = True
            keep[qi] = False
            ap[row] = metrics.average_precision(sim[row][keep], relevant[keep])
            keep[qi] = True
        return {"mAP": float(ap.mean()), "AP": ap, "mAP_first": float(ap[self.first_rows].mean())}

    def intervals(self, similarity, n_resamples=1000, confidence=0.95, seed=0) -> dict:
        """mAP and mAP (first photo) with their percentile bootstrap intervals over queries.

        Parameters
        ----------
        similarity : (Q, N) array_like of float
            As in :meth:`evaluate`.
        n_resamples, confidence, seed
            Of :func:`imsearch.eval.bootstrap.bootstrap_mean` (1000 resamples, 95 %, seed 0).

        Returns
        -------
        dict of :class:`imsearch.eval.bootstrap.Interval`
            ``"mAP"`` (resampling all Q queries) and ``"mAP_first"`` (the first photos).
        """
        from .bootstrap import bootstrap_mean

        ap = self.evaluate(similarity)["AP"]
        return {"mAP": bootstrap_mean(ap, n_resamples, confidence, seed),
                "mAP_first": bootstrap_mean(ap[self.first_rows], n_resamples, confidence, seed)}

    def paired_intervals(self, similarity_a, similarity_b, n_resamples=1000, confidence=0.95, seed=0) -> dict:
        """mAP of method a minus mAP of method b, on the same resamples of the queries.

        Parameters
        ----------
        similarity_a, similarity_b : (Q, N) array_like of float
            Two methods' similarities (see :meth:`evaluate`).
        n_resamples, confidence, seed
            Of :func:`imsearch.eval.bootstrap.paired_bootstrap`.

        Returns
        -------
        dict of :class:`imsearch.eval.bootstrap.Interval`
            ``"mAP"`` and ``"mAP_first"``; a method is better than the other only where
            the interval excludes 0 (``interval.excludes(0)``).
        """
        from .bootstrap import paired_bootstrap

        a, b = self.evaluate(similarity_a)["AP"], self.evaluate(similarity_b)["AP"]
        return {"mAP": paired_bootstrap(a, b, n_resamples, confidence, seed),
                "mAP_first": paired_bootstrap(a[self.first_rows], b[self.first_rows], n_resamples, confidence, seed)}

    def evaluate_descriptors(self, descriptors, metric="cosine") -> dict:
        """mAP of global descriptors: each query's similarity to every image, then :meth:`evaluate`.

        Parameters
        ----------
        descriptors : (N, D) array_like
            One row per image, in the order of :attr:`images`.
        metric : str
            One of :data:`SIMILARITY_METRICS` (see :func:`similarity_matrix`).

        Returns
        -------
        dict
            As :meth:`evaluate`.
        """
        desc = check_array(descriptors, "descriptors", ndim=2)
        if desc.shape[0] != len(self.images):
            raise ValueError(f"descriptors must have one row per image ({len(self.images)}), got {desc.shape[0]}")
        return self.evaluate(similarity_matrix(desc[self.query_indices], desc, metric))


def every_member_queries(query_indices, positives):
    """Make every photo of every group a query, its positives the other photos of its group.

    Parameters
    ----------
    query_indices : (G,) array_like of int
        One query per group (its first photo).
    positives : sequence of G (P_g,) int arrays
        The other photos of each group.

    Returns
    -------
    query_indices : (Q,) int64
        ``Q = sum(P_g + 1)``: the members of each group in the order
        ``[query, *positives]``, group by group.
    positives : list of Q (P_g,) int64 arrays
        For each query, its group minus itself.
    first_rows : (G,) int64
        The row of each group's first photo in the new ``query_indices``.
    """
    query_indices = check_array(query_indices, "query_indices", ndim=1, kinds="iu").astype(np.int64)
    if len(positives) != len(query_indices):
        raise ValueError(f"positives must have one entry per query ({len(query_indices)}), got {len(positives)}")
    queries, out_pos, first_rows = [], [], []
    for q, pos in zip(query_indices, positives):
        members = np.concatenate([[q], np.asarray(pos, np.int64)]).astype(np.int64)
        if len(np.unique(members)) < len(members):
            raise ValueError(f"the group of query {int(q)} lists a photo twice (or the query among its positives)")
        first_rows.append(len(queries))
        for m in members:
            queries.append(int(m))
            out_pos.append(members[members != m])
    return np.array(queries, np.int64), out_pos, np.array(first_rows, np.int64)


def _pack_photos():
    """BSDS500 and the ImageNet samples, decoded: (bsds ids, bsds photos, imagenet names, imagenet photos)."""
    bsds_ids, bsds = data.load_bsds500()
    net_ids, net, _ = data.load_imagenet_samples()
    return bsds_ids, bsds, net_ids, net


def _scene_sources(bar):
    """Yield (group label, image id, image) in build order: Oxford, CMP homogr, CMP EVD, OpenCV."""
    for seq in _OXFORD:
        images, _ = data.load_oxford_affine(seq)
        for i, im in enumerate(images):
            yield f"oxford_affine/{seq}", f"oxford_affine/{seq}/img{i + 1}", im
        bar.update(len(images))
    for kind in ("homogr", "evd"):
        for name in data.cmp_pair_names(kind):
            pair = data.load_cmp_pair(name, kind)
            for side in "AB":
                yield f"cmp_{kind}/{name}", f"cmp_{kind}/{name}/{side}", pair[side]
            bar.update(2)
    for label, a, b in _OPENCV_PAIRS:
        for f in (a, b):
            yield f"opencv_samples/{label}", f"opencv_samples/{f.rsplit('.', 1)[0]}", data.load_opencv_sample(f)
        bar.update(2)


def _build_scenes(progress: bool) -> dict:
    start = time.perf_counter()
    _check_datasets("scenes", _SCENES_DATASETS)
    bar = _progress(None, "building scenes", enabled=progress, total=124 + 500 + 1000, unit="img")
    labels, ids, images = [], [], []
    for label, image_id, im in _scene_sources(bar):
        labels.append(label)
        ids.append(image_id)
        images.append(_resize(im))
    bsds_ids, bsds, net_ids, net = _pack_photos()
    bar.update(len(bsds) + len(net))
    bar.close()
    dis_ids = [f"bsds500/{i}" for i in bsds_ids] + [f"imagenet/{n}" for n in net_ids]
    distractors = [_resize(im) for im in bsds + net]

    # merge groups: by hand (same scene, different photos) and through shared copies
    parent = {g: g for g in labels}

    def root(g):
        while parent[g] != g:
            g = parent[g]
        return g

    def union(a, b):
        ra, rb = root(a), root(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=labels.index)  # the earlier group names the merge
            parent[second] = first

    for names in _SAME_SCENE:
        for other in names[1:]:
            union(names[0], other)
    thumbs, dis_thumbs = _thumbnails(images), _thumbnails(distractors)
    dropped = {}  # index -> index of the copy kept
    for i, j in _duplicate_pairs(thumbs, None, _DUPLICATE_GRAY_LEVELS):
        if labels[i] != labels[j]:  # copies across groups: keep the first, merge the groups
            union(labels[i], labels[j])
            dropped.setdefault(int(j), int(i))
    members = {}
    for i, g in enumerate(labels):
        if i not in dropped:
            members.setdefault(root(g), []).append(i)
    kept = [i for i in range(len(images)) if i not in dropped]
    duplicates = [(ids[j], ids[dropped[j]]) for j in sorted(dropped)]
    # distractors: drop copies of a group photo, and later copies of an earlier distractor
    bad = {}
    for i, j in _duplicate_pairs(thumbs[kept], dis_thumbs, _DUPLICATE_GRAY_LEVELS):
        bad.setdefault(int(j), ids[kept[i]])
    for i, j in _duplicate_pairs(dis_thumbs, None, _DUPLICATE_GRAY_LEVELS):
        if int(i) not in bad:
            bad.setdefault(int(j), dis_ids[i])
    duplicates += [(dis_ids[j], bad[j]) for j in sorted(bad)]

    out_images, out_ids, out_groups, queries, positives = [], [], [], [], []
    for g in sorted(members, key=labels.index):
        idx = members[g]
        if len(idx) < 2:
            continue  # a query needs at least one positive
        base = len(out_images)
        queries.append(base)
        positives.append(np.arange(base + 1, base + len(idx), dtype=np.int64))
        for i in idx:
            out_images.append(images[i])
            out_ids.append(ids[i])
            out_groups.append(g)
    for j, im in enumerate(distractors):
        if j not in bad:
            out_images.append(im)
            out_ids.append(dis_ids[j])
            out_groups.append("")
    flat, shapes = _pack_images(out_images)
    pos_flat = np.concatenate(positives) if positives else np.zeros(0, np.int64)
    return {
        "version": np.array(VERSIONS["scenes"]),
        "pixels": flat, "shapes": shapes,
        "ids": np.array(out_ids), "groups": np.array(out_groups),
        "query_indices": np.array(queries, np.int64),
        "positives_flat": pos_flat,
        "positives_counts": np.array([len(p) for p in positives], np.int64),
        "duplicates": np.array(duplicates, dtype=str).reshape(-1, 2),
        "build_seconds": np.array(time.perf_counter() - start),
    }


def load_scenes(rebuild=False, progress=True) -> Scenes:
    """Load the same-scene retrieval benchmark (built from the data pack on first use, then cached).

    How it is built:

    * **groups**: each Oxford affine sequence (6 views), each CMP ``homogr`` and ``evd``
      pair, and the real pairs among OpenCV's samples (graf1/graf3, leuvenA/leuvenB,
      aero1/aero3, box/box_in_scene, basketball1/basketball2, Blender_Suzanne1/2,
      ela_original/ela_modified). Groups showing one scene in different photos are
      merged (CMP homogr/evd "adam"; CMP LePoint1-3 and EVD "mag", one magazine).
    * **duplicates**: photos that are near-duplicates across groups
      (:func:`find_near_duplicates`: OpenCV graf1/graf3 and CMP's graf and boat pairs are
      Oxford graf/boat views; CMP LePoint2/A is LePoint3/A) are **merged**: the groups
      are joined and only the first copy (Oxford first, then CMP homogr, CMP EVD,
      OpenCV) is kept. Distractors that copy a group photo or an earlier distractor
      are dropped. :attr:`Scenes.duplicates` lists what was left out.
    * **queries**: every photo of each group (UKBench's protocol,
      :func:`every_member_queries`); the rest of its group are its positives; every
      BSDS500 and ImageNet-sample photo is a distractor. :attr:`Scenes.first_rows`
      marks the first photo of each group, the only query of the benchmark's first
      version ("mAP (first photo)").
    * **size**: longest side at most 320 pixels (:data:`MAX_SIDE`; area averaging,
      aspect ratio kept, never upscaled).

    Parameters
    ----------
    rebuild : bool
        Build again even when a cached copy of this version exists.
    progress : bool
        Show a progress bar while building.

    Returns
    -------
    Scenes

    Raises
    ------
    imsearch.data.pack.DataMissingError
        The benchmark is not cached and a dataset it needs (oxford_affine,
        cmp_homography_pairs, opencv_samples, bsds500, imagenet_samples) is unavailable.
    """
    rebuild, progress = _check_bool(rebuild, "rebuild"), _check_bool(progress, "progress")
    path = benchmark_path("scenes")
    z = None if rebuild else _load_npz(path, "scenes")
    if z is None:
        _save(path, _build_scenes(progress))
        z = _load_npz(path, "scenes")
    with z:
        images = _unpack_images(z["pixels"], z["shapes"])
        counts = z["positives_counts"]
        flat = z["positives_flat"]
        offsets = np.concatenate([[0], np.cumsum(counts)])
        positives = [flat[offsets[i]:offsets[i + 1]] for i in range(len(counts))]
        queries, positives, first_rows = every_member_queries(z["query_indices"], positives)
        return Scenes(images=images, ids=[str(s) for s in z["ids"]],
                      groups=[str(g) if g else None for g in z["groups"]],
                      query_indices=queries, positives=positives,
                      duplicates=[(str(a), str(b)) for a, b in z["duplicates"]],
                      build_seconds=float(z["build_seconds"]), first_rows=first_rows)


# ----------------------------------------------------------------------------- UKBench objects

class UKBench(Scenes):
    """UKBench's protocol on the pack's 14 objects × 4 views (see :func:`load_ukbench`).

    A :class:`Scenes` whose database is only the group photos (no distractors): every
    photo is a query, its 3 group-mates the positives. :meth:`evaluate` adds the UKBench
    N-S score. [Nistér & Stewénius, "Scalable Recognition with a Vocabulary Tree", CVPR 2006]
    """

    def evaluate(self, similarity) -> dict:
        """mAP (the query excluded, as in :meth:`Scenes.evaluate`) and the N-S score (the query included).

        Parameters
        ----------
        similarity : (Q, N) array_like of float
            Row ``q``: similarity of query ``q`` to every photo, its own column included
            (the N-S protocol counts the query itself when it comes back in the top 4).

        Returns
        -------
        dict
            Those of :meth:`Scenes.evaluate`, plus ``"N-S"`` (float in [0, 4]: mean number
            of the query's group in its top 4, ties to the lower index) and ``"NS"`` (Q,)
            the per-query counts (:func:`imsearch.eval.bootstrap.ns_score`).
        """
        from ..index.brute_force import top_k
        from .bootstrap import ns_score

        out = super().evaluate(similarity)
        _, top = top_k(check_array(similarity, "similarity", kinds="iuf"), 4)
        groups = np.array([g or "" for g in self.groups])
        ns = ns_score(top, groups[self.query_indices], groups)
        out.update({"N-S": float(ns.mean()), "NS": ns})
        return out

    def intervals(self, similarity, n_resamples=1000, confidence=0.95, seed=0) -> dict:
        """As :meth:`Scenes.intervals`, plus ``"N-S"`` with its bootstrap interval over queries."""
        from .bootstrap import bootstrap_mean

        out = super().intervals(similarity, n_resamples, confidence, seed)
        out["N-S"] = bootstrap_mean(self.evaluate(similarity)["NS"], n_resamples, confidence, seed)
        return out

    def paired_intervals(self, similarity_a, similarity_b, n_resamples=1000, confidence=0.95, seed=0) -> dict:
        """As :meth:`Scenes.paired_intervals`, plus the paired difference of ``"N-S"``."""
        from .bootstrap import paired_bootstrap

        out = super().paired_intervals(similarity_a, similarity_b, n_resamples, confidence, seed)
        out["N-S"] = paired_bootstrap(self.evaluate(similarity_a)["NS"], self.evaluate(similarity_b)["NS"],
                                      n_resamples, confidence, seed)
        return out


def load_ukbench() -> UKBench:
    """The UKBench benchmark on the pack's ``ukbench_subset``: 14 objects, 4 photos each, 56 queries.

    Every photo is a query and the other 3 photos of its object the positives; the
    database is the 56 photos (no distractors), as in UKBench, where the N-S score
    (mean number of correct photos in the top 4, query included) is reported: 4 is
    perfect. Photos are brought to the benchmarks' size convention (longest side
    :data:`MAX_SIDE` = 320 px). Decoded in about a second, so not cached.

    Returns
    -------
    UKBench
        ``ids`` ``"ukbench/ukbench00000"``..., ``groups`` ``"ukbench/0"``...``"ukbench/13"``,
        ``first_rows`` the first photo of each object.

    Raises
    ------
    imsearch.data.pack.DataMissingError
        The pack's ``ukbench_subset`` is unavailable.
    """
    ids, photos, objects = data.load_ukbench_subset()
    members = {}
    for i, g in enumerate(objects):
        members.setdefault(g, []).append(i)
    if any(len(m) < 2 for m in members.values()):
        raise data.DataCorruptError("ukbench_subset/groups.csv: every object needs at least 2 photos")
    order = [i for g in sorted(members) for i in members[g]]
    starts = np.cumsum([0] + [len(members[g]) for g in sorted(members)])[:-1]
    firsts = starts.astype(np.int64)
    rest = [np.arange(a + 1, a + len(members[g]), dtype=np.int64) for a, g in zip(starts, sorted(members))]
    queries, positives, first_rows = every_member_queries(firsts, rest)
    return UKBench(images=[_resize(photos[i]) for i in order], ids=[f"ukbench/{ids[i]}" for i in order],
                   groups=[f"ukbench/{objects[i]}" for i in order], query_indices=queries, positives=positives,
                   duplicates=[], build_seconds=0.0, first_rows=first_rows)


# ----------------------------------------------------------------------------- copy detection

class CopyDetection:
    """The DISC2021-style copy-detection benchmark (see :func:`load_copy_detection`).

    Attributes
    ----------
    references, reference_ids : list of (H, W, 3) uint8, list of str ``"R000"``...
    reference_sources : list of str
        The BSDS500 photo behind each reference (``"bsds500/<id>"``).
    queries, query_ids : list of (H, W, 3) uint8, list of str ``"Q000"``...
    query_sources : list of str
        The photo each query was made from (a reference's source, or another BSDS500 photo).
    query_edits : list of tuple of str
        The edits applied to each query, in order (:func:`imsearch.edits.disc_edit`).
    query_seeds : list of int
        The seed of each query's edits: ``disc_edit(source, seed=query_seeds[i],
        other_images=donors)`` re-creates query ``i`` from its source at 320 pixels.
    donor_ids : list of str
        The ImageNet samples the two-photo edits drew their second photo from.
    ground_truth : list of (query_id, ref_id)
        One pair per positive query; negative queries have none.
    train, train_ids : photos (ImageNet samples) disjoint from all the above, for methods
        that learn (loaded from the cache on first access).
    background, background_ids : photos disjoint from all the above (BSDS500 and ImageNet
        samples), for score normalisation.
    seed : int
    build_seconds : float
    """

    def __init__(self, arrays: dict, path: Path | None):
        self._path = path
        self.seed = int(arrays["seed"])
        self.build_seconds = float(arrays["build_seconds"])
        self.references = _unpack_images(arrays["ref_pixels"], arrays["ref_shapes"])
        self.reference_ids = [f"R{i:03d}" for i in range(len(self.references))]
        self.reference_sources = [str(s) for s in arrays["ref_sources"]]
        self.queries = _unpack_images(arrays["query_pixels"], arrays["query_shapes"])
        self.query_ids = [f"Q{i:03d}" for i in range(len(self.queries))]
        self.query_sources = [str(s) for s in arrays["query_sources"]]
        self.query_edits = [tuple(str(e).split("+")) for e in arrays["query_edits"]]
        self.query_seeds = [int(v) for v in arrays["query_seeds"]]
        self.donor_ids = [str(s) for s in arrays["donor_ids"]]
        self.ground_truth = [(self.query_ids[q], self.reference_ids[r]) for q, r in arrays["ground_truth"]]
        self.background = _unpack_images(arrays["background_pixels"], arrays["background_shapes"])
        self.background_ids = [str(s) for s in arrays["background_ids"]]
        self.train_ids = [str(s) for s in arrays["train_ids"]]
        self._train = None

    @classmethod
    def from_images(cls, references, queries, ground_truth, background=(), train=()):
        """A copy-detection benchmark from given images (for small experiments and tests).

        Parameters
        ----------
        references, queries : sequences of (H, W, 3) uint8 images
            Named ``"R000"``... and ``"Q000"``... in this order.
        ground_truth : iterable of (query index, reference index)
            The true copies, by position.
        background, train : sequences of (H, W, 3) uint8 images, optional

        Returns
        -------
        CopyDetection
            With ``seed`` -1, no edits recorded (empty tuples) and sources ``""``.
        """
        from .._util.validation import check_image
        from ..image import to_uint8

        def images(seq, name):
            return [np.ascontiguousarray(to_uint8(check_image(im, f"{name}[{i}]", gray=False)))
                    for i, im in enumerate(seq)]

        refs, qs = images(references, "references"), images(queries, "queries")
        if not refs or not qs:
            raise ValueError("references and queries must not be empty")
        gt = np.array([tuple(p) for p in ground_truth], np.int64).reshape(-1, 2)
        if len(gt) and (gt[:, 0].min() < 0 or gt[:, 0].max() >= len(qs) or gt[:, 1].min() < 0
                        or gt[:, 1].max() >= len(refs)):
            raise ValueError("ground_truth must hold (query index, reference index) pairs within range")
        bg, tr = images(background, "background"), images(train, "train")
        arrays = {"seed": -1, "build_seconds": 0.0, "ground_truth": gt,
                  "ref_sources": [""] * len(refs), "query_sources": [""] * len(qs),
                  "query_edits": [""] * len(qs), "query_seeds": [-1] * len(qs), "donor_ids": [],
                  "background_ids": [""] * len(bg), "train_ids": [""] * len(tr)}
        for key, imgs in (("ref", refs), ("query", qs), ("background", bg)):
            arrays[f"{key}_pixels"], arrays[f"{key}_shapes"] = _pack_images(imgs)
        bench = cls(arrays, None)
        bench.query_edits = [()] * len(qs)
        bench._train = tr
        return bench

    def __repr__(self) -> str:
        return (f"CopyDetection(seed={self.seed}: {len(self.references)} references, {len(self.queries)} queries "
                f"({len(self.ground_truth)} with a copy), {len(self.train_ids)} train, "
                f"{len(self.background)} background)")

    @property
    def train(self) -> list:
        """The training photos (read from the cached file on first access, then kept)."""
        if self._train is None:
            with np.load(self._path, allow_pickle=False) as z:
                self._train = _unpack_images(z["train_pixels"], z["train_shapes"])
        return self._train

    def _check_predictions(self, predictions):
        q, r, s = metrics._as_predictions(predictions)
        known_q, known_r = set(self.query_ids), set(self.reference_ids)
        for ids, known, what, example in ((q, known_q, "query", "Q000"), (r, known_r, "reference", "R000")):
            unknown = set(np.asarray(ids).astype(str).tolist()) - known
            if unknown:
                raise ValueError(f"predictions name unknown {what} ids, e.g. {sorted(unknown)[0]!r} "
                                 f"(ids look like {example!r})")
        return np.asarray(q).astype(str), np.asarray(r).astype(str), s

    def evaluate(self, predictions) -> dict:
        """Score copy-detection predictions with the DISC2021 metrics.

        Parameters
        ----------
        predictions : iterable of (query_id, ref_id, score), or a tuple of three (P,) arrays
            Higher score = more likely a copy; each pair at most once.

        Returns
        -------
        dict
            ``{"uAP": float, "recall_at_p90": float}``: micro-average precision over the
            pooled predictions (:func:`imsearch.eval.metrics.micro_average_precision`) and the
            recall at 90 % precision (:func:`imsearch.eval.metrics.recall_at_precision`).
        """
        preds = self._check_predictions(predictions)
        return {"uAP": metrics.micro_average_precision(preds, self.ground_truth),
                "recall_at_p90": metrics.recall_at_precision(preds, self.ground_truth, 0.9)}

    def evaluate_descriptors(self, query_desc, ref_desc, background_desc=None, k=10, metric="l2",
                             beta=1.0, first=0, last=2) -> dict:
        """Score global descriptors: k nearest references per query, then :meth:`evaluate`.

        Parameters
        ----------
        query_desc : (Q, D) array_like, one row per query
        ref_desc : (R, D) array_like, one row per reference
        background_desc : (B, D) array_like, optional
            Descriptors of :attr:`background`; when given, µAP and recall are also computed
            after score normalisation (:func:`imsearch.eval.metrics.score_normalize`).
        k : int
            Predictions per query (DISC2021's descriptor track allowed any number; 10 here).
        metric : str
            One of :data:`SIMILARITY_METRICS`; ``"l2"`` scores by minus the squared distance.
        beta, first, last
            Score normalisation: subtract ``beta`` times the mean similarity of the query
            to its ``first``-th ... ``last``-th nearest background images (0-based;
            SSCD's defaults 1, 0, 2).

        Returns
        -------
        dict
            ``{"uAP", "recall_at_p90"}``, plus ``"uAP_SN"`` and ``"recall_at_p90_SN"`` with
            a background.
        """
        sim, bsim = self.descriptor_similarities(query_desc, ref_desc, background_desc, metric)
        return self.evaluate_similarity(sim, bsim, k=k, beta=beta, first=first, last=last)

    def descriptor_similarities(self, query_desc, ref_desc, background_desc=None, metric="l2"):
        """Query-reference (and query-background) similarities of descriptors, shapes checked.

        Parameters
        ----------
        query_desc : (Q, D) array, one row per query
        ref_desc : (R, D) array, one row per reference
        background_desc : (B, D) array, optional
        metric : str
            One of :data:`SIMILARITY_METRICS`.

        Returns
        -------
        (Q, R) float array, and (Q, B) float array or None
        """
        qd = check_array(query_desc, "query_desc", ndim=2)
        rd = check_array(ref_desc, "ref_desc", ndim=2)
        if qd.shape[0] != len(self.queries):
            raise ValueError(f"query_desc must have one row per query ({len(self.queries)}), got {qd.shape[0]}")
        if rd.shape[0] != len(self.references):
            raise ValueError(f"ref_desc must have one row per reference ({len(self.references)}), got {rd.shape[0]}")
        bsim = None
        if background_desc is not None:
            bsim = similarity_matrix(qd, check_array(background_desc, "background_desc", ndim=2), metric)
        return similarity_matrix(qd, rd, metric), bsim

    def evaluate_similarity(self, similarity, background_similarity=None, k=10, beta=1.0, first=0, last=2) -> dict:
        """Score any method through its similarities: k best references per query, then :meth:`evaluate`.

        For methods without one global descriptor per image (bags of words through an
        inverted index, Hamming embedding, re-ranking...).

        Parameters
        ----------
        similarity : (Q, R) array_like of float
            Similarity of every query to every reference (higher = more similar).
        background_similarity : (Q, B) array_like of float, optional
            Similarity of every query to the background images; adds the ``_SN`` metrics.
        k, beta, first, last
            As in :meth:`evaluate_descriptors`.

        Returns
        -------
        dict
            ``{"uAP", "recall_at_p90"}``, plus ``"uAP_SN"`` and ``"recall_at_p90_SN"`` with a
            background.
        """
        sim = check_array(similarity, "similarity", shape=(len(self.queries), len(self.references)), kinds="iuf")
        out = self.evaluate(predictions_from_similarity(sim, self.query_ids, self.reference_ids, k=k))
        if background_similarity is not None:
            bsim = check_array(background_similarity, "background_similarity", ndim=2, kinds="iuf")
            if bsim.shape[0] != len(self.queries):
                raise ValueError(f"background_similarity must have one row per query ({len(self.queries)}), "
                                 f"got {bsim.shape[0]}")
            sn = self.evaluate(predictions_from_similarity(sim, self.query_ids, self.reference_ids, k=k,
                                                           background_similarity=bsim, beta=beta, first=first,
                                                           last=last))
            out["uAP_SN"], out["recall_at_p90_SN"] = sn["uAP"], sn["recall_at_p90"]
        return out

    def _prediction_sets(self, similarity, background_similarity, k, beta, first, last) -> dict:
        """``{"": predictions}`` plus ``{"_SN": normalised predictions}`` with a background."""
        sim = check_array(similarity, "similarity", shape=(len(self.queries), len(self.references)), kinds="iuf")
        out = {"": predictions_from_similarity(sim, self.query_ids, self.reference_ids, k=k)}
        if background_similarity is not None:
            bsim = check_array(background_similarity, "background_similarity", ndim=2, kinds="iuf")
            if bsim.shape[0] != len(self.queries):
                raise ValueError(f"background_similarity must have one row per query ({len(self.queries)}), "
                                 f"got {bsim.shape[0]}")
            out["_SN"] = predictions_from_similarity(sim, self.query_ids, self.reference_ids, k=k,
                                                     background_similarity=bsim, beta=beta, first=first, last=last)
        return out

    def intervals(self, similarity, background_similarity=None, k=10, beta=1.0, first=0, last=2,
                  n_resamples=1000, confidence=0.95, seed=0) -> dict:
        """The metrics of :meth:`evaluate_similarity`, each with its bootstrap interval over the queries.

        A resample draws the queries (positive and negative alike) with replacement and
        pools their predictions again (:func:`imsearch.eval.bootstrap.pooled_statistic`).

        Parameters
        ----------
        similarity, background_similarity, k, beta, first, last
            As in :meth:`evaluate_similarity`.
        n_resamples, confidence, seed
            Of :func:`imsearch.eval.bootstrap.bootstrap_statistic` (1000, 95 %, seed 0).

        Returns
        -------
        dict of :class:`imsearch.eval.bootstrap.Interval`
            ``"uAP"``, ``"recall_at_p90"``, plus ``"uAP_SN"`` and ``"recall_at_p90_SN"``
            with a background.
        """
        from .bootstrap import bootstrap_statistic, pooled_statistic

        out = {}
        for suffix, preds in self._prediction_sets(similarity, background_similarity, k, beta, first, last).items():
            for name, metric in (("uAP", "micro_ap"), ("recall_at_p90", "recall_at_precision")):
                stat = pooled_statistic(preds, self.ground_truth, self.query_ids, metric, 0.9)
                out[name + suffix] = bootstrap_statistic(stat, len(self.query_ids), n_resamples, confidence, seed)
        return out

    def paired_intervals(self, similarity_a, similarity_b, background_similarity_a=None,
                         background_similarity_b=None, k=10, beta=1.0, first=0, last=2, n_resamples=1000,
                         confidence=0.95, seed=0) -> dict:
        """Method a minus method b on each metric, on the same resamples of the queries.

        Parameters
        ----------
        similarity_a, similarity_b : (Q, R) array_like of float
        background_similarity_a, background_similarity_b : (Q, B) array_like of float, optional
            Both or neither: add the ``_SN`` metrics.
        k, beta, first, last, n_resamples, confidence, seed
            As in :meth:`intervals`.

        Returns
        -------
        dict of :class:`imsearch.eval.bootstrap.Interval`
            Differences; an ordering is supported where ``interval.excludes(0)``.
        """
        from .bootstrap import paired_bootstrap_statistic, pooled_statistic

        if (background_similarity_a is None) != (background_similarity_b is None):
            raise ValueError("give background_similarity_a and background_similarity_b together, or neither")
        sets_a = self._prediction_sets(similarity_a, background_similarity_a, k, beta, first, last)
        sets_b = self._prediction_sets(similarity_b, background_similarity_b, k, beta, first, last)
        out = {}
        for suffix in sets_a:
            for name, metric in (("uAP", "micro_ap"), ("recall_at_p90", "recall_at_precision")):
                sa, sb = (pooled_statistic(p[suffix], self.ground_truth, self.query_ids, metric, 0.9)
                          for p in (sets_a, sets_b))
                out[name + suffix] = paired_bootstrap_statistic(sa, sb, len(self.query_ids), n_resamples,
                                                                confidence, seed)
        return out


def _build_copy_detection(seed: int, progress: bool) -> dict:
    from ..edits import disc_edit

    start = time.perf_counter()
    _check_datasets("copy_detection", _COPY_DATASETS)
    s = COPY_DETECTION_SIZES
    n_queries = s["positive_queries"] + s["negative_queries"]
    bar = _progress(None, "building copy_detection", enabled=progress, total=500 + 1000 + n_queries, unit="img")
    bsds_ids, bsds, net_ids, net = _pack_photos()
    bar.update(len(bsds) + len(net))
    n_b = s["references"] + s["negative_queries"] + s["background_bsds500"]
    n_i = s["donors"] + s["background_imagenet"] + s["train"]
    if len(bsds) < n_b or len(net) < n_i:
        raise data.DataMissingError("bsds500, imagenet_samples",
                                    f"the pack holds {len(bsds)} bsds500 and {len(net)} imagenet photos, "
                                    f"{n_b} and {n_i} are needed")
    rng = np.random.default_rng([seed, zlib.crc32(b"copy_detection")])
    perm_b, perm_i = rng.permutation(len(bsds))[:n_b], rng.permutation(len(net))[:n_i]
    refs = perm_b[:s["references"]]
    negatives = perm_b[s["references"]:s["references"] + s["negative_queries"]]
    bg_b = perm_b[s["references"] + s["negative_queries"]:]
    donors = perm_i[:s["donors"]]
    bg_i = perm_i[s["donors"]:s["donors"] + s["background_imagenet"]]
    train = perm_i[s["donors"] + s["background_imagenet"]:]
    copied = np.sort(rng.choice(len(refs), size=s["positive_queries"], replace=False))  # reference indices
    # queries in a random order: ("ref", reference index) or ("neg", bsds index)
    sources = [("ref", int(r)) for r in copied] + [("neg", int(b)) for b in negatives]
    order = rng.permutation(len(sources))
    sources = [sources[i] for i in order]
    child_seeds = rng.integers(0, 2 ** 31 - 1, size=len(sources))

    references = [_resize(bsds[i]) for i in refs]
    donor_images = [_resize(net[i]) for i in donors]
    queries, query_sources, query_edits, ground_truth = [], [], [], []
    for qi, ((kind, index), child) in enumerate(zip(sources, child_seeds)):
        if kind == "ref":
            original, source = references[index], f"bsds500/{bsds_ids[refs[index]]}"
            ground_truth.append((qi, index))
        else:
            original, source = _resize(bsds[index]), f"bsds500/{bsds_ids[index]}"
        edited, applied = disc_edit(original, seed=int(child), other_images=donor_images)
        queries.append(edited)
        query_sources.append(source)
        query_edits.append("+".join(applied))
        bar.update(1)
    bar.close()
    background = [_resize(bsds[i]) for i in bg_b] + [_resize(net[i]) for i in bg_i]
    background_ids = [f"bsds500/{bsds_ids[i]}" for i in bg_b] + [f"imagenet/{net_ids[i]}" for i in bg_i]
    train_images = [_resize(net[i]) for i in train]
    arrays = {"version": np.array(VERSIONS["copy_detection"]), "seed": np.array(seed)}
    for key, images in (("ref", references), ("query", queries), ("background", background),
                        ("train", train_images)):
        arrays[f"{key}_pixels"], arrays[f"{key}_shapes"] = _pack_images(images)
    arrays.update({
        "ref_sources": np.array([f"bsds500/{bsds_ids[i]}" for i in refs]),
        "query_sources": np.array(query_sources), "query_edits": np.array(query_edits),
        "query_seeds": child_seeds.astype(np.int64),
        "ground_truth": np.array(ground_truth, np.int64).reshape(-1, 2),
        "background_ids": np.array(background_ids),
        "train_ids": np.array([f"imagenet/{net_ids[i]}" for i in train]),
        "donor_ids": np.array([f"imagenet/{net_ids[i]}" for i in donors]),
        "build_seconds": np.array(time.perf_counter() - start),
    })
    return arrays


def load_copy_detection(seed=0, rebuild=False, progress=True) -> CopyDetection:
    """Load the DISC2021-style copy-detection benchmark (built from the data pack on first use, then cached).

    How it is built (sizes in :data:`COPY_DETECTION_SIZES`), all from ``seed``:

    * BSDS500's 500 photos are shuffled: 300 **references**, 150 sources of **negative
      queries**, 50 **background** photos. ImageNet's 1000 samples are shuffled: 50
      **donors** (second photos inside edited queries only), 250 more **background**
      photos, 700 **training** photos.
    * **queries**: 150 references (chosen at random) and the 150 negative sources, each
      edited by :func:`imsearch.edits.disc_edit` (1–3 random DISC-style edits; the
      pasting, collage and mixing edits draw their second photo from the donors), in a
      random order. Ground truth: one ``(query_id, ref_id)`` pair per edited reference.
    * **size**: every photo's longest side at most 320 pixels (:data:`MAX_SIDE`), the
      edits applied at that size (they keep it).

    Parameters
    ----------
    seed : int
        Chooses the splits, the copied references, the query order and every edit (>= 0).
    rebuild : bool
        Build again even when a cached copy of this version and seed exists.
    progress : bool
        Show a progress bar while building.

    Returns
    -------
    CopyDetection

    Raises
    ------
    imsearch.data.pack.DataMissingError
        The benchmark is not cached and bsds500 or imagenet_samples is unavailable.
    """
    seed = check_int(seed, "seed", minimum=0)
    rebuild, progress = _check_bool(rebuild, "rebuild"), _check_bool(progress, "progress")
    path = benchmark_path("copy_detection", seed=seed)
    z = None if rebuild else _load_npz(path, "copy_detection")
    if z is None:
        _save(path, _build_copy_detection(seed, progress))
        z = _load_npz(path, "copy_detection")
    with z:
        keys = [k for k in z.files if not k.startswith("train_pixels") and k != "train_shapes"]
        arrays = {k: z[k] for k in keys}
    return CopyDetection(arrays, path)


# ----------------------------------------------------------------------------- stand-ins without the pack

# Embedded photos (imsearch.data.photos) split into disjoint roles. scikit-image's "cat" is
# "chelsea" again: left out.
_EMBEDDED_GROUPS = ("astronaut", "chelsea", "coffee", "rocket", "china", "flower", "grace_hopper", "camera")
_EMBEDDED_TRAIN = ("brick", "grass", "gravel", "coins", "clock", "horse", "page", "text")
_EMBEDDED_DISTRACTORS = ("immunohistochemistry", "retina", "moon", "hubble_deep_field", "microaneurysms",
                         "colorwheel", "logo")


def embedded_scenes(seed=0, n_views=3) -> Scenes:
    """A small same-scene benchmark made from the embedded photos, for when the data pack is missing.

    The one fallback of chapters 6 and 7, so their numbers without the pack can be compared.
    Groups: eight embedded photos (astronaut, chelsea, coffee, rocket, china, flower,
    grace_hopper, camera), each with ``n_views`` views made by seeded edits (rotation by
    25°, crop of 70 % + scale, perspective, JPEG 30 + colour jitter); every group photo is
    a query, as in :func:`load_scenes`. Distractors: 24 random crops of seven other
    embedded photos. ``train``: 40 random crops of eight further photos (brick, grass,
    gravel, coins, clock, horse, page, text). Every image's longest side is at most
    :data:`MAX_SIDE`. Much smaller and easier than ``scenes``: its numbers only illustrate.

    Parameters
    ----------
    seed : int
    n_views : int in 1..4

    Returns
    -------
    Scenes
        ``8 · (n_views + 1)`` queries, with ``train`` filled.
    """
    from .. import edits
    from .._util.validation import as_rng
    from ..data.photos import load_default_image

    rng = as_rng(seed)
    n_views = check_int(n_views, "n_views", minimum=1, maximum=4)
    makers = [
        lambda im, s: edits.rotate(im, degrees=25.0, seed=s),
        lambda im, s: edits.crop_and_scale(im, crop_fraction=0.7, seed=s),
        lambda im, s: edits.apply_edit("perspective", im, seed=s),
        lambda im, s: edits.color_jitter(edits.jpeg(im, quality=30), seed=s),
    ]
    images, ids, groups, firsts, rest = [], [], [], [], []
    for name in _EMBEDDED_GROUPS:
        base = _resize(load_default_image(name))
        firsts.append(len(images))
        images.append(base)
        ids.append(f"embedded/{name}")
        groups.append(name)
        for v in range(n_views):
            images.append(_resize(makers[v](base, int(rng.integers(1 << 30)))))
            ids.append(f"embedded/{name}/view{v + 1}")
            groups.append(name)
        rest.append(np.arange(firsts[-1] + 1, len(images), dtype=np.int64))
    sources = [load_default_image(n) for n in _EMBEDDED_DISTRACTORS]
    for i, im in enumerate(edits.random_crops(sources, 24, crop_fraction=(0.5, 0.9), max_side=MAX_SIDE,
                                              seed=int(rng.integers(1 << 30)))):
        images.append(im)
        ids.append(f"embedded/distractor{i}")
        groups.append(None)
    train = edits.random_crops([load_default_image(n) for n in _EMBEDDED_TRAIN], 40, crop_fraction=(0.4, 0.8),
                               max_side=MAX_SIDE, seed=int(rng.integers(1 << 30)))
    queries, positives, first_rows = every_member_queries(firsts, rest)
    return Scenes(images=images, ids=ids, groups=groups, query_indices=queries, positives=positives, duplicates=[],
                  build_seconds=0.0, first_rows=first_rows, train=train)


def embedded_copy_detection(seed=0) -> CopyDetection:
    """A small copy-detection benchmark from the embedded photos, when the data pack is missing.

    References: three random crops of each of half of the embedded photos (the groups'
    and distractors' photos of :func:`embedded_scenes`, shuffled by ``seed``); queries: an
    edited copy (:func:`imsearch.edits.disc_edit`) of half of the references, and as many
    edited crops of the other photos (negative queries), in a random order; background:
    more crops of those other photos; train: the training crops of :func:`embedded_scenes`'s
    photos.

    Parameters
    ----------
    seed : int

    Returns
    -------
    CopyDetection
        Built by :meth:`CopyDetection.from_images`, with ``query_edits`` recorded.
    """
    from .. import edits
    from .._util.validation import as_rng
    from ..data.photos import load_default_image

    rng = as_rng(seed)
    names = list(_EMBEDDED_GROUPS + _EMBEDDED_DISTRACTORS)
    photos = [_resize(load_default_image(n)) for n in names]
    order = rng.permutation(len(photos))
    half = len(photos) // 2
    ref_photos, other = [photos[i] for i in order[:half]], [photos[i] for i in order[half:]]
    crop = dict(crop_fraction=(0.5, 0.8), max_side=MAX_SIDE)
    references = edits.random_crops(ref_photos, 3 * len(ref_photos), seed=int(rng.integers(2 ** 31)), **crop)
    others = edits.random_crops(other, 2 * len(references), seed=int(rng.integers(2 ** 31)), **crop)
    negatives, background = others[:len(references) // 2], others[len(references) // 2:]
    copied = np.sort(rng.choice(len(references), len(references) // 2, replace=False))
    sources = [("ref", int(r)) for r in copied] + [("neg", i) for i in range(len(negatives))]
    sources = [sources[i] for i in rng.permutation(len(sources))]
    queries, query_edits, truth = [], [], []
    for qi, (kind, i) in enumerate(sources):
        original = references[i] if kind == "ref" else negatives[i]
        edited, applied = edits.disc_edit(original, seed=int(rng.integers(2 ** 31)), other_images=background)
        queries.append(edited)
        query_edits.append(tuple(applied))
        if kind == "ref":
            truth.append((qi, i))
    train = edits.random_crops([load_default_image(n) for n in _EMBEDDED_TRAIN], 40, crop_fraction=(0.4, 0.8),
                               max_side=MAX_SIDE, seed=int(rng.integers(2 ** 31)))
    bench = CopyDetection.from_images(references, queries, truth, background=background, train=train)
    bench.query_edits = query_edits
    return bench


# ----------------------------------------------------------------------------- command line

def main(argv=None) -> int:
    """Command line ``python -m imsearch benchmarks {build,info} [scenes] [copy_detection] [--seed N]``.

    * ``build``: build the benchmarks again (from the data pack) and write their cache;
    * ``info``: load them (building when needed) and print their sizes.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``benchmarks`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when data is missing, 2 for an unknown benchmark.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m imsearch benchmarks",
                                     description="build (again) or describe the retrieval benchmarks")
    parser.add_argument("action", choices=["build", "info"])
    parser.add_argument("names", nargs="*", help="scenes, copy_detection (default: both)")
    parser.add_argument("--seed", type=int, default=0, help="seed of copy_detection (default 0)")
    args = parser.parse_args(argv)
    names = list(args.names or []) or list(VERSIONS)
    unknown = [n for n in names if n not in VERSIONS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; valid: {list(VERSIONS)}", file=sys.stderr)
        return 2
    rebuild = args.action == "build"
    for name in names:
        try:
            t0 = time.perf_counter()
            if name == "scenes":
                bench = load_scenes(rebuild=rebuild)
                path = benchmark_path("scenes")
            else:
                bench = load_copy_detection(seed=args.seed, rebuild=rebuild)
                path = benchmark_path("copy_detection", seed=args.seed)
        except data.DataMissingError as err:
            print(f"{name}: {err}", file=sys.stderr)
            return 1
        size = path.stat().st_size / 2 ** 20
        print(f"{name}: {bench!r}")
        print(f"  cache {path} ({size:.0f} MiB); built in {bench.build_seconds:.1f} s; "
              f"this call {time.perf_counter() - t0:.1f} s")
    return 0
