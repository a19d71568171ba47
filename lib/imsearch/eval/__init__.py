"""Evaluation: distortion and retrieval metrics, the course's benchmarks, the methods measured on them."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'bootstrap': ['Interval', 'resample_indices', 'bootstrap_mean', 'bootstrap_statistic', 'paired_bootstrap', 'paired_bootstrap_statistic', 'pooled_statistic', 'bootstrap_micro_ap', 'paired_bootstrap_micro_ap', 'bootstrap_recall_at_precision', 'paired_bootstrap_recall_at_precision', 'ns_score'],
    'benchmarks': ['MAX_SIDE', 'VERSIONS', 'COPY_DETECTION_SIZES', 'SIMILARITY_METRICS', 'find_near_duplicates', 'benchmark_path', 'similarity_matrix', 'predictions_from_similarity', 'knn_predictions', 'Scenes', 'every_member_queries', 'load_scenes', 'UKBench', 'load_ukbench', 'embedded_scenes', 'embedded_copy_detection', 'CopyDetection', 'load_copy_detection'],
    'bow_pipeline': ['Pipeline', 'bow_similarity', 'HEMatches', 'he_matches', 'he_similarity', 'vlad_similarity', 'PAPER_RESULTS', 'VARIANTS', 'VARIANT_K_RANGE', 'variant_similarity', 'variant_dim', 'evaluate_variants', 'CourseData', 'N_TRAIN', 'MAX_KEYPOINTS', 'course_data'],
    'copy_search': ['copy_search_accuracy'],
    'methods': ['Method', 'METHODS', 'methods_of'],
    'inverted_index_speed': ['benchmark_inverted_index'],
    'global_methods': ['VERSION', 'HISTOGRAM_SIDE', 'PALETTE_COLORS', 'PALETTE_SAMPLES', 'PALETTE_ITERATIONS', 'GLOBAL_METHODS', 'describe', 'unpack_signatures', 'similarity', 'cache_folder', 'cached_descriptors', 'scenes_descriptors', 'copy_detection_descriptors', 'evaluate_scenes', 'evaluate_copy_detection', 'relevance', 'rerank_scenes'],
    'homography': ['homography_pair_metrics', 'labelled_pair_metrics', 'evaluate_homography_estimators', 'summarize_homography_results'],
    'ann_data': ['ANNSet', 'N_QUERY_PHOTOS', 'N_LEARN_PHOTOS', 'FULL_SIZE', 'exact_ground_truth', 'sift_set', 'embedding_set'],
    'metrics': ['mse', 'psnr', 'average_precision', 'micro_average_precision', 'recall_at_precision', 'score_normalize', 'recall_at_k'],
})
