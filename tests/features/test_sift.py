"""imsearch.features.sift: The SIFT descriptor, written from the paper (chapter 5): orientations, gradient histograms, RootSIFT."""
import math
import time
import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi

from imsearch import features
from imsearch.data import load_default_image
from imsearch.image import to_gray


@pytest.fixture(scope="module")
def astronaut():
    g = to_gray(load_default_image("astronaut"))
    return cv2.resize(g, (192, 192), interpolation=cv2.INTER_AREA)


def _slow_sift(img, kp, spc=4):
    """SIFT by loops from Lowe (2004): blur at σ, rotated samples, trilinear votes, clip at 0.2."""
    x, y, s, t = kp
    blurred = ndi.gaussian_filter(img, math.sqrt(s * s - 0.25))
    n = 4 * spc
    hist = np.zeros((4, 4, 8))
    w = 3 * s
    for r in range(n):
        for c in range(n):
            ux, uy = (c + 0.5) / spc - 2, (r + 0.5) / spc - 2

            def val(dx, dy):
                px = x + w * (math.cos(t) * (ux + dx) - math.sin(t) * (uy + dy))
                py = y + w * (math.sin(t) * (ux + dx) + math.cos(t) * (uy + dy))
                return ndi.map_coordinates(blurred, [[py], [px]], order=1, mode="nearest")[0]

            gx = (val(1 / spc, 0) - val(-1 / spc, 0)) / 2
            gy = (val(0, 1 / spc) - val(0, -1 / spc)) / 2
            mag = math.hypot(gx, gy) * math.exp(-(ux * ux + uy * uy) / 8)
            o = (math.atan2(-gy, gx) % (2 * math.pi)) * 8 / (2 * math.pi)
            bx, by = ux + 1.5, uy + 1.5
            for cy in range(4):
                for cx in range(4):
                    wy, wx = 1 - abs(by - cy), 1 - abs(bx - cx)
                    if wy <= 0 or wx <= 0:
                        continue
                    o0 = math.floor(o)
                    hist[cy, cx, o0 % 8] += mag * wy * wx * (1 - (o - o0))
                    hist[cy, cx, (o0 + 1) % 8] += mag * wy * wx * (o - o0)
    v = hist.ravel() / np.linalg.norm(hist)
    v = np.minimum(v, 0.2)
    return v / np.linalg.norm(v)


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def test_dominant_orientation_of_a_ramp():
    yy, xx = np.mgrid[0:81, 0:81].astype(float)
    for deg in (0.0, 37.0, 130.0, 250.0, 359.0):
        t = math.radians(deg)
        img = 0.5 + 0.004 * ((xx - 40) * math.cos(t) + (yy - 40) * math.sin(t))
        angles = features.dominant_orientations(img, 40, 40, 3.0)
        assert len(angles) == 1
        diff = (angles[0] - t + math.pi) % (2 * math.pi) - math.pi
        assert abs(diff) < math.radians(2.0)
    assert len(features.dominant_orientations(np.full((40, 40), 0.5), 20, 20, 2.0)) == 0


def test_sift_descriptor_matches_the_loop_reference(camera):
    # scales on the library's quarter-octave grid below 2 px: blurred exactly at σ, no subsampling
    kps = np.array([[64.0, 60.0, 2 ** 0.5, 0.3], [40.3, 80.7, 2 ** 0.75, 2.0], [90.0, 45.0, 2 ** 0.25, -1.0]])
    d = features.sift_descriptor(camera, kps)
    assert d.shape == (3, 128) and d.dtype == np.float32
    for row, kp in zip(d, kps):
        np.testing.assert_allclose(row, _slow_sift(camera, kp), atol=2e-6)


def test_sift_descriptor_invariances(camera):
    # 129 px: W − 1 = 128 keeps the pyramid's subsampling grid symmetric under rot90
    img = 0.2 + 0.5 * cv2.resize(camera, (129, 129), interpolation=cv2.INTER_LINEAR)
    kps = features.assign_orientations(img, features.harris_laplace(img, n_best=40))
    d = features.sift_descriptor(img, kps)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0, rtol=1e-5)
    assert d.min() >= 0
    # I -> I + b: identical; I -> a·I: identical after normalisation
    np.testing.assert_allclose(features.sift_descriptor(img + 0.2, kps), d, atol=1e-6)
    np.testing.assert_allclose(features.sift_descriptor(img * 1.3, kps), d, atol=1e-6)
    # rotating the image by 90° and the keypoints with it gives the same descriptors
    rot = np.rot90(img)                          # (x, y) -> (y, W − 1 − x); directions turn by −90°
    k90 = np.c_[kps[:, 1], img.shape[1] - 1 - kps[:, 0], kps[:, 2], kps[:, 3] - math.pi / 2]
    np.testing.assert_allclose(features.sift_descriptor(rot, k90), d, atol=1e-5)


def test_sift_descriptor_is_fast(astronaut):
    rng = np.random.default_rng(0)
    kps = np.c_[rng.uniform(10, 180, (500, 2)), rng.uniform(1.0, 12.0, 500), rng.uniform(0, 2 * np.pi, 500)]
    best = min(_timed(lambda: features.sift_descriptor(astronaut, kps)) for _ in range(2))
    assert best < 1.0


def test_root_sift_is_the_hellinger_kernel():
    rng = np.random.default_rng(0)
    a, b = rng.random((5, 128)), rng.random((5, 128))
    ra, rb = features.root_sift(a), features.root_sift(b)
    assert ra.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ra, axis=1), 1.0, rtol=1e-6)
    hell = np.sum(np.sqrt(a / a.sum(1, keepdims=True) * b / b.sum(1, keepdims=True)), axis=1)
    np.testing.assert_allclose(np.sum(ra * rb, axis=1), hell, rtol=1e-5)
    assert np.all(features.root_sift(np.zeros((2, 128))) == 0)
    assert features.root_sift(np.zeros((0, 128))).shape == (0, 128)


def test_orientation_histograms_match_loops():
    rng = np.random.default_rng(2)
    m, o = rng.random((16, 16)), rng.uniform(-7, 7, (16, 16))
    h = features.orientation_histograms(m, o)
    ref = np.zeros((4, 4, 8))
    for r in range(16):
        for c in range(16):
            v = (o[r, c] % (2 * np.pi)) * 8 / (2 * np.pi)
            b = math.floor(v)
            ref[r // 4, c // 4, b % 8] += m[r, c] * (1 - (v - b))
            ref[r // 4, c // 4, (b + 1) % 8] += m[r, c] * (v - b)
    np.testing.assert_allclose(h, ref.ravel(), atol=1e-12)
    assert h.sum() == pytest.approx(m.sum())


def test_descriptor_patch_feeds_the_orientation_histograms(camera):
    kp = np.array([64.0, 60.0, 2 ** 0.5, 0.3])
    patch, mag, ori = features.descriptor_patch(camera, kp)
    assert patch.shape == mag.shape == ori.shape == (16, 16)
    assert mag.min() >= 0 and ori.min() >= 0 and ori.max() < 2 * np.pi
    # the centre of the patch is the keypoint, blurred at σ
    blurred = ndi.gaussian_filter(camera, math.sqrt(2 - 0.25))
    centre = ndi.map_coordinates(blurred, [[60.0], [64.0]], order=1)[0]
    assert 0.25 * patch[7:9, 7:9].sum() == pytest.approx(centre, abs=0.02)
    # hard spatial binning of the same gradients is close to the real (trilinear) descriptor
    h = features.orientation_histograms(mag, ori)
    d = features.sift_descriptor(camera, kp[None])[0]
    assert h @ d / np.linalg.norm(h) > 0.8


def test_empty_keypoints():
    img = np.zeros((20, 20))
    assert features.sift_descriptor(img, np.zeros((0, 4))).shape == (0, 128)
    assert features.opencv_sift(img, keypoints=np.zeros((0, 4)))[1].shape == (0, 128)
    assert features.assign_orientations(img, np.zeros((0, 3))).shape == (0, 4)
