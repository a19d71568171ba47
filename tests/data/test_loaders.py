"""imsearch.data.loaders on the course data pack: the UKBench subset (the other loaders: test_pack.py)."""
import os
from pathlib import Path

import numpy as np
import pytest
from imsearch import data

SIBLING_PACK = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture
def ukbench_pack(monkeypatch):
    mirror = os.environ.get("IMSEARCH_DATA_MIRROR") or (str(SIBLING_PACK) if SIBLING_PACK.is_dir() else None)
    if mirror is None:
        pytest.skip("course data pack not found: set IMSEARCH_DATA_MIRROR")
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", mirror)
    if not data.have_dataset("ukbench_subset"):
        pytest.skip("the data pack lacks ukbench_subset")


@pytest.mark.datapack
def test_load_ukbench_subset_groups_of_four(ukbench_pack):
    ids, images, groups = data.load_ukbench_subset()
    assert ids == [f"ukbench{i:05d}" for i in range(56)]
    assert groups == [i // 4 for i in range(56)]  # UKBench's rule: photos 4g..4g+3 show object g
    assert all(im.shape == (480, 640, 3) and im.dtype == np.uint8 for im in images)
    # four photos of one object are more alike than photos of different objects (mean colour)
    means = np.array([im.reshape(-1, 3).mean(axis=0) for im in images])
    d = np.linalg.norm(means[:, None] - means[None], axis=2)
    same = np.equal.outer(groups, groups) & ~np.eye(56, dtype=bool)
    assert d[same].mean() < 0.5 * d[~np.equal.outer(groups, groups)].mean()


def test_ukbench_subset_is_a_dataset_of_the_pack(monkeypatch, tmp_path):
    assert "ukbench_subset" in data.datasets()
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    assert data.have_dataset("ukbench_subset") is False
    with pytest.raises(data.DataMissingError, match="ukbench_subset"):
        data.load_ukbench_subset()
