"""imsearch._util.ranking: the one top-k (index.top_k, index.ranking), ties to the lower index."""
import numpy as np
import pytest

from imsearch import index
from imsearch._util.ranking import ranking, top_k


def test_index_exports_are_the_kernel():
    assert index.top_k is top_k and index.ranking is ranking


@pytest.mark.parametrize("k", [1, 3, 7, 20, 50])
def test_top_k_is_the_head_of_a_stable_sort_with_many_ties(k):
    rng = np.random.default_rng(0)
    s = rng.integers(0, 3, (40, 20)).astype(float)     # many ties, also at the k-th score
    vals, ids = top_k(s, k)
    ref = np.argsort(-s, axis=1, kind="stable")[:, :min(k, 20)]
    np.testing.assert_array_equal(ids, ref)
    np.testing.assert_array_equal(vals, np.take_along_axis(s, ref, 1))
    assert ids.dtype == np.int64 and vals.dtype == np.float64


def test_minus_infinity_excludes_and_nan_is_refused():
    s = np.array([[0.5, -np.inf, 0.5, 0.9]])
    np.testing.assert_array_equal(top_k(s, 3)[1], [[3, 0, 2]])
    np.testing.assert_array_equal(ranking(s[0]), [3, 0, 2, 1])
    with pytest.raises(ValueError, match="NaN"):
        top_k(np.array([[0.1, np.nan]]), 1)
    with pytest.raises(ValueError, match="k"):
        top_k(s, 0)
    assert top_k(np.zeros((0, 4)), 2)[1].shape == (0, 2)
