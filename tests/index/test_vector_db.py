"""imsearch.index.vector_db: Milvus Lite through pymilvus, and the behaviours of its versions that the chapter
relies on (pymilvus 3.0.2 + milvus-lite 3.2.2): a test fails when an upgrade changes one of them."""
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from imsearch.index import ann, vector_db as vdb  # noqa: E402


def _data(n=3000, d=16, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, d)) * 3
    x = (centres[rng.integers(0, 20, n)] + rng.normal(size=(n, d))).astype(np.float32)
    q = (centres[rng.integers(0, 20, 40)] + rng.normal(size=(40, d))).astype(np.float32)
    return x, q


def _exact(q, x, k):
    d = ((q[:, None].astype(np.float64) - x[None]) ** 2).sum(-1)
    return np.argsort(d, 1, kind="stable")[:, :k]


def _fill(client, name, x):
    vdb.milvus_create_collection(client, name, x.shape[1], replace=True)
    n = len(x)
    vdb.milvus_insert(client, name, x, np.arange(n), dataset=["a" if i % 2 else "b" for i in range(n)],
                      label=[f"l{i % 7}" for i in range(n)], path=[f"img/{i}.jpg" for i in range(n)])


def test_collection_insert_search_filter_delete_upsert_reopen(tmp_path):
    x, q = _data()
    uri = str(tmp_path / "t.db")
    client = vdb.milvus_connect(uri)
    _fill(client, "c", x)
    info = vdb.milvus_build_index(client, "c", "HNSW", M=16, efConstruction=64)
    assert info["index_type"] == "HNSW" and info["params"] == {"M": 16, "efConstruction": 64}
    client = vdb.milvus_wait_for_index(client, "c", uri)
    assert vdb.milvus_count(client, "c") == len(x)
    d, i = vdb.milvus_search(client, "c", q, 10, batch=16, ef=200)
    assert ann.knn_recall(i, _exact(q, x, 10), 10) > 0.95
    ref = ((q[:, None] - x[None]) ** 2).sum(-1)
    np.testing.assert_allclose(d, np.take_along_axis(ref, i, 1), rtol=1e-4, atol=1e-3)   # squared L2
    # a metadata filter: only rows of dataset "a" (odd ids), the exact neighbours among them
    _, fi = vdb.milvus_search(client, "c", q, 5, filter='dataset == "a"', ef=200)
    assert (fi % 2 == 1).all()
    odd = np.arange(1, len(x), 2)
    assert ann.knn_recall(fi, odd[_exact(q, x[odd], 5)], 5) > 0.95
    assert vdb.milvus_fetch(client, "c", np.array([3]))[3] == {"dataset": "a", "label": "l3", "path": "img/3.jpg"}
    # delete the first neighbour of query 0: it is never returned again
    first = int(i[0, 0])
    vdb.milvus_delete(client, "c", np.array([first]))
    assert first not in vdb.milvus_search(client, "c", q[:1], 10, ef=200)[1]
    assert vdb.milvus_count(client, "c") == len(x) - 1
    # upsert row 5 with the query's own vector: it becomes the nearest, with its new metadata
    vdb.milvus_insert(client, "c", q[:1], np.array([5]), "new", "moved", "img/5b.jpg", upsert=True)
    d0, i0 = vdb.milvus_search(client, "c", q[:1], 1, ef=200)
    assert i0[0, 0] == 5 and d0[0, 0] == pytest.approx(0.0, abs=1e-4)
    assert vdb.milvus_count(client, "c") == len(x) - 1
    client.close()
    # reopen: the data, the deletion and the upsert are still there
    client = vdb.milvus_connect(uri)
    client.load_collection("c")
    assert vdb.milvus_count(client, "c") == len(x) - 1
    assert vdb.milvus_fetch(client, "c", np.array([5, first])) == {5: {"dataset": "new", "label": "moved",
                                                                        "path": "img/5b.jpg"}}
    client.close()


def test_flat_index_params_are_ignored_nested_ones_are_kept(tmp_path):
    """Guard: Milvus Lite drops build parameters given the documented flat way."""
    x, _ = _data(500)
    client = vdb.milvus_connect(str(tmp_path / "p.db"))
    _fill(client, "c", x)
    ip = client.prepare_index_params()
    ip.add_index(field_name="vector", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 7})
    client.create_index("c", ip)
    assert "params" not in client.describe_index("c", "vector") or \
        client.describe_index("c", "vector")["params"].get("nlist") != 7
    info = vdb.milvus_build_index(client, "c", "IVF_FLAT", nlist=7)
    assert info["params"] == {"nlist": 7}
    client.close()


def test_index_is_built_in_the_background_searches_meanwhile_are_exact(tmp_path):
    """Guard: right after the insert, describe_index says "Finished" but searches scan every row."""
    x, q = _data(5000, 32)
    truth = _exact(q, x, 10)
    uri = str(tmp_path / "b2.db")
    # creation with the index given up front: the first searches run before the index is built
    client = vdb.milvus_connect(uri)
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=x.shape[1])
    ip = client.prepare_index_params()
    ip.add_index(field_name="vector", index_type="IVF_FLAT", metric_type="L2", params={"params": {"nlist": 64}})
    client.create_collection("c", schema=schema, index_params=ip)
    client.insert("c", [{"id": i, "vector": v} for i, v in enumerate(x)])
    recall_now = ann.knn_recall(vdb.milvus_search(client, "c", q, 10, nprobe=1)[1], truth, 10)
    assert recall_now == 1.0                     # brute force until the background build is done
    assert client.describe_index("c", "vector")["state"] == "Finished"          # although it says so
    client = vdb.milvus_wait_for_index(client, "c", uri)
    recall_indexed = ann.knn_recall(vdb.milvus_search(client, "c", q, 10, nprobe=1)[1], truth, 10)
    assert recall_indexed < 0.9                  # nprobe = 1 of 64 lists: approximate once the index exists
    client.close()


def test_lite_has_no_ivf_pq(tmp_path):
    """Guard: IVF_PQ is accepted and described, but searches return exact (unquantized) distances."""
    x, q = _data(3000, 32)
    uri = str(tmp_path / "pq.db")
    client = vdb.milvus_connect(uri)
    _fill(client, "c", x)
    info = vdb.milvus_build_index(client, "c", "IVF_PQ", nlist=8, m=4, nbits=8)
    assert info["index_type"] == "IVF_PQ"
    client = vdb.milvus_wait_for_index(client, "c", uri)
    d, i = vdb.milvus_search(client, "c", q, 10, nprobe=1)
    np.testing.assert_array_equal(i, _exact(q, x, 10))      # exact: nothing was quantized or partitioned
    assert "IVF_PQ" not in vdb.LITE_INDEX_TYPES
    client.close()


def test_batched_and_single_queries_agree(tmp_path):
    x, q = _data(2000)
    uri = str(tmp_path / "q.db")
    client = vdb.milvus_connect(uri)
    _fill(client, "c", x)
    vdb.milvus_build_index(client, "c", "HNSW", M=8, efConstruction=40)
    client = vdb.milvus_wait_for_index(client, "c", uri)
    d1, i1 = vdb.milvus_search(client, "c", q, 5, batch=1, ef=32)
    d2, i2 = vdb.milvus_search(client, "c", q, 5, batch=len(q), ef=32)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_allclose(d1, d2)
    client.close()


def test_bad_inputs(tmp_path):
    client = vdb.milvus_connect(str(tmp_path / "e.db"))
    vdb.milvus_create_collection(client, "c", 4)
    with pytest.raises(ValueError, match="already exists"):
        vdb.milvus_create_collection(client, "c", 4)
    with pytest.raises(ValueError, match="metric"):
        vdb.milvus_create_collection(client, "d", 4, metric="cos")
    with pytest.raises(ValueError, match="label"):
        vdb.milvus_insert(client, "c", np.zeros((2, 4)), np.arange(2), label=["x"])
    with pytest.raises(ValueError, match="ids"):
        vdb.milvus_insert(client, "c", np.zeros((2, 4)), np.arange(3))
    with pytest.raises(TypeError, match="uri"):
        vdb.milvus_connect("")
    client.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_same_code_against_milvus_lite_server(tmp_path):
    """The chapter's code, unchanged but for the URI, against ``milvus-lite server`` on a local port."""
    exe = Path(sys.executable).parent / "milvus-lite"
    if not exe.exists():
        exe = shutil.which("milvus-lite")
    if not exe:
        pytest.skip("the milvus-lite command is not installed, so no local server can be started")
    port = _free_port()
    proc = subprocess.Popen([str(exe), "server", "--data-dir", str(tmp_path / "srv"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.skip(f"milvus-lite server did not start: {proc.stdout.read().decode()[-300:]}")
                time.sleep(0.2)
        x, q = _data(2000)
        uri = f"http://127.0.0.1:{port}"
        client = vdb.milvus_connect(uri)
        _fill(client, "c", x)
        info = vdb.milvus_build_index(client, "c", "IVF_FLAT", nlist=16)
        assert info["params"] == {"nlist": 16}
        client = vdb.milvus_wait_for_index(client, "c", uri)
        _, i = vdb.milvus_search(client, "c", q, 10, nprobe=16)
        np.testing.assert_array_equal(i, _exact(q, x, 10))   # every list probed: exact
        _, fi = vdb.milvus_search(client, "c", q, 5, filter='dataset == "b"', nprobe=16)
        assert (fi % 2 == 0).all()
        client.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
