"""imsearch.eval.copy_search: Chapter 3's experiment: find an original photo from an edited copy, per method and per edit."""
import matplotlib
import numpy as np
import pytest
matplotlib.use("Agg")

from imsearch import descriptors
from imsearch import eval, index
from imsearch.eval import copy_search


def _scenes(n, seed):
    """Small distinct pictures: random blobs of colour on random backgrounds."""
    rng = np.random.default_rng(seed)
    out = []
    y, x = np.mgrid[0:48, 0:64]
    for _ in range(n):
        img = np.empty((48, 64, 3))
        img[:] = rng.integers(0, 256, 3)
        for _ in range(4):
            cy, cx, r = rng.integers(0, 48), rng.integers(0, 64), rng.integers(5, 20)
            img[(y - cy) ** 2 + (x - cx) ** 2 < r * r] = rng.integers(0, 256, 3)
        out.append(img.astype(np.uint8))
    return out


METHODS = {"pixels": (descriptors.pixel_descriptor, "l2"), "colour histogram": (descriptors.color_histogram, "chi2")}


def test_copy_search_accuracy_matches_a_manual_run():
    from imsearch import edits

    originals, distractors = _scenes(8, 0), _scenes(20, 1)
    names = ["jpeg", "flip", "gaussian_noise"]
    table = eval.copy_search_accuracy(originals, distractors, METHODS, names, seed=3, progress=False)
    assert list(table) == list(METHODS) and all(list(row) == names for row in table.values())
    database = originals + distractors
    for label, (describe, metric) in METHODS.items():
        db = np.stack([describe(im) for im in database])
        for name in names:
            hits = 0
            for i, im in enumerate(originals):
                query = edits.apply_edit(name, im, seed=copy_search._edit_rng(3, name, i))
                dist = np.array([float(index.pairwise_distances(describe(query)[None], db[j:j + 1], metric)[0, 0])
                                 for j in range(len(database))])
                hits += int(np.argmin(dist) == i)
            assert table[label][name] == pytest.approx(hits / len(originals))


def test_copy_search_accuracy_shows_the_invariance_trade_off():
    originals, distractors = _scenes(12, 2), _scenes(40, 3)
    table = eval.copy_search_accuracy(originals, distractors, METHODS, ["jpeg", "flip"], seed=0, progress=False)
    # a flip keeps the colours (histogram: always found) but moves the pixels
    assert table["colour histogram"]["flip"] == 1.0
    assert table["pixels"]["flip"] < table["colour histogram"]["flip"]
    assert table["pixels"]["jpeg"] == 1.0
    # queries do not depend on which other edits run
    alone = eval.copy_search_accuracy(originals, distractors, METHODS, ["flip"], seed=0, progress=False)
    assert alone["pixels"]["flip"] == table["pixels"]["flip"]


def test_copy_search_accuracy_bad_inputs():
    imgs = _scenes(2, 0)
    with pytest.raises(ValueError, match="originals must not be empty"):
        eval.copy_search_accuracy([], imgs, METHODS)
    with pytest.raises(ValueError, match="methods must be a non-empty dict"):
        eval.copy_search_accuracy(imgs, imgs, {})
    with pytest.raises(TypeError, match="must be a pair"):
        eval.copy_search_accuracy(imgs, imgs, {"x": descriptors.pixel_descriptor})
    with pytest.raises(ValueError, match="metric must be one of"):
        eval.copy_search_accuracy(imgs, imgs, {"x": (descriptors.pixel_descriptor, "cos")})
    with pytest.raises(ValueError, match="edit_names must be keys"):
        eval.copy_search_accuracy(imgs, imgs, METHODS, ["sharpen"])
    with pytest.raises(ValueError, match="seed must be >= 0"):
        eval.copy_search_accuracy(imgs, imgs, METHODS, ["flip"], seed=-1)


def test_copy_search_accuracy_per_query_gives_the_hits_it_averages():
    originals, distractors = _scenes(6, 0), _scenes(10, 1)
    mean = eval.copy_search_accuracy(originals, distractors, METHODS, ["jpeg", "flip"], seed=2, progress=False)
    hits = eval.copy_search_accuracy(originals, distractors, METHODS, ["jpeg", "flip"], seed=2, progress=False,
                                     per_query=True)
    for label in METHODS:
        for name in ("jpeg", "flip"):
            assert hits[label][name].dtype == bool and hits[label][name].shape == (6,)
            assert hits[label][name].mean() == pytest.approx(mean[label][name])
