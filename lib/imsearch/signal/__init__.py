"""The image as a signal (chapters 1–2): sampling and aliasing, scalar and vector quantization, colour spaces."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'color': ['BAYER_PATTERNS', 'bayer_masks', 'bayer_mosaic', 'bayer_colorize', 'demosaic_bilinear', 'demosaic_opencv', 'psnr_interior', 'rgb_to_hsv', 'hsv_to_rgb', 'YUV_FROM_RGB', 'RGB_FROM_YUV', 'rgb_to_yuv', 'yuv_to_rgb', 'SUBSAMPLING_SCHEMES', 'chroma_subsample', 'luma_subsample', 'bits_per_pixel', 'rgb_to_cmyk', 'cmyk_to_rgb', 'XYZ_FROM_RGB', 'WHITE_D65', 'srgb_to_linear', 'linear_to_srgb', 'rgb_to_xyz', 'xyz_to_lab', 'rgb_to_lab', 'delta_e76', 'delta_e2000', 'just_noticeable_gray_step', 'equal_rgb_distance_pairs', 'parse_color', 'describe_color', 'mixing_circles'],
    'distortion': ['mse', 'psnr'],
    'quantization': ['uniform_quantize', 'uniform_reconstruct', 'expected_quantization_mse', 'expected_quantization_psnr', 'quantizer_law', 'quantization_psnr', 'quantize_image', 'lloyd_max', 'scalar_quantize', 'nearest_level', 'bayer_matrix', 'ordered_dither', 'error_diffusion', 'assign', 'kmeans_objective', 'lloyd_step', 'kmeans', 'color_quantize'],
    'sampling': ['zone_plate', 'zone_plate_frequency', 'gaussian_kernel', 'gaussian_blur', 'subsample', 'ideal_lowpass', 'subsampling_psnr', 'zone_plate_alias_rms', 'smallest_antialias_sigma'],
})
