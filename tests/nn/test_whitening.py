"""PCA whitening: identity covariance on the training set, applied to another set."""
import numpy as np
import pytest
from imsearch import nn as inn


def _data(n, seed):
    rng = np.random.default_rng(seed)
    mix = np.array([[3.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.5, 0.0], [0.0, 0.0, 0.2, 0.1], [0.1, 0.0, 0.0, 2.0]])
    return rng.normal(size=(n, 4)) @ mix + np.array([1.0, -2.0, 0.5, 3.0])


def test_training_covariance_is_identity():
    x = _data(500, 0)
    w = inn.learn_whitening(x)
    y = w.transform(x, normalize=False).astype(np.float64)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(y.T @ y / len(y), np.eye(4), atol=1e-4)


def test_applied_to_another_set_is_close_to_white_and_normalized():
    w = inn.learn_whitening(_data(5000, 0), n_components=3)
    y = w.transform(_data(5000, 1), normalize=False).astype(np.float64)
    np.testing.assert_allclose(np.cov(y.T, bias=True), np.eye(3), atol=0.1)
    z = w.transform(_data(10, 2))
    assert z.shape == (10, 3) and z.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1, rtol=1e-5)
    assert w.dimension == 3


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least 2 rows"):
        inn.learn_whitening(np.ones((1, 3)))
    with pytest.raises(ValueError, match="n_components"):
        inn.learn_whitening(_data(10, 0), n_components=5)
    with pytest.raises(ValueError, match="columns"):
        inn.learn_whitening(_data(10, 0)).transform(np.ones((2, 3)), normalize=False)
