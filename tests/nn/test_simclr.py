"""SimCLR: overfit one batch to the loss floor, same seed same weights, kNN / linear evaluation references."""
import math

import numpy as np
import pytest
import torch

from imsearch import nn as inn

_TINY = {"widths": [8, 16], "blocks": [1, 1], "hidden": 16, "dim": 16}


@pytest.fixture(autouse=True)
def _one_thread():
    # tiny networks: extra threads only add contention on a shared machine
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _tiny_recipe(**kw):
    args = dict(name="tiny", model="tiny SimCLR", data="random", optimizer="adam", lr=3e-3, weight_decay=0.0,
                batch_size=8, epochs=2, seed=0, augment="crop+color", extra=dict(_TINY, temperature=0.5))
    args.update(kw)
    return inn.Recipe(**args)


def test_overfit_one_batch_reaches_the_loss_floor():
    # identical views: the loss can only fall to the value where the 16 images form a regular simplex
    n, tau = 16, 0.5
    floor = math.log(1 + (2 * n - 2) * math.exp(-1 / (n - 1) / tau) / math.exp(1 / tau))
    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, 3, 16, 16, generator=g)
    model = inn.build_simclr(0, **{k: _TINY[k] for k in ("widths", "blocks")}, hidden=16, dim=16)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = None
    for _ in range(40):
        loss = inn.simclr_loss(model, x, g, preset={"flip_p": 0.0}, temperature=tau)
        first = float(loss.detach()) if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    last = float(inn.simclr_loss(model.train(), x, g, preset={"flip_p": 0.0}, temperature=tau))
    assert first > floor + 0.3
    assert floor - 1e-4 <= last < floor + 0.06


def test_same_seed_same_weights():
    x = torch.rand(16, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    a, log_a = inn.train_simclr(_tiny_recipe(), x, progress=False)
    b, log_b = inn.train_simclr(_tiny_recipe(), x, progress=False)
    c, _ = inn.train_simclr(_tiny_recipe(seed=1), x, progress=False)
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.equal(va, vb), k
    assert log_a["loss"] == log_b["loss"] and len(log_a["loss"]) == 4
    assert not torch.equal(a.trunk.stem[0].weight, c.trunk.stem[0].weight)
    assert log_a["images_seen"] == 32


def test_embed_shapes_and_features():
    model = inn.build_simclr(0)
    x = torch.rand(5, 3, 32, 32)
    assert model.embed(x).shape == (5, 128) and model.embed(x, head=True).shape == (5, 64)
    f = inn.features(model, x)
    assert f.dtype == np.float32 and f.shape == (5, 128)
    np.testing.assert_allclose(f, model.eval().embed(x).detach().numpy(), rtol=1e-5, atol=1e-6)
    sup = inn.cifar_resnet(20)
    assert inn.features(sup, x).shape == (5, 64)
    with pytest.raises(ValueError, match="head=True needs a SimCLR"):
        inn.features(sup, x, head=True)


def _knn_loop(xtr, ytr, xte, k, temperature):
    out = []
    for q in xte:
        s = [float(np.dot(q, t) / np.linalg.norm(q) / np.linalg.norm(t)) for t in xtr]
        order = sorted(range(len(s)), key=lambda i: -s[i])[:k]
        votes = {}
        for i in order:
            votes[int(ytr[i])] = votes.get(int(ytr[i]), 0.0) + (1.0 if temperature is None else math.exp(s[i] / temperature))
        best = max(votes.values())
        out.append(min(c for c, v in votes.items() if np.isclose(v, best, rtol=1e-12, atol=0)))
    return np.array(out)


@pytest.mark.parametrize("k, temperature", [(1, None), (5, None), (7, 0.07), (20, 0.5)])
def test_knn_matches_loop_reference(k, temperature):
    rng = np.random.default_rng(0)
    xtr, ytr = rng.normal(size=(60, 4)), rng.integers(0, 3, 60)
    xte = rng.normal(size=(15, 4))
    np.testing.assert_array_equal(inn.knn_predict(xtr, ytr, xte, k, temperature), _knn_loop(xtr, ytr, xte, k, temperature))


def test_knn_closed_cases():
    xtr = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    ytr = np.array([0, 0, 1])
    assert inn.knn_accuracy(xtr, ytr, xtr * 3, ytr, k=1) == 1.0            # cosine: the scale does not matter
    assert inn.knn_predict(xtr, ytr, np.array([[0.1, 1.0]]), k=3, temperature=None)[0] == 0   # majority 2 vs 1
    assert inn.knn_predict(xtr, ytr, np.array([[0.1, 1.0]]), k=3, temperature=0.05)[0] == 1   # weighted: closest wins
    with pytest.raises(ValueError, match="k must be <= 3"):
        inn.knn_predict(xtr, ytr, xtr, k=4)
    with pytest.raises(ValueError, match="test_features must have 2 columns"):
        inn.knn_predict(xtr, ytr, np.zeros((1, 3)))


def test_linear_eval_separable():
    rng = np.random.default_rng(1)
    centres = np.eye(3) * 5
    y = np.repeat(np.arange(3), 30)
    x = centres[y] + rng.normal(scale=0.3, size=(90, 3))
    acc, pred = inn.linear_eval(x, y, x, y)
    assert acc == 1.0 and pred.dtype == np.int64


def test_step_time_split():
    model = inn.build_simclr(0, **{k: _TINY[k] for k in ("widths", "blocks")}, hidden=16, dim=16)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    split = inn.step_time_split(model, torch.rand(20, 3, 16, 16), batch_size=8, repeats=1)
    assert set(split) == {"augment", "forward", "backward", "optimizer", "total", "images_per_second"}
    assert all(v > 0 for v in split.values())
    assert split["total"] == pytest.approx(split["augment"] + split["forward"] + split["backward"] + split["optimizer"])
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k]), k           # measured on a copy


def test_simclr_is_a_zoo_family():
    assert "simclr_small" in inn.RECIPES
    fam = inn.family_of("simclr_small")
    assert fam.name == "simclr" and fam.evaluate is inn.evaluate_simclr
    m = inn.build_model("simclr_small")
    assert isinstance(m, inn.SimCLR)
    assert sum(p.numel() for p in m.parameters()) < 1_000_000
