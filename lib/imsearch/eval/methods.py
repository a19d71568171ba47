"""The one registry of the retrieval methods measured on the course's benchmarks.

Chapter 3's pixel and histogram searches, chapter 6's global descriptors and chapter 7's
bags of visual words are listed here once, with the label the tables print; chapter 6
(:mod:`imsearch.eval.global_methods`), chapter 7 (:mod:`imsearch.eval.bow_pipeline`) and the
leaderboard (``benchmarks/retrieval.py``) all read this registry.
"""
from __future__ import annotations

from dataclasses import dataclass

from .._util.validation import check_int


@dataclass(frozen=True)
class Method:
    """One retrieval method of the course.

    Attributes
    ----------
    label : str
        Its name in tables.
    short : str
        Its name in plots.
    chapters : tuple of int
        The chapters that measure it.
    metric : str or None
        Global descriptors (:func:`imsearch.eval.global_methods.describe`): one of
        :data:`imsearch.eval.benchmarks.SIMILARITY_METRICS`, or ``"emd"`` for signatures.
        ``None`` for chapter 7's variants, scored through
        :func:`imsearch.eval.bow_pipeline.variant_similarity`.
    k : int or None
        Chapter 7: the vocabulary size the leaderboard uses (the chapter tries several).
    """

    label: str
    short: str
    chapters: tuple
    metric: str | None = None
    k: int | None = None


#: Every method, in the order of the tables: chapter 3, chapter 6, chapter 7.
METHODS = {
    "pixels": Method("pixels 16×16 (L2)", "pixels", (3, 6), "l2"),
    "rgb_hist_l1": Method("RGB histogram 8×8×8 (L1)", "RGB hist. L1", (3,), "l1"),
    "rgb_hist": Method("RGB histogram 8×8×8 (χ²)", "RGB hist.", (6,), "chi2"),
    "hsv_hist": Method("HSV histogram 16×8×4 (χ²)", "HSV hist.", (6,), "chi2"),
    "lab_hist": Method("Lab histogram 8×8×8 (χ²)", "Lab hist.", (6,), "chi2"),
    "palette_emd": Method("Lab palette, 8 colours (EMD)", "palette+EMD", (6,), "emd"),
    "gist": Method("GIST 4 scales × 8 orientations × 4×4 (L2)", "GIST", (6,), "l2"),
    "bow": Method("BoVW k=1024, counts (cosine)", "BoW counts", (7,), k=1024),
    "tfidf": Method("BoVW k=1024, TF-IDF (cosine)", "TF-IDF", (7,), k=1024),
    "tfidf+stop": Method("BoVW k=1024, TF-IDF, 5 % stop words", "TF-IDF + stop", (7,), k=1024),
    "tfidf+stop+sv": Method("BoVW k=1024, TF-IDF, stop words, spatial re-ranking of 30", "+ spatial", (7,), k=1024),
    "he": Method("Hamming embedding k=1024, 64 bits, h=24", "HE", (7,), k=1024),
    "vlad": Method("VLAD k=64 (8192-D)", "VLAD", (7,), k=64),
    "vlad+pca": Method("VLAD k=64, PCA 128-D", "VLAD + PCA", (7,), k=64),
}


def methods_of(chapter) -> tuple:
    """The keys of :data:`METHODS` that a chapter measures, in table order.

    Parameters
    ----------
    chapter : int

    Returns
    -------
    tuple of str
    """
    chapter = check_int(chapter, "chapter", minimum=1)
    return tuple(key for key, m in METHODS.items() if chapter in m.chapters)
