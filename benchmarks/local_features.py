"""Benchmark of chapters 4–5: our Harris, SIFT descriptor and RANSAC against OpenCV's.

Prints three tables (markdown) in one run:

1. Harris: our from-scratch response and detector vs ``cv2.cornerHarris`` /
   ``cv2.goodFeaturesToTrack`` on the same images — time per image, ratio, and how many
   of our corners OpenCV also finds;
2. SIFT descriptor: ours vs OpenCV's on the same keypoints (OpenCV's DoG detections) —
   average precision of ratio-ranked matches on graf 1→2, 1→3, 1→4 against the ground-
   truth homographies, their mean (mAP), with and without RootSIFT;
3. RANSAC: ours vs ``cv2.findHomography`` (RANSAC, USAC_MAGSAC) on the 16 CMP ``homogr``
   pairs (success = mean transfer error on the 8 verified correspondences < 5 px;
   error; inlier precision/recall against the ground-truth inliers; time), over several
   seeds, plus the 15 EVD pairs.

Usage (from the repository root, with the course data pack)::

    IMSEARCH_DATA_MIRROR=../shared/data .venv/bin/python benchmarks/local_features.py [--seeds 5]

Without the pack it runs on embedded photos and synthetic homographies (and says so).
This is a script, not a test: it takes a minute or two.
"""
from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from imsearch import data, eval, features, geometry, matching
from imsearch._util.timing import best_of
from imsearch.image import to_gray


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- 1. Harris

def bench_harris(images, names):
    import cv2

    rows = []
    tot = np.zeros(4)
    agree = []
    for img, name in zip(images, names):
        g = to_gray(img)
        g32 = g.astype(np.float32)
        t_resp, _ = best_of(lambda: features.harris_response(g, sigma_d=1.0, sigma_i=2.0, k=0.05))
        t_cv_resp, _ = best_of(lambda: cv2.cornerHarris(g32, blockSize=5, ksize=3, k=0.05))
        t_det, ours = best_of(lambda: features.harris_corners(g, n_best=500))
        t_cv_det, theirs = best_of(lambda: features.detect_opencv(g, "harris", n_best=500))
        frac = features.fraction_within(ours, theirs[:, :2], tol_px=2.0)
        agree.append(frac)
        tot += [t_resp, t_cv_resp, t_det, t_cv_det]
        rows.append([name, f"{g.shape[1]}×{g.shape[0]}", f"{1e3 * t_resp:.1f}", f"{1e3 * t_cv_resp:.2f}",
                     f"{t_resp / t_cv_resp:.0f}×", f"{1e3 * t_det:.1f}", f"{1e3 * t_cv_det:.1f}",
                     f"{t_det / t_cv_det:.0f}×", f"{frac:.0%}"])
    n = len(images)
    rows.append(["**mean**", "", f"{1e3 * tot[0] / n:.1f}", f"{1e3 * tot[1] / n:.2f}", f"**{tot[0] / tot[1]:.0f}×**",
                 f"{1e3 * tot[2] / n:.1f}", f"{1e3 * tot[3] / n:.1f}", f"**{tot[2] / tot[3]:.0f}×**",
                 f"{np.mean(agree):.0%}"])
    return _table(["image", "size", "ours response (ms)", "cv2.cornerHarris (ms)", "ratio",
                   "ours 500 corners (ms)", "cv2 goodFeaturesToTrack (ms)", "ratio",
                   "our corners within 2 px of OpenCV's"], rows)


# ----------------------------------------------------------------------------- 2. SIFT descriptor

def bench_sift(images, Hs, n_keypoints=1000):
    grays = [to_gray(im) for im in images[:4]]
    kps = [features.detect_opencv(g, "sift", n_best=n_keypoints, with_angle=True) for g in grays]
    describe = {"ours": features.sift_descriptor, "OpenCV": lambda g, k: features.opencv_sift(g, keypoints=k)[1]}
    desc, times = {}, {}
    for name, f in describe.items():
        t0 = time.perf_counter()
        desc[name] = [f(g, k) for g, k in zip(grays, kps)]
        times[name] = (time.perf_counter() - t0) / sum(map(len, kps)) * 1e6  # ms per 1000 keypoints
    for name in list(desc):
        desc[name + " + RootSIFT"] = [features.root_sift(d) for d in desc[name]]
        times[name + " + RootSIFT"] = times[name]
    rows = []
    for name, ds in desc.items():
        aps, nn_aps = [], []
        for j in (1, 2, 3):
            c = matching.matching_curves(ds[0], ds[j], kps[0], kps[j], Hs[j + 1], threshold_px=3.0)
            aps.append(c["ratio"]["ap"])
            nn_aps.append(c["nn"]["ap"])
        rows.append([name] + [f"{a:.3f}" for a in aps] + [f"**{np.mean(aps):.3f}**", f"{np.mean(nn_aps):.3f}",
                                                          f"{times[name]:.0f}"])
    return _table(["descriptor", "AP 1→2", "AP 1→3", "AP 1→4", "mAP (ratio ranking)", "mAP (distance ranking)",
                   "ms / 1000 keypoints"], rows), [len(k) for k in kps]


# ----------------------------------------------------------------------------- 3. RANSAC

def _estimators(seed):
    return {
        "ours (RANSAC)": lambda s, d: geometry.ransac_homography(s, d, threshold_px=3.0, confidence=0.999,
                                                                 max_iters=10000, seed=seed),
        "OpenCV RANSAC": lambda s, d: geometry.opencv_homography(s, d, "ransac", threshold_px=3.0, confidence=0.999,
                                                                 max_iters=10000, seed=seed),
        "OpenCV USAC_MAGSAC": lambda s, d: geometry.opencv_homography(s, d, "magsac", threshold_px=3.0,
                                                                      confidence=0.999, max_iters=10000, seed=seed),
    }


def bench_ransac(pairs, seeds):
    all_rows = []
    for seed in seeds:
        rows = eval.evaluate_homography_estimators(pairs, _estimators(seed), threshold_px=3.0, success_px=5.0,
                                                       progress=False)
        for r in rows:
            r["seed"] = seed
        all_rows += rows
    summary = eval.summarize_homography_results(all_rows)
    table = _table(["method", "success", "median error (px)", "mean error on successes (px)",
                    "inlier precision", "inlier recall", "time / pair (ms)"],
                   [[s["method"], f"{s['success_rate']:.1%} ({round(s['success_rate'] * s['n_pairs'])}/{s['n_pairs']})",
                     f"{s['median_error_px']:.2f}", f"{s['mean_error_success_px']:.2f}", f"{s['precision']:.3f}",
                     f"{s['recall']:.3f}", f"{s['time_ms']:.1f}"] for s in summary])
    # paired comparison: the runs where both ours and OpenCV's RANSAC succeed
    by = {(r["pair"], r["seed"], r["method"]): r for r in all_rows}
    both = [(by[p, s, "ours (RANSAC)"]["error_px"], by[p, s, "OpenCV RANSAC"]["error_px"])
            for (p, s, m) in by if m == "ours (RANSAC)"
            and by[p, s, "ours (RANSAC)"]["success"] and by[p, s, "OpenCV RANSAC"]["success"]]
    if both:
        e = np.array(both)
        table += (f"\n\nPaired: on the {len(e)} runs where both RANSACs succeed, mean error ours "
                  f"{e[:, 0].mean():.2f} px vs OpenCV {e[:, 1].mean():.2f} px (median {np.median(e[:, 0]):.2f} vs "
                  f"{np.median(e[:, 1]):.2f}); ours is lower on {np.mean(e[:, 0] < e[:, 1]):.0%} of them.")
    return table, all_rows


def per_pair_table(rows, seed):
    methods = list(dict.fromkeys(r["method"] for r in rows))
    names = list(dict.fromkeys(r["pair"] for r in rows))
    by = {(r["pair"], r["method"]): r for r in rows if r["seed"] == seed}
    out = []
    for n in names:
        out.append([n] + [f"{'✓' if by[n, m]['success'] else '✗'} {by[n, m]['error_px']:.2f}" for m in methods])
    return _table(["pair"] + [f"{m}: error (px)" for m in methods], out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="RANSAC runs per pair (seeds 0..n-1)")
    args = parser.parse_args(argv)
    seeds = list(range(args.seeds))
    have = all(data.have_dataset(n) for n in ("oxford_affine", "cmp_homography_pairs"))
    import cv2

    print(f"# local features benchmark — {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"numpy {np.__version__}, OpenCV {cv2.__version__}, OpenCV threads {cv2.getNumThreads()}")
    print(f"data: {'course data pack (' + str(data.mirror()) + ')' if have else 'NO data pack: synthetic stand-ins'}\n")
    t_start = time.perf_counter()

    # 1. Harris
    if have:
        graf, graf_H = data.load_oxford_affine("graf")
        boat, _ = data.load_oxford_affine("boat")
        h_images = graf[:3] + boat[:3]
        h_names = [f"graf img{i}" for i in (1, 2, 3)] + [f"boat img{i}" for i in (1, 2, 3)]
    else:
        names = ["astronaut", "coffee", "chelsea", "camera", "brick", "grace_hopper"]
        h_images = [data.load_default_image(n) for n in names]
        h_names = names
    print("## 1. Harris: ours (numpy/scipy) vs OpenCV, same images (best of 3 runs)\n")
    print(bench_harris(h_images, h_names))

    # 2. SIFT
    if have:
        seq, seq_H, seq_name = graf, graf_H, "graf"
    else:
        seq, seq_H = features.synthetic_viewpoint_sequence(data.load_default_image("astronaut"), n=5, seed=0)
        seq_name = "astronaut, synthetic viewpoint sequence"
    table, counts = bench_sift(seq, seq_H)
    print(f"\n## 2. SIFT descriptor: ours vs OpenCV on the same keypoints ({seq_name}; "
          f"{counts} OpenCV DoG keypoints in images 1–4; correct within 3 px)\n")
    print(table)

    # 3. RANSAC
    if have:
        pairs = []
        for n in data.cmp_pair_names("homogr"):
            p = data.load_cmp_pair(n, "homogr")
            pairs.append({"name": n, "matches": p["matches"], "H_BtoA": p["H_BtoA"], "verified": p["verified"]})
        hard = []
        for n in data.cmp_pair_names("evd"):
            p = data.load_cmp_pair(n, "evd")
            hard.append({"name": n, "matches": p["matches"], "labels": p["labels"]})
    else:
        pairs, hard = [], []
        for k, n in enumerate(["astronaut", "coffee", "chelsea", "rocket", "china", "grace_hopper", "brick", "camera"]):
            p = matching.synthetic_homography_pair(data.load_default_image(n), seed=k, strength=0.3,
                                                   outlier_fraction=0.3)
            pairs.append({"name": n, **{key: p[key] for key in ("matches", "H_BtoA", "verified")}})
            q = matching.synthetic_homography_pair(data.load_default_image(n), seed=10 + k, strength=0.45,
                                                   outlier_fraction=0.85)
            hard.append({"name": n, "matches": q["matches"], "labels": q["labels"]})
    table, rows = bench_ransac(pairs, seeds)
    label, hard_label = ("homogr", "EVD extreme-view") if have else ("synthetic", "synthetic hard (85 % outliers added)")
    print(f"\n## 3. RANSAC: {len(pairs)} {label} pairs × {len(seeds)} seeds (threshold 3 px, confidence 0.999, "
          "max 10000 iterations; success = mean transfer error on the verified correspondences < 5 px)\n")
    print(table)
    print(f"\nPer pair, seed 0 (✓ success, mean transfer error on the verified correspondences):\n")
    print(per_pair_table(rows, 0))
    table, _ = bench_ransac(hard, seeds)
    print(f"\n## 3b. RANSAC on the {len(hard)} {hard_label} pairs × {len(seeds)} seeds (success = median "
          "transfer error of the labelled inliers < 5 px; precision/recall against the labels)\n")
    print(table)
    print(f"\ntotal time {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
