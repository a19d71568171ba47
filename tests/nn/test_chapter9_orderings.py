"""The orderings chapter 9 concludes from, measured on the pack (paired bootstrap over the 1,000 test queries).

They read the chapter's cached evaluation (``nn.evaluation_table``: minutes cold, well under a
second warm) of the committed SimCLR checkpoint, a random network of the same shape and the
pack's supervised ResNet-20. Only the orderings whose 95 % paired interval excludes zero are
asserted (and taught); the trunk-vs-projection linear accuracy is not among them.
"""
import os

import pytest
from imsearch import data
from imsearch import eval as ev
from imsearch import nn as inn

pytestmark = pytest.mark.datapack


@pytest.fixture(scope="module")
def table():
    if not os.environ.get("IMSEARCH_DATA_MIRROR") or not data.have_dataset("cifar10"):
        pytest.skip("course data pack not found: set IMSEARCH_DATA_MIRROR (needs cifar10)")
    if not (inn.models_folder() / "simclr_small" / "card.json").exists():
        pytest.skip("simclr_small has not been trained (python -m imsearch models train simclr_small)")
    return inn.evaluation_table("simclr_small")


def _better(table, a, b, key):
    d = ev.paired_bootstrap(table[a][key], table[b][key], seed=0)
    assert d.low > 0, f"{a} vs {b} on {key}: {d.estimate:+.3f} [{d.low:+.3f}, {d.high:+.3f}]"


@pytest.mark.parametrize("key", ["knn_correct", "linear_correct", "ap"])
def test_simclr_trunk_beats_random_init(table, key):
    _better(table, "SimCLR trunk", "random init (trunk)", key)


@pytest.mark.parametrize("key", ["knn_correct", "ap"])
def test_trunk_beats_projection_head(table, key):
    _better(table, "SimCLR trunk", "SimCLR projection", key)


@pytest.mark.parametrize("key", ["knn_correct", "linear_correct", "ap"])
def test_supervised_beats_simclr_at_our_budget(table, key):
    _better(table, "supervised ResNet-20", "SimCLR trunk", key)


def test_table_matches_the_card(table):
    card = inn.read_card("simclr_small")["metrics"]
    assert table["SimCLR trunk"]["knn_accuracy"] == pytest.approx(card["knn_accuracy_trunk"], abs=1e-4)
    assert table["SimCLR projection"]["linear_accuracy"] == pytest.approx(card["linear_accuracy_projection"], abs=1e-4)
