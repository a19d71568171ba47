"""SimCLR on the CPU (chapter 9): augmentation cost, step-time split, and the ablation re-run.

1. **Augmentation**: one random resized crop of a batch of CIFAR images by one batched
   ``affine_grid`` + ``grid_sample`` (``imsearch.nn.random_resized_crop``) against a loop of
   per-image crops resized with ``interpolate``; then each augmentation of the "crop+color" and
   "all" presets, timed alone.
2. **Step split** of the chapter's network (``imsearch.nn.step_time_split``): augmentation /
   forward / backward / optimiser, batch 256 — augmentation must cost less than forward + backward.
3. **Ablation** (``--ablation``): re-runs ``python -m imsearch.nn.simclr ablation`` (about half
   an hour on one thread) into ``--out`` and prints its table next to the committed results.

    python benchmarks/simclr.py [--threads 1] [--batch 256] [--ablation] [--out /tmp/simclr_ablation.json]
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np


def _best(fn, repeats=5):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _per_image_crops(x, g, size=32):
    import torch
    import torch.nn.functional as F

    out = []
    n, _, h, w = x.shape
    for i in range(n):
        ch = int(torch.randint(8, h + 1, (1,), generator=g))
        cw = int(torch.randint(8, w + 1, (1,), generator=g))
        y0 = int(torch.randint(0, h - ch + 1, (1,), generator=g))
        x0 = int(torch.randint(0, w - cw + 1, (1,), generator=g))
        out.append(F.interpolate(x[i:i + 1, :, y0:y0 + ch, x0:x0 + cw], size=(size, size), mode="bilinear",
                                 align_corners=False))
    return torch.cat(out)


def main(argv=None):
    import torch
    from imsearch import nn as inn

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--ablation", action="store_true", help="re-run the ablation (~30 min)")
    ap.add_argument("--out", default="/tmp/simclr_ablation.json")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    x, _ = inn.cifar_images("train", per_class=max(1, args.batch // 10 + 1))
    x = x[: args.batch]
    g = torch.Generator().manual_seed(0)

    print(f"## 1. Augmenting a batch of {len(x)} CIFAR images (32 px), {args.threads} thread(s), best of 5 (ms)\n")
    print("| operation | ms per batch |\n|---|---|")
    rows = {
        "random resized crop, batched grid_sample": lambda: inn.random_resized_crop(x, g),
        "random crop + interpolate, one image at a time": lambda: _per_image_crops(x, g),
        "horizontal flip": lambda: inn.horizontal_flip(x, g),
        "colour jitter (p = 0.8)": lambda: inn.color_jitter(x, g),
        "grayscale (p = 0.2)": lambda: inn.random_grayscale(x, g),
        "Gaussian blur σ 0.1-2 (p = 0.5)": lambda: inn.gaussian_blur(x, g),
        "preset crop+color (one view)": lambda: inn.simclr_augment(x, g, "crop+color"),
        "preset all (one view)": lambda: inn.simclr_augment(x, g, "all"),
        "preset strong (one view)": lambda: inn.simclr_augment(x, g, "strong"),
    }
    for name, fn in rows.items():
        print(f"| {name} | {1000 * _best(fn):.1f} |")

    model = inn.load_model("simclr_small")[0]
    split = inn.step_time_split(model, x, batch_size=len(x), repeats=3)
    print(f"\n## 2. One SimCLR step of the chapter's network, batch {len(x)} (two views each), median of 3\n")
    print("| part | seconds | share |\n|---|---|---|")
    for part in ("augment", "forward", "backward", "optimizer"):
        print(f"| {part} | {split[part]:.3f} | {split[part] / split['total']:.0%} |")
    print(f"| total | {split['total']:.3f} | {split['images_per_second']:.0f} images/s |")
    ratio = split["augment"] / (split["forward"] + split["backward"])
    print(f"\naugmentation / (forward + backward) = {ratio:.2f}")

    committed = json.loads((inn.models_folder() / "simclr_ablation" / "results.json").read_text())
    if args.ablation:
        fresh = inn.run_ablation(args.out)
    else:
        fresh = None
    print(f"\n## 3. Ablation at a fixed budget ({committed['budget_images']:,} images per run)\n")
    head = "| run | augment | τ | batch | kNN (committed) | linear (committed) |"
    if fresh:
        head += " kNN (re-run) | linear (re-run) |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for name, r in committed["runs"].items():
        line = (f"| {name} | {r['augment']} | {r['temperature']} | {r['batch_size']} | {r['knn_accuracy']:.3f} | "
                f"{r['linear_accuracy']:.3f} |")
        if fresh:
            f = fresh["runs"][name]
            line += f" {f['knn_accuracy']:.3f} | {f['linear_accuracy']:.3f} |"
        print(line)
    print(f"\nrandom init kNN accuracy: {committed['random_init_knn_accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
