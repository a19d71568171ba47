"""imsearch.index.ann: IVF, PQ and SQ written by hand, checked against faiss and closed forms."""
import numpy as np
import pytest

from imsearch.index import ann
from imsearch.signal.quantization import uniform_quantize

faiss = pytest.importorskip("faiss")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One OpenMP thread: on a shared 2-core machine, faiss's spinning threads slow each other down."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(before)


def _clustered(n, d=32, n_clusters=40, seed=0):
    """Gaussian blobs: real data has structure, random uniform vectors have none."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_clusters, d)) * 4
    return (centres[rng.integers(0, n_clusters, n)] + rng.normal(size=(n, d))).astype(np.float32)


@pytest.fixture(scope="module")
def data():
    x = _clustered(8000, seed=0)
    q = _clustered(100, seed=1)
    return x, q


def _exact(q, x, k):
    d = ((q[:, None, :].astype(np.float64) - x[None].astype(np.float64)) ** 2).sum(-1)
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(d, order, 1), order


# ----------------------------------------------------------------------------- recall


def test_knn_recall_closed_forms():
    truth = np.array([[0, 1, 2], [3, 4, 5]])
    assert ann.knn_recall(truth, truth, 3) == 1.0
    assert ann.knn_recall(np.array([[2, 1, 0], [5, 9, 9]]), truth, 3) == pytest.approx(4 / 6)
    assert ann.knn_recall(np.array([[1, 0, 2], [3, 4, 5]]), truth, 1) == 0.5     # the first result only
    assert ann.knn_recall(np.array([[-1, -1, -1], [3, -1, -1]]), truth, 3) == pytest.approx(1 / 6)


def test_knn_recall_bad_inputs():
    with pytest.raises(ValueError, match="same number of queries"):
        ann.knn_recall(np.zeros((2, 3), int), np.zeros((3, 3), int), 1)
    with pytest.raises(ValueError, match="at least k"):
        ann.knn_recall(np.zeros((2, 3), int), np.zeros((2, 3), int), 5)
    with pytest.raises(TypeError, match="found"):
        ann.knn_recall(np.zeros((2, 3)), np.zeros((2, 3), int), 1)


# ----------------------------------------------------------------------------- IVF


def test_ivf_lists_are_a_partition():
    a = np.array([2, 0, 2, 1, 0, 2])
    ptr, ids = ann.ivf_lists(a, 4)
    assert ptr.tolist() == [0, 2, 3, 6, 6]
    assert ids.tolist() == [1, 4, 3, 0, 2, 5]
    with pytest.raises(ValueError, match="assignments"):
        ann.ivf_lists(np.array([0, 4]), 4)


def test_ivf_with_every_list_is_exact(data):
    x, q = data
    km = faiss.Kmeans(x.shape[1], 16, niter=10, seed=0)
    km.train(x)
    index = ann.IVFFlat(km.centroids)
    index.add(x)
    d, i = index.search(q, 10, nprobe=16)
    de, ie = _exact(q, x, 10)
    np.testing.assert_array_equal(i, ie)
    np.testing.assert_allclose(d, de, rtol=1e-6, atol=1e-3)


def test_ivf_equals_faiss_ivfflat_with_the_same_centroids(data):
    x, q = data
    quantizer = faiss.IndexFlatL2(x.shape[1])
    ivf = faiss.IndexIVFFlat(quantizer, x.shape[1], 32)
    ivf.train(x)
    ivf.add(x)
    mine = ann.IVFFlat(quantizer.reconstruct_n(0, 32))
    mine.add(x)
    assert mine.list_sizes().tolist() == [ivf.invlists.list_size(j) for j in range(32)]
    for nprobe in (1, 3, 8):
        ivf.nprobe = nprobe
        fd, fi = ivf.search(q, 10)
        d, i = mine.search(q, 10, nprobe)
        np.testing.assert_array_equal(i, fi)
        np.testing.assert_allclose(d, fd, rtol=1e-5, atol=1e-3)


def test_ivf_recall_grows_with_nprobe(data):
    x, q = data
    km = faiss.Kmeans(x.shape[1], 64, niter=10, seed=0)
    km.train(x)
    index = ann.IVFFlat(km.centroids)
    index.add(x)
    _, truth = _exact(q, x, 10)
    recalls = [ann.knn_recall(index.search(q, 10, p)[1], truth, 10) for p in (1, 4, 16, 64)]
    assert recalls == sorted(recalls) and recalls[-1] == 1.0 and recalls[0] < 1.0


def test_ivf_search_pads_when_lists_are_short():
    c = np.array([[0.0, 0.0], [10.0, 10.0]])
    x = np.array([[0.1, 0.0], [9.0, 9.0], [10.0, 11.0]])
    ptr, ids = ann.ivf_lists(ann.coarse_assign(x, c)[:, 0], 2)
    d, i = ann.ivf_search(np.array([[0.0, 0.0]]), c, ptr, ids, x, 3, 1)
    assert i.tolist() == [[0, -1, -1]]
    assert d[0, 0] == pytest.approx(0.01) and np.isinf(d[0, 1:]).all()


def test_ivf_bad_inputs(data):
    x, q = data
    c = x[:4]
    ptr, ids = ann.ivf_lists(ann.coarse_assign(x, c)[:, 0], 4)
    with pytest.raises(ValueError, match="nprobe"):
        ann.ivf_search(q, c, ptr, ids, x, 5, 5)
    with pytest.raises(ValueError, match="queries"):
        ann.ivf_search(q[:, :3], c, ptr, ids, x, 5, 1)
    with pytest.raises(ValueError, match="list_ptr"):
        ann.ivf_search(q, c, ptr[:-1], ids, x, 5, 1)


# ----------------------------------------------------------------------------- PQ


@pytest.fixture(scope="module")
def faiss_pq(data):
    x, _ = data
    index = faiss.IndexPQ(x.shape[1], 8, 8)
    index.train(x)
    index.add(x)
    return index


def test_our_codes_from_faiss_codebooks_equal_faiss_codes(data, faiss_pq):
    x, _ = data
    cb = ann.faiss_pq_codebooks(faiss_pq.pq)
    assert cb.shape == (8, 256, 4)
    codes = ann.pq_encode(x, cb)
    np.testing.assert_array_equal(codes, faiss.vector_to_array(faiss_pq.codes).reshape(-1, 8))


def test_adc_distances_equal_faiss_search(data, faiss_pq):
    x, q = data
    cb = ann.faiss_pq_codebooks(faiss_pq.pq)
    d, i = ann.pq_search(q, cb, ann.pq_encode(x, cb), 10)
    fd, fi = faiss_pq.search(q, 10)
    np.testing.assert_allclose(d, fd, rtol=1e-5, atol=1e-3)
    assert (i == fi).mean() > 0.99           # only float ties may swap


def test_adc_is_the_distance_to_the_reconstruction(data, faiss_pq):
    x, q = data
    cb = ann.faiss_pq_codebooks(faiss_pq.pq)
    codes = ann.pq_encode(x[:200], cb)
    recon = ann.pq_decode(codes, cb)
    np.testing.assert_allclose(recon, faiss_pq.sa_decode(faiss.vector_to_array(faiss_pq.codes).reshape(-1, 8)[:200]),
                               rtol=1e-6, atol=1e-6)
    _, slow = _exact(q[:5], recon, 200)
    d = ann.adc_distances(ann.adc_tables(q[:5], cb), codes)
    ref = ((q[:5, None].astype(np.float64) - recon[None].astype(np.float64)) ** 2).sum(-1)
    np.testing.assert_allclose(d, ref, rtol=1e-4, atol=1e-2)


def test_adc_tables_closed_form():
    cb = np.array([[[0.0], [1.0]], [[0.0], [2.0]]], np.float32)      # m = 2 sub-spaces of 1 dimension
    t = ann.adc_tables(np.array([[1.0, 1.0]]), cb)
    assert t.tolist() == [[[1.0, 0.0], [1.0, 1.0]]]
    assert ann.adc_distances(t, np.array([[1, 0], [0, 1], [1, 1]])).tolist() == [[1.0, 2.0, 1.0]]


def test_pq_train_then_encode_lowers_the_error_with_more_bits(data):
    x, _ = data
    errors = []
    for nbits in (4, 6):
        cb = ann.pq_train(x[:4000], 8, nbits, n_iter=10, seed=0)
        rec = ann.pq_decode(ann.pq_encode(x, cb), cb)
        errors.append(((x - rec) ** 2).sum(1).mean())
    assert errors[1] < errors[0]


def test_pq_bad_inputs(data):
    x, _ = data
    with pytest.raises(ValueError, match="divide"):
        ann.pq_train(x, 5)
    with pytest.raises(ValueError, match="2\\*\\*nbits"):
        ann.pq_train(x[:100], 4, 8)
    with pytest.raises(ValueError, match="codes"):
        ann.pq_decode(np.array([[300, 0]]), np.zeros((2, 256, 2), np.float32))


def test_rerank_exact_recovers_the_exact_order(data):
    x, q = data
    de, ie = _exact(q, x, 10)
    shortlist = np.concatenate([ie[:, ::-1], np.full((len(q), 3), -1)], axis=1)    # right ids, wrong order
    d, i = ann.rerank_exact(q, x, shortlist, 10)
    np.testing.assert_array_equal(i, ie)
    np.testing.assert_allclose(d, de, rtol=1e-6, atol=1e-3)


# ----------------------------------------------------------------------------- SQ


def test_sq_is_chapter_1s_quantizer_per_dimension():
    rng = np.random.default_rng(0)
    x = rng.random((500, 4)) * np.array([1.0, 2.0, 10.0, 0.5]) + np.array([0.0, -1.0, 3.0, 7.0])
    vmin, vmax = ann.sq_train(x)
    codes = ann.sq_encode(x, vmin, vmax, 4)
    u = np.clip((x - vmin) / (vmax - vmin), 0, np.nextafter(1.0, 0.0))
    np.testing.assert_array_equal(codes, uniform_quantize(u, 16))
    rec = ann.sq_decode(codes, vmin, vmax, 4)
    step = (vmax - vmin) / 16
    assert np.all(np.abs(rec - x) <= step / 2 + 1e-6)
    # uniform data: the error is uniform in a cell, MSE = step² / 12 (chapter 1)
    np.testing.assert_allclose(((rec - x) ** 2).mean(0), step ** 2 / 12, rtol=0.25)


def test_sq8_error_close_to_faiss_sq8(data):
    x, _ = data
    vmin, vmax = ann.sq_train(x)
    mine = ((ann.sq_decode(ann.sq_encode(x, vmin, vmax, 8), vmin, vmax, 8) - x) ** 2).mean()
    sq = faiss.IndexScalarQuantizer(x.shape[1], faiss.ScalarQuantizer.QT_8bit)
    sq.train(x)
    theirs = ((sq.sa_decode(sq.sa_encode(x)) - x) ** 2).mean()
    assert mine == pytest.approx(theirs, rel=0.05)


def test_smallest_setting():
    assert ann.smallest_setting(np.array([0.5, 0.91, 0.95]), np.array([1, 4, 16]), 0.9) == 4
    assert ann.smallest_setting(np.array([0.95, 0.5]), np.array([16, 1]), 0.9) == 16
    assert ann.smallest_setting(np.array([0.5]), np.array([1]), 0.9) is None
