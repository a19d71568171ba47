"""imsearch.descriptors.inversion: an image rebuilt from its local descriptors (Weinzaepfel et al. 2011)."""
import numpy as np
import pytest

from imsearch import data, descriptors, edits, features
from imsearch.image import to_float, to_gray


@pytest.fixture(scope="module")
def photo():
    return edits.downscale(data.load_default_image("camera"), 160)


def test_patch_bank_cuts_the_oriented_region_of_each_keypoint():
    img = np.zeros((64, 64), np.float32)
    img[:, 32:] = 1.0                                           # a vertical edge at x = 32
    kps = np.array([[32.0, 32.0, 2.0, 0.0], [32.0, 32.0, 2.0, np.pi / 2], [10.0, 10.0, 1.0, 0.0]])
    bank = descriptors.patch_bank([img], [kps], size_px=16)
    assert bank.shape == (3, 16, 16) and bank.dtype == np.float32
    assert bank[0][:, :6].max() < 0.05 and bank[0][:, 10:].min() > 0.95     # dark left, bright right
    assert bank[1][:6].min() > 0.95 and bank[1][10:].max() < 0.05           # rotated 90°: bright on top
    assert bank[2].max() == 0.0                                              # a flat dark region
    with pytest.raises(ValueError, match="same length"):
        descriptors.patch_bank([img], [kps, kps])


def test_inverting_with_its_own_patches_gives_the_image_back(photo):
    kps, desc = features.opencv_sift(photo, n_features=400)
    bank = descriptors.patch_bank([photo], [kps], size_px=32)
    rebuilt, coverage, nearest = descriptors.invert_descriptors(photo.shape[:2], kps, desc, desc, bank)
    np.testing.assert_array_equal(nearest, np.arange(len(kps)))      # each descriptor finds itself
    gray = to_gray(to_float(photo))
    covered = coverage > 0.5
    assert covered.mean() > 0.3
    assert np.corrcoef(rebuilt[covered], gray[covered])[0, 1] > 0.9
    assert np.all(rebuilt[coverage == 0] == 0.5)


def test_inverting_with_another_photo_bank_is_worse_but_correlated(photo):
    kps, desc = features.opencv_sift(photo, n_features=400)
    others = [edits.downscale(data.load_default_image(n), 160) for n in ("coffee", "astronaut", "chelsea", "rocket")]
    feats = [features.opencv_sift(o, n_features=400) for o in others]
    bank = descriptors.patch_bank(others, [k for k, _ in feats])
    rebuilt, coverage, _ = descriptors.invert_descriptors(photo.shape[:2], kps, desc, np.vstack([d for _, d in feats]),
                                                          bank)
    gray, covered = to_gray(to_float(photo)), coverage > 0.5
    r = np.corrcoef(rebuilt[covered], gray[covered])[0, 1]
    assert 0.2 < r < 0.9


def test_invert_descriptors_bad_inputs():
    kps, desc = np.zeros((2, 4)), np.zeros((2, 8))
    with pytest.raises(ValueError, match="bank_patches"):
        descriptors.invert_descriptors((10, 10), kps, desc, np.zeros((3, 8)), np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="same dimension"):
        descriptors.invert_descriptors((10, 10), kps, desc, np.zeros((3, 9)), np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="keypoints"):
        descriptors.invert_descriptors((10, 10), np.zeros((2, 2)), desc, np.zeros((3, 8)), np.zeros((3, 4, 4)))
