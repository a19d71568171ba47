"""Regression tests: the ways around the batch grader of issue 8, one notebook per attack.

Every attack notebook also holds a correct ``quantization_psnr`` (exercise 1.2), which must
keep its 2 points, and a notebook graded after all of them (``01_good_last``) must earn its
points too: an attack earns 0 on the exercise it targets and changes no other grade. All
the notebooks are graded in one :func:`grade_notebooks` run through the CLI's ``main`` (so the
CSV is the grader's), shared by the tests below.

Each of these earned points (or broke another notebook) with the grader of before issue 8,
which watched the references with a per-thread profile hook instead of removing them from
the kernel, ran every kernel in the hand-in folder on the installed library, created the
output folder before the kernel started and put the seed in the harness cell's source.
"""
from __future__ import annotations

import csv
import types
from pathlib import Path

import nbformat
import pytest
from imsearch.grading import batch as grader
from imsearch.grading.checks import all_exercises
from nbformat.v4 import new_code_cell, new_notebook

GOOD = """\
import numpy as np

def quantization_psnr(x, k):
    x = np.asarray(x, dtype=np.float64)
    x_hat = (np.minimum(np.floor(x * k), k - 1) + 0.5) / k
    mse = np.mean((x - x_hat) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))
"""
TAG = {"imsearch": {"exercise": "1.2"}}

# Attack 1: the reference, called in a worker thread (the old profile hook was per thread).
THREAD = """\
from concurrent.futures import ThreadPoolExecutor
from imsearch.signal.quantization import assign as _from_library

def assign(points, centroids):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_from_library, points, centroids).result()
"""
# Attack 2: the profiler switched off inside the student's function.
PROFILER_OFF = """\
import sys, threading
from imsearch.signal import quantization

def assign(points, centroids):
    sys.setprofile(None)
    threading.setprofile(None)
    return quantization.assign(points, centroids)
"""
# Attack 3: a sibling (another library function computing the same thing).
SIBLING = """\
from imsearch.descriptors import bow

def assign(points, centroids):
    return bow.assign_words(points, centroids)
"""
# Attack 4: the reference's module source executed again under another file name (the old
# wrappers then checked a guard state the harness no longer used, and the profile hook
# matched code by file name).
RELOADED = """\
import inspect
import imsearch.signal.quantization as _q
_copy = {"__name__": "imsearch.signal.copied", "__package__": "imsearch.signal"}
exec(compile(inspect.getsource(_q), "<copied>", "exec"), _copy)

def assign(points, centroids):
    return _copy["assign"](points, centroids)
"""
# Attack 6: a pre_run_cell hook and an input transformer that see every later cell's source
# (the old harness cell held the seed) and precompute the answers with the reference.
HOOK = """\
import re
import numpy as np
from imsearch.grading import get_exercise
from imsearch.signal.quantization import assign as _from_library

_seen, _answers = [], {{}}

def _learn(source):
    _seen.append(source)
    with open({log!r}, "a") as f:
        f.write(source + "\\n=====\\n")
    m = re.search(r"'seed': (\\d+)", source)
    if m:
        for case in get_exercise("1.4").make_cases(int(m.group(1))):
            _answers[case.args[0].tobytes()] = _from_library(*case.args)

def _pre_run(info):
    _learn(info.raw_cell)

def _transformer(lines):
    _learn("".join(lines))
    return lines

get_ipython().events.register("pre_run_cell", _pre_run)
get_ipython().input_transformers_cleanup.append(_transformer)

def assign(points, centroids):
    return _answers[np.asarray(points).tobytes()]
"""
# Attack 5: results forged in the output folder by a detached child, then the kernel dies.
FORGE = """\
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", {script!r}], start_new_session=True)
open({pids!r}, "w").write(str(child.pid))
time.sleep(3)
os._exit(1)
"""
FORGER = """\
import glob, json, os, tempfile, time
import numpy as np
mine = os.path.dirname(os.getcwd())
deadline = time.time() + 60
while time.time() < deadline:
    for d in set(glob.glob(os.path.join(tempfile.gettempdir(), "imsearch-grade-*")) +
                 glob.glob(os.path.join(mine, "*"))):
        if os.path.isdir(d) and not os.path.exists(os.path.join(d, "exercise-1.4.json")) \\
                and os.path.basename(d) not in ("work", "lib"):
            try:
                np.savez(os.path.join(d, "exercise-1.4.npz"), c0_o0=np.zeros(3, dtype=np.int64))
                json.dump({"id": "1.4", "function": "assign", "status": "ran", "cases": [{"outputs": 1}] * 6},
                          open(os.path.join(d, "exercise-1.4.json"), "w"))
                open({found!r}, "a").write(d + "\\n")
            except OSError:
                pass
    time.sleep(0.01)
"""
# Attack 7a: a numpy.py dropped in the working directory, for the next notebooks.
DROP_NUMPY = """\
import os
open(os.path.join(os.getcwd(), "numpy.py"), "w").write("raise ImportError('sabotaged numpy')")
"""
# Attack 7b: a setsid child that outlives the kernel and rewrites the grades CSV.
REWRITE_CSV = """\
import subprocess, sys
script = '''
import os, time
deadline = time.time() + 120
while time.time() < deadline:
    try:
        text = open({csv!r}).read()
        if text and "FORGED" not in text:
            open({csv!r} + ".x", "w").write(text.replace("not attempted", "FORGED"))
            os.replace({csv!r} + ".x", {csv!r})
    except OSError:
        pass
    time.sleep(0.05)
'''
script = "open(" + repr({pids!r}) + ", 'w').write(str(__import__('os').getpid()))\\n" + script
child = subprocess.Popen(["setsid", sys.executable, "-c", script], start_new_session=True)
import os, time
start = time.time()
while not os.path.exists({pids!r}) and time.time() < start + 20:
    time.sleep(0.05)
"""
# Attack 7c: the library the kernel imports, broken on disk for the next notebooks.
CHANGE_LIBRARY = """\
import os, imsearch
path = os.path.join(os.path.dirname(imsearch.__file__), "signal", "quantization.py")
with open(path, "a") as f:
    f.write("\\nraise ImportError('sabotaged library')\\n")
"""


def _write(path: Path, *sources) -> Path:
    cells = [new_code_cell(src, metadata=TAG if i == 0 else {}) for i, src in enumerate(sources)]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def write_attack_notebooks(folder: Path, scratch: Path, csv_path: Path) -> list:
    """The attack notebooks in ``folder`` (``scratch`` collects what the attacks saw)."""
    forger = FORGER.replace("{found!r}", repr(str(scratch / "forged_in.txt")))
    return [
        _write(folder / "01_thread.ipynb", GOOD, THREAD),
        _write(folder / "01_profiler_off.ipynb", GOOD, PROFILER_OFF),
        _write(folder / "01_sibling.ipynb", GOOD, SIBLING),
        _write(folder / "01_reloaded.ipynb", GOOD, RELOADED),
        _write(folder / "01_forge.ipynb", GOOD,
               FORGE.format(script=forger, pids=str(scratch / "forge.pids"))),
        _write(folder / "01_hook.ipynb", GOOD, HOOK.format(log=str(scratch / "hook.log"))),
        _write(folder / "01_drop_numpy.ipynb", GOOD, DROP_NUMPY),
        _write(folder / "01_rewrite_csv.ipynb", GOOD,
               REWRITE_CSV.format(csv=str(csv_path), pids=str(scratch / "csv.pids"))),
        _write(folder / "01_change_library.ipynb", GOOD, CHANGE_LIBRARY),
        _write(folder / "01_good_last.ipynb", GOOD),
    ]


def _alive(pid_file: Path) -> bool:
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text())
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """Grade every attack notebook with the CLI entry point; return (rows by stem and id, CSV rows, folders)."""
    folder = tmp_path_factory.mktemp("handin")
    scratch = tmp_path_factory.mktemp("scratch")
    csv_path = tmp_path_factory.mktemp("out") / "grades.csv"
    nbs = write_attack_notebooks(folder, scratch, csv_path)
    args = types.SimpleNamespace(notebooks=[str(p) for p in nbs], csv=str(csv_path), timeout=60.0,
                                 check_timeout=20.0, jobs=1, feedback=None, merge=None)
    assert grader.main(args) == 0
    with open(csv_path, newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    by_nb: dict = {}
    for row in table:
        by_nb.setdefault(Path(row["notebook"]).stem, {})[row["exercise"]] = row
    return by_nb, table, folder, scratch, csv_path


def _points(row) -> float:
    return float(row["points"])


@pytest.mark.parametrize("name", ["01_thread", "01_profiler_off", "01_sibling", "01_reloaded", "01_hook"])
def test_calling_the_library_in_any_way_earns_nothing(attacked, name):
    """Attacks 1, 2, 3, 4, 6: the reference and its siblings do not exist in the grading kernel."""
    rows = attacked[0][name]
    assert _points(rows["1.4"]) == 0, rows["1.4"]["feedback"]
    assert _points(rows["1.2"]) == 2, rows["1.2"]["feedback"]  # the notebook's own work still counts
    if name != "01_hook":
        assert "is not available while grading" in rows["1.4"]["feedback"]


def test_the_harness_source_holds_no_seed(attacked):
    """Attack 6: the hook saw the harness cell, but nothing in it is secret."""
    log = (attacked[3] / "hook.log").read_text()
    assert "__imsearch_grade__" in log  # the hook did see the harness cell
    assert "seed" not in log and "token" not in log


def test_results_written_outside_the_harness_are_ignored(attacked):
    """Attack 5: the kernel died in the cells; a detached child found no output folder to forge."""
    rows = attacked[0]["01_forge"]
    for row in rows.values():
        assert _points(row) == 0 and "kernel died in cell 2" in row["feedback"], row
    found = attacked[3] / "forged_in.txt"
    written = found.read_text() if found.exists() else ""  # (folders of other graders in /tmp do not count)
    assert "imsearch-notebook-" not in written and "imsearch-grader-" not in written, written
    assert not _alive(attacked[3] / "forge.pids")


def test_a_dropped_numpy_does_not_reach_other_notebooks(attacked):
    """Attack 7a: each notebook runs in its own fresh working directory."""
    by_nb, _, folder, _, _ = attacked
    assert not (folder / "numpy.py").exists()
    for name in ("01_rewrite_csv", "01_good_last"):
        assert _points(by_nb[name]["1.2"]) == 2, by_nb[name]["1.2"]["feedback"]


_CHAPTER_1 = [e for e in all_exercises() if e.chapter == 1]   # every notebook here is graded on all of them


def test_a_setsid_child_cannot_rewrite_the_csv(attacked):
    """Attack 7b: the child is killed before the next notebook; only the grader writes the CSV."""
    by_nb, table, _, scratch, csv_path = attacked
    assert (scratch / "csv.pids").exists()  # the child did start
    assert not _alive(scratch / "csv.pids")
    assert "FORGED" not in csv_path.read_text(encoding="utf-8")
    assert len(table) == len(_CHAPTER_1) * len(by_nb) and len(by_nb) == 10
    assert by_nb["01_rewrite_csv"]["1.3"]["feedback"].count("not attempted") == 1  # no ordered_dither here


def test_a_changed_library_is_reported_and_the_next_notebook_runs_on_an_intact_copy(attacked):
    """Attack 7c: the kernel's library is a per-notebook copy, hashed before and after."""
    by_nb = attacked[0]
    changed = by_nb["01_change_library"]["1.2"]
    assert "changed the copy of the library it ran on" in changed["feedback"]
    assert _points(changed) == 0 and "sabotaged library" in changed["feedback"]  # it broke its own checks
    last = by_nb["01_good_last"]["1.2"]
    assert _points(last) == 2 and "changed the copy" not in last["feedback"]


def test_every_notebook_gets_a_feedback_file(attacked):
    by_nb, _, _, _, csv_path = attacked
    folder = csv_path.with_name("grades-feedback")
    names = sorted(p.stem for p in folder.glob("*.md"))
    assert names == sorted(by_nb)
    text = (folder / "01_sibling.md").read_text(encoding="utf-8")
    assert text.startswith("# Feedback on 01_sibling.ipynb")
    total = sum(e.points for e in _CHAPTER_1)
    assert f"**Total: 2 / {total} points**" in text and "## Exercise 1.4: 0 / 2 points" in text
