"""Evaluation: distortion and retrieval metrics, the course's benchmarks, the methods measured on them."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'bootstrap': ['Interval', 'resample_indices', 'bootstrap_mean', 'bootstrap_statistic', 'paired_bootstrap', 'paired_bootstrap_statistic', 'pooled_statistic', 'bootstrap_micro_ap', 'paired_bootstrap_micro_ap', 'bootstrap_recall_at_precision', 'paired_bootstrap_recall_at_precision', 'ns_score'],
    'benchmarks': ['MAX_SIDE', 'VERSIONS', 'COPY_DETECTION_SIZES', 'SIMILARITY_METRICS', 'find_near_duplicates', 'benchmark_path', 'similarity_matrix', 'knn_predictions', 'Scenes', 'load_scenes', 'CopyDetection', 'load_copy_detection'],
    'bow_pipeline': ['Pipeline', 'bow_similarity', 'HEMatches', 'he_matches', 'he_similarity', 'vlad_similarity', 'EmbeddedScenes', 'embedded_bow_scenes', 'PAPER_RESULTS', 'VARIANTS', 'VARIANT_K_RANGE', 'variant_similarity', 'variant_dim', 'evaluate_variants', 'CourseData', 'N_TRAIN', 'MAX_KEYPOINTS', 'course_data', 'leaderboard_rows'],
    'copy_search': ['copy_search_accuracy'],
    'global_methods': ['VERSION', 'HISTOGRAM_SIDE', 'PALETTE_COLORS', 'PALETTE_SAMPLES', 'PALETTE_ITERATIONS', 'Method', 'METHODS', 'describe', 'unpack_signatures', 'similarity', 'cache_folder', 'cached_descriptors', 'scenes_descriptors', 'copy_detection_descriptors', 'evaluate_scenes', 'copy_detection_predictions', 'evaluate_copy_detection', 'relevance', 'rerank_scenes', 'comparison_times', 'embedded_scenes', 'embedded_copy_detection'],
    'homography': ['homography_pair_metrics', 'labelled_pair_metrics', 'evaluate_homography_estimators', 'summarize_homography_results'],
    'metrics': ['mse', 'psnr', 'average_precision', 'micro_average_precision', 'recall_at_precision', 'score_normalize', 'recall_at_k'],
})
