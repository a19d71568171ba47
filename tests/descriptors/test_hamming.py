"""imsearch.descriptors.hamming: Hamming embedding (chapter 7): a binary signature per descriptor that refines its visual word."""
import numpy as np
import pytest

from imsearch import descriptors


def test_projection_is_orthonormal_and_seeded():
    P = descriptors.random_orthogonal_projection(16, 8, seed=1)
    np.testing.assert_allclose(P @ P.T, np.eye(8), atol=1e-12)
    np.testing.assert_array_equal(P, descriptors.random_orthogonal_projection(16, 8, seed=1))
    assert not np.allclose(P, descriptors.random_orthogonal_projection(16, 8, seed=2))
    with pytest.raises(ValueError, match="n_bits"):
        descriptors.random_orthogonal_projection(128, 65)


def test_thresholds_are_per_word_medians():
    rng = np.random.default_rng(8)
    z = rng.normal(size=(90, 5))
    w = rng.integers(0, 3, 90)
    t = descriptors.he_thresholds(z, w, 4)                          # word 3 has no training descriptor
    for j in range(3):
        np.testing.assert_allclose(t[j], np.median(z[w == j], axis=0))
    np.testing.assert_allclose(t[3], np.median(z, axis=0))


def test_signatures_compare_with_the_medians_strictly():
    thresholds = np.array([[0.0, 1.0, -1.0], [5.0, 5.0, 5.0]])
    z = np.array([[0.0, 1.0, -1.0],            # exactly at the medians: all bits 0
                  [0.1, 1.1, -0.9],            # just above: all bits 1
                  [6.0, 4.0, 5.0]])            # word 1: bits 1, 0, 0
    sig = descriptors.he_signatures(z, [0, 0, 1], thresholds)
    np.testing.assert_array_equal(sig, np.array([0, 7, 1], dtype=np.uint64))
    bits = np.random.default_rng(9).integers(0, 2, (20, 64)).astype(bool)
    np.testing.assert_array_equal(descriptors.unpack_bits(descriptors.pack_bits(bits)), bits)
    with pytest.raises(ValueError, match="bits"):
        descriptors.he_signatures(z[:, :2], [0, 0, 1], thresholds)


def test_hamming_distances_equal_a_naive_popcount():
    rng = np.random.default_rng(10)
    a = rng.integers(0, 2 ** 63, 12, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 12, dtype=np.uint64)
    b = rng.integers(0, 2 ** 63, 7, dtype=np.uint64)
    naive = np.array([[bin(int(x) ^ int(y)).count("1") for y in b] for x in a])
    np.testing.assert_array_equal(descriptors.hamming_distances(a, b), naive)
    with pytest.raises(TypeError, match="a"):
        descriptors.hamming_distances(np.array([1.5]), b)


def test_trained_embedding_splits_each_word_in_half():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(400, 16))
    words = rng.integers(0, 2, 400)
    he = descriptors.train_hamming_embedding(x, words, 2, n_bits=8, seed=0)
    bits = descriptors.unpack_bits(he.signatures(x, words), 8)
    for j in range(2):                         # each bit is 1 for half of the word's training descriptors
        np.testing.assert_allclose(bits[words == j].mean(axis=0), 0.5, atol=0.01)


def test_chance_match_probability_closed_forms_and_simulation():
    assert descriptors.chance_match_probability(64, 32) == pytest.approx(0.5 + 0.5 * 1.832624140942e18 / 2 ** 64)
    assert descriptors.chance_match_probability(4, 0) == 1 / 16
    assert descriptors.chance_match_probability(4, 4) == 1.0 == descriptors.chance_match_probability(4, 10)
    assert descriptors.chance_match_probability(2, 1) == 0.75
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2 ** 63, 4000, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 4000, dtype=np.uint64)
    b = rng.integers(0, 2 ** 63, 4000, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 4000, dtype=np.uint64)
    h = np.bitwise_count(a ^ b)
    assert np.mean(h <= 28) == pytest.approx(descriptors.chance_match_probability(64, 28), abs=0.02)
    with pytest.raises(ValueError, match="n_bits"):
        descriptors.chance_match_probability(0, 1)
