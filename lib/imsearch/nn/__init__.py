"""The deep-learning base of chapters 8-12 (the only subpackage that imports torch).

Models (CIFAR ResNets, a small ImageNet-style ResNet, EfficientNet-Lite0 with every
stage's activation map), pooling (average, MAC, GeM, L2 normalisation), PCA whitening,
losses (contrastive), batched and cached feature extraction, one training loop with
checkpoints, and an LPIPS-style perceptual distance.
"""
from .._util.lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    'models': ['BasicBlock', 'CifarResNet', 'cifar_resnet', 'load_cifar_resnet', 'CIFAR_MEAN', 'CIFAR_STD',
               'SmallResNet', 'EfficientNetLite0', 'load_efficientnet_lite0', 'EFFICIENTNET_STAGES',
               'option_a_shortcut', 'count_parameters', 'residual_block', 'conv_output_size'],
    'pooling': ['avg_pool', 'mac', 'gem', 'l2_normalize', 'GeM', 'L2Norm'],
    'whitening': ['Whitening', 'learn_whitening', 'whitened_cosine'],
    'losses': ['contrastive_loss', 'ContrastiveLoss', 'koleo', 'KoLeo', 'info_nce', 'InfoNCE', 'positive_pair_mask',
               'info_nce_chance'],
    'extraction': ['fit_square', 'to_tensor', 'augmented_embeddings', 'extract', 'content_hash', 'cached_extract', 'cache_folder',
                   'efficientnet_pooled', 'as_tensor'],
    'training': ['Recipe', 'seeded_batches', 'train', 'save_checkpoint', 'load_checkpoint', 'sha256_file'],
    'finetune': ['RetrievalHead', 'pair_mining_loss', 'same_class_ap', 'efficientnet_features', 'FEATURE_STAGES'],
    'zoo': ['RECIPES', 'models_folder', 'build_model', 'train_model', 'load_model', 'evaluate_model', 'read_card',
            'Family', 'register_family', 'family_of', 'FAMILY_MODULES'],
    'perceptual': ['perceptual_distance', 'lpips_distances'],
    'clip': ['clip_loss', 'aligned_loss', 'Temperature', 'ShapesImageTower', 'ShapesTextTower', 'MiniCLIP', 'mini_clip_recipe',
             'train_mini_clip', 'encode_shapes', 'cosine_similarity', 'prompts', 'class_embeddings', 'zero_shot_classify',
             'LiTProjections', 'lit_recipe', 'train_lit', 'LIT_SETS', 'imagenet_class_names', 'lit_image_features',
             'linear_probe', 'SHAPES_TEST_SIZE', 'SHAPES_TEMPLATE', 'shapes_test_world', 'shapes_zero_shot',
             'PROMPT_TEMPLATES', 'lit_zero_shot'],
    'text': ['MODEL_PACKAGE', 'TEXT_DIM', 'load_text_encoder', 'encode_texts', 'load_local_clip'],
    'sscd': ['SSCDNet', 'build_sscd', 'disc_descriptors', 'gem_linear_l2', 'effective_rank', 'evaluate_disc', 'instance_positives',
             'multi_positive_info_nce', 'sscd_descriptors', 'sscd_loss', 'sscd_views', 'train_sscd',
             'training_images', 'weights_id'],
    'simclr': ['SimCLR', 'build_simclr', 'cifar_images', 'simclr_loss', 'train_simclr', 'features', 'knn_predict',
               'knn_accuracy', 'linear_eval', 'step_time_split', 'evaluate_simclr', 'evaluation_table',
               'ablation_recipes', 'run_ablation', 'SIMCLR_RECIPES', 'EVAL_TRAIN_PER_CLASS', 'EVAL_TEST_PER_CLASS'],
    'augment': ['random_resized_crop', 'horizontal_flip', 'color_jitter', 'random_grayscale', 'gaussian_blur',
                'mixup', 'cutmix', 'simclr_augment', 'PRESETS', 'adjust_brightness', 'adjust_contrast',
                'adjust_saturation', 'adjust_hue'],
})
