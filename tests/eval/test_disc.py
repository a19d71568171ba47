"""imsearch.eval.disc: the DISC2021-style benchmark of chapter 11 — recipe, build, cache, scores.

The first part needs nothing: the query recipe, ranks and outcome tables by hand, a tiny
benchmark with hand-computed µAP / recall@1 / MRR, the build on a small synthetic pool
(determinism, disjointness, ground truth) and the cache. The tests marked ``datapack`` load
the real benchmark (built once into the course cache, about a minute the first time) and
check its structure against the pack.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from imsearch import data, edits
from imsearch.eval import benchmarks as bm
from imsearch.eval import disc as dm
from imsearch.eval import metrics

REPO = Path(__file__).resolve().parents[2]
SIBLING_PACK = REPO.parent / "shared" / "data"


def _photo(seed, shape=(24, 32, 3)):
    """A distinct smooth random colour field (so no two are near-duplicates)."""
    rng = np.random.default_rng(seed)
    grid = rng.uniform(0, 255, (4, 4, 3))
    yy, xx = np.meshgrid(np.linspace(0, 3, shape[0]), np.linspace(0, 3, shape[1]), indexing="ij")
    y0, x0 = np.floor(yy).astype(int).clip(0, 2), np.floor(xx).astype(int).clip(0, 2)
    fy, fx = (yy - y0)[..., None], (xx - x0)[..., None]
    img = (grid[y0, x0] * (1 - fy) * (1 - fx) + grid[y0 + 1, x0] * fy * (1 - fx)
           + grid[y0, x0 + 1] * (1 - fy) * fx + grid[y0 + 1, x0 + 1] * fy * fx)
    return img.round().clip(0, 255).astype(np.uint8)


SMALL = {"references": 8, "copies": 4, "distractors": 4, "donors": 2, "background": 3, "train": None}


def _pool(n=24):
    return [f"pool/{i:02d}" for i in range(n)], [_photo(i) for i in range(n)]


def _small_build(seed=0, n=24):
    ids, photos = _pool(n)
    return dm._build_disc(seed, False, ids, photos, 0, SMALL, 0.0)


def _tiny(ground_truth, n_queries=4, n_refs=4):
    """A DISC of constant images with the given (query, reference) pairs."""
    arrays = {"version": np.array(dm.DISC_VERSION), "seed": np.array(0), "build_seconds": np.array(0.0),
              "ground_truth": np.array(ground_truth, np.int64).reshape(-1, 2),
              "ref_sources": np.array([f"r{i}" for i in range(n_refs)]),
              "query_sources": np.array([f"q{i}" for i in range(n_queries)]),
              "query_edits": np.array(["blur"] * n_queries), "query_seeds": np.zeros(n_queries, np.int64),
              "donor_ids": np.array([], str), "background_ids": np.array(["b0", "b1", "b2"]),
              "train_ids": np.array([], str)}
    for key, n in (("ref", n_refs), ("query", n_queries), ("background", 3)):
        arrays[f"{key}_pixels"], arrays[f"{key}_shapes"] = bm._pack_images([_photo(100 + i) for i in range(n)])
    return dm.DISC(arrays, None)


# ----------------------------------------------------------------------------- the query recipe

def test_disc_query_edit_is_seeded_keeps_the_size_and_follows_the_recipe():
    img, donors = _photo(1, (40, 56, 3)), [_photo(2, (30, 30, 3)), _photo(3, (50, 20, 3))]
    crops = 0
    for seed in range(40):
        a, names_a = dm.disc_query_edit(img, seed=seed, other_images=donors)
        b, names_b = dm.disc_query_edit(img, seed=seed, other_images=donors)
        np.testing.assert_array_equal(a, b)
        assert names_a == names_b and a.shape == img.shape and a.dtype == np.uint8
        rest = names_a[1:] if names_a[0] == "crop_and_scale" else names_a
        crops += names_a[0] == "crop_and_scale"
        assert "crop_and_scale" not in rest
        assert dm.QUERY_N_EDITS[0] <= len(rest) <= dm.QUERY_N_EDITS[1] and len(set(rest)) == len(rest)
        assert all(n in edits.DISC_EDITS for n in names_a)
        assert sum(n in edits.SECOND_PHOTO_ARGUMENT for n in names_a) <= 1
        overlay = [n in ("text_overlay", "shape_overlay") for n in rest]
        assert overlay == sorted(overlay)  # the overlays come last
    assert 20 <= crops <= 38  # probability 0.75 over 40 seeds
    c, _ = dm.disc_query_edit(img, seed=1, other_images=donors)
    assert not np.array_equal(c, dm.disc_query_edit(img, seed=2, other_images=donors)[0])


def test_disc_query_edit_bad_inputs():
    with pytest.raises(ValueError, match="other_images must not be empty"):
        dm.disc_query_edit(_photo(0), seed=0, other_images=[])
    with pytest.raises(ValueError, match="image must have shape"):
        dm.disc_query_edit(np.zeros(5, np.uint8), seed=0)


# ----------------------------------------------------------------------------- ranks and outcomes

def test_reference_ranks_by_hand_with_ties_to_the_lower_index():
    sim = np.array([[0.5, 0.5, 0.2], [0.5, 0.5, 0.2], [0.1, 0.2, 0.3], [0.9, 0.0, 0.0]])
    np.testing.assert_array_equal(dm.reference_ranks(sim, [1, 0, 0, -1]), [2, 1, 3, 0])
    assert dm.reference_ranks(sim, [2, 2, 2, 2]).tolist() == [3, 3, 1, 3]


def test_reference_ranks_bad_inputs():
    sim = np.zeros((2, 3))
    with pytest.raises(ValueError, match="copy_of must hold reference indices in 0..2 or -1"):
        dm.reference_ranks(sim, [0, 3])
    with pytest.raises(ValueError, match="copy_of must have shape"):
        dm.reference_ranks(sim, [0, 1, 2])
    with pytest.raises(ValueError, match="similarity must have 2 dimensions"):
        dm.reference_ranks(np.zeros(3), [0])


def test_outcome_table_by_hand():
    t = dm.outcome_table([1, 1, 2, 3, 0], [1, 2, 1, 5, 0])
    assert t == {"both": 0.25, "only_a": 0.25, "only_b": 0.25, "neither": 0.25, "n": 4}
    with pytest.raises(ValueError, match="same queries as distractors"):
        dm.outcome_table([1, 0], [1, 1])
    with pytest.raises(ValueError, match="no copy query"):
        dm.outcome_table([0, 0], [0, 0])


# ----------------------------------------------------------------------------- scores on a hand case

# queries 0 and 2 copy references 1 and 3; queries 1 and 3 are distractors
_SIM = np.array([[0.1, 0.9, 0.2, 0.0],
                 [0.8, 0.1, 0.0, 0.0],
                 [0.0, 0.0, 0.7, 0.6],
                 [0.0, 0.5, 0.0, 0.0]])


def test_evaluate_similarity_by_hand():
    d = _tiny([(0, 1), (2, 3)])
    assert d.copy_of.tolist() == [1, -1, 3, -1] and d.ground_truth == [("Q0000", "R0001"), ("Q0002", "R0003")]
    top1 = d.evaluate_similarity(_SIM, k=1, n_resamples=0)
    # pooled top-1: 0.9 TP, 0.8 FP, 0.7 FP, 0.5 FP; 2 true pairs
    assert top1["uAP"] == pytest.approx(0.5) and top1["recall_at_p90"] == pytest.approx(0.5)
    assert top1["recall_at_1"] == pytest.approx(0.5) and top1["MRR"] == pytest.approx(0.75)
    assert top1["rank"].tolist() == [1, 0, 2, 0] and "uAP_ci" not in top1
    every = d.evaluate_similarity(_SIM, n_resamples=0)  # k = 10, capped at the 4 references
    # 0.9 TP, 0.8 FP, 0.7 FP, 0.6 TP: 1 · 1/2 + 2/4 · 1/2
    assert every["uAP"] == pytest.approx(0.75)
    preds = bm.predictions_from_similarity(_SIM, d.query_ids, d.reference_ids, k=4)
    assert every["uAP"] == pytest.approx(metrics.micro_average_precision(preds, d.ground_truth))


def test_score_normalisation_leaves_recall_at_1_and_mrr_and_matches_the_metric():
    d = _tiny([(0, 1), (2, 3)])
    bg = np.array([[0.9, 0.0, 0.0], [0.0, 0.0, 0.0], [0.1, 0.3, 0.2], [0.0, 0.4, 0.2]])
    res = d.evaluate_similarity(_SIM, bg, n_resamples=0)
    plain = d.evaluate_similarity(_SIM, n_resamples=0)
    assert res["recall_at_1"] == plain["recall_at_1"] and res["MRR"] == plain["MRR"]
    sn = bm.predictions_from_similarity(_SIM, d.query_ids, d.reference_ids, k=4, background_similarity=bg)
    assert res["uAP_SN"] == pytest.approx(metrics.micro_average_precision(sn, d.ground_truth))
    # minus the mean of the 3 nearest background scores: q1 0.8 FP, q0 0.9-0.3=0.6 TP, q2 0.7-0.2=0.5 FP,
    # 0.6-0.2=0.4 TP -> 1/2·1/2 + 2/4·1/2
    assert res["uAP_SN"] == pytest.approx(0.5)


def test_intervals_bracket_the_estimates_and_paired_self_difference_is_zero():
    rng = np.random.default_rng(0)
    gt = [(q, q % 6) for q in range(0, 20, 2)]
    d = _tiny(gt, n_queries=20, n_refs=6)
    sim = rng.normal(size=(20, 6))
    for q, r in gt:
        sim[q, r] += 1.5
    res = d.evaluate_similarity(sim, rng.normal(size=(20, 3)), n_resamples=200, seed=3)
    for key in ("uAP", "uAP_SN", "recall_at_p90", "recall_at_p90_SN", "recall_at_1", "MRR"):
        ci = res[f"{key}_ci"]
        assert ci.estimate == pytest.approx(res[key]) and ci.low <= ci.estimate <= ci.high
    again = d.evaluate_similarity(sim, n_resamples=200, seed=3)
    assert again["uAP_ci"].low == res["uAP_ci"].low  # seeded
    diff = d.paired_intervals(sim, sim, n_resamples=100)
    for key in ("uAP", "recall_at_p90", "recall_at_1", "MRR"):
        assert diff[key].estimate == 0 and diff[key].low == 0 and diff[key].high == 0
    better = sim.copy()
    for q, r in gt:
        better[q, r] += 10
    diff = d.paired_intervals(better, sim, n_resamples=100)
    assert diff["recall_at_1"].estimate >= 0 and diff["uAP"].estimate > 0


def test_evaluate_descriptors_equals_evaluate_similarity():
    d = _tiny([(0, 1), (2, 3)])
    rng = np.random.default_rng(1)
    q, r, b = rng.normal(size=(4, 5)), rng.normal(size=(4, 5)), rng.normal(size=(3, 5))
    for metric in ("l2", "cosine"):
        a = d.evaluate_descriptors(q, r, b, metric=metric, n_resamples=0)
        s = d.evaluate_similarity(bm.similarity_matrix(q, r, metric), bm.similarity_matrix(q, b, metric),
                                  n_resamples=0)
        assert {k: v for k, v in a.items() if k != "rank"} == {k: v for k, v in s.items() if k != "rank"}


def test_select_queries_keeps_ids_and_ground_truth_and_scores_the_sub_matrix():
    d = _tiny([(0, 1), (2, 3)])
    sub = d.select_queries([2, 1])
    assert sub.query_ids == ["Q0002", "Q0001"] and sub.copy_of.tolist() == [3, -1]
    assert sub.ground_truth == [("Q0002", "R0003")] and len(sub.references) == 4
    np.testing.assert_array_equal(sub.queries[0], d.queries[2])
    res = sub.evaluate_similarity(_SIM[[2, 1]], n_resamples=0)
    # 0.8 FP (q1), 0.7 FP, 0.6 TP: precision 1/3 at recall 1
    assert res["uAP"] == pytest.approx(1 / 3) and res["rank"].tolist() == [2, 0]
    assert len(d.queries) == 4 and d.copy_of.tolist() == [1, -1, 3, -1]  # the original is unchanged
    with pytest.raises(ValueError, match="at least one copy query"):
        d.select_queries([1, 3])
    with pytest.raises(ValueError, match="distinct query indices in 0..3"):
        d.select_queries([0, 0])
    with pytest.raises(ValueError, match="distinct query indices"):
        d.select_queries([4])


def test_evaluate_bad_inputs():
    d = _tiny([(0, 1), (2, 3)])
    with pytest.raises(ValueError, match="similarity must have shape"):
        d.evaluate_similarity(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="n_resamples must be >= 0"):
        d.evaluate_similarity(_SIM, n_resamples=-1)
    with pytest.raises(ValueError, match="query_desc must have one row per query"):
        d.evaluate_descriptors(np.zeros((3, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="background_similarity must have one row per query"):
        d.evaluate_similarity(_SIM, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="metric must be one of"):
        d.evaluate_descriptors(np.zeros((4, 2)), np.zeros((4, 2)), metric="hamming")


# ----------------------------------------------------------------------------- the build on a small pool

def test_build_is_deterministic_and_the_seed_matters():
    a, b, c = _small_build(0), _small_build(0), _small_build(1)
    assert set(a) == set(b)
    for key in a:
        if key != "build_seconds":
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert not np.array_equal(a["ref_sources"], c["ref_sources"])


def test_build_splits_are_disjoint_and_the_ground_truth_consistent():
    arrays = _small_build(0)
    d = dm.DISC(arrays, None)
    refs, bg, train, donors = (list(map(str, arrays[k])) for k in ("ref_sources", "background_ids", "train_ids",
                                                                    "donor_ids"))
    distractors = [s for s, c in zip(d.query_sources, d.copy_of) if c < 0]
    groups = [refs, distractors, donors, bg, train]
    assert [len(g) for g in groups] == [8, 4, 2, 3, 24 - 17]
    everything = [s for g in groups for s in g]
    assert len(set(everything)) == len(everything) == 24  # each pool photo in exactly one split
    assert len(d.queries) == 8 and np.sum(d.copy_of >= 0) == 4 and len(set(d.copy_of[d.copy_of >= 0])) == 4
    ids, photos = _pool()
    for q, r in enumerate(d.copy_of):
        if r >= 0:
            assert d.query_sources[q] == d.reference_sources[r]
            np.testing.assert_array_equal(d.references[r], photos[ids.index(d.reference_sources[r])])
        # every query is re-created from its source, its seed and the donors
        donor_photos = [photos[ids.index(i)] for i in d.donor_ids]
        again, applied = dm.disc_query_edit(photos[ids.index(d.query_sources[q])], seed=d.query_seeds[q],
                                            other_images=donor_photos)
        np.testing.assert_array_equal(again, d.queries[q])
        assert applied == d.query_edits[q]


def test_build_needs_a_large_enough_pool():
    ids, photos = _pool(10)
    with pytest.raises(data.DataMissingError, match="the pool holds 10 distinct photos"):
        dm._build_disc(0, False, ids, photos, 0, SMALL, 0.0)


def test_load_disc_caches_and_loads_train_lazily(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    calls = []

    def fake_pool(bar):
        calls.append(1)
        ids, photos = _pool()
        return ids, photos, 0

    monkeypatch.setattr(dm, "_pool", fake_pool)
    monkeypatch.setattr(dm, "DISC_SIZES", SMALL)
    monkeypatch.setattr(data, "have_dataset", lambda name: True)
    d = dm.load_disc(progress=False)
    assert calls == [1] and dm.disc_path(0).is_file() and dm.disc_path(0).parent == tmp_path / "benchmarks"
    assert d._train is None and len(d.train) == len(d.train_ids) == 7
    again = dm.load_disc(progress=False)
    assert calls == [1]  # from the cache
    for a, b in zip(d.queries, again.queries):
        np.testing.assert_array_equal(a, b)
    dm.disc_path(0).write_bytes(b"truncated")  # a broken file is rebuilt
    dm.load_disc(progress=False)
    assert calls == [1, 1]
    assert dm.disc_path(0) != dm.disc_path(1)


def test_load_disc_without_the_pack_names_the_datasets(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    with pytest.raises(data.DataMissingError, match="imagenette, imagenet_samples, bsds500, flowers17"):
        dm.load_disc(progress=False)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        dm.load_disc(seed=-1)
    with pytest.raises(TypeError, match="rebuild must be a bool"):
        dm.load_disc(rebuild="yes")


def test_embedded_disc_is_a_deterministic_disjoint_stand_in():
    a, b = dm.embedded_disc(0), dm.embedded_disc(0)
    assert len(a.references) == 100 and len(a.queries) == 100 and np.sum(a.copy_of >= 0) == 50
    assert len(a.background) == 30 and len(a.train) == len(a.train_ids) > 50
    for x, y in zip(a.queries, b.queries):
        np.testing.assert_array_equal(x, y)
    distractors = [s for s, c in zip(a.query_sources, a.copy_of) if c < 0]
    everything = a.reference_sources + distractors + a.donor_ids + a.background_ids + a.train_ids
    assert len(set(everything)) == len(everything) and all(s.startswith("embedded/") for s in everything)
    assert not any(s.startswith("embedded/cat/") for s in everything)
    assert len(bm.find_near_duplicates(a.references, a.train)) == 0
    for q in np.flatnonzero(a.copy_of >= 0):
        assert a.query_sources[q] == a.reference_sources[a.copy_of[q]]


def test_method_similarities_of_local_methods_are_cached(tmp_path, monkeypatch):
    from imsearch.eval import bow_pipeline

    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    d = dm.DISC(_small_build(0), None)
    d._train = []
    sizes = {"references": 8, "background": 3}
    calls = []

    def fake_variant(variant, pipeline, database, queries, *args, **kwargs):
        calls.append((variant, database))
        return np.arange(len(d.queries) * sizes[database], dtype=float).reshape(len(d.queries), -1)

    monkeypatch.setattr(dm, "_local_state", lambda disc, progress: {
        "features": {"references": "references", "queries": "queries", "background": "background"},
        "pipelines": {1024: "pipeline"}, "seconds_per_image": 0.25})
    monkeypatch.setattr(bow_pipeline, "variant_similarity", fake_variant)
    a = dm.method_similarities(d, "tfidf+stop+sv", progress=False)
    assert calls == [("tfidf+stop+sv", "references"), ("tfidf+stop+sv", "background")]
    assert a["similarity"].shape == (8, 8) and a["background_similarity"].shape == (8, 3)
    assert a["seconds_per_image"] == 0.25
    b = dm.method_similarities(d, "tfidf+stop+sv", progress=False)
    assert len(calls) == 2  # read from the cache
    np.testing.assert_array_equal(a["similarity"], b["similarity"])
    dm.method_similarities(d, "tfidf", progress=False)
    assert len(calls) == 4  # another method, another file
    assert len(list((tmp_path / "disc_methods").glob("*.npz"))) == 2


def test_method_registry_of_the_leaderboard():
    from imsearch.eval.methods import METHODS

    keys = dm.disc_methods()
    assert keys[:len(METHODS)] == tuple(METHODS) and keys[-2:] == ("efficientnet_avg", "efficientnet_gem")
    assert dm.method_label("he") == METHODS["he"].label
    with pytest.raises(ValueError, match="method must be one of"):
        dm.method_label("sscd")


# ----------------------------------------------------------------------------- the real benchmark

def _mirror():
    env = os.environ.get("IMSEARCH_DATA_MIRROR", "").strip()
    if env:
        return env
    return str(SIBLING_PACK) if (SIBLING_PACK / "MANIFEST.sha256").is_file() else None


@pytest.fixture(scope="module")
def real():
    """The real benchmark from the course cache (built there from the pack the first time)."""
    with pytest.MonkeyPatch.context() as mp:
        mirror = _mirror()
        if mirror is not None:
            mp.setenv("IMSEARCH_DATA_MIRROR", mirror)
        if not dm.disc_path(0).is_file():
            missing = [d for d in dm.DISC_DATASETS if mirror is None or not data.have_dataset(d)]
            if missing:
                pytest.skip("course data pack not found or incomplete: needs " + ", ".join(missing))
        yield dm.load_disc(progress=False)


@pytest.mark.datapack
def test_real_disc_sizes_and_size_convention(real):
    assert len(real.references) == 2000 and len(real.queries) == 3000 and len(real.background) == 350
    assert np.sum(real.copy_of >= 0) == 1500 and len(np.unique(real.copy_of[real.copy_of >= 0])) == 1500
    assert len(real.train_ids) >= 1700 and len(real.donor_ids) == 150
    for im in real.references[::50] + real.queries[::50] + real.background[::20]:
        assert im.dtype == np.uint8 and im.ndim == 3 and im.shape[2] == 3 and max(im.shape[:2]) <= 160


@pytest.mark.datapack
def test_real_disc_splits_are_disjoint(real):
    distractors = [s for s, c in zip(real.query_sources, real.copy_of) if c < 0]
    groups = [real.reference_sources, distractors, real.donor_ids, real.background_ids, real.train_ids]
    everything = [s for g in groups for s in g]
    assert len(set(everything)) == len(everything)
    for q in np.flatnonzero(real.copy_of >= 0)[:200]:
        assert real.query_sources[q] == real.reference_sources[real.copy_of[q]]
    # no Imagenette class among the ImageNet samples (they could be the same photos)
    wnids = {s.split("/")[2] for s in everything if s.startswith("imagenette/")}
    assert not any(s.split("/")[1].split("_")[0] in wnids for s in everything if s.startswith("imagenet_samples/"))
    # and no near-duplicate photo across the stored splits
    assert len(bm.find_near_duplicates(real.references, real.background)) == 0
    assert len(bm.find_near_duplicates(real.references, real.train[:600])) == 0


@pytest.mark.datapack
def test_real_disc_queries_are_re_created_from_their_seeds(real):
    done = 0
    for q in np.flatnonzero(real.copy_of >= 0):
        if any(e in edits.SECOND_PHOTO_ARGUMENT for e in real.query_edits[q]):
            continue  # needs the donor photos, not stored
        again, applied = dm.disc_query_edit(real.references[real.copy_of[q]], seed=real.query_seeds[q])
        np.testing.assert_array_equal(again, real.queries[q])
        assert applied == real.query_edits[q]
        done += 1
        if done == 20:
            break
    assert done == 20
