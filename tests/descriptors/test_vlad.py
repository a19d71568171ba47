"""imsearch.descriptors.vlad: VLAD (chapter 7): per visual word, the sum of the residuals of the descriptors assigned to it."""
import numpy as np
import pytest

from imsearch import descriptors, signal


def test_vlad_aggregate_closed_forms():
    x = np.array([[1.0, 2.0], [3.0, 0.0], [-1.0, 1.0]])
    np.testing.assert_allclose(descriptors.vlad_aggregate(x, [[1.0, 1.0]]), x.sum(0) - 3 * np.array([1.0, 1.0]))
    c = np.array([[0.0, 0.0], [10.0, 0.0]])
    np.testing.assert_allclose(descriptors.vlad_aggregate([[1.0, 1.0], [11.0, 0.0]], c), [1.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(descriptors.vlad_aggregate(np.zeros((0, 2)), c), np.zeros(4))
    with pytest.raises(ValueError, match="same dimension"):
        descriptors.vlad_aggregate(np.zeros((2, 3)), c)


def test_power_and_intra_normalisation():
    np.testing.assert_allclose(descriptors.power_normalize(np.array([-4.0, 0.0, 9.0])), [-2.0, 0.0, 3.0])
    np.testing.assert_allclose(descriptors.power_normalize(np.array([-8.0, 8.0]), alpha=1 / 3), [-2.0, 2.0])
    v = np.array([3.0, 4.0, 0.0, 0.0, 0.0, -2.0])
    np.testing.assert_allclose(descriptors.intra_normalize(v, 3), [0.6, 0.8, 0.0, 0.0, 0.0, -1.0])
    with pytest.raises(ValueError, match="multiple"):
        descriptors.intra_normalize(v, 4)
    with pytest.raises(ValueError, match="alpha"):
        descriptors.power_normalize(v, 0.0)


def test_vlad_descriptors_equal_the_per_image_definition():
    rng = np.random.default_rng(12)
    c = rng.normal(size=(5, 6))
    counts = [7, 0, 12, 3]
    x = rng.normal(size=(sum(counts), 6))
    img = np.repeat(np.arange(4), counts)
    words = signal.assign(x, c)
    for alpha, intra in ((1.0, False), (0.5, True)):
        got = descriptors.vlad_descriptors(x, words, img, 4, c, alpha=alpha, intra=intra, batch_images=3)
        for i in range(4):
            v = descriptors.vlad_aggregate(x[img == i], c)
            if alpha != 1.0:
                v = descriptors.power_normalize(v, alpha)
            if intra:
                v = descriptors.intra_normalize(v, 5)
            n = np.linalg.norm(v)
            np.testing.assert_allclose(got[i], v / n if n > 0 else v, atol=1e-5)
    assert np.all(got[1] == 0)
