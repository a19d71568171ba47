"""imsearch.features.extraction: SIFT features of many images (chapters 6–7), with a disk cache."""
import numpy as np
import pytest

from imsearch import features
from imsearch.features import LocalFeatures


def _features(rng, counts, dim=128):
    m = int(sum(counts))
    kps = np.c_[rng.random((m, 2)) * 100, rng.random(m) * 3 + 1, rng.random(m) * 6].astype(np.float32)
    desc = rng.integers(0, 256, (m, dim)).astype(np.uint8)
    return LocalFeatures(kps, desc, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))


def _tiny_photo(size=128):
    from imsearch import edits
    from imsearch.data import load_default_image

    return edits.downscale(load_default_image("astronaut"), size)


def test_local_features_layout_select_and_rootsift():
    from imsearch.features import root_sift

    rng = np.random.default_rng(0)
    f = _features(rng, [3, 0, 5, 2])
    assert f.n_images == 4 and len(f) == 4
    np.testing.assert_array_equal(f.image_ids, [0, 0, 0, 2, 2, 2, 2, 2, 3, 3])
    sub = f.select([2, 0])
    np.testing.assert_array_equal(sub.counts, [5, 3])
    np.testing.assert_array_equal(sub.descriptors, np.r_[f.descriptors[3:8], f.descriptors[0:3]])
    np.testing.assert_array_equal(f.rootsift(), root_sift(f.descriptors))
    np.testing.assert_allclose(np.linalg.norm(f.rootsift(), axis=1), 1.0, rtol=1e-5)
    kp, d = f.of(3)
    np.testing.assert_array_equal(d, f.descriptors[8:10])
    with pytest.raises(ValueError, match="inconsistent"):
        LocalFeatures(f.keypoints, f.descriptors, np.array([0, 3, 11]))
    with pytest.raises(ValueError, match="indices"):
        f.select([4])


def test_extract_features_matches_opencv_and_caps_keypoints():
    from imsearch.features import opencv_sift

    photo = _tiny_photo(160)
    f = features.extract_features([photo, photo[:, ::-1]], max_keypoints=40, progress=False)
    assert f.n_images == 2 and f.keypoints.dtype == np.float32 and f.descriptors.dtype == np.uint8
    assert np.all(f.counts <= 40) and np.all(f.counts > 10)
    k, d = opencv_sift(photo, 40)
    np.testing.assert_allclose(f.of(0)[0], k[:40], rtol=1e-6, atol=1e-4)
    np.testing.assert_array_equal(f.of(0)[1], np.rint(d[:40]).astype(np.uint8))
    with pytest.raises(TypeError, match="list of images"):
        features.extract_features(photo)
    with pytest.raises(ValueError, match=r"images\[0\]"):
        features.extract_features([np.zeros(5)])


def test_cached_features_are_reused_and_recomputed_when_corrupt(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    photo = _tiny_photo(96)
    first = features.cached_features([photo], "tiny", max_keypoints=30, progress=False)
    files = list((tmp_path / "bovw").glob("features-tiny-*.npz"))
    assert len(files) == 1
    again = features.cached_features([photo], "tiny", max_keypoints=30, progress=False)
    np.testing.assert_array_equal(again.descriptors, first.descriptors)
    files[0].write_bytes(b"not a zip file")
    third = features.cached_features([photo], "tiny", max_keypoints=30, progress=False)
    np.testing.assert_array_equal(third.descriptors, first.descriptors)
    other = features.cached_features([photo[::-1]], "tiny", max_keypoints=30, progress=False)  # other pixels, other file
    assert len(list((tmp_path / "bovw").glob("features-tiny-*.npz"))) == 2 and other.n_images == 1
    with pytest.raises(ValueError, match="name"):
        features.cached_features([photo], "no spaces allowed")
