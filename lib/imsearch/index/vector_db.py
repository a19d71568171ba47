"""A vector database for the course's embeddings: Milvus through ``pymilvus`` (chapter 12).

The default is **Milvus Lite**: ``uri`` is a local file (``"images.db"``) and the
``milvus-lite`` package serves it from this process, with no server to install. The same
code runs against a Milvus server or cluster by changing only the ``uri``
(``"http://host:19530"``, plus a ``token`` for a managed service), or against
``milvus-lite server --data-dir DIR --port 19530`` on this machine.

One collection holds, per row: an ``id`` (int64 primary key), the ``vector`` (float32)
and three metadata fields, ``dataset``, ``label`` and ``path`` (strings), that a search can
filter on (``filter='dataset == "bsds500"'``).

Behaviours of pymilvus 3.0.2 + milvus-lite 3.2.2 that this module works around (each is
guarded by a test in ``tests/index/test_vector_db.py``):

* index build parameters must be nested, ``params={"params": {"nlist": 1024}}``; given flat
  (``params={"nlist": 1024}``) they are silently ignored (:func:`milvus_build_index` nests them and
  checks with ``describe_index``);
* the index is built in a background thread: until it is done, searches scan every row
  (exact, slow) even though ``describe_index`` already says ``"Finished"``
  (:func:`milvus_wait_for_index` waits for the index files, then reopens);
* there is no IVF-PQ in Lite: ``index_type="IVF_PQ"`` is accepted but searches stay exact
  (the server has it);
* each ``search`` call costs tens of milliseconds of Python / gRPC bookkeeping, so queries
  are sent in batches (:func:`milvus_search`).
"""
from __future__ import annotations

import numpy as np

from .._util.validation import check_array, check_int

#: Metadata fields of every row (strings).
METADATA = ("dataset", "label", "path")
#: Longest metadata string.
MAX_LENGTH = 512
#: Index types Milvus Lite really builds.
LITE_INDEX_TYPES = ("FLAT", "IVF_FLAT", "IVF_SQ8", "HNSW", "HNSW_SQ")


def milvus_connect(uri: str, token: str | None = None):
    """A ``pymilvus.MilvusClient``: a local file path for Milvus Lite, ``http://host:port`` for a server."""
    from pymilvus import MilvusClient

    if not isinstance(uri, str) or not uri:
        raise TypeError(f"uri must be a non-empty string, got {uri!r}")
    return MilvusClient(uri=uri, token=token) if token else MilvusClient(uri=uri)


def milvus_create_collection(client, name: str, dim: int, metric: str = "L2", replace: bool = False) -> None:
    """Create a collection ``name``: int64 ``id``, ``dim``-d float ``vector``, and the :data:`METADATA` strings.

    No index is given at creation (see :func:`milvus_build_index`). With ``replace``, an existing
    collection of that name is dropped first.
    """
    from pymilvus import DataType

    dim = check_int(dim, "dim", minimum=1)
    if metric not in ("L2", "IP", "COSINE"):
        raise ValueError(f"metric must be 'L2', 'IP' or 'COSINE', got {metric!r}")
    if client.has_collection(name):
        if not replace:
            raise ValueError(f"collection {name!r} already exists (pass replace=True to drop it)")
        client.drop_collection(name)
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    for f in METADATA:
        schema.add_field(f, DataType.VARCHAR, max_length=MAX_LENGTH)
    client.create_collection(name, schema=schema)


def _rows(vectors, ids, dataset, label, path):
    v = check_array(vectors, "vectors", ndim=2, kinds="iuf")
    i = check_array(ids, "ids", shape=(len(v),), kinds="iu")
    meta = {}
    for fname, values in (("dataset", dataset), ("label", label), ("path", path)):
        if isinstance(values, str):
            values = [values] * len(v)
        values = list(values)
        if len(values) != len(v):
            raise ValueError(f"{fname} must have one entry per vector ({len(v)}), got {len(values)}")
        meta[fname] = [str(s) for s in values]
    v = np.asarray(v, np.float32)
    return [{"id": int(i[r]), "vector": v[r], "dataset": meta["dataset"][r], "label": meta["label"][r],
             "path": meta["path"][r]} for r in range(len(v))]


def milvus_insert(client, name: str, vectors, ids, dataset="", label="", path="", batch: int = 5000,
           upsert: bool = False, progress: bool = False) -> int:
    """Insert (or upsert) rows: vectors with their ids and metadata, in batches.

    Parameters
    ----------
    vectors : (N, D) float array
    ids : (N,) int array
    dataset, label, path : str or sequence of N str
    batch : int
    upsert : bool
        Replace the rows whose id already exists instead of adding duplicates.
    progress : bool

    Returns
    -------
    int
        Rows written.
    """
    rows = _rows(vectors, ids, dataset, label, path)
    batch = check_int(batch, "batch", minimum=1)
    starts = range(0, len(rows), batch)
    if progress:
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc="upsert" if upsert else "insert")
    write = client.upsert if upsert else client.insert
    for a in starts:
        write(name, rows[a:a + batch])
    return len(rows)


def milvus_build_index(client, name: str, index_type: str = "HNSW", metric: str = "L2", **params) -> dict:
    """Build the vector index of a collection, with its build parameters *nested* as Milvus Lite needs.

    Parameters
    ----------
    index_type : str
        ``"FLAT"``, ``"IVF_FLAT"``, ``"IVF_SQ8"``, ``"HNSW"``, ``"HNSW_SQ"`` (and ``"IVF_PQ"``
        on a server).
    metric : {"L2", "IP", "COSINE"}
    **params
        Build parameters: ``nlist`` (IVF), ``M`` and ``efConstruction`` (HNSW).

    Returns
    -------
    dict
        ``describe_index`` of the new index.

    Raises
    ------
    RuntimeError
        If the database did not record the parameters.
    """
    if not isinstance(index_type, str):
        raise TypeError(f"index_type must be a string, got {type(index_type).__name__}")
    if client.has_collection(name) and client.list_indexes(name):
        client.release_collection(name)
        client.drop_index(name, "vector")
    ip = client.prepare_index_params()
    ip.add_index(field_name="vector", index_type=index_type, metric_type=metric, params={"params": dict(params)})
    client.create_index(name, ip)
    info = client.describe_index(name, "vector")
    got = info.get("params", {})
    if any(str(got.get(k)) != str(v) for k, v in params.items()):
        raise RuntimeError(f"the index of {name!r} did not record its parameters {params}: {info}")
    client.load_collection(name)
    return info


def _index_files_complete(uri: str, name: str) -> bool:
    """Milvus Lite's layout: every ``data/<segment>.parquet`` gets an ``indexes/<segment>.*.idx`` when indexed."""
    from pathlib import Path

    root = Path(uri) / "collections" / name / "partitions"
    segments = list(root.glob("*/data/*.parquet"))
    return all(list((p.parent.parent / "indexes").glob(p.stem + ".*.idx")) for p in segments)


def milvus_wait_for_index(client, name: str, uri: str, token: str | None = None, timeout_s: float = 600.0):
    """Wait until the vector index covers every row, then return a fresh client with the collection loaded.

    ``flush`` seals the rows still in memory into a segment; Milvus Lite then builds the
    segment's index in a background thread, while ``describe_index`` already reports
    ``"Finished"``. With a local Lite file this function polls for the index files of
    every segment, then closes the client and reopens it so that searches use them. With a
    server URI it flushes and reloads (the server reports its build state itself). Index
    types that Lite does not build (``IVF_PQ``) are not waited for: they never appear.
    """
    import time

    client.flush(name)
    indexes = client.list_indexes(name)
    built = indexes and client.describe_index(name, indexes[0]).get("index_type") in LITE_INDEX_TYPES + ("AUTOINDEX",)
    if built and not uri.startswith(("http://", "https://", "tcp://", "unix:")):
        deadline = time.monotonic() + timeout_s
        while not _index_files_complete(uri, name):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the index of {name!r} was not built within {timeout_s} s")
            time.sleep(0.1)
    client.close()
    new = milvus_connect(uri, token)
    new.load_collection(name)
    return new


def milvus_search(client, name: str, queries, k: int = 10, filter: str = "", batch: int = 256, progress: bool = False,
           **search_params):
    """The ``k`` nearest rows of every query, sent in batches.

    Parameters
    ----------
    queries : (Q, D) float array
    k : int >= 1
    filter : str
        A Milvus boolean expression on the metadata, e.g. ``'dataset == "bsds500"'``.
    batch : int
        Queries per call (one call has a fixed cost of tens of ms).
    **search_params
        ``nprobe`` (IVF) or ``ef`` (HNSW).

    Returns
    -------
    distances : (Q, k) float32
        As the database returns them (squared L2 for ``"L2"``); ``inf`` where fewer than ``k`` rows match.
    ids : (Q, k) int64
        ``-1`` where fewer than ``k`` rows match.
    """
    q = np.asarray(check_array(queries, "queries", ndim=2, kinds="iuf", allow_empty=True), np.float32)
    k = check_int(k, "k", minimum=1)
    batch = check_int(batch, "batch", minimum=1)
    dist = np.full((len(q), k), np.inf, np.float32)
    ids = np.full((len(q), k), -1, np.int64)
    starts = range(0, len(q), batch)
    if progress:
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc=f"search {name}")
    for a in starts:
        res = client.search(name, data=list(q[a:a + batch]), limit=k, filter=filter,
                            search_params={"params": dict(search_params)}, output_fields=["id"])
        for r, hits in enumerate(res):
            for c, h in enumerate(hits[:k]):
                ids[a + r, c] = h["id"]
                dist[a + r, c] = h["distance"]
    return dist, ids


def milvus_delete(client, name: str, ids) -> None:
    """Delete the rows with these ids."""
    i = check_array(ids, "ids", ndim=1, kinds="iu")
    client.delete(name, ids=[int(v) for v in i])


def milvus_fetch(client, name: str, ids) -> dict:
    """The metadata of rows by id: ``{id: {"dataset", "label", "path"}}`` (missing ids are absent)."""
    i = check_array(ids, "ids", ndim=1, kinds="iu", allow_empty=True)
    if len(i) == 0:
        return {}
    rows = client.get(name, ids=[int(v) for v in i], output_fields=list(METADATA))
    return {int(r["id"]): {f: r[f] for f in METADATA} for r in rows}


def milvus_count(client, name: str) -> int:
    """Rows in a collection (deleted rows excluded)."""
    res = client.query(name, filter="", output_fields=["count(*)"])
    return int(res[0]["count(*)"])
