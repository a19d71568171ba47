"""Labelled classification sets of the data pack: CIFAR-10 (JPEG), Imagenette and Oxford Flowers-17.

The deep chapters (8-12) train and measure networks on these: CIFAR-10 for the
ResNets of He et al., Imagenette for the ImageNet network's sanity check and
Flowers-17 for same-class retrieval and fine-tuning. Each loader returns
``uint8`` RGB images with integer labels and the class names; the pack's
``SOURCE.md`` of each dataset says where the images come from and how they were
re-encoded.
"""
from __future__ import annotations

import csv
import tarfile
from dataclasses import dataclass

import numpy as np

from .._util.validation import check_int
from ..data.loaders import _progress
from ..data.pack import _check_choice, _dataset_files, fetch
from ..data.photos import _decode

_SPLITS = ("train", "test")
_IMAGENETTE_SPLITS = ("train", "val")


@dataclass(frozen=True)
class LabelledImages:
    """Images of one split of a classification set.

    Attributes
    ----------
    images : (N, H, W, 3) uint8 array, or list of (H, W, 3) uint8 arrays when sizes differ
    labels : (N,) int64 array
        Index into ``classes``.
    classes : list of str
        Class names, ``classes[label]``.
    names : list of str
        Each image's path inside the dataset (``"cat/0003.jpg"``).
    """

    images: object
    labels: np.ndarray
    classes: list
    names: list

    def __len__(self) -> int:
        return len(self.labels)


def _per_class(per_class):
    return None if per_class is None else check_int(per_class, "per_class", minimum=1)


def load_cifar10(split: str = "test", per_class: int | None = None) -> LabelledImages:
    """Load CIFAR-10 (the pack's quality-75 JPEG copy: 10,000 test and 20,000 train images, 32 × 32).

    The images are read from the pack's tar archive without extracting it.

    Parameters
    ----------
    split : {"test", "train"}
    per_class : int, optional
        Keep only the first ``per_class`` images of each class (in file-name order).

    Returns
    -------
    LabelledImages
        ``images`` is one ``(N, 32, 32, 3) uint8`` array; labels follow CIFAR's class order
        (airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck).

    References
    ----------
    A. Krizhevsky. Learning Multiple Layers of Features from Tiny Images. Tech. report,
    University of Toronto, 2009.
    """
    _check_choice(split, "split", _SPLITS)
    per_class = _per_class(per_class)
    classes = fetch("cifar10/classes.txt").read_text(encoding="utf-8").split()
    counts = dict.fromkeys(classes, 0)
    names, payloads = [], []
    with tarfile.open(fetch(f"cifar10/{split}.tar")) as tf:
        for member in tf:
            if not member.isfile():
                continue
            cls = member.name.split("/")[0]
            if per_class is not None and counts[cls] >= per_class:
                continue
            counts[cls] += 1
            names.append(member.name)
            payloads.append(tf.extractfile(member).read())
    images = np.stack([_decode(b, n) for b, n in zip(_progress(payloads, f"cifar10 {split}"), names)])
    labels = np.array([classes.index(n.split("/")[0]) for n in names], np.int64)
    return LabelledImages(images, labels, classes, names)


def _folder_dataset(dataset: str, split: str, per_class, stack: bool):
    with open(fetch(f"{dataset}/classes.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    folders = {r["folder"]: int(r["label"]) for r in rows}
    classes = [r["class_name"] for r in sorted(rows, key=lambda r: int(r["label"]))]
    files, _, _ = _dataset_files(dataset)
    prefix = f"{dataset}/{split}/"
    chosen, counts = [], dict.fromkeys(folders, 0)
    for p in files:
        if not p.startswith(prefix) or not p.endswith(".jpg"):
            continue
        folder = p[len(prefix):].split("/")[0]
        if per_class is not None and counts[folder] >= per_class:
            continue
        counts[folder] += 1
        chosen.append(p)
    images = [_decode(fetch(p).read_bytes(), p) for p in _progress(chosen, f"{dataset} {split}")]
    labels = np.array([folders[p[len(prefix):].split("/")[0]] for p in chosen], np.int64)
    names = [p[len(dataset) + 1:] for p in chosen]
    return LabelledImages(np.stack(images) if stack else images, labels, classes, names), rows


def load_imagenette(split: str = "val", per_class: int | None = None) -> LabelledImages:
    """Load the pack's Imagenette subset (10 ImageNet classes, 150 photos per class and split, 160 × 160).

    Parameters
    ----------
    split : {"val", "train"}
    per_class : int, optional
        Keep only the first ``per_class`` images of each class (in file-name order).

    Returns
    -------
    LabelledImages
        ``images`` is one ``(N, 160, 160, 3) uint8`` array; ``labels`` 0-9 in sorted-wnid
        order (tench, English springer, ..., parachute).

    See Also
    --------
    imagenette_imagenet_index : the ILSVRC-2012 class index of each label.
    """
    _check_choice(split, "split", _IMAGENETTE_SPLITS)
    return _folder_dataset("imagenette", split, _per_class(per_class), stack=True)[0]


def imagenette_imagenet_index() -> np.ndarray:
    """The standard ILSVRC-2012 class index (0-999) of each Imagenette label, a (10,) int64 array."""
    with open(fetch("imagenette/classes.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return np.array([int(r["imagenet_class_index"]) for r in sorted(rows, key=lambda r: int(r["label"]))],
                    np.int64)


def load_flowers17(split: str = "train", per_class: int | None = None) -> LabelledImages:
    """Load Oxford Flowers-17 (17 species; 64 train and 16 test photos per class, longer side 192 px).

    Parameters
    ----------
    split : {"train", "test"}
    per_class : int, optional
        Keep only the first ``per_class`` images of each class (in file-name order).

    Returns
    -------
    LabelledImages
        ``images`` is a list of ``(H, W, 3) uint8`` arrays (sizes differ).

    References
    ----------
    M.-E. Nilsback, A. Zisserman. A Visual Vocabulary for Flower Classification. CVPR 2006.
    """
    _check_choice(split, "split", _SPLITS)
    return _folder_dataset("flowers17", split, _per_class(per_class), stack=False)[0]

