"""The LPIPS-style distance: a numpy reference, zero on identical inputs, symmetry."""
import numpy as np
import torch
from imsearch import nn as inn


def test_matches_numpy_reference_and_is_symmetric():
    g = torch.Generator().manual_seed(0)
    a = {"l1": torch.rand(2, 4, 3, 3, generator=g), "l2": torch.rand(2, 6, 2, 2, generator=g)}
    b = {"l1": torch.rand(2, 4, 3, 3, generator=g), "l2": torch.rand(2, 6, 2, 2, generator=g)}
    ref = np.zeros(2)
    for k in a:
        x, y = a[k].numpy(), b[k].numpy()
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        y = y / np.linalg.norm(y, axis=1, keepdims=True)
        ref += ((x - y) ** 2).sum(axis=1).mean(axis=(1, 2))
    np.testing.assert_allclose(inn.perceptual_distance(a, b).numpy(), ref, rtol=1e-5)
    torch.testing.assert_close(inn.perceptual_distance(a, b), inn.perceptual_distance(b, a))
    np.testing.assert_allclose(inn.perceptual_distance(a, a).numpy(), 0, atol=1e-6)
    # invariant to a positive rescaling of a layer (normalised along channels)
    a2 = {k: 3 * v for k, v in a.items()}
    torch.testing.assert_close(inn.perceptual_distance(a2, b), inn.perceptual_distance(a, b))


def test_lpips_on_images_orders_small_and_large_changes():
    rng = np.random.default_rng(0)
    from skimage import data as skd

    im = skd.astronaut()[::2, ::2]
    small = np.clip(im + rng.normal(0, 3, im.shape), 0, 255).astype(np.uint8)
    large = np.clip(im + rng.normal(0, 40, im.shape), 0, 255).astype(np.uint8)
    e = inn.load_efficientnet_lite0()
    d = inn.lpips_distances(e, [im, im, im], [im, small, large])
    assert d[0] < 1e-6 < d[1] < d[2]
