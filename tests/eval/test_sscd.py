"""Chapter 11's measurements: range search at a threshold, threshold at a precision, µAP_SN, spectra."""
import numpy as np
import pytest
from imsearch import eval as ev


def _toy():
    # 3 queries (the last a distractor) x 3 references
    sim = np.array([[0.9, 0.2, 0.6],
                    [0.3, 0.5, 0.8],
                    [0.7, 0.1, 0.1]])
    return sim, np.array([0, 1, -1])


def test_range_search_closed_form():
    sim, truth = _toy()
    # threshold 0.6: detections (0,0) T, (0,2) F, (1,2) F, (2,0) F -> precision 1/4, recall 1/2
    assert ev.range_search_precision_recall(sim, truth, 0.6) == (0.25, 0.5, 4)
    assert ev.range_search_precision_recall(sim, truth, 0.85) == (1.0, 0.5, 1)
    assert ev.range_search_precision_recall(sim, truth, 0.95) == (1.0, 0.0, 0)
    p, r, n = ev.range_search_precision_recall(sim, truth, 0.0)
    assert (p, r, n) == (2 / 9, 1.0, 9)


def test_threshold_at_precision_matches_brute_force():
    rng = np.random.default_rng(0)
    sim = np.round(rng.random((30, 20)), 2)   # with ties
    truth = rng.integers(-1, 20, 30)
    sim[np.arange(30)[truth >= 0], truth[truth >= 0]] += 0.3
    for target in (0.5, 0.8, 0.9, 1.0):
        got = ev.threshold_at_precision(sim, truth, target)
        ok = [t for t in np.unique(sim) if ev.range_search_precision_recall(sim, truth, t)[0] >= target
              and ev.range_search_precision_recall(sim, truth, t)[2] > 0]
        assert got == (min(ok) if ok else np.inf)
    sim, truth = _toy()
    assert ev.threshold_at_precision(sim, truth, 1.0) == 0.9
    assert ev.threshold_at_precision(sim, truth, 0.25) == 0.2  # 2 true of 7 detections; at 0.1, 2 of 9


def test_micro_ap_sn_closed_forms():
    sim, truth = _toy()
    bg = np.zeros((3, 4))
    # no normalisation (zero background): µAP of the top-1 predictions ranked 0.9 T, 0.8 F, 0.7 F; 1 of 2 pairs
    assert ev.micro_ap_sn(sim, bg, truth, k=1) == pytest.approx(0.5)
    # a background that lowers query 1's score below query 2's changes nothing here; one that lifts the
    # true pair of query 1 above the false (0, 2) changes µAP
    bg = np.array([[0.5] * 4, [0.0] * 4, [0.5] * 4])
    # normalised: q0 top 0.4 (T), q1: 0.8 (F), 0.5 (T) within k=2, q2: 0.2 (F)
    got = ev.micro_ap_sn(sim, bg, truth, k=2)
    # ranking: (1,2) 0.8 F, (1,1) 0.5 T, (0,0) 0.4 T, (0,2) 0.1 F, (2,0) 0.2 F ... -> precision 1/2 at recall 1/2, 2/3 at 1
    assert got == pytest.approx(0.5 * 0.5 + 0.5 * 2 / 3)
    assert ev.micro_ap_sn(sim, bg, truth, k=2, beta=0.0) == ev.micro_ap_sn(sim, np.zeros((3, 3)), truth, k=2)


def test_singular_spectrum():
    rng = np.random.default_rng(1)
    line = rng.normal(size=(200, 1)) * np.ones((1, 8))
    v, u = ev.singular_spectrum(line)
    assert v.shape == u.shape == (8,) and v[0] == 1.0 and v[1] < 1e-10
    assert u[-1] > 0.6  # 200 uniform points in 8-d: a nearly flat spectrum


@pytest.mark.parametrize("call", [
    lambda: ev.range_search_precision_recall(np.zeros((2, 2)), [0, 5], 0.5),
    lambda: ev.range_search_precision_recall(np.zeros((2, 2)), [-1, -1], 0.5),
    lambda: ev.range_search_precision_recall(np.zeros(2), [0, 1], 0.5),
    lambda: ev.threshold_at_precision(np.zeros((2, 2)), [0, 1], 0.0),
    lambda: ev.micro_ap_sn(np.zeros((2, 2)), np.zeros((3, 3)), [0, 1]),
    lambda: ev.singular_spectrum(np.zeros((1, 3))),
])
def test_bad_inputs(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.datapack
def test_micro_ap_sn_equals_the_benchmark():
    from imsearch import data

    if not data.have_dataset("imagenette"):
        pytest.skip("data pack not available")
    disc = ev.load_disc(progress=False)
    rng = np.random.default_rng(0)
    q = rng.normal(size=(len(disc.queries), 6))
    r = rng.normal(size=(len(disc.references), 6))
    q[disc.copy_of >= 0] = r[disc.copy_of[disc.copy_of >= 0]] + rng.normal(size=(int((disc.copy_of >= 0).sum()), 6))
    b = rng.normal(size=(len(disc.background), 6))
    sim, bsim = ev.similarity_matrix(q, r, "cosine"), ev.similarity_matrix(q, b, "cosine")
    res = disc.evaluate_similarity(sim, bsim, n_resamples=0)
    assert ev.micro_ap_sn(sim, bsim, disc.copy_of) == pytest.approx(res["uAP_SN"], abs=1e-9)


def test_importing_eval_sscd_registers_the_benchmark_bound_family():
    from imsearch.eval import sscd as esscd
    from imsearch.nn import zoo

    family = zoo.family_of("sscd_koleo10")
    assert family.train is esscd._train and family.evaluate is esscd._evaluate
    assert zoo.family_of("simclr_small").name != "sscd"          # the other families are untouched


def test_models_command_line_usage():
    from imsearch.__main__ import main

    assert main(["models"]) == 2                                   # prints the usage with every model name


def test_range_search_on_unit_vectors_is_faiss_range_search_at_radius_2_minus_2t():
    """Chapter 12's use: cosine >= t on unit descriptors is squared L2 <= 2 - 2t in faiss."""
    import faiss
    from imsearch import eval as ev

    rng = np.random.default_rng(0)
    r = rng.normal(size=(50, 8)).astype(np.float32)
    r /= np.linalg.norm(r, axis=1, keepdims=True)
    copy_of = np.r_[np.arange(20), -np.ones(10, int)]
    q = np.r_[r[:20] + 0.3 * rng.normal(size=(20, 8)), rng.normal(size=(10, 8))].astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    t = 0.8
    flat = faiss.IndexFlatL2(8)
    flat.add(r)
    lims, _, ids = flat.range_search(q, 2 - 2 * t)
    found = np.repeat(np.arange(len(q)), np.diff(lims).astype(np.int64))
    tp = int((copy_of[found] == ids).sum())
    p, rec, n = ev.range_search_precision_recall(q @ r.T, copy_of, t)
    assert n == len(ids) > 0
    assert p == pytest.approx(tp / len(ids)) and rec == pytest.approx(tp / 20)
