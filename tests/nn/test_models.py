"""Models: the option-A shortcut, block forward passes against hand computations, the pack's checkpoints."""
import os

import pytest
import torch
from imsearch import data
from imsearch import nn as inn


def _pack():
    if not os.environ.get("IMSEARCH_DATA_MIRROR") or not data.have_dataset("models") or not data.have_dataset("cifar10"):
        pytest.skip("course data pack not found: set IMSEARCH_DATA_MIRROR (needs models, cifar10)")


def test_option_a_shortcut_places_channels_in_the_middle():
    x = torch.arange(2 * 16 * 4 * 4, dtype=torch.float32).reshape(2, 16, 4, 4)
    y = inn.option_a_shortcut(x, 32, 2)
    assert y.shape == (2, 32, 2, 2)
    assert torch.all(y[:, :8] == 0) and torch.all(y[:, 24:] == 0)
    torch.testing.assert_close(y[:, 8:24], x[:, :, ::2, ::2])
    with pytest.raises(ValueError):
        inn.option_a_shortcut(x, 17, 1)


def test_basic_block_forward_matches_its_definition():
    torch.manual_seed(0)
    blk = inn.BasicBlock(4, 4).eval()
    for bn in (blk.bn1, blk.bn2):
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
    x = torch.randn(2, 4, 6, 6)

    def bn(m, t):
        return (t - m.running_mean[None, :, None, None]) / torch.sqrt(m.running_var[None, :, None, None] + m.eps) \
            * m.weight[None, :, None, None] + m.bias[None, :, None, None]

    conv = torch.nn.functional.conv2d
    h = torch.relu(bn(blk.bn1, conv(x, blk.conv1.weight, padding=1)))
    ref = torch.relu(bn(blk.bn2, conv(h, blk.conv2.weight, padding=1)) + x)
    with torch.no_grad():
        torch.testing.assert_close(blk(x), ref)
        plain = inn.BasicBlock(4, 4, residual=False).eval()
        plain.load_state_dict(blk.state_dict())
        torch.testing.assert_close(plain(x), torch.relu(bn(blk.bn2, conv(h, blk.conv2.weight, padding=1))))


def test_cifar_resnet_shapes_and_parameter_counts():
    m = inn.cifar_resnet(20)
    assert inn.count_parameters(m) == 269_722           # the pack's SOURCE.md
    assert inn.count_parameters(inn.cifar_resnet(56)) == 853_018
    maps = m.activation_maps(torch.zeros(2, 3, 32, 32))
    assert [tuple(v.shape) for v in maps.values()] == [(2, 16, 32, 32), (2, 16, 32, 32), (2, 32, 16, 16), (2, 64, 8, 8)]
    assert m(torch.zeros(2, 3, 32, 32)).shape == (2, 10)
    with pytest.raises(ValueError, match="6n \\+ 2"):
        inn.cifar_resnet(21)


def test_small_resnet_shapes():
    m = inn.SmallResNet(num_classes=5)
    maps = m.activation_maps(torch.zeros(1, 3, 64, 64))
    assert maps["stage4"].shape == (1, 256, 4, 4)
    assert m(torch.zeros(1, 3, 96, 96)).shape == (1, 5)
    with pytest.raises(ValueError):
        m(torch.zeros(1, 1, 64, 64))


def test_pack_resnets_reproduce_their_accuracy():
    """First 50 test images per class: the pack's SOURCE.md measured 81.03 % / 83.20 % on all 10,000."""
    _pack()
    d = data.load_cifar10("test", per_class=50)
    mean = torch.tensor(inn.CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(inn.CIFAR_STD).view(1, 3, 1, 1)
    accs = {}
    for depth in (20, 56):
        m = inn.load_cifar_resnet(depth)
        out = inn.extract(lambda x, m=m: {"logits": m((x / 255 - mean) / std)}, d.images, size=None, batch_size=500,
                          progress=False)
        accs[depth] = float((out["logits"].argmax(1) == d.labels).mean())
    assert 0.74 <= accs[20] <= 0.88, accs
    assert 0.76 <= accs[56] <= 0.90, accs


def test_efficientnet_stages_and_logits():
    e = inn.load_efficientnet_lite0()
    x = torch.rand(2, 3, 160, 160) * 255
    with torch.inference_mode():
        maps = e.activation_maps(e.normalize(x), list(inn.EFFICIENTNET_STAGES))
        for name, (_, channels, stride) in inn.EFFICIENTNET_STAGES.items():
            assert maps[name].shape == (2, channels, 160 // stride, 160 // stride), name
        # the head map average-pooled through the package's classifier gives its logits
        logits = e.net._fc(maps["head"].mean(dim=(2, 3)))
        torch.testing.assert_close(logits, e(e.normalize(x)), rtol=1e-4, atol=1e-4)
        # running from a cached intermediate map gives the same head
        rest = e.run_stages(maps["stage6"], "stage6", "head")["head"]
        torch.testing.assert_close(rest, maps["head"])
    assert maps["head"].min() >= 0 and maps["head"].max() <= 6  # ReLU6
    with pytest.raises(ValueError):
        e.run_stages(x, "head", "stage1")
