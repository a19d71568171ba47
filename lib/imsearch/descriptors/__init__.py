"""Image descriptors (chapters 3, 6, 7): pixels, colour histograms, EMD, GIST, bags of visual words, Hamming embedding, VLAD, PCA."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'bow': ['train_vocabulary', 'cached_vocabulary', 'assign_words', 'cached_words', 'word_patches', 'bag_of_words', 'document_frequency', 'idf_weights', 'tfidf_weights', 'tfidf', 'stop_words', 'drop_words', 'l2_normalize', 'bow_vectors'],
    'signatures': ['color_signature', 'histogram_signature', 'emd', 'emd_1d', 'emd_lower_bound', 'emd_knn', 'emd_distances'],
    'spatial_envelope': ['PEAK_FREQUENCY', 'SCALE_RATIO', 'RADIAL_WIDTH', 'gabor_parameters', 'gabor_filters', 'prefilter', 'gabor_energy', 'grid_pool', 'gist_dimension', 'square', 'gist', 'gist_many'],
    'hamming': ['random_orthogonal_projection', 'he_thresholds', 'pack_bits', 'unpack_bits', 'he_signatures', 'hamming_distances', 'chance_match_probability', 'HammingEmbedding', 'train_hamming_embedding'],
    'histograms': ['SPACES', 'LAB_RANGES', 'color_histogram', 'l1', 'chi2', 'intersection', 'soft_hue_histogram', 'edge_orientation_histogram'],
    'attentive': ['attentive_keypoints'],
    'inversion': ['HALF_SIDE_SIGMAS', 'patch_bank', 'invert_descriptors'],
    'pca': ['pca_fit', 'pca_project'],
    'pixels': ['pixel_descriptor', 'predicted_edit_psnr'],
    'vlad': ['vlad_aggregate', 'power_normalize', 'intra_normalize', 'vlad_descriptors'],
})
