"""Evaluation: distortion and retrieval metrics, the course's benchmarks, the methods measured on them."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'bootstrap': ['Interval', 'resample_indices', 'bootstrap_mean', 'bootstrap_statistic', 'paired_bootstrap', 'paired_bootstrap_statistic', 'pooled_statistic', 'bootstrap_micro_ap', 'paired_bootstrap_micro_ap', 'bootstrap_recall_at_precision', 'paired_bootstrap_recall_at_precision', 'ns_score'],
    'benchmarks': ['MAX_SIDE', 'VERSIONS', 'COPY_DETECTION_SIZES', 'SIMILARITY_METRICS', 'find_near_duplicates', 'benchmark_path', 'similarity_matrix', 'predictions_from_similarity', 'knn_predictions', 'Scenes', 'every_member_queries', 'load_scenes', 'UKBench', 'load_ukbench', 'embedded_scenes', 'embedded_copy_detection', 'CopyDetection', 'load_copy_detection'],
    'bow_pipeline': ['Pipeline', 'bow_similarity', 'HEMatches', 'he_matches', 'he_similarity', 'vlad_similarity', 'PAPER_RESULTS', 'VARIANTS', 'VARIANT_K_RANGE', 'variant_similarity', 'variant_dim', 'evaluate_variants', 'evaluate_course_variants', 'variants_table', 'CourseData', 'N_TRAIN', 'MAX_KEYPOINTS', 'course_data'],
    'copy_search': ['copy_search_accuracy'],
    'disc': ['DISC', 'DISC_VERSION', 'DISC_MAX_SIDE', 'DISC_DATASETS', 'DISC_SIZES', 'QUERY_CROP_PROBABILITY', 'QUERY_CROP_FRACTION', 'QUERY_N_EDITS', 'disc_query_edit', 'reference_ranks', 'outcome_table', 'disc_path', 'load_disc', 'EMBEDDED_DISC_SIZES', 'embedded_disc', 'DEEP_METHODS', 'DEEP_SIZE', 'disc_methods', 'method_label', 'method_similarities'],
    'methods': ['Method', 'METHODS', 'methods_of'],
    'inverted_index_speed': ['benchmark_inverted_index'],
    'global_methods': ['VERSION', 'HISTOGRAM_SIDE', 'PALETTE_COLORS', 'PALETTE_SAMPLES', 'PALETTE_ITERATIONS', 'GLOBAL_METHODS', 'describe', 'unpack_signatures', 'similarity', 'cache_folder', 'cached_descriptors', 'scenes_descriptors', 'copy_detection_descriptors', 'evaluate_scenes', 'evaluate_copy_detection', 'copy_predictions', 'relevance', 'rerank_scenes'],
    'homography': ['STAND_IN_PHOTOS', 'benchmark_pairs', 'homography_pair_metrics', 'labelled_pair_metrics', 'evaluate_homography_estimators', 'summarize_homography_results'],
    'ann_data': ['ANNSet', 'N_QUERY_PHOTOS', 'N_LEARN_PHOTOS', 'FULL_SIZE', 'exact_ground_truth', 'sift_set', 'embedding_set', 'deep_set'],
    'metrics': ['mse', 'psnr', 'average_precision', 'micro_average_precision', 'recall_at_precision', 'score_normalize', 'recall_at_k'],
    'sscd': ['PAPER_BASELINE', 'PAPER_ABLATION', 'PAPER_KOLEO', 'PAPER_OUTCOMES', 'PAPER_MIXUP', 'range_search_precision_recall', 'threshold_at_precision', 'micro_ap_sn', 'singular_spectrum', 'sscd_results'],
})
