"""Fine-tuning helpers: same-class AP against eval.metrics, the pair-mining loss, the retrieval head."""
import numpy as np
import pytest
import torch

from imsearch import nn as inn
from imsearch.eval import metrics


def test_same_class_ap_matches_eval_metrics():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 5))
    x = np.round(x, 1)                         # ties too
    y = rng.integers(0, 4, 30)
    y[0] = 9                                   # a class of one: NaN
    ap = inn.same_class_ap(x, y)
    assert np.isnan(ap[0])
    sim = x @ x.T
    for q in range(1, 30):
        keep = np.arange(30) != q
        assert ap[q] == pytest.approx(metrics.average_precision(sim[q][keep], (y == y[q])[keep]), abs=1e-12)
    perfect = np.eye(3)[[0, 0, 1, 1, 2, 2]]
    np.testing.assert_allclose(inn.same_class_ap(perfect, [0, 0, 1, 1, 2, 2]), 1.0)


def test_pair_mining_loss_uses_positives_and_hardest_negatives():
    z = inn.l2_normalize(torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]]))
    labels = torch.tensor([0, 0, 1, 1])
    loss = inn.pair_mining_loss(z, labels, margin=0.5)
    d = torch.cdist(z, z)
    pos = [d[0, 1], d[2, 3]]
    hard = [d[0].masked_fill(labels == 0, 9).min(), d[1].masked_fill(labels == 0, 9).min(),
            d[2].masked_fill(labels == 1, 9).min(), d[3].masked_fill(labels == 1, 9).min()]
    ref = (sum(0.5 * p ** 2 for p in pos) + sum(0.5 * torch.clamp(0.5 - h, min=0) ** 2 for h in hard)) / 6
    assert loss.item() == pytest.approx(ref.item(), rel=1e-5)


def test_retrieval_head_initialised_as_whitening_reproduces_it():
    e = inn.load_efficientnet_lite0()
    rng = np.random.default_rng(0)
    maps = torch.from_numpy(rng.random((40, 192, 5, 5)).astype(np.float32))
    with torch.inference_mode():
        head = e.run_stages(maps, "stage6", "head")["head"]
        g = inn.gem(head, 3.0).numpy()
    w = inn.learn_whitening(g, 16)
    model = inn.RetrievalHead(e, p=3.0, whitening=w).eval()
    with torch.inference_mode():
        z = model(maps).numpy()
    np.testing.assert_allclose(z, w.transform(g), atol=2e-4)
