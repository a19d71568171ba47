"""Searching descriptors (chapters 3, 7, 12): brute-force top-k, inverted files, shortlists and re-ranking."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'brute_force': ['METRICS', 'squared_l2', 'pairwise_distances', 'knn', 'ranking', 'top_k'],
    'inverted_file': ['score_postings', 'brute_force_scores', 'InvertedIndex', 'he_votes', 'HammingInvertedFile'],
    'reranking': ['spatial_rerank', 'shortlist', 'shortlist_recall', 'shortlist_recall_curve', 'shortlist_length', 'rerank', 'two_stage_search'],
    'ann': ['knn_recall', 'ivf_lists', 'coarse_assign', 'ivf_search', 'IVFFlat', 'pq_train', 'pq_encode', 'pq_decode', 'adc_tables', 'adc_distances', 'pq_search', 'faiss_pq_codebooks', 'rerank_exact', 'sq_train', 'sq_encode', 'sq_decode', 'smallest_setting', 'choose_setting', 'sample_rows'],
    'faiss_indexes': ['build_index', 'set_search_params', 'bytes_per_vector', 'faiss_threads', 'timed_search', 'pareto_front'],
    'vector_db': ['METADATA', 'LITE_INDEX_TYPES', 'milvus_connect', 'milvus_create_collection', 'milvus_insert', 'milvus_build_index', 'milvus_wait_for_index', 'milvus_search', 'milvus_delete', 'milvus_fetch', 'milvus_count'],
})
