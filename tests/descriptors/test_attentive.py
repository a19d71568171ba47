"""imsearch.descriptors.attentive: dense local features kept by attention (the DELF idea)."""
import numpy as np
import pytest

from imsearch import descriptors


def test_attentive_keypoints_keep_the_highest_cells_with_their_unit_descriptors():
    rng = np.random.default_rng(0)
    fmap = rng.normal(size=(5, 3, 4))
    att = np.arange(12.0).reshape(3, 4)
    att[0, 0] = 100.0
    xy, scores, desc = descriptors.attentive_keypoints(fmap, att, stride_px=16, n_keep=3)
    np.testing.assert_array_equal(scores, [100.0, 11.0, 10.0])
    np.testing.assert_array_equal(xy, [[8.0, 8.0], [56.0, 40.0], [40.0, 40.0]])   # cells (0,0), (2,3), (2,2)
    np.testing.assert_allclose(desc[1], fmap[:, 2, 3] / np.linalg.norm(fmap[:, 2, 3]))
    np.testing.assert_allclose(np.linalg.norm(desc, axis=1), 1.0)


def test_attentive_keypoints_ties_zero_vectors_and_bad_inputs():
    fmap = np.zeros((2, 2, 2))
    fmap[:, 1, 1] = [3.0, 4.0]
    xy, scores, desc = descriptors.attentive_keypoints(fmap, np.ones((2, 2)), 8, n_keep=10)
    assert len(xy) == 4 and xy[0].tolist() == [4.0, 4.0]                     # row-major among ties
    np.testing.assert_allclose(desc[3], [0.6, 0.8]) and np.testing.assert_array_equal(desc[0], [0, 0])
    with pytest.raises(ValueError, match="attention"):
        descriptors.attentive_keypoints(fmap, np.ones((3, 2)), 8)
    with pytest.raises(ValueError, match="stride_px"):
        descriptors.attentive_keypoints(fmap, np.ones((2, 2)), 0)
