"""imsearch.eval.methods: the one registry that chapters 6, 7 and the leaderboard read."""
import numpy as np
import pytest

from imsearch import descriptors, eval
from imsearch.eval import benchmarks, bow_pipeline, global_methods, methods


def test_every_method_is_either_a_global_descriptor_or_a_chapter7_variant():
    assert list(methods.METHODS)[:2] == ["pixels", "rgb_hist_l1"]
    for key, m in methods.METHODS.items():
        assert (m.metric is None) == (7 in m.chapters) == (m.k is not None), key
        assert m.metric is None or m.metric in benchmarks.SIMILARITY_METRICS + ("emd",)
    assert methods.methods_of(6) == ("pixels", "rgb_hist", "hsv_hist", "lab_hist", "palette_emd", "gist")
    assert methods.methods_of(3) == ("pixels", "rgb_hist_l1")
    assert len(set(m.label for m in methods.METHODS.values())) == len(methods.METHODS)
    with pytest.raises(ValueError, match="chapter must be >= 1"):
        methods.methods_of(0)


def test_the_chapters_read_the_registry():
    assert bow_pipeline.VARIANTS == methods.methods_of(7)
    assert global_methods.GLOBAL_METHODS == tuple(k for k, m in methods.METHODS.items() if m.metric)
    assert eval.METHODS is methods.METHODS and global_methods.METHODS is methods.METHODS
    with pytest.raises(ValueError, match="method must be one of"):
        global_methods.describe([np.zeros((8, 8, 3), np.uint8)], "he")  # a variant has no global descriptor


def test_chapter3_rgb_histogram_is_the_full_image_histogram_compared_by_l1():
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (30, 40, 3), dtype=np.uint8) for _ in range(3)]
    d = global_methods.describe(images, "rgb_hist_l1", progress=False)
    ref = np.stack([descriptors.color_histogram(im, (8, 8, 8)) for im in images])
    np.testing.assert_allclose(d, ref, rtol=1e-6)
    np.testing.assert_allclose(global_methods.similarity(d, d, "rgb_hist_l1"),
                               -np.abs(d[:, None, :].astype(float) - d[None, :, :]).sum(axis=2), atol=1e-6)
