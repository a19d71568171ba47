"""The committed checkpoints (data/models/<name>/): card complete, sha256 right, metric reproduced."""
import json
import os

import imsearch.eval.sscd  # noqa: F401  (registers how the chapter-11 models are scored: on DISC, in eval)
import pytest
from imsearch import data
from imsearch import nn as inn

NAMES = sorted(inn.RECIPES)


def _needs_pack():
    if not os.environ.get("IMSEARCH_DATA_MIRROR"):
        pytest.skip("course data pack not found: set IMSEARCH_DATA_MIRROR (needs cifar10, flowers17)")


@pytest.mark.parametrize("name", NAMES)
def test_card_and_file(name):
    folder = inn.models_folder() / name
    if not (folder / "card.json").exists():
        pytest.skip(f"{name} has not been trained yet (python -m imsearch models train {name})")
    card = inn.read_card(name)
    for key in ("what", "trained_on", "command", "training_seconds", "metrics", "sha256", "size_bytes"):
        assert key in card, key
    assert card["command"] == f"python -m imsearch models train {name}"
    path = folder / card["file"]
    assert path.stat().st_size == card["size_bytes"] <= 6_000_000   # small enough to commit
    assert inn.sha256_file(path) == card["sha256"]
    recipe = json.loads((folder / "recipe.json").read_text())
    assert recipe == json.loads(inn.RECIPES[name].to_json())     # the recipe in the code made this file


@pytest.mark.parametrize("name", NAMES)
def test_reloads_and_reproduces_its_metric(name):
    _needs_pack()
    if not (inn.models_folder() / name / "card.json").exists():
        pytest.skip(f"{name} has not been trained yet")
    if not (data.have_dataset("cifar10") and data.have_dataset("flowers17")):
        pytest.skip("the data pack lacks cifar10 or flowers17")
    model, recipe, log = inn.load_model(name)
    metrics = inn.evaluate_model(name, model)
    for key, value in inn.read_card(name)["metrics"].items():
        assert metrics[key] == pytest.approx(value, abs=1e-4), key
