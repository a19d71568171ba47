"""Extraction: resizing conventions, batching invariance, the content-hash cache."""
import numpy as np
import pytest
import torch
from imsearch import nn as inn


def _images(n=5, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, size=(20 + 3 * i, 30 - 2 * i, 3), dtype=np.uint8) for i in range(n)]


def test_fit_square_modes():
    im = np.zeros((40, 80, 3), np.uint8) + 200
    p = inn.fit_square(im, 20, "pad")
    assert p.shape == (20, 20, 3)
    assert np.all(p[:5] == 127) and np.all(p[15:] == 127) and np.all(p[5:15] == 200)
    c = inn.fit_square(im, 20, "crop")
    assert c.shape == (20, 20, 3) and np.all(c == 200)
    assert inn.fit_square(im, 16, "squash").shape == (16, 16, 3)
    with pytest.raises(ValueError, match="mode"):
        inn.fit_square(im, 20, "zoom")
    with pytest.raises(TypeError):
        inn.fit_square(im.astype(np.float32) / 255, 20)


def test_extract_is_independent_of_the_batch_size():
    ims = _images(7)
    fn = lambda x: {"mean": x.mean(dim=(2, 3)), "first": x[:, :, 0, 0]}
    a = inn.extract(fn, ims, size=16, batch_size=2, progress=False)
    b = inn.extract(fn, ims, size=16, batch_size=7, progress=False)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    ref = np.stack([inn.fit_square(im, 16).reshape(-1, 3).mean(axis=0) for im in ims])
    np.testing.assert_allclose(a["mean"], ref, rtol=1e-5)
    assert not torch.is_inference_mode_enabled()
    with pytest.raises(ValueError, match="empty"):
        inn.extract(fn, [], size=16)


def test_content_hash_and_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE", str(tmp_path))
    monkeypatch.setattr("imsearch.nn.extraction.cache_folder", lambda: tmp_path / "nn")
    ims = _images(3)
    assert inn.content_hash(ims) == inn.content_hash([im.copy() for im in ims])
    changed = [im.copy() for im in ims]
    changed[1][0, 0, 0] ^= 1
    assert inn.content_hash(changed) != inn.content_hash(ims)
    calls = []

    def fn(x):
        calls.append(len(x))
        return {"m": x.mean(dim=(1, 2, 3))[:, None]}

    a = inn.cached_extract(fn, ims, "m0", "mean", "toy", size=8, progress=False)
    b = inn.cached_extract(fn, ims, "m0", "mean", "toy", size=8, progress=False)
    assert calls == [3]
    np.testing.assert_array_equal(a["m"], b["m"])
    inn.cached_extract(fn, ims, "m1", "mean", "toy", size=8, progress=False)   # another model: recomputed
    inn.cached_extract(fn, changed, "m0", "mean", "toy", size=8, progress=False)  # other pixels: recomputed
    assert calls == [3, 3, 3]
    with pytest.raises(ValueError, match="tag"):
        inn.cached_extract(fn, ims, "m0", "mean", "a/b")


def test_augmented_embeddings_rounds_photos_and_determinism():
    """Round 0 embeds the photos themselves; later rounds embed augmented copies; same seed, same vectors."""
    import torch
    from imsearch import nn as inn

    rng = np.random.default_rng(0)
    photos = [rng.integers(0, 256, (20 + i, 30, 3), dtype=np.uint8) for i in range(5)]
    model = lambda b: b.mean(dim=(2, 3))  # noqa: E731  (B, 3) mean colour
    emb, photo, rnd = inn.augmented_embeddings(model, photos, 12, size=16, seed=3, batch_size=2, progress=False)
    assert emb.shape == (12, 3) and emb.dtype == np.float32
    np.testing.assert_array_equal(photo, [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1])
    np.testing.assert_array_equal(rnd, [0] * 5 + [1] * 5 + [2] * 2)
    own = np.stack([inn.fit_square(p, 16, "squash") for p in photos]).mean(axis=(1, 2)) / 255
    np.testing.assert_allclose(emb[:5], own, atol=1e-6)
    assert not np.allclose(emb[5:10], emb[:5], atol=1e-3)           # the copies differ
    again, _, _ = inn.augmented_embeddings(model, photos, 12, size=16, seed=3, batch_size=2, progress=False)
    np.testing.assert_array_equal(emb, again)
    with pytest.raises(ValueError, match="images"):
        inn.augmented_embeddings(model, [], 3, progress=False)
    with pytest.raises(ValueError, match="n_vectors"):
        inn.augmented_embeddings(model, photos, 0, progress=False)
