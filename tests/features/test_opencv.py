"""imsearch.features.opencv: OpenCV's detectors and SIFT (chapters 4–5): the practitioner's tools the course compares its code with."""
import math
import cv2
import numpy as np
import pytest

from imsearch import features
from imsearch.features import detector_evaluation as repeatability
from imsearch.data import load_default_image
from imsearch.image import to_gray


@pytest.fixture(scope="module")
def astronaut():
    g = to_gray(load_default_image("astronaut"))
    return cv2.resize(g, (192, 192), interpolation=cv2.INTER_AREA)


def _correct_nn_fraction(d1, d2, k1, k2, H, tol=3.0):
    nn = np.argmin(((d1[:, None, :] - d2[None, :, :]) ** 2).sum(-1), axis=1)
    q = np.c_[k1[:, :2], np.ones(len(k1))] @ H.T
    return np.mean(np.linalg.norm(q[:, :2] / q[:, 2:] - k2[nn, :2], axis=1) <= tol)


@pytest.mark.parametrize("method", ["sift", "orb", "fast", "mser", "harris"])
def test_detect_opencv_returns_keypoints_in_the_image(astronaut, method):
    k = features.detect_opencv(astronaut, method, n_best=50)
    assert k.ndim == 2 and k.shape[1] == 3 and 1 <= len(k) <= 50 and k.dtype == np.float64
    assert np.all(np.isfinite(k)) and np.all(k[:, 2] > 0)
    assert np.all((k[:, 0] >= 0) & (k[:, 0] <= 191) & (k[:, 1] >= 0) & (k[:, 1] <= 191))


def test_detect_opencv_sift_matches_opencv_keypoints(astronaut):
    k = features.detect_opencv(astronaut, "sift", n_best=40, with_angle=True)
    kps = cv2.SIFT_create(nfeatures=40).detect(np.round(astronaut * 255).astype(np.uint8), None)
    ref = {(round(p.pt[0], 3), round(p.pt[1], 3), round(p.size / 2, 3), round(math.radians(p.angle), 3))
           for p in kps}
    assert {tuple(np.round(r, 3)) for r in k} <= ref


def test_orientations_agree_with_opencv(astronaut):
    k = features.detect_opencv(astronaut, "sift", n_best=60, with_angle=True)
    ours = features.assign_orientations(astronaut, k[:, :3])
    assert ours.shape[1] == 4 and len(ours) >= 0.8 * len(np.unique(k[:, :3], axis=0))
    # OpenCV's angle is one of ours (same convention: from +x towards +y, y down) for most keypoints
    hits = 0
    for row in k:
        mine = ours[np.all(np.isclose(ours[:, :3], row[:3]), axis=1), 3]
        d = np.abs((mine - row[3] + np.pi) % (2 * np.pi) - np.pi)
        hits += bool(len(d) and d.min() < math.radians(10))
    assert hits >= 0.7 * len(k)


def test_sift_descriptor_is_close_to_opencv_on_the_same_keypoints(astronaut):
    k = features.detect_opencv(astronaut, "sift", n_best=80, with_angle=True)
    ours, (k_cv, cv) = features.sift_descriptor(astronaut, k), features.opencv_sift(astronaut, keypoints=k)
    assert cv.shape == ours.shape == (len(k), 128)
    np.testing.assert_array_equal(k_cv, k)
    cos = np.sum(ours * cv, axis=1) / np.linalg.norm(cv, axis=1)
    assert np.median(cos) > 0.95 and np.mean(cos > 0.8) > 0.85


def test_sift_matching_under_rotation_is_as_good_as_opencv(astronaut):
    img = np.round(astronaut * 255).astype(np.uint8)
    H = repeatability._similarity_about_centre(img.shape, 1.2, math.radians(35))
    img2 = cv2.warpAffine(img, H[:2], (192, 192), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    k1 = features.detect_opencv(img, "sift", n_best=150, with_angle=True)
    k2 = features.detect_opencv(img2, "sift", n_best=150, with_angle=True)
    ours = _correct_nn_fraction(features.sift_descriptor(img, k1), features.sift_descriptor(img2, k2), k1, k2, H)
    theirs = _correct_nn_fraction(features.opencv_sift(img, keypoints=k1)[1], features.opencv_sift(img2, keypoints=k2)[1],
                                  k1, k2, H)
    assert ours >= 0.5 and ours >= theirs - 0.08


def test_opencv_sift_describing_its_own_keypoints_gives_its_descriptors_and_rootsift_is_the_map():
    img = load_default_image("astronaut")[::2, ::2]
    k, d = features.opencv_sift(img, 60)
    _, d_again = features.opencv_sift(img, keypoints=k)
    cos = np.sum(d * d_again, axis=1) / (np.linalg.norm(d, axis=1) * np.linalg.norm(d_again, axis=1))
    assert np.median(cos) > 0.99
    np.testing.assert_array_equal(features.opencv_sift(img, 60, root_sift=True)[1], features.root_sift(d))
