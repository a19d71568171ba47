"""Tests for imsearch.data: embedded photos, the verified cache, folder and http mirrors, loaders, CLI.

Most tests build a miniature data pack in a temporary folder (a few tiny PNG/JPEG/text
files and their MANIFEST.sha256), so they run offline in well under a second each. The
tests marked ``datapack`` read the real course pack and are skipped when it is absent.
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import os
import pickle
import socket
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from imsearch import data
from imsearch.data import pack as data_pack

REPO = Path(__file__).resolve().parents[2]
SIBLING_PACK = REPO.parent / "shared" / "data"

DATASETS = ["bsds500", "cifar10", "cmp_homography_pairs", "flowers17", "imagenet_samples", "imagenette", "models",
            "opencv_samples", "oxford_affine", "ukbench_subset"]
# the datasets that make_pack writes into its miniature pack
MINI_PACK_DATASETS = ["bsds500", "cmp_homography_pairs", "imagenet_samples", "opencv_samples", "oxford_affine"]


# ----------------------------------------------------------------------------------------
# A miniature pack
# ----------------------------------------------------------------------------------------

def _png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB/RGBA/gray uint8 image (OpenCV wants BGR order)."""
    if image.ndim == 3 and image.shape[2] == 3:
        image = image[:, :, ::-1]
    elif image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, [2, 1, 0, 3]]
    ok, buf = cv2.imencode(".png", image)
    assert ok
    return buf.tobytes()


def _jpeg(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    return buf.tobytes()


def _decoded_jpeg(raw: bytes) -> np.ndarray:
    """What a JPEG decodes to, in RGB: the reference for the loaders."""
    return cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]


def _write_manifest(root: Path) -> None:
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "MANIFEST.sha256"):
        rel = path.relative_to(root).as_posix()
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}\n")
    (root / "MANIFEST.sha256").write_text("".join(lines))


def make_pack(root: Path, skip=()) -> dict:
    """Write a miniature course pack under ``root``; return what the loaders should give back."""
    rng = np.random.default_rng(0)
    files: dict[str, bytes] = {"README.md": b"# mini pack\n"}
    expect: dict = {}

    # oxford_affine/graf: six random PNGs and five homographies (one in Java-style E notation).
    imgs = [rng.integers(0, 256, (8, 10, 3), dtype=np.uint8) for _ in range(6)]
    hs = {n: np.array([[1.0 + n / 10, 0.01 * n, 2.5 * n], [-0.02, 0.9, -1.25], [1e-4 * n, -2e-4, 1.0]])
          for n in range(2, 7)}
    for i, im in enumerate(imgs, 1):
        files[f"oxford_affine/graf/img{i}.png"] = _png(im)
    for n, h in hs.items():
        text = "\n".join(" ".join(f"{v:.6E}" if n == 4 else repr(float(v)) for v in row) for row in h) + "\n"
        files[f"oxford_affine/graf/H1to{n}p"] = text.encode()
    files["oxford_affine/SOURCE.md"] = b"# oxford\n"
    expect["oxford"] = (imgs, hs)

    # bsds500: ids sort as strings ("1001" < "999").
    bsds = {"train/2001": (5, 7), "val/999": (6, 9), "val/1001": (9, 6), "test/3001": (6, 9)}
    expect["bsds"] = {}
    for stem, shape in bsds.items():
        raw = _jpeg(rng.integers(0, 256, shape + (3,), dtype=np.uint8))
        files[f"bsds500/{stem}.jpg"] = raw
        expect["bsds"][stem.split("/")[1]] = _decoded_jpeg(raw)

    # imagenet_samples: labels.csv rows deliberately not in file order.
    rows = [("images/n02_bee.jpg", 1), ("images/n01_ant.jpg", 0), ("images/n03_cat.jpg", 2)]
    csv_text = "file,class_index,wnid,class_name,orig_width,orig_height,orig_mode,width,height\n"
    expect["imagenet"] = {}
    for rel, idx in rows:
        raw = _jpeg(rng.integers(0, 256, (4, 6, 3), dtype=np.uint8))
        files[f"imagenet_samples/{rel}"] = raw
        stem = Path(rel).stem
        expect["imagenet"][stem] = (_decoded_jpeg(raw), idx)
        csv_text += f"{rel},{idx},{stem.split('_')[0]},{stem.split('_')[1]},6,4,RGB,6,4\n"
    files["imagenet_samples/labels.csv"] = csv_text.encode()

    # opencv_samples: a gray PNG, an RGBA PNG, and H1to3p.xml written by OpenCV itself.
    box = rng.integers(0, 256, (5, 7), dtype=np.uint8)
    rgba = rng.integers(0, 256, (4, 4, 4), dtype=np.uint8)
    rgba[0, :, 3], rgba[1, :, 3], rgba[2, :, 3] = 0, 255, 128
    files["opencv_samples/box.png"] = _png(box)
    files["opencv_samples/chicky_512.png"] = _png(rgba)
    h13 = np.array([[0.76285898, -0.29922929, 225.67123], [0.33443473, 1.0143901, -76.999973],
                    [3.4663091e-4, -1.4364524e-5, 1.0]])
    xml = root.parent / f"{root.name}_H1to3p.xml"
    fs = cv2.FileStorage(str(xml), cv2.FILE_STORAGE_WRITE)
    fs.write("H13", h13)
    fs.release()
    files["opencv_samples/H1to3p.xml"] = xml.read_bytes()
    xml.unlink()
    expect["opencv"] = (box, rgba, h13)

    # cmp_homography_pairs: one homogr pair (7 columns) and one evd pair (9 fields).
    a_img = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    b_img = rng.integers(0, 256, (7, 5, 3), dtype=np.uint8)
    pts = np.array([[10.5, 20.25, 1, 11.0, 19.0, 1, 0], [30.0, 40.0, 1, 31.5, 42.0, 1, 1],
                    [50.0, 60.0, 1, 52.0, 61.0, 1, 0], [1.0, 2.0, 1, 3.0, 4.0, 1, 1]])
    model = np.array([[1.1, 0.01, -3.0], [0.02, 0.95, 4.0], [1e-4, 2e-5, 1.0]])
    for kind, name in (("homogr", "adam"), ("evd", "graf")):
        files[f"cmp_homography_pairs/{kind}/{name}A.jpg"] = _jpeg(a_img)
        files[f"cmp_homography_pairs/{kind}/{name}B.jpg"] = _jpeg(b_img)
    files["cmp_homography_pairs/homogr/adam_pts.txt"] = "".join(
        " ".join(repr(float(v)) if j not in (2, 5, 6) else str(int(v)) for j, v in enumerate(r)) + "\n"
        for r in pts).encode()
    files["cmp_homography_pairs/homogr/adam_model.txt"] = "".join(
        " ".join(repr(float(v)) for v in row) + "\n" for row in model).encode()
    evd = ["643.75 357.679 374.869 457.071 0.261786 0.3 MSER RootSIFT 1",
           "285.304 403.496 272.819 436.837 1.5 2.5 HessianAffine RootSIFT 0"]
    files["cmp_homography_pairs/evd/graf_pts.txt"] = ("\n".join(evd) + "\n").encode()
    expect["cmp"] = (pts, model, evd)

    for rel, raw in files.items():
        if rel.split("/")[0] in skip:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
    _write_manifest(root)
    expect["files"] = {rel: raw for rel, raw in files.items() if rel.split("/")[0] not in skip}
    return expect


@pytest.fixture
def cache(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(path))
    return path


@pytest.fixture
def pack(tmp_path, monkeypatch, cache):
    """A miniature pack in a folder, with the mirror and the cache pointed at temporary folders."""
    root = tmp_path / "pack"
    expect = make_pack(root)
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", str(root))
    return root, expect


@pytest.fixture
def no_mirror(monkeypatch, cache):
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(root: Path) -> dict:
    return {line.split()[1]: line.split()[0] for line in (root / "MANIFEST.sha256").read_text().splitlines()}


# ----------------------------------------------------------------------------------------
# Embedded photos
# ----------------------------------------------------------------------------------------

def test_every_default_image_loads_as_rgb_uint8():
    names = data.list_default_images()
    assert len(names) == 24 and len(set(names)) == 24
    assert {"astronaut", "camera", "coffee", "china", "flower", "grace_hopper"} <= set(names)
    network_only = {"brain", "cells3d", "eagle", "human_mitosis", "kidney", "lily",
                    "nickel_solidification", "palisades_of_vogt", "protein_transport", "skin", "vortex"}
    assert not network_only & set(names)
    for name in names:
        image = data.load_default_image(name)
        assert image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8, name
        assert image.shape[0] > 50 and image.shape[1] > 50, name
        assert image.std() > 1.0, f"{name} is blank"


def test_default_images_match_their_sources():
    import skimage.data
    from sklearn.datasets import load_sample_image

    camera = data.load_default_image("camera")
    assert np.array_equal(camera[:, :, 0], camera[:, :, 1]) and np.array_equal(camera[:, :, 1], camera[:, :, 2])
    assert np.array_equal(camera[:, :, 0], skimage.data.camera())
    assert np.array_equal(data.load_default_image("astronaut"), skimage.data.astronaut())
    assert np.array_equal(data.load_default_image("china"), load_sample_image("china.jpg"))
    horse = data.load_default_image("horse")
    assert set(np.unique(horse)) == {0, 255}
    assert np.array_equal(horse[:, :, 0] == 255, skimage.data.horse())
    # RGBA logo: composited over white, out = a * rgb + (1 - a) * 255.
    logo = skimage.data.logo().astype(np.float64)
    a = logo[:, :, 3:] / 255.0
    expected = np.round(a * logo[:, :, :3] + (1 - a) * 255.0).astype(np.uint8)
    assert np.array_equal(data.load_default_image("logo"), expected)
    # The matplotlib photo decodes like matplotlib's own reader does.
    import matplotlib.image
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        ref = matplotlib.image.imread(f, format="jpg")
    hopper = data.load_default_image("grace_hopper")
    assert hopper.shape == ref.shape == (600, 512, 3)
    assert np.abs(hopper.astype(int) - ref.astype(int)).mean() < 1.0  # decoders may differ by rounding


def test_load_default_image_bad_names():
    with pytest.raises(ValueError, match=r"name must be one of .*'astronaut'.*got 'eagle'"):
        data.load_default_image("eagle")  # needs the network: not offered
    with pytest.raises(ValueError, match="name must be one of"):
        data.load_default_image("Camera")
    with pytest.raises(TypeError, match="name must be a str"):
        data.load_default_image(3)


# ----------------------------------------------------------------------------------------
# Configuration
# ----------------------------------------------------------------------------------------

def test_datasets_mirror_and_cache_dir(monkeypatch, tmp_path):
    assert data.datasets() == DATASETS
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    assert data.mirror() is None
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", "  ")
    assert data.mirror() is None
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", "http://example.org/pack/")
    assert data.mirror() == "http://example.org/pack/"
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path / "c"))
    assert data.cache_dir() == tmp_path / "c"
    assert not (tmp_path / "c").exists()  # created only when something is written
    monkeypatch.delenv("IMSEARCH_CACHE_DIR")
    if os.access(REPO, os.W_OK) and (REPO / "pyproject.toml").is_file():
        assert data.cache_dir() == REPO / "data" / "cache"  # the git-ignored cache of the checkout
    else:
        assert data.cache_dir().name == "imsearch"


def test_data_missing_error_names_dataset_variable_and_readme():
    err = data.DataMissingError("bsds500", "IMSEARCH_DATA_MIRROR is not set")
    assert isinstance(err, FileNotFoundError)
    assert err.dataset == "bsds500"
    msg = str(err)
    assert "'bsds500'" in msg and "IMSEARCH_DATA_MIRROR" in msg
    assert "Course data" in msg and "README.md#course-data" in msg
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == msg and again.dataset == "bsds500"


# ----------------------------------------------------------------------------------------
# fetch() from a folder mirror: verification, corruption, missing files
# ----------------------------------------------------------------------------------------

def test_fetch_copies_and_verifies(pack, cache):
    root, expect = pack
    rel = "oxford_affine/graf/img2.png"
    path = data.fetch(rel)
    assert path == cache / "pack" / rel
    assert path.read_bytes() == expect["files"][rel]
    assert _sha(path) == _manifest(root)[rel]
    assert (cache / "pack" / "MANIFEST.sha256").read_bytes() == (root / "MANIFEST.sha256").read_bytes()
    mtime = path.stat().st_mtime_ns
    assert data.fetch(rel) == path and path.stat().st_mtime_ns == mtime  # a verified copy is reused
    assert not list(path.parent.glob("*.part"))


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "append"])
def test_corrupt_or_partial_cached_file_is_fetched_again(pack, damage):
    root, expect = pack
    rel = "bsds500/val/999.jpg"
    path = data.fetch(rel)
    raw = expect["files"][rel]
    if damage == "flip":  # same length, one byte changed
        path.write_bytes(raw[:100] + bytes([raw[100] ^ 0xFF]) + raw[101:])
    elif damage == "truncate":  # an interrupted copy
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(raw + b"\0")
    assert path.read_bytes() != raw
    assert data.fetch(rel) == path
    assert path.read_bytes() == raw
    ids, images = data.load_bsds500("val")
    assert np.array_equal(images[ids.index("999")], expect["bsds"]["999"])


def test_interrupted_copy_leaves_nothing_that_looks_complete(pack, cache, monkeypatch):
    rel = "oxford_affine/graf/img1.png"

    def broken_chunks(path):
        yield path.read_bytes()[:10]
        raise KeyboardInterrupt

    monkeypatch.setattr(data_pack, "_read_chunks", broken_chunks)
    with pytest.raises(KeyboardInterrupt):
        data.fetch(rel)
    folder = cache / "pack" / "oxford_affine" / "graf"
    assert not (folder / "img1.png").exists()
    assert not list(folder.glob("*"))  # no temporary file left behind either


def test_file_missing_from_mirror(pack, monkeypatch, cache):
    root, _ = pack
    (root / "oxford_affine/graf/img3.png").unlink()  # still listed in the manifest
    with pytest.raises(data.DataMissingError, match=r"'oxford_affine'.*has no file") as info:
        data.fetch("oxford_affine/graf/img3.png")
    assert info.value.dataset == "oxford_affine"
    with pytest.raises(data.DataMissingError, match="oxford_affine"):
        data.load_oxford_affine("graf")
    assert not (cache / "pack" / "oxford_affine/graf/img3.png").exists()


def test_corrupt_mirror_copy_is_refused_and_not_cached(pack, cache):
    root, expect = pack
    rel = "opencv_samples/box.png"
    (root / rel).write_bytes(expect["files"][rel][:-5] + b"xxxxx")
    with pytest.raises(data.DataCorruptError, match=r"mirror's copy of 'opencv_samples/box.png' is corrupt"):
        data.fetch(rel)
    folder = cache / "pack" / "opencv_samples"
    assert not folder.exists() or not list(folder.iterdir())  # no copy, no temporary file
    with pytest.raises(data.DataCorruptError):  # still refused: never used
        data.load_opencv_sample("box.png")


@pytest.mark.parametrize("call, dataset", [
    (lambda: data.fetch("oxford_affine/graf/img1.png"), "oxford_affine"),
    (lambda: data.load_oxford_affine("graf"), "oxford_affine"),
    (lambda: data.load_bsds500(), "bsds500"),
    (lambda: data.load_imagenet_samples(limit=2), "imagenet_samples"),
    (lambda: data.load_opencv_sample("box.png"), "opencv_samples"),
    (lambda: data.load_opencv_graf_homography(), "opencv_samples"),
    (lambda: data.load_cmp_pair("adam"), "cmp_homography_pairs"),
])
def test_mirror_not_set_names_dataset_variable_and_section(no_mirror, call, dataset):
    with pytest.raises(data.DataMissingError) as info:
        call()
    msg = str(info.value)
    assert f"'{dataset}'" in msg and "IMSEARCH_DATA_MIRROR is not set" in msg
    assert "README.md" in msg and "Course data" in msg
    assert info.value.dataset == dataset


def test_mirror_pointing_to_missing_folder(cache, monkeypatch, tmp_path):
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", str(tmp_path / "nowhere"))
    with pytest.raises(data.DataMissingError, match=r"'oxford_affine'.*nowhere' is not an existing folder"):
        data.load_oxford_affine("graf")
    assert data.have_dataset("oxford_affine") is False
    (tmp_path / "not_a_pack").mkdir()
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", str(tmp_path / "not_a_pack"))
    with pytest.raises(data.DataMissingError, match="has no MANIFEST.sha256"):
        data.fetch("bsds500/val/999.jpg")


def test_path_not_in_manifest_and_bad_paths(pack):
    with pytest.raises(ValueError, match=r"relpath 'oxford_affine/graf/img7.png' is not listed"):
        data.fetch("oxford_affine/graf/img7.png")
    for bad in ["", "/etc/passwd", "../pack/README.md", "oxford_affine/../README.md", "a\\b"]:
        with pytest.raises(ValueError, match="relpath must be a path relative to the pack root"):
            data.fetch(bad)
    with pytest.raises(TypeError, match="relpath must be a str"):
        data.fetch(Path("README.md"))
    assert data.fetch("README.md").read_bytes() == b"# mini pack\n"  # root files are in the pack too


def test_dataset_absent_from_mirror(tmp_path, monkeypatch, cache):
    root = tmp_path / "partial"
    make_pack(root, skip=("bsds500",))
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", str(root))
    assert data.have_dataset("oxford_affine") is True
    assert data.have_dataset("bsds500") is False
    with pytest.raises(data.DataMissingError, match=r"'bsds500'.*does not hold it"):
        data.load_bsds500("val")


def test_manifest_that_is_not_a_manifest(tmp_path, monkeypatch, cache):
    root = tmp_path / "html"
    root.mkdir()
    (root / "MANIFEST.sha256").write_text("<html><body>Not found</body></html>\n")
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", str(root))
    with pytest.raises(data.DataCorruptError, match="is not a sha256 manifest"):
        data.fetch("README.md")


def test_manifest_is_read_once_per_process(pack):
    root, expect = pack
    data.fetch("README.md")
    (root / "MANIFEST.sha256").unlink()  # later fetches use the manifest already read
    rel = "oxford_affine/graf/H1to2p"
    assert data.fetch(rel).read_bytes() == expect["files"][rel]


def test_have_dataset_and_offline_use_of_the_cache(pack, cache, monkeypatch):
    root, expect = pack
    assert all(data.have_dataset(n) for n in MINI_PACK_DATASETS)
    # have_dataset never downloads images: only the manifest is in the cache.
    assert [p.name for p in (cache / "pack").rglob("*") if p.is_file()] == ["MANIFEST.sha256"]
    graf = [r for r in expect["files"] if r.startswith("oxford_affine/")]
    for rel in graf:
        data.fetch(rel)
    data.fetch("bsds500/val/999.jpg")
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR")
    assert data.have_dataset("oxford_affine") is True  # every file cached and verified
    assert data.have_dataset("bsds500") is False  # only one file cached
    images, hs = data.load_oxford_affine("graf")  # works offline from the cache
    assert np.array_equal(images[0], expect["oxford"][0][0])
    assert data.fetch("bsds500/val/999.jpg").read_bytes() == expect["files"]["bsds500/val/999.jpg"]
    with pytest.raises(data.DataMissingError, match=r"'bsds500'.*IMSEARCH_DATA_MIRROR is not set"):
        data.fetch("bsds500/val/1001.jpg")
    (cache / "pack" / "oxford_affine/graf/img4.png").write_bytes(b"garbage")
    assert data.have_dataset("oxford_affine") is False  # a corrupt file is not "available"
    with pytest.raises(data.DataMissingError):
        data.load_oxford_affine("graf")  # and is never used
    with pytest.raises(ValueError, match="name must be one of"):
        data.have_dataset("ukbench")


# ----------------------------------------------------------------------------------------
# Loaders on the miniature pack
# ----------------------------------------------------------------------------------------

def test_load_oxford_affine(pack):
    _, expect = pack
    images, hs = data.load_oxford_affine("graf")
    want_images, want_hs = expect["oxford"]
    assert len(images) == 6
    for got, want in zip(images, want_images):
        assert got.dtype == np.uint8 and np.array_equal(got, want)  # PNG is lossless
    assert sorted(hs) == [2, 3, 4, 5, 6]
    for n in range(2, 7):
        assert hs[n].shape == (3, 3) and hs[n].dtype == np.float64
        np.testing.assert_allclose(hs[n], want_hs[n], rtol=1e-6)


def test_load_bsds500(pack):
    _, expect = pack
    ids, images = data.load_bsds500()
    assert ids == ["1001", "2001", "3001", "999"]  # sorted by id (as strings)
    for i, im in zip(ids, images):
        assert im.dtype == np.uint8 and np.array_equal(im, expect["bsds"][i])
    assert data.load_bsds500("val")[0] == ["1001", "999"]
    assert data.load_bsds500("train")[0] == ["2001"]
    ids, images = data.load_bsds500("all", limit=2)
    assert ids == ["1001", "2001"] and len(images) == 2 and images[0].shape == (9, 6, 3)
    assert data.load_bsds500("test", limit=10)[0] == ["3001"]


def test_load_imagenet_samples(pack):
    _, expect = pack
    names, images, classes = data.load_imagenet_samples()
    assert names == ["n01_ant", "n02_bee", "n03_cat"] and classes == [0, 1, 2]
    for n, im in zip(names, images):
        assert np.array_equal(im, expect["imagenet"][n][0])
    names, images, classes = data.load_imagenet_samples(limit=1)
    assert names == ["n01_ant"] and classes == [0] and len(images) == 1


def test_load_opencv_samples(pack):
    _, expect = pack
    box, rgba, h13 = expect["opencv"]
    gray = data.load_opencv_sample("box.png")
    assert gray.shape == (5, 7, 3) and all(np.array_equal(gray[:, :, c], box) for c in range(3))
    chick = data.load_opencv_sample("chicky_512.png")
    assert chick.shape == (4, 4, 3) and chick.dtype == np.uint8
    assert np.all(chick[0] == 255)  # transparent -> white
    assert np.array_equal(chick[1], rgba[1, :, :3])  # opaque -> the color itself
    a = 128 / 255
    np.testing.assert_array_equal(chick[2], np.round(a * rgba[2, :, :3] + (1 - a) * 255).astype(np.uint8))
    h = data.load_opencv_graf_homography()
    assert h.shape == (3, 3) and h.dtype == np.float64
    np.testing.assert_allclose(h, h13, rtol=1e-12)
    fs = cv2.FileStorage(str(data.fetch("opencv_samples/H1to3p.xml")), cv2.FILE_STORAGE_READ)
    np.testing.assert_array_equal(h, fs.getNode("H13").mat())  # same as OpenCV's own reader
    fs.release()


def test_load_cmp_pairs(pack):
    _, expect = pack
    pts, model, evd = expect["cmp"]
    pair = data.load_cmp_pair("adam")
    assert set(pair) == {"A", "B", "matches", "labels", "H_BtoA", "verified"}
    assert pair["A"].shape == (6, 8, 3) and pair["B"].shape == (7, 5, 3) and pair["A"].dtype == np.uint8
    np.testing.assert_array_equal(pair["matches"], pts[:, [0, 1, 3, 4]])
    assert pair["matches"].dtype == np.float64 and pair["labels"].dtype == np.int64
    np.testing.assert_array_equal(pair["labels"], [0, 1, 0, 1])
    np.testing.assert_array_equal(pair["verified"], [[30.0, 40.0, 31.5, 42.0], [1.0, 2.0, 3.0, 4.0]])
    np.testing.assert_array_equal(pair["H_BtoA"], model)
    e = data.load_cmp_pair("graf", kind="evd")
    assert set(e) == {"A", "B", "matches", "labels", "scales"}
    np.testing.assert_array_equal(e["matches"], [[643.75, 357.679, 374.869, 457.071],
                                                 [285.304, 403.496, 272.819, 436.837]])
    np.testing.assert_array_equal(e["scales"], [[0.261786, 0.3], [1.5, 2.5]])
    np.testing.assert_array_equal(e["labels"], [1, 0])
    assert len(data.cmp_pair_names()) == 16 and len(data.cmp_pair_names("evd")) == 15
    assert "Boston" in data.cmp_pair_names("homogr") and "vin" in data.cmp_pair_names("evd")


def test_loader_arguments_are_validated_before_any_data_access(no_mirror):
    with pytest.raises(ValueError, match=r"split must be one of \['all', 'train', 'val', 'test'\], got 'training'"):
        data.load_bsds500("training")
    for bad in (0, -3):
        with pytest.raises(ValueError, match="limit must be >= 1"):
            data.load_bsds500(limit=bad)
    for bad in (1.5, True, "5"):
        with pytest.raises(TypeError, match="limit must be an integer"):
            data.load_imagenet_samples(limit=bad)
    with pytest.raises(ValueError, match=r"sequence must be one of \['bark', .*'wall'\], got 'Graf'"):
        data.load_oxford_affine("Graf")
    with pytest.raises(ValueError, match=r"name must be one of .*'box.png'.*got 'lena.jpg'"):
        data.load_opencv_sample("lena.jpg")
    with pytest.raises(ValueError, match=r"kind must be one of \['homogr', 'evd'\], got 'EVD'"):
        data.load_cmp_pair("adam", kind="EVD")
    with pytest.raises(ValueError, match=r"name must be one of .*'WhiteBoard'.*got 'cafe'"):
        data.load_cmp_pair("cafe")  # an evd pair asked as homogr
    with pytest.raises(TypeError, match="sequence must be a str"):
        data.load_oxford_affine(3)
    with pytest.raises(ValueError, match="kind must be one of"):
        data.cmp_pair_names("all")


# ----------------------------------------------------------------------------------------
# An http mirror served on 127.0.0.1 by the test
# ----------------------------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def http_pack(pack, monkeypatch):
    root, expect = pack
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        monkeypatch.setenv("IMSEARCH_DATA_MIRROR", url)
        yield root, expect, url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_fetch_over_http(http_pack, cache):
    root, expect, url = http_pack
    manifest = _manifest(root)
    for rel in ["oxford_affine/graf/img1.png", "bsds500/val/999.jpg", "imagenet_samples/labels.csv"]:
        path = data.fetch(rel)
        assert path == cache / "pack" / rel
        assert path.read_bytes() == expect["files"][rel] and _sha(path) == manifest[rel]
    # Corrupt and truncate cached copies: both are downloaded again.
    p1 = cache / "pack" / "oxford_affine/graf/img1.png"
    p1.write_bytes(b"\0" * p1.stat().st_size)
    p2 = cache / "pack" / "bsds500/val/999.jpg"
    p2.write_bytes(p2.read_bytes()[:50])
    assert data.fetch("oxford_affine/graf/img1.png").read_bytes() == expect["files"]["oxford_affine/graf/img1.png"]
    assert data.fetch("bsds500/val/999.jpg").read_bytes() == expect["files"]["bsds500/val/999.jpg"]
    images, hs = data.load_oxford_affine("graf")
    assert all(np.array_equal(a, b) for a, b in zip(images, expect["oxford"][0]))
    np.testing.assert_allclose(hs[6], expect["oxford"][1][6], rtol=1e-6)
    assert data.have_dataset("cmp_homography_pairs")


def test_http_missing_and_corrupt_files(http_pack, cache):
    root, expect, url = http_pack
    (root / "oxford_affine/graf/img5.png").unlink()
    with pytest.raises(data.DataMissingError, match=r"'oxford_affine'.*HTTP 404"):
        data.fetch("oxford_affine/graf/img5.png")
    rel = "bsds500/train/2001.jpg"
    (root / rel).write_bytes(b"not the photo")
    with pytest.raises(data.DataCorruptError, match=r"mirror's copy of 'bsds500/train/2001.jpg' is corrupt"):
        data.fetch(rel)
    folder = cache / "pack" / "bsds500" / "train"
    assert not folder.exists() or not list(folder.iterdir())  # nothing left in the cache


def test_http_mirror_unreachable(cache, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", f"http://127.0.0.1:{port}/pack")
    with pytest.raises(data.DataMissingError, match=r"'opencv_samples'.*could not download"):
        data.load_opencv_sample("box.png")
    assert data.have_dataset("opencv_samples") is False


# ----------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------

def _cli(action, *names):
    return data_pack.main([action, *names])


def test_cli_list_fetch_verify(pack, cache, capsys):
    root, expect = pack
    assert _cli("list") == 0
    out = capsys.readouterr().out
    for name in DATASETS:
        assert name in out
    assert "available from the mirror" in out and str(root) in out
    assert _cli("fetch", "oxford_affine") == 0
    assert "oxford_affine: 12 files cached and verified" in capsys.readouterr().out
    for rel in (r for r in expect["files"] if r.startswith("oxford_affine/")):
        assert (cache / "pack" / rel).read_bytes() == expect["files"][rel]
    assert _cli("verify") == 0
    out = capsys.readouterr().out
    assert "oxford_affine: 12 ok, 0 bad, 0 not cached" in out and "bsds500: 0 ok, 0 bad, 4 not cached" in out
    (cache / "pack" / "oxford_affine/graf/H1to5p").write_text("1 0 0\n0 1 0\n0 0 1\n")
    assert data_pack.main(["verify", "oxford_affine"]) == 1
    out = capsys.readouterr().out
    assert "11 ok, 1 bad" in out and "BAD oxford_affine/graf/H1to5p" in out
    assert _cli("list", "ukbench") == 2


def test_cli_without_mirror(no_mirror, capsys):
    assert _cli("list") == 0
    out = capsys.readouterr().out
    assert all(name in out for name in DATASETS) and "IMSEARCH_DATA_MIRROR is not set" in out
    assert _cli("fetch", "bsds500") == 1
    assert "IMSEARCH_DATA_MIRROR" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------
# The real course data pack
# ----------------------------------------------------------------------------------------

def _real_mirror():
    env = os.environ.get("IMSEARCH_DATA_MIRROR", "").strip()
    if env:
        if env.lower().startswith(("http://", "https://")) or Path(env).is_dir():
            return env
        return None
    return str(SIBLING_PACK) if (SIBLING_PACK / "MANIFEST.sha256").is_file() else None


REAL_MIRROR = _real_mirror()
needs_pack = pytest.mark.skipif(
    REAL_MIRROR is None,
    reason="course data pack not found (set IMSEARCH_DATA_MIRROR or put it at ../shared/data)")


@pytest.fixture(scope="module")
def real_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("real_cache")


@pytest.fixture
def real(monkeypatch, real_cache):
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", REAL_MIRROR)
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(real_cache))


@pytest.mark.datapack
@needs_pack
def test_real_oxford_graf_and_opencv_homography(real):
    images, hs = data.load_oxford_affine("graf")
    assert len(images) == 6 and all(im.shape == (640, 800, 3) and im.dtype == np.uint8 for im in images)
    assert sorted(hs) == [2, 3, 4, 5, 6]
    np.testing.assert_allclose(hs[3], data.load_opencv_graf_homography(), rtol=1e-6)
    graf1 = data.load_opencv_sample("graf1.png")
    assert np.array_equal(graf1, images[0])  # the pack's README: pixel-identical


@pytest.mark.datapack
@needs_pack
def test_real_cmp_pairs(real):
    pair = data.load_cmp_pair("adam")
    assert pair["verified"].shape == (8, 4)
    b = np.c_[pair["verified"][:, 2:], np.ones(8)] @ pair["H_BtoA"].T  # H_BtoA maps B -> A
    err = np.linalg.norm(b[:, :2] / b[:, 2:] - pair["verified"][:, :2], axis=1)
    assert err.max() < 3.0
    evd = data.load_cmp_pair("graf", kind="evd")
    assert set(np.unique(evd["labels"])) == {0, 1}
    assert evd["matches"].shape == (len(evd["labels"]), 4) and evd["scales"].shape == (len(evd["labels"]), 2)


@pytest.mark.datapack
@needs_pack
def test_real_bsds500_and_imagenet(real):
    ids, images = data.load_bsds500("val")
    assert len(ids) == len(images) == 100 and ids == sorted(ids)
    assert {im.shape for im in images} <= {(321, 481, 3), (481, 321, 3)}
    names, images, classes = data.load_imagenet_samples(limit=5)
    assert classes == [0, 1, 2, 3, 4] and names[0] == "n01440764_tench"
    assert all(im.ndim == 3 and im.shape[2] == 3 and max(im.shape[:2]) <= 320 for im in images)


def test_save_npz_is_atomic_and_load_npz_survives_corruption(tmp_path):
    from imsearch._util.cache import load_npz, save_npz

    path = tmp_path / "sub" / "c.npz"
    assert load_npz(path) is None
    save_npz(path, {"a": np.arange(5), "b": np.eye(2)})
    got = load_npz(path)
    np.testing.assert_array_equal(got["a"], np.arange(5))
    np.testing.assert_array_equal(got["b"], np.eye(2))
    assert [p.name for p in path.parent.iterdir()] == ["c.npz"]  # no temporary file left
    path.write_bytes(path.read_bytes()[:40])  # truncated: recomputed by the caller, never used
    assert load_npz(path) is None
