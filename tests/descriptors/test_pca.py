"""imsearch.descriptors.pca: PCA with optional whitening (chapter 7), to shorten VLAD vectors."""
import numpy as np
import pytest

from imsearch import descriptors


def test_pca_matches_the_svd_in_both_regimes():
    rng = np.random.default_rng(13)
    for shape in ((40, 10), (8, 30)):
        x = rng.normal(size=shape) @ np.diag(np.linspace(3, 0.5, shape[1]))
        mean, comp, var = descriptors.pca_fit(x, 5)
        _, s, vt = np.linalg.svd(x - x.mean(0), full_matrices=False)
        np.testing.assert_allclose(np.abs(comp), np.abs(vt[:5]), atol=1e-9)
        np.testing.assert_allclose(var, s[:5] ** 2 / shape[0], rtol=1e-9)
        np.testing.assert_allclose(comp @ comp.T, np.eye(5), atol=1e-9)
    y = (x - mean) @ comp.T / np.sqrt(var)
    np.testing.assert_allclose(y.var(axis=0), 1.0, rtol=1e-9)          # whitening: unit variances
    np.testing.assert_allclose(np.linalg.norm(descriptors.pca_project(x, mean, comp, var), axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="n_components"):
        descriptors.pca_fit(x, 9)
