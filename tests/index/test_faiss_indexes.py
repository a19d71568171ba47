"""imsearch.index.faiss_indexes: building by factory string, search parameters, memory, Pareto front."""
import numpy as np
import pytest

from imsearch.index import ann, faiss_indexes as fi

faiss = pytest.importorskip("faiss")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One OpenMP thread: on a shared 2-core machine, faiss's spinning threads slow each other down."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(before)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(30, 16)) * 4
    x = (centres[rng.integers(0, 30, 5000)] + rng.normal(size=(5000, 16))).astype(np.float32)
    q = (centres[rng.integers(0, 30, 50)] + rng.normal(size=(50, 16))).astype(np.float32)
    return x, q


def test_flat_is_exact(data):
    x, q = data
    index, seconds = fi.build_index("Flat", x, x)
    assert set(seconds) == {"train", "add"}
    d, i, qps = fi.timed_search(index, q, 5, threads=1, min_seconds=0.01)
    ref = ((q[:, None].astype(np.float64) - x[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(i, np.argsort(ref, 1, kind="stable")[:, :5])
    assert qps > 0


def test_nprobe_moves_along_the_curve(data):
    x, q = data
    index, _ = fi.build_index("IVF64,Flat", x, x)
    _, truth = fi.build_index("Flat", x, x)[0].search(q, 10)
    recalls = []
    for nprobe in (1, 64):
        fi.set_search_params(index, nprobe=nprobe)
        recalls.append(ann.knn_recall(index.search(q, 10)[1], truth, 10))
    assert recalls[0] < 1.0 and recalls[1] == 1.0


def test_build_params_are_set_before_the_graph_is_built(data):
    import faiss

    x, q = data
    _, truth = fi.build_index("Flat", x, x)[0].search(q, 10)
    recall = {}
    for ef in (2, 200):
        index, _ = fi.build_index("HNSW8", x, x, efConstruction=ef)
        assert faiss.downcast_index(index).hnsw.efConstruction == ef
        fi.set_search_params(index, efSearch=10)
        recall[ef] = ann.knn_recall(index.search(q, 10)[1], truth, 10)
    assert recall[200] > recall[2] + 0.3    # a better graph finds more at the same efSearch (0.92 vs 0.39)
    with pytest.raises(RuntimeError):
        fi.build_index("HNSW16", x, x, efConstrution=40)   # a misspelt name is not silently ignored


def test_set_search_params_reaches_through_opq_and_refine(data):
    x, q = data
    index, _ = fi.build_index("OPQ4,IVF16,PQ4x4,Refine(Flat)", x, x)
    fi.set_search_params(index, nprobe=7, k_factor_rf=4)
    ivf = faiss.extract_index_ivf(index)
    assert ivf.nprobe == 7 and faiss.downcast_index(index).k_factor == 4


def test_bytes_per_vector_of_codes(data):
    x, _ = data
    flat, _ = fi.build_index("Flat", x, x)
    pq, _ = fi.build_index("PQ8x4", x, x)
    sq, _ = fi.build_index("SQ8", x, x)
    assert fi.bytes_per_vector(flat) == pytest.approx(16 * 4, rel=0.01)       # float32
    assert fi.bytes_per_vector(sq) == pytest.approx(16, rel=0.02)             # one byte per dimension
    assert 4 <= fi.bytes_per_vector(pq) < 4 + 16 * 16 * 4 * 2 / len(x) + 1     # 8 codes of 4 bits + codebooks


def test_threads_are_restored():
    before = faiss.omp_get_max_threads()
    with fi.faiss_threads(2):
        assert faiss.omp_get_max_threads() == 2
    assert faiss.omp_get_max_threads() == before


def test_pareto_front():
    recall = np.array([0.5, 0.9, 0.8, 0.99, 0.7])
    qps = np.array([1000.0, 500.0, 400.0, 100.0, 900.0])
    # (0.8, 400) is beaten by (0.9, 500) on both; every other point is best at its recall
    assert fi.pareto_front(recall, qps).tolist() == [0, 4, 1, 3]


def test_bad_inputs(data):
    x, _ = data
    with pytest.raises(TypeError, match="factory"):
        fi.build_index("", x, x)
    with pytest.raises(ValueError, match="metric"):
        fi.build_index("Flat", x, x, metric="cos")
    with pytest.raises(ValueError, match="train"):
        fi.build_index("Flat", x[:, :3], x)
