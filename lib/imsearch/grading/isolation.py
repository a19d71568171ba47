"""What keeps handed-back notebooks apart while they are graded: library copies and process sweeps.

* :func:`tree_hash` — a content hash of a package folder (the library is hashed before and
  after each notebook);
* :func:`graded_copy` — a copy of the package in which the hidden functions of the exercises
  being graded are stubs (:func:`imsearch.grading.guard.stub_package`), compiled once;
* :func:`become_subreaper`, :func:`descendants`, :func:`kill_new_descendants` — every process
  a notebook started, including ones that called ``setsid`` or were orphaned by a dead
  kernel, stays a descendant of the grading process (Linux ``PR_SET_CHILD_SUBREAPER``) and is
  killed before the next notebook starts.
"""
from __future__ import annotations

import compileall
import hashlib
import os
import shutil
import signal
import sys
import time
from pathlib import Path

_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def tree_hash(root) -> str:
    """SHA-256 over the relative path and content of every file under ``root`` (bytecode caches excluded).

    A missing folder hashes to ``"missing"``.
    """
    root = Path(root)
    if not root.is_dir():
        return "missing"
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".pyc"):
                continue
            path = Path(dirpath) / name
            h.update(str(path.relative_to(root)).encode() + b"\0")
            try:
                h.update(path.read_bytes())
            except OSError:
                h.update(b"<unreadable>")
            h.update(b"\0")
    return h.hexdigest()


def copy_package(source, dest) -> Path:
    """Copy the package folder ``source`` to ``dest`` (without bytecode caches); return ``dest``."""
    shutil.copytree(source, dest, ignore=_IGNORE)
    return Path(dest)


def graded_copy(pristine, dest, exercises) -> tuple:
    """Make ``dest/imsearch``: the pristine package with the exercises' hidden functions stubbed.

    Parameters
    ----------
    pristine : Path
        A copy of the ``imsearch`` package folder taken when grading started.
    dest : Path
        A new folder; it becomes the first entry of the kernels' ``PYTHONPATH``.
    exercises : list of Exercise

    Returns
    -------
    hidden : list of str
        The stubbed functions, ``"module.name"``.
    digest : str
        :func:`tree_hash` of the copy.
    """
    from .guard import stub_package

    package = copy_package(pristine, Path(dest) / "imsearch")
    hidden = stub_package(package, exercises)
    compileall.compile_dir(str(package), quiet=2, workers=1)  # every kernel reuses the bytecode
    return hidden, tree_hash(package)


# ----------------------------------------------------------------------------- processes

def become_subreaper() -> bool:
    """Make orphaned descendants of this process its children (Linux); return whether it worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _table() -> dict:
    """``{pid: (parent pid, state)}`` of every process in /proc."""
    out = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[int(entry)] = (int(fields[1]), fields[0])
        except (OSError, IndexError, ValueError):
            continue
    return out


def descendants(pid: int | None = None, include_zombies: bool = False) -> set:
    """The process ids of every descendant of ``pid`` (default: this process)."""
    pid = os.getpid() if pid is None else pid
    table = _table()
    children: dict = {}
    for p, (parent, state) in table.items():
        children.setdefault(parent, []).append(p)
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    if not include_zombies:
        out = {p for p in out if table.get(p, (0, "Z"))[1] != "Z"}
    return out


def kill_new_descendants(before=frozenset(), of: int | None = None, rounds: int = 50) -> int:
    """SIGKILL every descendant of ``of`` (default: this process) not in ``before``; reap them.

    Repeats until none is left (a process may fork while the sweep runs). Returns how many
    processes were killed.
    """
    killed: set = set()
    for _ in range(rounds):
        alive = descendants(of) - set(before)
        if not alive:
            break
        for pid in alive:
            try:
                os.kill(pid, signal.SIGSTOP)  # stopped processes cannot fork any more
            except (ProcessLookupError, PermissionError):
                pass
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.02)
        _reap(killed)
    _reap(killed)
    return len(killed)


def _reap(pids) -> None:
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except (ChildProcessError, OSError):
            pass
