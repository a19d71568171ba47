"""Loaders of the pack's classification sets: sizes, labels, class names, bad arguments."""
import os

import numpy as np
import pytest
from imsearch import data


@pytest.fixture(autouse=True)
def _pack():
    if not os.environ.get("IMSEARCH_DATA_MIRROR"):
        pytest.skip("course data pack not found: set IMSEARCH_DATA_MIRROR (needs cifar10, imagenette, flowers17)")
    for name in ("cifar10", "imagenette", "flowers17"):
        if not data.have_dataset(name):
            pytest.skip(f"the data pack lacks {name}")


def test_cifar10_from_the_tar():
    d = data.load_cifar10("test", per_class=3)
    assert d.images.shape == (30, 32, 32, 3) and d.images.dtype == np.uint8
    assert d.classes == ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    np.testing.assert_array_equal(d.labels, np.repeat(np.arange(10), 3))
    assert d.names[:2] == ["airplane/0000.jpg", "airplane/0001.jpg"] and len(d) == 30
    # the decoded pixels are those of the JPEG member (same decoder as the other loaders)
    import io
    import tarfile

    from PIL import Image
    with tarfile.open(data.fetch("cifar10/test.tar")) as tf:
        ref = np.asarray(Image.open(io.BytesIO(tf.extractfile("cat/0000.jpg").read())).convert("RGB")).astype(int)
    assert np.abs(d.images[d.names.index("cat/0000.jpg")].astype(int) - ref).mean() < 2.0


def test_imagenette_and_flowers():
    v = data.load_imagenette("val", per_class=2)
    assert v.images.shape == (20, 160, 160, 3)
    np.testing.assert_array_equal(v.labels, np.repeat(np.arange(10), 2))
    assert v.classes[0] == "tench" and v.classes[9] == "parachute"
    np.testing.assert_array_equal(data.imagenette_imagenet_index(), [0, 217, 482, 491, 497, 566, 569, 571, 574, 701])
    f = data.load_flowers17("test")
    assert len(f) == 272 and np.bincount(f.labels).tolist() == [16] * 17
    assert max(max(im.shape[:2]) for im in f.images) == 192
    assert f.classes[0] == "Daffodil" and f.classes[16] == "Pansy"
    for name, label in zip(f.names, f.labels):
        assert name.split("/")[1] == f"c{label + 1}"
    assert len(data.load_flowers17("train", per_class=1)) == 17


@pytest.mark.parametrize("call", [lambda: data.load_cifar10("val"), lambda: data.load_imagenette("test"),
                                  lambda: data.load_flowers17("all"), lambda: data.load_cifar10("test", per_class=0)])
def test_bad_arguments(call):
    with pytest.raises(ValueError):
        call()
