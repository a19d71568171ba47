"""imsearch.eval.inverted_index_speed: chapter 7's timing experiment agrees with brute force."""
import numpy as np
import pytest

from imsearch import eval


def test_benchmark_rows_agree_with_brute_force():
    rows = eval.benchmark_inverted_index(sizes=(50, 200), n_words=500, words_per_image=20, n_queries=3,
                                         repeat=1, seed=0)
    assert [r["n_images"] for r in rows] == [50, 200]
    for r in rows:
        assert r["same_ranking"] and r["max_abs_diff"] == 0.0
        assert r["sparse_ms"] > 0 and r["inverted_ms"] > 0 and 0 < r["touched_fraction"] <= 1
        assert 0 < r["visited_fraction"] < 1
        assert np.isfinite(r["dense_ms"])
    with pytest.raises(ValueError, match="sizes"):
        eval.benchmark_inverted_index(sizes=(0,))
