"""Where the course's images come from: embedded photos, the course data pack (mirror, cache, manifest) and its dataset loaders."""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'classification': ['LabelledImages', 'load_cifar10', 'load_imagenette', 'imagenette_imagenet_index', 'load_flowers17'],
    'loaders': ['load_bsds500', 'load_imagenet_samples', 'load_oxford_affine', 'load_opencv_sample', 'load_opencv_graf_homography', 'cmp_pair_names', 'load_cmp_pair', 'load_ukbench_subset'],
    'pack': ['MIRROR_VARIABLE', 'CACHE_VARIABLE', 'MANIFEST', 'README_SECTION', 'DataMissingError', 'DataCorruptError', 'datasets', 'mirror', 'cache_dir', 'fetch', 'have_dataset'],
    'photos': ['list_default_images', 'load_default_image'],
    'shapes_world': ['COLORS', 'SHAPES', 'SIZES', 'POSITIONS', 'HELD_OUT', 'VOCABULARY', 'ShapesWorld', 'render_shape',
                     'caption_for', 'make_shapes_world', 'combination_mask', 'tokenize', 'attribute_names'],
})
