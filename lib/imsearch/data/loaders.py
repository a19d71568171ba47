"""Loaders of the course data pack's datasets, each returning ``uint8`` RGB ``(H, W, 3)`` images.

BSDS500, the ImageNet samples, the Oxford affine sequences (with their homographies),
OpenCV's samples, the CMP homography and extreme-view pairs (with their matches) and the
UKBench subset (with its object groups). Files come verified from the pack through
:func:`imsearch.data.pack.fetch`; a missing dataset raises
:class:`imsearch.data.pack.DataMissingError`.
"""
from __future__ import annotations


import csv
from pathlib import Path, PurePosixPath

import numpy as np

from ..data.pack import DataCorruptError, DataMissingError, _BSDS_SPLITS, _CMP_KINDS, _CMP_PAIRS, _OPENCV_SAMPLES, _OXFORD_SEQUENCES, _PROGRESS_MIN_FILES, _check_choice, _check_limit, _dataset_files, fetch
from ..data.photos import _read_image
from .._util.progress import progress as _progress


def _files(items, desc: str):
    items = list(items)
    return _progress(items, desc, enabled=len(items) >= _PROGRESS_MIN_FILES, unit="file", leave=False)


# --------------------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------------------


def load_bsds500(split: str = "all", limit: int | None = None) -> tuple[list[str], list[np.ndarray]]:
    """Load photos of the Berkeley Segmentation Data Set (BSDS500).

    500 natural photos (200 train, 100 val, 200 test) of 481x321 or 321x481 pixels,
    stored as the original JPEG files; no ground truth is loaded.

    Parameters
    ----------
    split : {"all", "train", "val", "test"}
    limit : int, optional
        Load only the first ``limit`` photos (by id).

    Returns
    -------
    ids : list of str
        BSDS image ids (the file stems), sorted.
    images : list of (H, W, 3) uint8 arrays
        RGB photos, in the order of ``ids``.

    References
    ----------
    P. Arbelaez, M. Maire, C. Fowlkes, J. Malik. Contour Detection and Hierarchical
    Image Segmentation. IEEE TPAMI 33(5), 2011.
    """
    _check_choice(split, "split", _BSDS_SPLITS)
    limit = _check_limit(limit)
    files, _, _ = _dataset_files("bsds500")
    splits = _BSDS_SPLITS[1:] if split == "all" else (split,)
    chosen = [p for p in files if p.split("/")[1] in splits and p.lower().endswith(".jpg")]
    chosen.sort(key=lambda p: (PurePosixPath(p).stem, p))
    if not chosen:
        raise DataMissingError("bsds500", f"the mirror has no photos of split {split!r}")
    chosen = chosen[:limit]
    ids = [PurePosixPath(p).stem for p in chosen]
    images = [_read_image(fetch(p)) for p in _files(chosen, f"bsds500 {split}")]
    return ids, images


def load_imagenet_samples(limit: int | None = None) -> tuple[list[str], list[np.ndarray], list[int]]:
    """Load the ImageNet samples: one photo per ILSVRC-2012 class (1000 photos, longer side <= 320).

    Parameters
    ----------
    limit : int, optional
        Load only the first ``limit`` files (in file-name order, which is class order).

    Returns
    -------
    names : list of str
        File stems ``"<wnid>_<class name>"``, sorted.
    images : list of (H, W, 3) uint8 arrays
        RGB photos, in the order of ``names``.
    class_index : list of int
        The standard ILSVRC-2012 class index (0..999) of each photo, from ``labels.csv``.

    References
    ----------
    O. Russakovsky, J. Deng et al. ImageNet Large Scale Visual Recognition Challenge.
    IJCV 115, 2015.
    """
    limit = _check_limit(limit)
    labels = fetch("imagenet_samples/labels.csv")
    with open(labels, newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["file"])
    rows = rows[:limit]
    names = [PurePosixPath(r["file"]).stem for r in rows]
    classes = [int(r["class_index"]) for r in rows]
    images = [_read_image(fetch("imagenet_samples/" + r["file"])) for r in _files(rows, "imagenet_samples")]
    return names, images, classes


def load_oxford_affine(sequence: str) -> tuple[list[np.ndarray], dict[int, np.ndarray]]:
    """Load one sequence of the Oxford affine-covariant regions benchmark with its homographies.

    Parameters
    ----------
    sequence : {"bark", "bikes", "boat", "graf", "leuven", "trees", "ubc", "wall"}
        bark/boat: zoom + rotation; graf/wall: viewpoint; bikes/trees: blur;
        leuven: illumination; ubc: JPEG compression.

    Returns
    -------
    images : list of 6 (H, W, 3) uint8 arrays
        ``img1`` ... ``img6`` (``boat`` is grayscale, replicated to 3 channels).
    homographies : dict int -> (3, 3) float64
        ``{n: H1to{n}p}`` for ``n = 2..6``; maps pixel coordinates of img1 to imgn:
        ``[x', y', w]^T = H [x, y, 1]^T``.

    References
    ----------
    K. Mikolajczyk, T. Tuytelaars, C. Schmid, A. Zisserman, J. Matas, F. Schaffalitzky,
    T. Kadir, L. Van Gool. A Comparison of Affine Region Detectors. IJCV 65, 2005.
    """
    _check_choice(sequence, "sequence", _OXFORD_SEQUENCES)
    base = f"oxford_affine/{sequence}/"
    images = [_read_image(fetch(f"{base}img{i}.png")) for i in range(1, 7)]
    homographies = {n: _read_matrix(fetch(f"{base}H1to{n}p")) for n in range(2, 7)}
    return images, homographies


def _read_matrix(path: Path) -> np.ndarray:
    matrix = np.loadtxt(path, dtype=np.float64)
    if matrix.shape != (3, 3) or not np.all(np.isfinite(matrix)):
        raise DataCorruptError(f"{path} does not hold a finite 3x3 matrix (shape {matrix.shape})")
    return matrix


def load_opencv_sample(name: str) -> np.ndarray:
    """Load one picture of OpenCV's ``samples/data`` folder.

    Parameters
    ----------
    name : str
        File name, e.g. ``"box.png"``, ``"graf1.png"``, ``"ela_original.jpg"`` (29 pictures;
        an invalid name lists them all).

    Returns
    -------
    (H, W, 3) uint8 array
        RGB; gray pictures are replicated to 3 channels, RGBA composited over white.
    """
    _check_choice(name, "name", _OPENCV_SAMPLES)
    return _read_image(fetch(f"opencv_samples/{name}"))


def load_opencv_graf_homography() -> np.ndarray:
    """The homography ``H13`` of OpenCV's ``H1to3p.xml`` (maps ``graf1.png`` to ``graf3.png``).

    Returns
    -------
    (3, 3) float64 array
        ``[x', y', w]^T = H [x, y, 1]^T`` takes pixel coordinates of graf1 to graf3
        (the same numbers as Oxford's ``graf/H1to3p``).
    """
    import xml.etree.ElementTree as ET

    path = fetch("opencv_samples/H1to3p.xml")
    node = ET.parse(path).getroot().find("H13")
    if node is None or node.findtext("data") is None:
        raise DataCorruptError(f"{path} has no H13 matrix")
    rows, cols = int(node.findtext("rows")), int(node.findtext("cols"))
    values = np.array(node.findtext("data").split(), dtype=np.float64)
    if (rows, cols) != (3, 3) or values.size != 9:
        raise DataCorruptError(f"{path}: H13 is not a 3x3 matrix")
    return values.reshape(3, 3)


def cmp_pair_names(kind: str = "homogr") -> list[str]:
    """Names of the CMP image pairs of one kind.

    Parameters
    ----------
    kind : {"homogr", "evd"}
        ``"homogr"``: 16 pairs with a ground-truth homography; ``"evd"``: 15
        extreme-view pairs with inlier labels only.

    Returns
    -------
    list of str
        Pair names as used by :func:`load_cmp_pair` (case matters: ``"Boston"``).
    """
    _check_choice(kind, "kind", _CMP_KINDS)
    return list(_CMP_PAIRS[kind])


def load_cmp_pair(name: str, kind: str = "homogr") -> dict:
    """Load one CMP two-view pair with its labelled tentative correspondences.

    Parameters
    ----------
    name : str
        One of :func:`cmp_pair_names` for this ``kind``.
    kind : {"homogr", "evd"}

    Returns
    -------
    dict with
        ``"A"``, ``"B"`` : (H, W, 3) uint8 RGB images;
        ``"matches"`` : (N, 4) float64 ``[xA, yA, xB, yB]`` pixel coordinates;
        ``"labels"`` : (N,) int64. For ``homogr``, ``label > 0`` marks only the 8 manually
        verified correspondences (not a full inlier mask); for ``evd``, 1 = inlier, 0 = outlier.
        For ``homogr`` also ``"H_BtoA"`` : (3, 3) float64, the ground-truth homography that
        maps points of B to A (use its inverse for A -> B), and ``"verified"`` : (M, 4)
        float64, the rows of ``matches`` with ``label > 0``.
        For ``evd`` also ``"scales"`` : (N, 2) float64, the feature scales in A and B.

    References
    ----------
    K. Lebeda, J. Matas, O. Chum. Fixing the Locally Optimized RANSAC. BMVC 2012 (homogr).
    D. Mishkin, J. Matas, M. Perdoch. MODS: Fast and robust method for two-view matching.
    CVIU 141, 2015 (evd).
    """
    _check_choice(kind, "kind", _CMP_KINDS)
    _check_choice(name, "name", _CMP_PAIRS[kind])
    base = f"cmp_homography_pairs/{kind}/{name}"
    out = {"A": _read_image(fetch(base + "A.jpg")), "B": _read_image(fetch(base + "B.jpg"))}
    pts_path = fetch(base + "_pts.txt")
    if kind == "homogr":
        table = np.loadtxt(pts_path, dtype=np.float64, ndmin=2)
        if table.shape[1] != 7:
            raise DataCorruptError(f"{pts_path}: expected 7 columns, got {table.shape[1]}")
        out["matches"] = np.ascontiguousarray(table[:, [0, 1, 3, 4]])
        out["labels"] = table[:, 6].astype(np.int64)
        out["H_BtoA"] = _read_matrix(fetch(base + "_model.txt"))
        out["verified"] = out["matches"][out["labels"] > 0]
    else:
        rows = [line.split() for line in pts_path.read_text().splitlines() if line.strip()]
        if any(len(r) != 9 for r in rows):
            raise DataCorruptError(f"{pts_path}: expected 9 fields per line")
        out["matches"] = np.array([r[0:4] for r in rows], dtype=np.float64).reshape(-1, 4)
        out["scales"] = np.array([r[4:6] for r in rows], dtype=np.float64).reshape(-1, 2)
        out["labels"] = np.array([r[8] for r in rows], dtype=np.int64)
    return out


def load_ukbench_subset() -> tuple[list[str], list[np.ndarray], list[int]]:
    """Load the UKBench subset of the pack: 14 objects photographed from 4 viewpoints each.

    The first 56 of UKBench's 10,200 photos (640×480 JPEG, unchanged), with the standard
    ground truth: photos ``4g … 4g + 3`` show object ``g`` (``groups.csv``).

    Returns
    -------
    ids : list of 56 str
        File stems ``"ukbench00000"`` ... ``"ukbench00055"``, sorted.
    images : list of 56 (480, 640, 3) uint8 arrays
        RGB photos, in the order of ``ids``.
    groups : list of 56 int
        The object (0..13) of each photo.

    References
    ----------
    D. Nistér, H. Stewénius. Scalable Recognition with a Vocabulary Tree. CVPR 2006.
    """
    with open(fetch("ukbench_subset/groups.csv"), newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["file"])
    if not rows or any(set(r) != {"file", "group"} for r in rows):
        raise DataCorruptError("ukbench_subset/groups.csv: expected the columns file,group and at least one row")
    ids = [PurePosixPath(r["file"]).stem for r in rows]
    groups = [int(r["group"]) for r in rows]
    images = [_read_image(fetch("ukbench_subset/" + r["file"])) for r in _files(rows, "ukbench_subset")]
    return ids, images, groups
