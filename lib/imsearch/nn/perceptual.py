"""Deep features as a perceptual distance, in the manner of LPIPS (Zhang et al., CVPR 2018).

Two images go through the same network; at each of several layers the activation map
is normalised to unit length along its channels at every position, the two maps are
subtracted, and the squared differences are averaged over the positions and summed
over the layers: ``d(x, y) = Σ_l 1/(H_l W_l) Σ_{h,w} ||x̂_l[h,w] − ŷ_l[h,w]||²``.
LPIPS also learns a weight per channel on human judgements; this is its unlearned
variant (all weights 1), which the paper reports already tracks human judgements far
better than PSNR or SSIM.
"""
from __future__ import annotations

import numpy as np
import torch

__all__ = ["lpips_distances", "perceptual_distance"]

#: EfficientNet-Lite0 stages used by :func:`lpips_distances` (early to late).
DEFAULT_STAGES = ("stage1", "stage2", "stage3", "stage4", "stage6")


def perceptual_distance(maps_a: dict, maps_b: dict) -> torch.Tensor:
    """LPIPS-style distance between two sets of activation maps (unit weights).

    Parameters
    ----------
    maps_a, maps_b : dict name -> (N, C_l, H_l, W_l) float tensor
        The same layers of the same network for two batches of images.

    Returns
    -------
    (N,) tensor
        ``Σ_l mean_{h,w} ||a_l/|a_l| − b_l/|b_l|||²`` (each term in [0, 4]).

    References
    ----------
    R. Zhang, P. Isola, A. A. Efros, E. Shechtman, O. Wang. The unreasonable effectiveness
    of deep features as a perceptual metric. CVPR 2018.
    """
    if not maps_a or set(maps_a) != set(maps_b):
        raise ValueError(f"maps_a and maps_b must name the same non-empty layers, got {sorted(maps_a)} and {sorted(maps_b)}")
    total = 0
    for name, a in maps_a.items():
        b = maps_b[name]
        if a.shape != b.shape or a.ndim != 4:
            raise ValueError(f"layer {name!r}: maps must be (N, C, H, W) of one shape, got {tuple(a.shape)} and {tuple(b.shape)}")
        a = a / a.norm(dim=1, keepdim=True).clamp(min=1e-10)
        b = b / b.norm(dim=1, keepdim=True).clamp(min=1e-10)
        total = total + (a - b).pow(2).sum(dim=1).mean(dim=(1, 2))
    return total


def lpips_distances(model, images_a, images_b, stages=DEFAULT_STAGES, size: int = 160) -> np.ndarray:
    """Perceptual distance between pairs of images through EfficientNet-Lite0.

    Parameters
    ----------
    model : imsearch.nn.EfficientNetLite0
    images_a, images_b : sequences of (H, W, 3) uint8, same length
        The pairs; each image is squashed to ``size × size`` (so crops and rescales compare).
    stages : sequence of str
    size : int

    Returns
    -------
    (N,) float64 array
    """
    from .extraction import fit_square, to_tensor

    if len(images_a) != len(images_b) or len(images_a) == 0:
        raise ValueError(f"images_a and images_b must be non-empty and of the same length, got {len(images_a)} and {len(images_b)}")
    xa = to_tensor(np.stack([fit_square(im, size, "squash") for im in images_a]))
    xb = to_tensor(np.stack([fit_square(im, size, "squash") for im in images_b]))
    with torch.inference_mode():
        ma = model.activation_maps(model.normalize(xa), stages)
        mb = model.activation_maps(model.normalize(xb), stages)
        return perceptual_distance(ma, mb).double().numpy()
