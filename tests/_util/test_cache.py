"""imsearch._util.cache: atomic .npz files and the one content hash."""
import numpy as np

from imsearch._util.cache import content_hash, load_npz, save_npz


def test_swapping_two_pixels_changes_the_hash_that_a_pixel_sum_would_not():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (8, 9, 3), dtype=np.uint8)
    swapped = img.copy()
    swapped[0, 0], swapped[5, 7] = img[5, 7], img[0, 0]
    assert swapped.sum() == img.sum() and not np.array_equal(swapped, img)
    assert content_hash([img, img]) != content_hash([img, swapped])
    assert content_hash([img, img]) == content_hash([img.copy(), img.copy()])


def test_dtype_shape_order_and_version_count():
    a = np.arange(6, dtype=np.uint8)
    assert content_hash(a) != content_hash(a.astype(np.int16))
    assert content_hash(a) != content_hash(a.reshape(2, 3))
    assert content_hash([a, a[::-1].copy()]) != content_hash([a[::-1].copy(), a])
    assert content_hash(a, version="1") != content_hash(a, version="2")
    assert content_hash(a, 3) != content_hash(a, 4)
    assert len(content_hash(a)) == 20


def test_save_and_load_npz_round_trip_and_corrupt_file(tmp_path):
    p = tmp_path / "sub" / "x.npz"
    save_npz(p, {"a": np.arange(3)})
    np.testing.assert_array_equal(load_npz(p)["a"], np.arange(3))
    p.write_bytes(b"not a zip")
    assert load_npz(p) is None and load_npz(tmp_path / "missing.npz") is None
