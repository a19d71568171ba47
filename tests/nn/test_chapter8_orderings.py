"""The orderings chapter 8 concludes from, measured on the pack (paired bootstrap over queries).

They read the chapter's cached feature pass (``nn.efficientnet_features``, computed on the
first run: minutes cold, seconds warm) and the committed checkpoints.
"""
import os

import numpy as np
import pytest
import torch
from imsearch import data, descriptors
from imsearch import eval as ev
from imsearch import nn as inn


@pytest.fixture(scope="module")
def flowers():
    if not os.environ.get("IMSEARCH_DATA_MIRROR") or not data.have_dataset("flowers17"):
        pytest.skip("course data pack not found: set IMSEARCH_DATA_MIRROR (needs flowers17)")
    tr, te = data.load_flowers17("train"), data.load_flowers17("test")
    ftr = inn.efficientnet_features(tr.images, "flowers17_train", progress=False)
    fte = inn.efficientnet_features(te.images, "flowers17_test", progress=False)

    def ap(x):
        return inn.same_class_ap(np.asarray(x, np.float64), te.labels)

    out = {k: ap(descriptors.l2_normalize(fte[k].astype(np.float64))) for k in ("head/gem", "head/avg", "stage4/gem")}
    w = inn.learn_whitening(descriptors.l2_normalize(ftr["head/gem"]), 256)
    out["whitened"] = ap(w.transform(descriptors.l2_normalize(fte["head/gem"])))
    model, _, _ = inn.load_model("flowers17_effnet_ft")
    with torch.inference_mode():
        out["fine-tuned"] = ap(model(torch.from_numpy(fte["stage6"])).numpy())
    return out


def _diff(res, a, b):
    return ev.paired_bootstrap(res[a], res[b])


def test_gem_beats_average_pooling_on_flowers(flowers):
    d = _diff(flowers, "head/gem", "head/avg")
    assert d.excludes(0) and d.estimate > 0


def test_late_stage_beats_early_stage_on_flowers(flowers):
    d = _diff(flowers, "head/gem", "stage4/gem")
    assert d.excludes(0) and d.estimate > 0.15


def test_whitening_256_learned_on_1088_photos_hurts_on_flowers(flowers):
    d = _diff(flowers, "whitened", "head/gem")
    assert d.excludes(0) and d.estimate < 0


def test_fine_tuning_beats_gem_whitening_but_not_plain_gem(flowers):
    up = _diff(flowers, "fine-tuned", "whitened")
    assert up.excludes(0) and up.estimate > 0
    vs_gem = _diff(flowers, "fine-tuned", "head/gem")
    assert vs_gem.excludes(0) and vs_gem.estimate < 0


def test_residual_network_trains_faster_than_plain_in_the_committed_logs():
    logs = {}
    for name in ("cifar_resnet32_short", "cifar_plain32_short"):
        if not (inn.models_folder() / name / "log.json").exists():
            pytest.skip(f"{name} not trained")
        logs[name] = inn.load_model(name)[2]
    res, plain = logs["cifar_resnet32_short"], logs["cifar_plain32_short"]
    assert res["epoch_loss"][-1] < plain["epoch_loss"][-1]
    assert res["eval"][-1]["test_accuracy"] > plain["eval"][-1]["test_accuracy"]
