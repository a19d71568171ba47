"""Throughput of the feature-extraction pipeline against the bare forward pass (issue 10).

For the same batches of real photos (Flowers-17 test, sizes vary, longer side 192), time

* **bare forward**: EfficientNet-Lite0 up to its last activation map, on input tensors
  prepared beforehand (already resized, normalised, in memory);
* **pipeline**: :func:`imsearch.nn.extract` from the ``uint8`` photos: resize + pad to
  160 px, stack, to a channels-last tensor, normalise, forward, GeM pooling, to numpy;

interleaved batch by batch (so both see the same machine load), and report images/s and
the ratio. The target: the pipeline costs at most 20 % more than the forward pass.
Also compares channels-last with the default (NCHW-contiguous) memory layout.

    python benchmarks/nn_throughput.py [--images 256] [--batch 32] [--threads N]
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv=None):
    import torch
    from imsearch import data
    from imsearch import nn as inn

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=256)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", type=int, default=160)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    images = data.load_flowers17("test").images[: args.images]
    model = inn.load_efficientnet_lite0()
    fn = inn.efficientnet_pooled(model, ("head",), ("gem",))
    batches = [images[i:i + args.batch] for i in range(0, len(images), args.batch)]
    prepared = [inn.to_tensor(np.stack([inn.fit_square(im, args.size) for im in b])) for b in batches]
    prepared_nchw = [t.contiguous() for t in prepared]

    def bare(x):
        with torch.inference_mode():
            return model.activation_maps(model.normalize(x), ["head"])["head"]

    # warm-up
    bare(prepared[0])
    inn.extract(fn, batches[0], size=args.size, batch_size=args.batch, progress=False)
    t = {"bare (channels-last)": 0.0, "bare (NCHW)": 0.0, "pipeline": 0.0}
    ratios = []
    for b, x, xc in zip(batches, prepared, prepared_nchw):
        t0 = time.perf_counter()
        bare(x)
        t1 = time.perf_counter()
        inn.extract(fn, b, size=args.size, batch_size=args.batch, progress=False)
        t2 = time.perf_counter()
        bare(xc)
        t3 = time.perf_counter()
        t["bare (channels-last)"] += t1 - t0
        t["pipeline"] += t2 - t1
        t["bare (NCHW)"] += t3 - t2
        ratios.append((t2 - t1) / (t1 - t0))
    n = len(images)
    print(f"EfficientNet-Lite0 to the head map, {n} Flowers-17 photos, {args.size} px, batch {args.batch}, "
          f"{torch.get_num_threads()} torch threads")
    print("| what | images/s |\n|---|---|")
    for k, v in t.items():
        print(f"| {k} | {n / v:.1f} |")
    total = t["pipeline"] / t["bare (channels-last)"]
    print(f"pipeline / bare forward time: {total:.3f} (total), median over batches {np.median(ratios):.3f}; "
          f"target <= 1.20: {'met' if total <= 1.2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
