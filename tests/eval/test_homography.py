"""imsearch.eval.homography: Chapter 5's estimator study: how good is an estimated homography on a benchmark pair?."""
import math
import pytest

from imsearch import eval


def test_summarize_homography_results():
    rows = [{"method": "a", "success": True, "error_px": 1.0, "precision": 1.0, "recall": 0.5, "time_s": 0.01},
            {"method": "a", "success": False, "error_px": math.inf, "precision": 0.0, "recall": 0.0, "time_s": 0.03},
            {"method": "a", "success": True, "error_px": 3.0, "precision": 0.5, "recall": 1.0, "time_s": 0.02},
            {"method": "b", "success": False, "error_px": 9.0, "precision": 0.2, "recall": 0.2, "time_s": 0.5}]
    a, b = eval.summarize_homography_results(rows)
    assert (a["method"], a["n_pairs"], b["n_pairs"]) == ("a", 3, 1)
    assert a["success_rate"] == pytest.approx(2 / 3) and a["median_error_px"] == 3.0
    assert a["mean_error_success_px"] == 2.0 and a["precision"] == pytest.approx(0.5)
    assert a["recall"] == pytest.approx(0.5) and a["time_ms"] == pytest.approx(20.0)
    assert math.isnan(b["mean_error_success_px"])
    with pytest.raises(ValueError, match="rows must not be empty"):
        eval.summarize_homography_results([])


def test_benchmark_pairs_stand_ins_and_bad_kind(monkeypatch):
    import numpy as np
    from imsearch.data import pack

    monkeypatch.setattr(pack, "have_dataset", lambda name: False)  # no data pack: the stand-ins
    calls = []
    from imsearch import matching

    def fake_pair(image, seed=0, strength=0.25, outlier_fraction=0.0, **kw):
        calls.append((seed, strength, outlier_fraction))
        return {"A": image, "B": image, "matches": np.zeros((4, 4)), "labels": np.ones(4), "H_BtoA": np.eye(3),
                "verified": np.zeros((8, 4))}

    monkeypatch.setattr(matching, "synthetic_homography_pair", fake_pair)
    hard = eval.benchmark_pairs("evd", progress=False)
    assert [p["name"] for p in hard] == list(eval.STAND_IN_PHOTOS["evd"])
    assert set(hard[0]) == {"name", "matches", "labels"}
    assert calls[0] == (10, 0.45, 0.85)
    easy = eval.benchmark_pairs("homogr", progress=False)
    assert len(easy) == 8 and "H_BtoA" in easy[0] and calls[-1] == (7, 0.3, 0.3)
    with pytest.raises(ValueError, match="kind must be"):
        eval.benchmark_pairs("oxford")
