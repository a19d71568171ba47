"""Local features (chapters 4–5): Harris, scale space, affine adaptation, MSER, repeatability, the SIFT descriptor, OpenCV's detectors and feature extraction."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'affine': ['affine_adapt', 'normalized_patch', 'region_patch', 'regions_to_ellipses', 'harris_affine'],
    'extraction': ['DESCRIPTOR_DIM', 'CACHE_VERSION', 'LocalFeatures', 'extract_features', 'cached_features'],
    'harris': ['structure_tensor', 'harris_response', 'harris_eigenvalues', 'corner_classes', 'corner_ratio_threshold', 'local_maxima', 'nonmax_suppression', 'harris_corners', 'fraction_within', 'nearest_correspondences', 'harris_implementations', 'harris_vs_opencv'],
    'mser': ['mser_regions', 'extremal_region_areas', 'stable_threshold_range', 'extremal_region', 'threshold_sweep'],
    'opencv': ['detect_opencv', 'opencv_sift'],
    'detector_evaluation': ['ellipse_overlap_error', 'repeatability', 'repeatability_curve', 'repeatability_curves', 'repeatability_sweep', 'downscale_sequence', 'synthetic_viewpoint_sequence', 'OXFORD_CHANGES', 'sequence_axis', 'affine_sequences'],
    'multiscale': ['gaussian_pyramid', 'scale_space', 'laplacian_of_gaussian', 'characteristic_scale', 'harris_laplace'],
    'sift': ['dominant_orientations', 'assign_orientations', 'orientation_histograms', 'descriptor_patch', 'sift_descriptor', 'root_sift'],
})
