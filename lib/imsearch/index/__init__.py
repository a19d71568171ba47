"""Searching descriptors (chapters 3, 7, 12): brute-force top-k, inverted files, shortlists and re-ranking."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'brute_force': ['METRICS', 'squared_l2', 'pairwise_distances', 'knn', 'ranking', 'top_k'],
    'inverted_file': ['score_postings', 'brute_force_scores', 'InvertedIndex', 'HammingInvertedFile', 'benchmark_inverted_index'],
    'reranking': ['spatial_rerank', 'shortlist', 'shortlist_recall', 'shortlist_recall_curve', 'rerank', 'two_stage_search'],
})
