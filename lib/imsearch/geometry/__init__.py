"""Planar geometry (chapter 5): the transformation hierarchy, fitting, RANSAC, the epipolar case."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'epipolar': ['fit_fundamental', 'plane_induced_homography', 'fundamental_from_cameras', 'two_plane_pair', 'epipolar_distance'],
    'robust': ['is_degenerate_sample', 'ransac_iterations', 'ransac', 'ransac_homography', 'ransac_homography_counted', 'ransac_trace', 'opencv_homography'],
    'transforms': ['TRANSFORMATIONS', 'apply_homography', 'transfer_error', 'normalize_points', 'fit_translation', 'fit_rigid', 'fit_similarity', 'fit_affine', 'fit_homography', 'fit_model', 'random_transformation', 'cross_ratio', 'INVARIANTS', 'invariant_changes', 'warp_onto', 'superpose'],
})
