"""Batch grading of handed-back notebooks: ``python -m imsearch grade NB.ipynb ... --csv grades.csv``.

How a notebook is graded
------------------------
1. The notebook is read with nbformat. A file that is not a notebook gets 0 on every
   exercise, with feedback saying so; nothing is run.
2. The grader draws a fresh seed (``secrets``), builds every exercise's check cases
   from it and computes the expected outputs with the library's references, all in
   the grading process and *before* any student code runs.
3. The notebook runs in its own Jupyter kernel (a separate process, ``python3``
   kernel, working directory = the notebook's folder, ``MPLBACKEND=Agg``), cell by
   cell, under one deadline for all its cells (``timeout`` seconds). A cell that
   raises is recorded and execution goes on, so exercises defined before a broken
   cell are still graded.
4. Then one more cell, written on the spot, runs in that kernel: it holds the seed,
   the exercise ids, their function names and a fresh temporary folder. It drops the
   kernel's copies of ``imsearch.grading``, ``imsearch.grading.guard`` and
   ``imsearch.grading.exercises`` and imports them again from disk, looks up each student
   function by name in the notebook's globals, runs it on the cases with the
   exercise's reference forbidden (:mod:`imsearch.grading.guard`), and writes one ``.npz``
   of output arrays and one small JSON file per exercise, as it goes. Each exercise
   gets ``check_timeout`` seconds (SIGALRM in the kernel); the whole cell gets
   ``len(exercises) * check_timeout + 30`` seconds, after which the kernel is killed.
5. Back in the grading process, the arrays are loaded with ``allow_pickle=False``,
   anything that is not a numeric array is refused, and :func:`imsearch.grading.checks.score`
   compares them with the expected outputs of step 2. The points and the feedback
   are computed here; the only things taken from the student's process are the
   arrays and, per case, *which kind* of error happened (an error can only cost
   points). Exception messages are quoted in the feedback, shortened.
6. The kernel is then killed with its whole process group, whatever happened, and
   the next notebook starts. A timeout during the notebook's own cells, or a kernel
   that dies there (``os._exit``), gives 0 on every exercise with feedback such as
   "notebook timed out after 20 s in cell 7"; during the checks, exercises already
   written keep their result and the others get 0 with the reason.

Which exercises a notebook is graded on
---------------------------------------
All registered exercises of every chapter whose stub cells appear in the notebook
(cell metadata ``{"imsearch": {"exercise": "N.k"}}``); if no cell carries that tag,
the chapter given by the file name's ``NN_`` prefix (``01_sampling.ipynb`` ->
chapter 1). A chapter's exercises are graded even when the student deleted some stub
cells (they are then "not attempted"), so every student of a chapter has the same
maximum. A notebook matching neither rule gets one row with no exercise and 0/0.

Threat model
------------
Defended (cannot earn points not earned, cannot stop other notebooks being graded):

* a crash (an exception, ``sys.exit``, ``os._exit``, a segfault): the kernel is a
  separate process; its death is detected and reported;
* a hang (an endless loop in a cell or in the student's function): the deadlines
  above, then the kernel's process group is killed;
* printed fake results ("Exercise 1.1 ... 2/2 points"): outputs are never read;
* monkeypatching ``imsearch.grading`` (``check``, ``score``, ``compare``,
  ``run_cases``), the registry or its tolerances, or ``imsearch.grading.guard`` in the
  notebook: scoring happens in the grading process with its own modules, and the
  harness loads fresh copies of the kernel-side modules;
* a solution that calls the library's reference, under any name, including the
  undecorated function taken out of the wrapper's closure: the reference's code is
  recognised when it runs (:class:`imsearch.grading.guard.forbid`), and the case fails;
* answers hard-coded for the notebook's own check (seed 0): the grader's cases are
  drawn from a fresh seed.

Not defended — say so to whoever relies on the grades:

* a student who deliberately reverse-engineers the harness protocol inside their own
  kernel (for example, a hook that rewrites the harness's files, or a replaced
  ``numpy.savez`` or import system) can forge results;
* a solution that copies the library's source code is not detected (it is no longer
  the library's code); compare the submissions for that;
* the grader is not a sandbox: student code runs with the permissions of the user
  running the grader, so it can read or change that user's files (including the
  library, the CSV, other students' notebooks) and signal that user's processes.
  Grade untrusted notebooks in a throwaway container or account.
"""
from __future__ import annotations


import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..grading import checks as grading
from ..grading.guard import code_location

#: Seconds the harness cell may take on top of the exercises' own budgets (imports, cases).
HARNESS_OVERHEAD_S = 30.0
_MAX_RECORD_BYTES = 1_000_000
_MAX_NPZ_BYTES = 1_000_000_000
_ID = re.compile(r"^\d+\.\d+$")
_CSV_COLUMNS = ["notebook", "exercise", "points", "max_points", "feedback"]

_HARNESS = '''\
# Added by the imsearch grader after the notebook's own cells (not part of the notebook).
def __imsearch_grade__(spec, namespace):
    import importlib, os, sys
    for name in list(sys.modules):
        if name in ("imsearch.grading", "imsearch.grading.checks", "imsearch.grading.guard") or name.startswith("imsearch.grading.exercises"):
            del sys.modules[name]
    where = os.path.realpath(os.path.dirname(importlib.import_module("imsearch").__file__))
    if where != spec["library"]:
        raise RuntimeError(f"the kernel imports imsearch from {{where}}, not from {{spec['library']}}")
    importlib.import_module("imsearch.grading.checks")._grade_in_kernel(spec, namespace)
__imsearch_grade__({spec!r}, globals())
'''


# ----------------------------------------------------------------------------- which exercises

def exercises_for(nb, path) -> tuple[list, str]:
    """Return the exercises a notebook is graded on, and how they were chosen.

    Parameters
    ----------
    nb : nbformat.NotebookNode or None
        The notebook (``None`` when it could not be read: only the file name counts).
    path : str or Path
        The notebook's file name; a ``NN_`` prefix gives the chapter.

    Returns
    -------
    exercises : list of Exercise
        Sorted by id.
    how : str
        ``"tagged chapters 1, 2"``, ``"file name: chapter 1"`` or a reason there are none.
    """
    chapters = set()
    for cell in (nb.cells if nb is not None else []):
        meta = cell.get("metadata", {}).get("imsearch", {})
        ex_id = meta.get("exercise") if isinstance(meta, dict) else None
        if isinstance(ex_id, str) and _ID.match(ex_id):
            chapters.add(int(ex_id.split(".")[0]))
    how = "tagged chapter(s) " + ", ".join(map(str, sorted(chapters)))
    if not chapters:
        m = re.match(r"^(\d+)_", Path(path).name)
        if not m:
            return [], ("no cell is tagged with an exercise id (metadata imsearch.exercise) "
                        "and the file name does not start with a chapter number (NN_)")
        chapters = {int(m.group(1))}
        how = f"file name: chapter {int(m.group(1))}"
    exs = [e for e in grading.all_exercises() if e.chapter in chapters]
    if not exs:
        return [], f"no graded exercises in chapter(s) {', '.join(map(str, sorted(chapters)))} ({how})"
    return exs, how


# ----------------------------------------------------------------------------- running a notebook

@dataclass
class _Run:
    """What happened while the kernel ran the notebook and the harness."""

    phase: str = "start"        # "start", "cells", "checks", "done"
    failure: str | None = None  # None, "timed out", "kernel died", "error"
    why: str = ""
    cell_errors: list = field(default_factory=list)  # (cell number, exception name, message)


def _clean(text, limit: int) -> str:
    """Student-controlled text made safe for one CSV cell: printable, one line, short."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))  # ANSI colours of tracebacks
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kill_group(pgid) -> None:
    if pgid and hasattr(os, "killpg"):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _execute(nb, folder: Path, spec: dict, timeout: float, harness_timeout: float) -> _Run:
    """Run the notebook's code cells then the harness in a fresh kernel; always kill it."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from queue import Empty

    from nbclient.util import ensure_async

    class Client(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            return None  # keep no output: nothing the notebook prints is used

        async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg,
                                        task_poll_kernel_alive):
            # Poll the shell channel in short slices up to the deadline. With one long
            # get_msg(timeout), nbclient 0.11 + ipykernel 7 sometimes sees the reply of a
            # cell that displayed a widget only when the timeout ends (jupyter/nbclient#312),
            # which would eat the notebook's whole time budget.
            deadline = None if timeout is None else time.monotonic() + timeout
            original = self.kc.shell_channel.get_msg

            async def sliced_get_msg(timeout=None):
                while True:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        raise Empty
                    try:
                        return await ensure_async(original(timeout=0.5 if left is None else min(0.5, left)))
                    except Empty:
                        continue

            self.kc.shell_channel.get_msg = sliced_get_msg
            try:
                return await super()._async_poll_for_reply(msg_id, cell, timeout, task_poll_output_msg,
                                                           task_poll_kernel_alive)
            finally:
                self.kc.shell_channel.get_msg = original

    run = _Run()

    def on_error(cell, cell_index, execute_reply):
        content = execute_reply.get("content", {}) if isinstance(execute_reply, dict) else {}
        run.cell_errors.append((cell_index + 1, _clean(content.get("ename", "error"), 40),
                                _clean(content.get("evalue", ""), 160)))

    client = Client(nb, timeout=int(max(1, timeout)), kernel_name="python3", allow_errors=True,
                    resources={"metadata": {"path": str(folder)}}, shutdown_kernel="immediate",
                    on_cell_error=on_error, record_timing=False)
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    pgid = None
    where = "cell ?"
    try:
        # The kernel's own stdout/stderr (not the cells' outputs) go nowhere: a notebook
        # writing to file descriptor 1 or 2 does not reach the grader's terminal.
        with client.setup_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            pgid = getattr(client.km.provisioner, "pgid", None) or getattr(client.km.provisioner, "pid", None)
            run.phase = "cells"
            deadline = time.monotonic() + timeout
            client.timeout_func = lambda cell: max(0.5, deadline - time.monotonic())
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                where = f"cell {index + 1}"
                if time.monotonic() >= deadline:
                    raise CellTimeoutError(f"deadline passed before {where}")
                client.execute_cell(cell, index)
            run.phase = "checks"
            where = "the checks"
            nb.cells.append(nbformat.v4.new_code_cell(_HARNESS.format(spec=spec)))
            errors_before = len(run.cell_errors)
            client.timeout_func = lambda cell: harness_timeout
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
            if len(run.cell_errors) > errors_before:  # the harness itself raised
                _, ename, evalue = run.cell_errors.pop()
                run.failure, run.why = "error", f"the checks could not run in the notebook's kernel ({ename}: {evalue})"
            run.phase = "done"
    except CellTimeoutError:
        limit = timeout if run.phase == "cells" else harness_timeout
        run.failure = "timed out"
        run.why = (f"notebook timed out after {limit:g} s in {where}" if run.phase == "cells"
                   else f"the checks timed out after {limit:g} s")
    except DeadKernelError:
        run.failure, run.why = "kernel died", f"kernel died in {where}"
    except Exception as err:  # noqa: BLE001 - kernel start-up or protocol failures
        if run.phase == "start":
            run.failure = "error"
            run.why = f"could not start a python3 kernel ({type(err).__name__}: {_clean(err, 200)})"
        else:
            run.failure, run.why = "error", f"grading stopped in {where} ({type(err).__name__}: {_clean(err, 200)})"
    finally:
        _kill_group(pgid)  # children the notebook started, even after the kernel died
    return run


# ----------------------------------------------------------------------------- reading the results

def _load_record(path: str):
    try:
        if os.path.getsize(path) > _MAX_RECORD_BYTES:
            return None
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _case_outputs(record: dict, npz_path: str, n_cases: int):
    """The outputs list for :func:`grading.score`, or a string saying why the record is unusable."""
    entries = record.get("cases")
    if not isinstance(entries, list) or len(entries) != n_cases:
        return "the check results are incomplete"
    try:
        if os.path.getsize(npz_path) > _MAX_NPZ_BYTES:
            return "the outputs are too large"
        npz = np.load(npz_path, allow_pickle=False)
    except (OSError, ValueError) as err:
        return f"the outputs could not be read ({_clean(err, 100)})"
    if not isinstance(npz, np.lib.npyio.NpzFile):
        return "the outputs could not be read (not an .npz archive)"
    outputs = []
    with npz:
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                return "the check results are malformed"
            if "outputs" in entry:
                n = entry["outputs"]
                if not isinstance(n, int) or not 0 <= n <= 64:
                    return "the check results are malformed"
                arrays = []
                for j in range(n):
                    try:
                        a = npz[f"c{i}_o{j}"]
                    except (KeyError, ValueError, OSError):
                        arrays = f"TypeError: output {j} is missing or not a plain numeric array"
                        break
                    if a.dtype.kind not in "biufc":
                        arrays = f"TypeError: output {j} has dtype {a.dtype}, expected a numeric array"
                        break
                    arrays.append(a)
                outputs.append(tuple(arrays) if isinstance(arrays, list) else arrays)
            elif entry.get("error") == "not implemented":
                outputs.append("NotImplementedError")
            elif entry.get("error") == "reference":
                outputs.append("ReferenceCallError")
            elif entry.get("error") == "too large":
                outputs.append(f"ValueError: more than {grading.MAX_OUTPUT_VALUES} output values")
            else:
                kind = _clean(entry.get("type", "Error"), 60) or "Error"
                outputs.append(f"{kind}: {_clean(entry.get('message', ''), 200)}")
    return outputs


def _result(exercise, cases, expected, out_dir: str, run: _Run, check_timeout: float):
    """Score one exercise from the files the harness wrote (or explain why there are none)."""
    base = os.path.join(out_dir, f"exercise-{exercise.id}")
    record = _load_record(base + ".json")
    if record is None or record.get("id") != exercise.id:
        if run.phase in ("start", "cells") or run.failure is None:
            return grading.failure(exercise, run.failure or "error",
                                   (run.why or "the checks wrote no result") + "; nothing was graded")
        if os.path.exists(base + ".started"):
            if run.failure == "timed out":
                why = (f"{exercise.function} did not return in time during the checks "
                       f"({run.why}); the kernel was stopped")
            elif run.failure == "kernel died":
                why = f"the kernel died while {exercise.function} was being checked"
            else:
                why = run.why
            return grading.failure(exercise, run.failure, why, len(cases))
        return grading.failure(exercise, run.failure, f"not checked: the checks stopped before this "
                               f"exercise ({run.why})")
    status = record.get("status")
    if status == "missing":
        return grading.Result(exercise.id, 0.0, exercise.points, "not attempted",
                              f"{grading._head(exercise)}: not attempted (function {exercise.function} "
                              f"is not defined) — 0/{exercise.points:g} points.", 0, len(cases))
    if status == "not callable":
        return grading.failure(exercise, "failed", f"{exercise.function} is a "
                               f"{_clean(record.get('type', '?'), 40)}, not a function", len(cases))
    if status == "timeout":
        i = record.get("case")
        name = cases[i].name if isinstance(i, int) and 0 <= i < len(cases) else "?"
        return grading.failure(exercise, "timed out", f"{exercise.function} did not return within "
                               f"{check_timeout:g} s on case '{name}' (an endless loop?)", len(cases))
    if status == "harness error":
        return grading.failure(exercise, "error", "the checks could not run in the notebook's kernel "
                               f"({_clean(record.get('type', '?'), 60)}: {_clean(record.get('message', ''), 200)})",
                               len(cases))
    if status != "ran":
        return grading.failure(exercise, "error", "the check results are malformed", len(cases))
    outputs = _case_outputs(record, base + ".npz", len(cases))
    if isinstance(outputs, str):
        return grading.failure(exercise, "error", outputs, len(cases))
    if "ReferenceCallError" in outputs:
        name = getattr(exercise.reference, "__reference_name__", exercise.reference.__name__)
        return grading.failure(exercise, "failed", f"the solution calls the library's reference "
                               f"{name}; write it yourself", len(cases))
    return grading.score(exercise, cases, outputs, expected=expected)


# ----------------------------------------------------------------------------- public API

def _row(notebook: str, result, extra: str = "") -> dict:
    feedback = result.feedback + (f"\n  {extra}" if extra and result.status != "passed" else "")
    return {"notebook": notebook, "exercise": result.exercise, "points": float(result.points),
            "max_points": float(result.max_points), "feedback": feedback, "status": result.status}


def grade_notebook(path, timeout: float = 600.0, check_timeout: float = 30.0) -> list:
    """Grade one handed-back notebook; see the module docstring for how.

    Parameters
    ----------
    path : str or Path
        The ``.ipynb`` file.
    timeout : float
        Seconds allowed for all the notebook's own cells together.
    check_timeout : float
        Seconds allowed for the checks of each exercise (the student's function on
        every case).

    Returns
    -------
    list of dict
        One row per exercise, with keys ``notebook, exercise, points, max_points,
        feedback`` (the CSV columns), ``status`` (``passed``, ``failed``, ``not
        attempted``, ``timed out``, ``kernel died``, ``invalid``, ``error``, ``no
        exercises``) and ``errors`` (the notebook's cells that raised, as
        ``"cell 5 (ZeroDivisionError: division by zero)"``; empty when nothing ran).
    """
    import nbformat

    _check_timeouts(timeout, check_timeout)
    path = Path(path)
    name = str(path)
    try:
        nb = nbformat.read(str(path), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
        for cell in nb.cells:
            if cell.get("cell_type") not in ("code", "markdown", "raw") or not isinstance(cell.get("source"), str):
                raise ValueError("a cell has no type or no source")
    except Exception as err:  # noqa: BLE001 - any unreadable file
        exercises, how = exercises_for(None, path)
        why = f"{path.name} is not a valid notebook ({type(err).__name__}: {_clean(err, 120)}); nothing was run"
        if not exercises:
            return [{"notebook": name, "exercise": "", "points": 0.0, "max_points": 0.0,
                     "feedback": f"{why}; {how}", "status": "invalid", "errors": []}]
        return [{**_row(name, grading.failure(ex, "invalid", why)), "errors": []} for ex in exercises]

    exercises, how = exercises_for(nb, path)
    if not exercises:
        return [{"notebook": name, "exercise": "", "points": 0.0, "max_points": 0.0,
                 "feedback": f"nothing to grade: {how}", "status": "no exercises", "errors": []}]
    # Cases and expected values are computed here, before any student code runs.
    seed = secrets.randbits(32)
    plans = []
    for ex in exercises:
        cases = ex.make_cases(seed)
        plans.append((ex, cases, grading.expected_outputs(ex, cases)))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    out_dir = tempfile.mkdtemp(prefix="imsearch-grade-")
    try:
        spec = {
            "seed": seed, "dir": out_dir, "check_timeout": float(check_timeout),
            "library": os.path.realpath(Path(grading.__file__).parent.parent),
            "exercises": [{"id": ex.id, "function": ex.function,
                           "codes": [list(_reference_code(ex))]} for ex in exercises],
        }
        harness_timeout = len(exercises) * check_timeout + HARNESS_OVERHEAD_S
        run = _execute(nb, path.resolve().parent, spec, float(timeout), harness_timeout)
        note = ""
        if run.cell_errors:
            shown = ", ".join(f"cell {n} ({ename})" for n, ename, _ in run.cell_errors[:3])
            more = f" and {len(run.cell_errors) - 3} more" if len(run.cell_errors) > 3 else ""
            note = f"note: the notebook raised errors in {shown}{more}"
        errors = [f"cell {n} ({ename}: {evalue})" for n, ename, evalue in run.cell_errors]
        return [{**_row(name, _result(ex, cases, exp, out_dir, run, check_timeout), note), "errors": errors}
                for ex, cases, exp in plans]
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def _check_timeouts(timeout, check_timeout) -> None:
    for name, value in (("timeout", timeout), ("check_timeout", check_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")


def _reference_code(exercise) -> tuple:
    code = getattr(exercise.reference, "__reference_code__", None)
    return tuple(code) if code else code_location(exercise.reference)


def grade_notebooks(paths, timeout: float = 600.0, check_timeout: float = 30.0,
                    progress: bool = True, on_rows=None) -> list:
    """Grade several notebooks, one after the other, each in its own kernel.

    Parameters
    ----------
    paths : iterable of str or Path
    timeout, check_timeout : float
        As in :func:`grade_notebook`, for each notebook.
    progress : bool
        Show a progress bar (``tqdm.auto``) over the notebooks.
    on_rows : callable, optional
        Called with each notebook's rows as soon as it is graded (the CLI writes the
        CSV as it goes).

    Returns
    -------
    list of dict
        Every notebook's rows (see :func:`grade_notebook`), in the order of ``paths``.
    """
    from tqdm.auto import tqdm

    _check_timeouts(timeout, check_timeout)
    paths = [Path(p) for p in paths]
    rows = []
    for path in tqdm(paths, desc="grading", unit="notebook", disable=not progress):
        try:
            nb_rows = grade_notebook(path, timeout=timeout, check_timeout=check_timeout)
        except Exception as err:  # noqa: BLE001 - a grader failure on one notebook never stops the others
            nb_rows = [{"notebook": str(path), "exercise": "", "points": 0.0, "max_points": 0.0,
                        "feedback": f"grading failed: {type(err).__name__}: {_clean(err, 200)}",
                        "status": "error", "errors": []}]
        rows.extend(nb_rows)
        if on_rows is not None:
            on_rows(nb_rows)
    return rows


def write_csv(rows, path) -> None:
    """Write ``rows`` (from :func:`grade_notebooks`) as CSV with a header row."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=_CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "points": f"{row['points']:g}", "max_points": f"{row['max_points']:g}"})


def summary(rows) -> str:
    """A short table: one line per notebook with its points and what happened."""
    by_nb: dict = {}
    for row in rows:
        by_nb.setdefault(row["notebook"], []).append(row)
    width = max([len("notebook")] + [len(n) for n in by_nb])
    lines = [f"{'notebook':{width}s}  {'points':>11s}  result"]
    for nb, nb_rows in by_nb.items():
        got = sum(r["points"] for r in nb_rows)
        top = sum(r["max_points"] for r in nb_rows)
        counts: dict = {}
        for r in nb_rows:
            if r["exercise"]:
                counts[r["status"]] = counts.get(r["status"], 0) + 1
        result = ", ".join(f"{n} {s}" for s, n in counts.items()) or nb_rows[0]["feedback"].split(";")[0]
        lines.append(f"{nb:{width}s}  {got:5g} / {top:<3g}  {result}")
    return "\n".join(lines)


def main(args) -> int:
    """Entry point of ``python -m imsearch grade``: grade, write the CSV, print a summary."""
    import sys

    check_timeout = getattr(args, "check_timeout", None) or 30.0
    missing = [p for p in args.notebooks if not Path(p).is_file()]
    for p in missing:
        print(f"warning: {p} is not a file; it gets 0 points", file=sys.stderr)
    written: list = []

    def save(nb_rows):  # rewrite the CSV after each notebook: a crash later loses nothing
        written.extend(nb_rows)
        write_csv(written, args.csv)

    try:
        rows = grade_notebooks(args.notebooks, timeout=args.timeout, check_timeout=check_timeout,
                               on_rows=save)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(summary(rows))
    print(f"wrote {len(rows)} rows to {args.csv}")
    # 0 when grading ran, even if students scored 0; 1 when no kernel could be started
    return 1 if any("could not start a python3 kernel" in r["feedback"] for r in rows) else 0
