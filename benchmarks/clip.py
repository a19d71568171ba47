"""Chapter 10 (CLIP): Part A's batch-size and temperature runs, and Part B's zero-shot table.

Part A (``--sweep``): train :class:`imsearch.nn.MiniCLIP` on the shapes world with the
recipe of ``clip_shapes`` changing one thing at a time — the batch size (the number of
negatives each pair is contrasted with) at the learned temperature, and a fixed
temperature at batch 128 — and measure the zero-shot accuracy on held-out and seen
colour-shape combinations (:func:`imsearch.nn.shapes_zero_shot`, 2000 test images) and
text → image recall@1/5 on 500 test pairs. Every run sees the same number of images
(same epochs), one torch thread; each is trained once (one seed), so only large differences count. The results go to
``data/models/clip_shapes/sweep.json``, which chapter 10 shows.

Part B (``--lit``, default): zero-shot top-1 of the LiT projections on Imagenette val,
CIFAR-10 test and Flowers-17 test against chance and a linear probe (same numbers as the
notebook, from the same cached features).

``--steps``: the choice of LiT's number of full-batch steps on ImageNet classes held out of
the captions (5 folds of 200 classes; no test set involved).

    python benchmarks/clip.py [--sweep] [--steps] [--lit]
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

BATCH_SIZES = (32, 512)
FIXED_TEMPERATURES = (0.02, 1.0)


def sweep(progress=True):
    import torch
    from imsearch import data, eval
    from imsearch import nn as inn

    torch.set_num_threads(1)
    base = inn.RECIPES["clip_shapes"]
    train_world = data.make_shapes_world(base.extra["n_train"], seed=base.seed, exclude=data.HELD_OUT)
    test = inn.shapes_test_world()
    pairs = test.subset(np.arange(500))
    runs = [("the committed clip_shapes", base.batch_size, base)]
    runs += [("batch", b, inn.mini_clip_recipe(batch_size=b)) for b in BATCH_SIZES]
    runs += [("temperature", t, inn.mini_clip_recipe(temperature=t, learn_temperature=False)) for t in FIXED_TEMPERATURES]
    rows = []
    for kind, value, recipe in runs:
        t0 = time.perf_counter()
        if recipe is base:       # batch 128, learned temperature: the committed model (same recipe)
            model, _, log = inn.load_model("clip_shapes")
            seconds = inn.read_card("clip_shapes")["training_seconds"]
        else:
            model, log = inn.train_mini_clip(train_world, recipe, progress=progress)
            seconds = time.perf_counter() - t0
        z = inn.shapes_zero_shot(model, test)
        img, txt = inn.encode_shapes(model, pairs.images, pairs.captions)
        dist = -inn.cosine_similarity(txt, img)
        row = {"vary": kind, "value": value, "learned_temperature": recipe.extra["learn_temperature"],
               "final_temperature": round(log["temperature"][-1], 4) if "temperature" in log else None, "final_loss": round(log["epoch_loss"][-1], 4),
               "held_out_accuracy": round(z["held_out_accuracy"], 4), "seen_accuracy": round(z["seen_accuracy"], 4),
               "text_to_image_recall@1": eval.recall_at_k(dist, np.arange(len(pairs)), 1),
               "text_to_image_recall@5": eval.recall_at_k(dist, np.arange(len(pairs)), 5),
               "steps": len(log["loss"]), "seconds": round(seconds, 1)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = {"command": "python benchmarks/clip.py --sweep",
           "recipe": "clip_shapes (6000 pairs, 6 epochs, batch 128, learned temperature from 0.07); one setting "
                     "changed per run",
           "chance": 1 / 24, "torch_threads": 1, "runs": rows}
    out["test"] = (f"shapes_test_world(): {len(test)} images, {int(data.combination_mask(test).sum())} of held-out "
                   f"combinations; recall on its first {len(pairs)} pairs")
    path = inn.models_folder() / "clip_shapes" / "sweep.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print("\n| vary | value | held-out acc | seen acc | t→i R@1 | t→i R@5 | final τ | s |\n|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['vary']} | {r['value']} | {r['held_out_accuracy']:.3f} | {r['seen_accuracy']:.3f} | "
              f"{r['text_to_image_recall@1']:.3f} | {r['text_to_image_recall@5']:.3f} | {r['final_temperature']:.3f} | "
              f"{r['seconds']:.0f} |")
    print(f"written {path}")


def lit():
    import torch
    from imsearch import eval
    from imsearch import nn as inn

    torch.set_num_threads(1)
    names = inn.imagenet_class_names()
    fi, lab, _ = inn.lit_image_features("imagenet_samples", progress=False)
    ft = inn.encode_texts([f"a photo of a {names[c]}." for c in lab])
    model, _ = inn.train_lit(fi, ft, progress=False)
    print("| test set | images | classes | chance | zero-shot top-1 [95 % CI] | linear probe top-1 [95 % CI] |")
    print("|---|---|---|---|---|---|")
    for test, train in (("imagenette_val", "imagenette_train"), ("cifar10_test", "cifar10_train"),
                        ("flowers17_test", "flowers17_train")):
        f, y, cls = inn.lit_image_features(test, progress=False)
        ce = inn.class_embeddings(model.embed(text_features=inn.encode_texts(inn.prompts(cls))))
        zs = inn.zero_shot_classify(model.embed(image_features=f), ce) == y
        ftr, ytr, _ = inn.lit_image_features(train, progress=False)
        lp = inn.linear_probe(ftr, ytr, f) == y
        a, b = eval.bootstrap_mean(zs), eval.bootstrap_mean(lp)
        print(f"| {test} | {len(y)} | {len(cls)} | {1 / len(cls):.3f} | {a.estimate:.3f} [{a.low:.3f}, {a.high:.3f}] | "
              f"{b.estimate:.3f} [{b.low:.3f}, {b.high:.3f}] |")


def steps(step_counts=(5, 10, 15, 20, 30, 60)):
    """Choose LiT's number of full-batch steps on ImageNet classes held out of the captions (5 folds of 200)."""
    import torch
    from imsearch import nn as inn

    torch.set_num_threads(1)
    names = inn.imagenet_class_names()
    fi, lab, _ = inn.lit_image_features("imagenet_samples", progress=False)
    ft = inn.encode_texts([f"a photo of a {names[c]}." for c in lab])
    folds = np.random.default_rng(0).permutation(1000).reshape(5, 200)
    print("| steps | held-out-class top-1 (200-way, mean of 5 folds) | per fold | final training loss |\n|---|---|---|---|")
    for s in step_counts:
        accs, losses = [], []
        for fold in folds:
            val = np.isin(lab, fold)
            model, log = inn.train_lit(fi[~val], ft[~val], inn.lit_recipe(steps=s, n_pairs=int((~val).sum())),
                                       progress=False)
            ie, te = model.embed(fi[val], ft[val])
            accs.append(float(np.mean(inn.zero_shot_classify(ie, te) == np.arange(int(val.sum())))))
            losses.append(log["loss"][-1])
        print(f"| {s} | {np.mean(accs):.3f} | {' '.join(f'{a:.3f}' for a in accs)} | {np.mean(losses):.3f} |")
    print("chance: 0.005")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sweep", action="store_true", help="Part A: batch size and temperature runs (minutes)")
    ap.add_argument("--lit", action="store_true", help="Part B: the zero-shot table (default)")
    ap.add_argument("--steps", action="store_true", help="Part B: choose the number of LiT steps on held-out classes")
    args = ap.parse_args(argv)
    if args.sweep:
        sweep()
    if args.steps:
        steps()
    if args.lit or not (args.sweep or args.steps):
        lit()


if __name__ == "__main__":
    main()
