"""The course data pack: its mirror, the local cache, the manifest, verified fetching.

The library finds the pack through ``IMSEARCH_DATA_MIRROR`` (a local folder, or an
``http(s)`` base URL fetched with pooch), copies each file a chapter needs into a local
cache (:func:`cache_dir`) and checks it against the pack's ``MANIFEST.sha256`` before use;
a corrupt or partial copy is fetched again, never used. Without the pack, loaders raise
:class:`DataMissingError`, naming the dataset, the variable to set and the README section.
Command line: ``python -m imsearch data {list,fetch,verify} [datasets...]`` (:func:`main`).
"""
from __future__ import annotations


import hashlib
import io
import os
import re
import sys
import tempfile
import urllib.parse
from pathlib import Path, PurePosixPath


from .._util.validation import check_int

MIRROR_VARIABLE = "IMSEARCH_DATA_MIRROR"
CACHE_VARIABLE = "IMSEARCH_CACHE_DIR"
MANIFEST = "MANIFEST.sha256"
README_SECTION = "see README.md, section 'Course data' (README.md#course-data)"

# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


class DataMissingError(FileNotFoundError):
    """A dataset of the course data pack cannot be loaded: no mirror, or the mirror lacks it.

    The message names the dataset, the variable ``IMSEARCH_DATA_MIRROR`` and the README
    section "Course data". The dataset's name is in the attribute ``dataset``.
    """

    def __init__(self, dataset: str, reason: str | None = None):
        self.dataset = dataset
        why = f" ({reason})" if reason else ""
        message = (f"dataset {dataset!r} is not available{why}: set {MIRROR_VARIABLE} to the course "
                   f"data pack (a folder or an http(s) URL); {README_SECTION}")
        super().__init__(message)

    def __reduce__(self):  # keep the two-argument constructor picklable
        return (_rebuild_missing, (self.dataset, str(self)))


def _rebuild_missing(dataset, message):
    err = DataMissingError.__new__(DataMissingError)
    OSError.__init__(err, message)
    err.dataset = dataset
    return err


class DataCorruptError(OSError):
    """A file fetched from the mirror does not match its sha256 in ``MANIFEST.sha256``.

    Nothing is left in the cache when this is raised; the mirror's copy must be
    replaced (copy the pack again), fetching again will not help.
    """


# --------------------------------------------------------------------------------------
# The course data pack: datasets, mirror, cache, manifest
# --------------------------------------------------------------------------------------

_DATASETS = ("bsds500", "cifar10", "cmp_homography_pairs", "flowers17", "imagenet_samples", "imagenette", "models",
             "opencv_samples", "oxford_affine", "ukbench_subset")
_BSDS_SPLITS = ("all", "train", "val", "test")
_OXFORD_SEQUENCES = ("bark", "bikes", "boat", "graf", "leuven", "trees", "ubc", "wall")
_OPENCV_SAMPLES = (
    "Blender_Suzanne1.jpg", "Blender_Suzanne2.jpg", "aero1.jpg", "aero3.jpg", "apple.jpg",
    "baboon.jpg", "basketball1.png", "basketball2.png", "board.jpg", "box.png", "box_in_scene.png",
    "building.jpg", "butterfly.jpg", "chicky_512.png", "ela_modified.jpg", "ela_original.jpg",
    "fruits.jpg", "graf1.png", "graf3.png", "home.jpg", "leuvenA.jpg", "leuvenB.jpg", "messi5.jpg",
    "orange.jpg", "smarties.png", "squirrel_cls.jpg", "starry_night.jpg", "stuff.jpg", "sudoku.png",
)
_CMP_KINDS = ("homogr", "evd")
_CMP_PAIRS = {
    "homogr": ("adam", "boat", "Boston", "BostonLib", "BruggeSquare", "BruggeTower", "Brussels",
               "CapitalRegion", "city", "Eiffel", "ExtremeZoom", "graf", "LePoint1", "LePoint2",
               "LePoint3", "WhiteBoard"),
    "evd": ("adam", "cafe", "cat", "dum", "face", "fox", "girl", "graf", "grand", "index", "mag",
            "pkk", "shop", "there", "vin"),
}
_PROGRESS_MIN_FILES = 20  # show a progress bar when a loader touches at least this many files

_SHA_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")
_MANIFESTS: dict[tuple[str, str], dict[str, str]] = {}  # (mirror, cache root) -> {relpath: sha256}


def datasets() -> list[str]:
    """Names of the datasets in the course data pack.

    Returns
    -------
    list of str
        ``["bsds500", "cmp_homography_pairs", "imagenet_samples", "opencv_samples", "oxford_affine"]``
    """
    return list(_DATASETS)


def _check_choice(value, name: str, choices) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def _check_limit(limit):
    if limit is None:
        return None
    return check_int(limit, "limit", minimum=1)


def mirror() -> str | None:
    """The course data pack's location, from the environment variable ``IMSEARCH_DATA_MIRROR``.

    Returns
    -------
    str or None
        A local folder (absolute or relative to the current directory; ``~`` and
        ``file://`` URLs are accepted) or an ``http(s)://`` base URL under which the pack's
        files and ``MANIFEST.sha256`` live; ``None`` when the variable is unset or empty.
    """
    value = os.environ.get(MIRROR_VARIABLE, "").strip()
    return value or None


def _is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def _mirror_folder(location: str) -> Path:
    if location.lower().startswith("file://"):
        location = urllib.parse.unquote(urllib.parse.urlparse(location).path)
    return Path(os.path.expanduser(location)).absolute()


def cache_dir() -> Path:
    """The folder where fetched pack files are kept (created on first write).

    Returns
    -------
    pathlib.Path
        ``IMSEARCH_CACHE_DIR`` when set; else ``<repo>/data/cache`` when the package runs
        from a source checkout (``pip install -e``) whose ``data/`` is writable (that
        folder is git-ignored); else ``~/.cache/imsearch`` (``$XDG_CACHE_HOME/imsearch``
        when that variable is set). Pack files live under ``<cache_dir>/pack/``.
    """
    env = os.environ.get(CACHE_VARIABLE, "").strip()
    if env:
        return Path(os.path.expanduser(env)).absolute()
    package = Path(__file__).resolve().parent.parent  # lib/imsearch
    repo = package.parent.parent
    if package.parent.name == "lib" and (repo / "pyproject.toml").is_file():
        target = repo / "data" / "cache"
        probe = next((p for p in (target, target.parent, repo) if p.exists()), None)
        if probe is not None and os.access(probe, os.W_OK | os.X_OK):
            return target
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "imsearch"


def _pack_root() -> Path:
    return cache_dir() / "pack"


def _dataset_of(relpath: str) -> str:
    head = relpath.split("/", 1)[0]
    return head if head in _DATASETS else relpath


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _is_verified(path: Path, sha: str) -> bool:
    try:
        return path.is_file() and _sha256_file(path) == sha
    except OSError:
        return False


def _parse_manifest(text: str, source: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _SHA_LINE.match(line.rstrip("\r"))
        if m is None:
            raise DataCorruptError(f"{source} is not a sha256 manifest (line {number}: {line[:80]!r})")
        relpath = m.group(2).strip()
        parts = PurePosixPath(relpath).parts
        if relpath.startswith("/") or ".." in parts or "\\" in relpath:
            raise DataCorruptError(f"{source} line {number}: unsafe path {relpath!r}")
        entries[relpath] = m.group(1).lower()
    if not entries:
        raise DataCorruptError(f"{source} is empty")
    return entries


def _write_atomic(dest: Path, chunks) -> str:
    """Write byte chunks to ``dest`` through a temporary file; return their sha256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                h.update(chunk)
                out.write(chunk)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return h.hexdigest()


def _read_chunks(path: Path):
    with open(path, "rb") as f:
        yield from iter(lambda: f.read(1 << 20), b"")


def _pooch():
    import pooch

    pooch.get_logger().setLevel("WARNING")  # no "Downloading ..." line per file
    return pooch


def _url(base: str, relpath: str) -> str:
    return base.rstrip("/") + "/" + urllib.parse.quote(relpath)


def _http_error(err, dataset: str, url: str) -> Exception:
    """Map a requests exception to DataMissingError (the mirror lacks the file or is unreachable)."""
    response = getattr(err, "response", None)
    if response is not None and response.status_code == 404:
        return DataMissingError(dataset, f"the mirror has no {url} (HTTP 404)")
    return DataMissingError(dataset, f"could not download {url}: {err}")


def _fetch_manifest_from_mirror(location: str, dataset: str) -> dict[str, str]:
    """Copy or download the mirror's MANIFEST.sha256 into the cache and parse it."""
    dest = _pack_root() / MANIFEST
    if _is_url(location):
        import requests

        pooch = _pooch()
        url = _url(location, MANIFEST)
        buffer = io.BytesIO()
        try:
            pooch.HTTPDownloader(progressbar=False, timeout=60)(url, buffer, None)
        except requests.exceptions.RequestException as err:
            raise _http_error(err, dataset, url) from err
        data = buffer.getvalue()
        entries = _parse_manifest(data.decode("utf-8", errors="replace"), url)
        _write_atomic(dest, [data])
        return entries
    folder = _mirror_folder(location)
    if not folder.is_dir():
        raise DataMissingError(dataset, f"{MIRROR_VARIABLE}={location!r} is not an existing folder")
    source = folder / MANIFEST
    if not source.is_file():
        raise DataMissingError(dataset, f"the mirror folder {str(folder)!r} has no {MANIFEST}, "
                                        f"so it is not the course data pack")
    data = source.read_bytes()
    entries = _parse_manifest(data.decode("utf-8", errors="replace"), str(source))
    _write_atomic(dest, [data])
    return entries


def _manifest(dataset: str) -> tuple[dict[str, str], Exception | None]:
    """The manifest to verify against, and the error the mirror gave (if any).

    With a working mirror, its manifest (read once per process, per mirror and cache).
    Without one, the copy cached by an earlier fetch, if any, so that cached files stay
    usable offline; the mirror's error is returned so that a file that is not cached can
    report it. Raises the error when there is no manifest at all.
    """
    location = mirror()
    key = (location or "", str(_pack_root()))
    if location is not None and key in _MANIFESTS:
        return _MANIFESTS[key], None
    error: Exception
    if location is not None:
        try:
            entries = _fetch_manifest_from_mirror(location, dataset)
        except DataMissingError as err:
            error = err
        else:
            _MANIFESTS[key] = entries
            return entries, None
    else:
        error = DataMissingError(dataset, f"{MIRROR_VARIABLE} is not set")
    cached = _pack_root() / MANIFEST
    if cached.is_file():
        try:
            return _parse_manifest(cached.read_text(encoding="utf-8", errors="replace"), str(cached)), error
        except DataCorruptError:
            pass
    raise error


def _check_relpath(relpath) -> str:
    if not isinstance(relpath, str):
        raise TypeError(f"relpath must be a str, got {type(relpath).__name__}")
    if not relpath or relpath.startswith("/") or "\\" in relpath or ".." in PurePosixPath(relpath).parts:
        raise ValueError(f"relpath must be a path relative to the pack root such as "
                         f"'oxford_affine/graf/img1.png', got {relpath!r}")
    return relpath


def fetch(relpath: str) -> Path:
    """Return the local, verified copy of one file of the course data pack.

    The file is taken from the cache when its sha256 matches ``MANIFEST.sha256``;
    otherwise (absent, corrupt, truncated) it is copied from the mirror folder or
    downloaded from the mirror URL (with pooch) to a temporary name, verified, and
    renamed into the cache. A file that is still wrong after fetching is never kept.

    Parameters
    ----------
    relpath : str
        Path relative to the pack root, e.g. ``"oxford_affine/graf/img1.png"``.

    Returns
    -------
    pathlib.Path
        ``<cache_dir>/pack/<relpath>``, whose content matches the manifest.

    Raises
    ------
    ValueError
        ``relpath`` is not listed in the pack's ``MANIFEST.sha256``.
    DataMissingError
        No mirror is set (and the file is not cached), the mirror folder does not
        exist, or the mirror lacks the dataset or the file.
    DataCorruptError
        The mirror's copy does not match its sha256.
    """
    relpath = _check_relpath(relpath)
    dataset = _dataset_of(relpath)
    entries, mirror_error = _manifest(dataset)
    if relpath not in entries:
        if dataset in _DATASETS and not any(p.startswith(dataset + "/") for p in entries):
            raise mirror_error or DataMissingError(dataset, "the mirror does not hold it")
        raise ValueError(f"relpath {relpath!r} is not listed in the pack's {MANIFEST}")
    sha = entries[relpath]
    dest = _pack_root() / relpath
    if _is_verified(dest, sha):
        return dest
    if mirror_error is not None:
        raise mirror_error
    if dest.exists():
        dest.unlink()  # corrupt or partial: never used, fetched again below
    location = mirror()
    if _is_url(location):
        import requests

        pooch = _pooch()
        url = _url(location, relpath)
        try:
            pooch.retrieve(url, known_hash=f"sha256:{sha}", fname=dest.name, path=dest.parent,
                           downloader=pooch.HTTPDownloader(progressbar=False, timeout=60))
        except requests.exceptions.RequestException as err:
            raise _http_error(err, dataset, url) from err
        except ValueError as err:  # pooch's hash check: the temporary file is already removed
            raise DataCorruptError(f"the mirror's copy of {relpath!r} is corrupt: its sha256 does not match "
                                   f"{MANIFEST} ({err}); replace the data pack at {location}") from err
    else:
        source = _mirror_folder(location) / relpath
        if not source.is_file():
            raise DataMissingError(dataset, f"the mirror lists {relpath!r} in its {MANIFEST} "
                                            f"but has no file {str(source)!r}")
        got = _write_atomic(dest, _read_chunks(source))
        if got != sha:
            dest.unlink()
            raise DataCorruptError(f"the mirror's copy of {relpath!r} is corrupt: sha256 {got} but "
                                   f"{MANIFEST} says {sha}; replace the data pack at {location}")
    if not _is_verified(dest, sha):  # e.g. the cache was modified while we wrote
        dest.unlink(missing_ok=True)
        raise DataCorruptError(f"the cached copy of {relpath!r} does not match {MANIFEST} after fetching")
    return dest


def _dataset_files(name: str) -> tuple[list[str], dict[str, str], Exception | None]:
    """Relative paths of one dataset's files in the manifest (sorted)."""
    entries, error = _manifest(name)
    files = sorted(p for p in entries if p.startswith(name + "/"))
    if not files:
        raise error or DataMissingError(name, "the mirror does not hold it")
    return files, entries, error


def have_dataset(name: str) -> bool:
    """Whether a dataset of the pack can be loaded now, without downloading any image.

    Parameters
    ----------
    name : str
        One of :func:`datasets`.

    Returns
    -------
    bool
        True when the mirror is reachable and its manifest lists files of the dataset,
        or when every file of the dataset is already in the cache and verified.
    """
    _check_choice(name, "name", _DATASETS)
    try:
        files, entries, error = _dataset_files(name)
    except (DataMissingError, DataCorruptError):
        return False
    if error is None:
        return True
    root = _pack_root()
    return all(_is_verified(root / p, entries[p]) for p in files)


# --------------------------------------------------------------------------------------
# Command line: python -m imsearch data {list,fetch,verify} [datasets...]
# --------------------------------------------------------------------------------------


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n}"


def main(argv=None) -> int:
    """Command line ``python -m imsearch data {list,fetch,verify} [datasets...]``.

    * ``list``: each dataset with its availability, its number of files in the pack and
      how many are cached;
    * ``fetch``: copy/download every file of the datasets into the cache (progress bar),
      verifying each against ``MANIFEST.sha256``;
    * ``verify``: re-hash the cached files and report the bad ones (they are never used
      and are fetched again on the next access).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``data``: an action (``list``, ``fetch`` or ``verify``) and dataset
        names (none means all); default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit code: 0 on success, 1 when data is missing or bad, 2 for an unknown dataset.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m imsearch data",
                                     description="list, fetch and verify the course data pack")
    parser.add_argument("action", choices=["list", "fetch", "verify"])
    parser.add_argument("datasets", nargs="*", help="dataset names (default: all)")
    args = parser.parse_args(argv)
    names = list(args.datasets or []) or datasets()
    unknown = [n for n in names if n not in _DATASETS]
    if unknown:
        print(f"unknown dataset(s) {unknown}; valid: {datasets()}", file=sys.stderr)
        return 2
    location = mirror()
    print(f"mirror ({MIRROR_VARIABLE}): {location or '<not set>'}")
    print(f"cache: {_pack_root()}")
    root = _pack_root()
    if args.action == "list":
        print(f"{'dataset':22s} {'files':>6s} {'cached':>6s} {'size':>10s}  status")
        for name in names:
            try:
                files, entries, error = _dataset_files(name)
            except (DataMissingError, DataCorruptError) as err:
                print(f"{name:22s} {'-':>6s} {'-':>6s} {'-':>10s}  missing: {err}")
                continue
            cached = [p for p in files if (root / p).is_file()]
            size = sum((root / p).stat().st_size for p in cached)
            status = "available from the mirror" if error is None else (
                "cached (offline)" if have_dataset(name) else "partly cached, mirror unavailable")
            print(f"{name:22s} {len(files):6d} {len(cached):6d} {_human(size):>10s}  {status}")
        return 0
    if args.action == "fetch":
        from tqdm.auto import tqdm

        status = 0
        for name in names:
            try:
                files, _, _ = _dataset_files(name)
                for p in tqdm(files, desc=name, unit="file"):
                    fetch(p)
            except (DataMissingError, DataCorruptError) as err:
                print(f"{name}: {err}", file=sys.stderr)
                status = 1
                continue
            print(f"{name}: {len(files)} files cached and verified")
        return status
    # verify
    status = 0
    for name in names:
        try:
            files, entries, _ = _dataset_files(name)
        except (DataMissingError, DataCorruptError) as err:
            print(f"{name}: cannot verify: {err}")
            continue
        ok, bad, absent = 0, [], 0
        for p in files:
            path = root / p
            if not path.is_file():
                absent += 1
            elif _sha256_file(path) == entries[p]:
                ok += 1
            else:
                bad.append(p)
        print(f"{name}: {ok} ok, {len(bad)} bad, {absent} not cached")
        for p in bad:
            print(f"  BAD {p} (sha256 mismatch; it will be fetched again on next use)")
        if bad:
            status = 1
    return status
