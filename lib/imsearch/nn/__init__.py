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
    'losses': ['contrastive_loss', 'ContrastiveLoss'],
    'extraction': ['fit_square', 'to_tensor', 'extract', 'content_hash', 'cached_extract', 'cache_folder',
                   'efficientnet_pooled', 'as_tensor'],
    'training': ['Recipe', 'seeded_batches', 'train', 'save_checkpoint', 'load_checkpoint', 'sha256_file'],
    'finetune': ['RetrievalHead', 'pair_mining_loss', 'same_class_ap', 'efficientnet_features', 'FEATURE_STAGES'],
    'zoo': ['RECIPES', 'models_folder', 'build_model', 'train_model', 'load_model', 'evaluate_model', 'read_card'],
    'perceptual': ['perceptual_distance', 'lpips_distances'],
})
