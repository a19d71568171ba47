"""Figures: every function draws what it is given (matplotlib)."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'descriptors': ['plot_color_histogram', 'plot_signatures', 'plot_gabor_bank', 'plot_gabor_response', 'plot_gist', 'plot_visual_words', 'plot_word_frequencies', 'plot_bag_of_words'],
    'features': ['draw_keypoints', 'plot_harris', 'plot_corner_eigenvalues', 'plot_shape_adaptation', 'plot_repeatability_curves', 'plot_orientation_histograms', 'plot_threshold_sweep'],
    'images': ['show_images', 'show_as_vector', 'compare_images', 'text_image', 'show_maps'],
    'matching': ['plot_matches', 'plot_pr_curves', 'plot_transform_fits', 'plot_ransac_step', 'plot_ransac_progress', 'plot_epipolar_lines'],
    'plots': ['plot_curves', 'plot_rate_distortion', 'plot_bars', 'plot_histograms', 'plot_grouped_bars', 'plot_score_matrix'],
    'retrieval': ['plot_ranking'],
    'tables': ['markdown_table'],
    'signal': ['plot_sampled_cosine', 'plot_psnr_vs_bits', 'plot_quantizer_thresholds', 'show_strips', 'plot_voronoi', 'show_palette', 'show_channels', 'plot_color_swatch', 'plot_color_pairs'],
})
