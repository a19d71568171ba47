"""imsearch.eval.global_methods: describing, caching and scoring the chapter-6 methods."""
import numpy as np
import pytest

from imsearch.eval import benchmarks as bm
from imsearch.eval import global_methods as gb
from imsearch import descriptors


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path))
    return tmp_path


def _images(n=3, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        img = np.zeros((40 + 8 * i, 60, 3), np.uint8)
        img[:] = rng.integers(0, 256, 3)
        img[10:30, 5 + 5 * i:40] = rng.integers(0, 256, 3)
        out.append(img)
    return out


@pytest.mark.parametrize("method, dim", [("pixels", 768), ("rgb_hist", 512), ("hsv_hist", 512), ("lab_hist", 512),
                                         ("palette_emd", 4 * gb.PALETTE_COLORS), ("gist", 512)])
def test_describe_every_method(method, dim):
    imgs = _images()
    d = gb.describe(imgs, method, progress=False)
    assert d.shape == (3, dim) and d.dtype == np.float32
    if method.endswith("_hist"):
        np.testing.assert_allclose(d.sum(axis=1), 1.0, rtol=1e-6)
    if method == "pixels":
        np.testing.assert_allclose(d[0], descriptors.pixel_descriptor(imgs[0]), rtol=1e-6)


def test_palette_signatures_round_trip_and_emd_similarity():
    imgs = _images(4)
    d = gb.describe(imgs, "palette_emd", progress=False)
    sigs = gb.unpack_signatures(d)
    for (colors, weights), img in zip(sigs, imgs):
        assert weights.sum() == pytest.approx(1.0, rel=1e-6)
        ref = descriptors.color_signature(img, gb.PALETTE_COLORS, max_samples=gb.PALETTE_SAMPLES, seed=0,
                                         n_iter=gb.PALETTE_ITERATIONS)
        np.testing.assert_allclose(colors, ref[0], rtol=1e-5, atol=1e-4)   # stored as float32
    s = gb.similarity(d[:2], d, "palette_emd")
    assert s.shape == (2, 4)
    np.testing.assert_allclose(np.diag(s[:, :2]), 0.0, atol=1e-4)
    assert s[0, 1] == pytest.approx(-descriptors.emd(*sigs[0], *sigs[1]), rel=1e-4)
    with pytest.raises(ValueError, match="4·k columns"):
        gb.unpack_signatures(np.ones((2, 6), np.float32))


def test_similarity_uses_the_method_metric():
    imgs = _images(3)
    d = gb.describe(imgs, "rgb_hist", progress=False)
    np.testing.assert_allclose(gb.similarity(d, d, "rgb_hist"), -descriptors.chi2(d[:, None], d[None]), atol=1e-12)
    d = gb.describe(imgs, "pixels", progress=False)
    expected = -((d[:, None].astype(float) - d[None]) ** 2).sum(-1)
    np.testing.assert_allclose(gb.similarity(d, d, "pixels"), expected, atol=1e-9)
    with pytest.raises(ValueError, match="method must be one of"):
        gb.similarity(d, d, "sift")


def test_cached_descriptors_are_computed_once(cache, monkeypatch):
    imgs = _images(3)
    calls = []
    real = gb.describe

    def counting(images, method, progress=True):
        calls.append(method)
        return real(images, method, progress=False)

    monkeypatch.setattr(gb, "describe", counting)
    a, t = gb.cached_descriptors(imgs, "lab_hist", "unit", progress=False)
    b, t2 = gb.cached_descriptors(imgs, "lab_hist", "unit", progress=False)
    np.testing.assert_array_equal(a, b)
    assert calls == ["lab_hist"] and t == t2 and t > 0
    assert len(list((cache / "globaldesc").glob("unit-lab_hist-*.npz"))) == 1
    # other images (one pixel changed): another fingerprint, computed again
    imgs[1] = imgs[1].copy()
    imgs[1][0, 0, 0] ^= 1
    gb.cached_descriptors(imgs, "lab_hist", "unit", progress=False)
    assert calls == ["lab_hist", "lab_hist"]
    gb.cached_descriptors(imgs, "lab_hist", "unit", rebuild=True, progress=False)
    assert len(calls) == 3
    # a corrupt cache file is computed again, not trusted
    for f in (cache / "globaldesc").glob("*.npz"):
        f.write_bytes(b"not a zip")
    c, _ = gb.cached_descriptors(imgs, "lab_hist", "unit", progress=False)
    assert len(calls) == 4 and c.shape == a.shape
    with pytest.raises(ValueError, match="tag must be a short identifier"):
        gb.cached_descriptors(imgs, "lab_hist", "a/b")


def _small_embedded_scenes(n_groups=3, n_distractors=6):
    """The first groups and distractors of the embedded stand-in (every member a query)."""
    full = bm.embedded_scenes(n_views=2)
    keep = [i for i, g in enumerate(full.groups) if g in dict.fromkeys(full.groups[:3 * n_groups])]
    keep += [i for i, g in enumerate(full.groups) if g is None][:n_distractors]
    groups = [full.groups[i] for i in keep]
    firsts = [j for j, g in enumerate(groups) if g is not None and groups.index(g) == j]
    rest = [np.array([j for j, g in enumerate(groups) if g == groups[f] and j != f]) for f in firsts]
    q, pos, first = bm.every_member_queries(firsts, rest)
    return bm.Scenes([full.images[i] for i in keep], [full.ids[i] for i in keep], groups, q, pos, [], 0.0,
                     first_rows=first)


def test_embedded_scenes_and_scores(cache):
    sc = bm.embedded_scenes()
    assert len(sc.images) == 8 * 4 + 24 and len(sc.query_indices) == 32 and len(sc.first_rows) == 8
    assert all(len(p) == 3 for p in sc.positives) and sum(g is None for g in sc.groups) == 24
    assert len(sc.train) == 40 and all(max(im.shape[:2]) <= bm.MAX_SIDE for im in sc.images + sc.train)
    rel = gb.relevance(sc)
    assert rel.shape == (32, len(sc.images)) and rel.sum() == 32 * 3
    res = gb.evaluate_scenes(sc, ["hsv_hist", "pixels"], progress=False)
    for r in res.values():
        assert 0 < r["mAP"] <= 1 and r["similarity"].shape == (32, len(sc.images)) and 0 < r["mAP_first"] <= 1
    assert res["hsv_hist"]["mAP"] > 0.5          # edited views of a photo keep most of its colours
    again = bm.embedded_scenes()
    assert all(np.array_equal(a, b) for a, b in zip(sc.images, again.images))  # seeded


def test_embedded_copy_detection_interface_and_a_perfect_prediction(cache):
    cd = bm.embedded_copy_detection()
    assert isinstance(cd, bm.CopyDetection) and len(cd.train) == 40
    assert len(cd.queries) == len(cd.query_ids) and len(cd.references) == len(cd.reference_ids)
    assert 0 < len(cd.ground_truth) < len(cd.queries) and cd.background
    assert all(len(e) >= 1 for e in cd.query_edits)
    perfect = [(q, r, 1.0) for q, r in cd.ground_truth] + [(q, cd.reference_ids[0], 0.0) for q in cd.query_ids
                                                            if q not in dict(cd.ground_truth)]
    assert cd.evaluate(perfect)["uAP"] == pytest.approx(1.0)
    sim = np.zeros((len(cd.queries), len(cd.references)))
    qi = {q: i for i, q in enumerate(cd.query_ids)}
    ri = {r: i for i, r in enumerate(cd.reference_ids)}
    for q, r in cd.ground_truth:
        sim[qi[q], ri[r]] = 1.0
    q, r, s = bm.predictions_from_similarity(sim, cd.query_ids, cd.reference_ids, k=2)
    assert len(q) == 2 * len(cd.queries) and cd.evaluate((q, r, s))["uAP"] == pytest.approx(1.0)
    res = gb.evaluate_copy_detection(cd, ["rgb_hist"], progress=False)["rgb_hist"]
    assert set(res) >= {"uAP", "uAP_SN", "recall_at_p90", "seconds_per_image"} and 0 <= res["uAP"] <= 1


def test_rerank_scenes_on_the_embedded_stand_in(cache):
    sc = _small_embedded_scenes()
    assert len(sc.query_indices) == 9 and len(sc.images) == 15
    r = gb.rerank_scenes(sc, "gist", length=4, n_features=300, progress=False)
    assert r["shortlist"].shape == (9, 4) and r["n_described"] <= 15
    rel = np.take_along_axis(gb.relevance(sc), r["shortlist"], axis=1)
    assert rel.any() and (~rel).any()
    assert r["inliers"][rel].mean() > 3 * r["inliers"][~rel].mean()   # views of the query match, others not
    assert 0 < r["mAP"] <= 1 and 0 < r["mAP_global"] <= 1 and 0 < r["mAP_first"] <= 1
    again = gb.rerank_scenes(sc, "gist", length=4, n_features=300, progress=False)      # from the cache
    np.testing.assert_array_equal(again["inliers"], r["inliers"])
    # other queries on the same images: not the cached inliers of these
    fewer = bm.Scenes(sc.images, sc.ids, sc.groups, sc.query_indices[:3], sc.positives[:3], [], 0.0)
    assert gb.rerank_scenes(fewer, "gist", length=4, n_features=300, progress=False)["shortlist"].shape == (3, 4)
    with pytest.raises(ValueError, match="length must be <= "):
        gb.rerank_scenes(sc, "gist", length=len(sc.images), progress=False)


def test_command_line_without_the_data_pack(cache, monkeypatch, capsys):
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    assert gb.main([]) == 1
    assert "IMSEARCH_DATA_MIRROR" in capsys.readouterr().err


def test_copy_predictions_reproduce_the_benchmark_scores(cache):
    cd = bm.embedded_copy_detection()
    res = gb.evaluate_copy_detection(cd, ["hsv_hist"], progress=False)["hsv_hist"]
    raw = gb.copy_predictions(cd, "hsv_hist")
    normalised = gb.copy_predictions(cd, "hsv_hist", normalised=True)
    assert len(raw[0]) == 10 * len(cd.queries) or len(raw[0]) == len(cd.queries) * min(10, len(cd.references))
    assert cd.evaluate(raw)["uAP"] == pytest.approx(res["uAP"])
    assert cd.evaluate(normalised)["uAP"] == pytest.approx(res["uAP_SN"])
    assert not np.allclose(raw[2], normalised[2])
