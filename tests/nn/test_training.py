"""The training loop: overfit one small batch; same seed, same weights; checkpoints round-trip."""
import json

import torch
from imsearch import nn as inn


def _toy(seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(32, 3, 16, 16, generator=g)
    y = torch.arange(32) % 4
    return x, y


def _run(seed, epochs=30):
    x, y = _toy()
    torch.manual_seed(seed)
    model = inn.SmallResNet(widths=(8, 16), blocks=(1, 1), num_classes=4)
    recipe = inn.Recipe(name="toy", model="SmallResNet((8, 16), (1, 1), 4)", data="32 random images",
                        optimizer="adam", lr=1e-2, weight_decay=0.0, batch_size=32, epochs=epochs, seed=seed)

    def step(m, idx, gen):
        return torch.nn.functional.cross_entropy(m(x[idx]), y[idx])

    log = inn.train(model, recipe, len(x), step, evaluate=lambda m: {"acc": (m(x).argmax(1) == y).float().mean()},
                    progress=False)
    return model, recipe, log


def test_overfits_one_small_batch():
    model, _, log = _run(0)
    assert log["loss"][0] > 1.0                 # about log(4) at the start
    assert log["loss"][-1] < 0.05               # the floor is 0
    assert log["eval"][-1]["acc"] == 1.0


def test_same_seed_same_weights_and_checkpoint_round_trip(tmp_path):
    a, recipe, log = _run(3, epochs=3)
    b, _, _ = _run(3, epochs=3)
    c, _, _ = _run(4, epochs=3)
    for (k, va), vb, vc in zip(a.state_dict().items(), b.state_dict().values(), c.state_dict().values()):
        torch.testing.assert_close(va, vb, rtol=0, atol=0)
    assert any(not torch.equal(va, vc) for va, vc in zip(a.state_dict().values(), c.state_dict().values())
               if va.is_floating_point())
    path = inn.save_checkpoint(tmp_path / "ck", a, recipe, log)
    fresh = inn.SmallResNet(widths=(8, 16), blocks=(1, 1), num_classes=4)
    loaded, r2, log2 = inn.load_checkpoint(tmp_path / "ck", fresh)
    assert r2 == recipe and log2["loss"] == log["loss"]
    x, _ = _toy()
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), a.eval()(x))
    assert len(inn.sha256_file(path)) == 64
    assert json.loads((tmp_path / "ck" / "recipe.json").read_text())["seed"] == 3


def test_seeded_batches():
    a = inn.seeded_batches(10, 3, seed=1, epoch=0)
    assert sorted(torch.cat(a).tolist()) == list(range(10)) and [len(b) for b in a] == [3, 3, 3, 1]
    assert all(torch.equal(u, v) for u, v in zip(a, inn.seeded_batches(10, 3, seed=1, epoch=0)))
    assert not all(torch.equal(u, v) for u, v in zip(a, inn.seeded_batches(10, 3, seed=1, epoch=1)))
    assert len(inn.seeded_batches(10, 3, 0, 0, drop_last=True)) == 3
