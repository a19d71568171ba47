"""Batch grading of handed-back notebooks: ``python -m imsearch grade NB.ipynb ... --csv grades.csv``.

How a notebook is graded
------------------------
1. The notebook is read with nbformat. A file that is not a notebook gets 0 on every
   exercise, with feedback saying so; nothing is run.
2. When grading starts, the grading process copies the installed ``imsearch`` package
   (the *pristine snapshot*). For each set of exercises to grade it makes a copy of the
   snapshot in which the reference of each exercise and each of its siblings (other
   library functions that compute the same result, ``Exercise.siblings``) is rewritten at
   the source level into a stub raising "... is not available while grading"
   (:func:`imsearch.grading.guard.stub_package`), and compiles it.
3. For each notebook, the grading process draws a fresh seed (``secrets``), builds every
   exercise's check cases from it and computes the expected outputs with the real
   references, *before* any student code runs.
4. The notebook runs (:func:`_run_job`) in a fresh temporary folder: ``work/`` holds only a
   copy of the notebook and is the kernel's working directory; ``lib/imsearch`` is a fresh
   copy of the stubbed package, put first on the kernel's ``PYTHONPATH`` (a first request
   checks that the kernel's ``imsearch.__file__`` is that copy, or nothing is graded). The
   kernel (``python3``, ``MPLBACKEND=Agg``, ``IMSEARCH_GRADING=1`` so that ``check()`` only
   prints a note) runs the code cells under one deadline for all of them (``timeout``
   seconds). A cell that raises is recorded and execution goes on.
5. After the cells, every descendant of the kernel is killed, and only then is the output
   folder created, with a random name, outside the working directory. A generated cell,
   whose source holds no secret, reads its spec (seed, output folder, a random one-time
   token) from its standard input (answered by the grader over Jupyter's stdin channel),
   re-imports the grading modules, looks up each student function by name, runs it on the
   cases and writes one ``.npz`` of output arrays and one small JSON record per exercise,
   both carrying the token; ``done.json`` with the token comes last. Each exercise gets
   ``check_timeout`` seconds (SIGALRM); the whole cell ``len(exercises) * check_timeout + 30``.
6. The kernel is killed with its process group, then every remaining descendant of the
   grading process that was not there before the notebook (children that called
   ``setsid``, orphans of a dead kernel: the grading process is a Linux child subreaper)
   is killed and reaped. The package copy and the installed library are hashed again; a
   change is reported in the notebook's feedback (the copy is discarded; the next
   notebook gets a fresh copy of the snapshot).
7. Results count only if the cells finished and the record carries the token; if the
   check cell ended normally, ``done.json`` must carry it too. The arrays are loaded with
   ``allow_pickle=False``, anything that is not a numeric array is refused, and
   :func:`imsearch.grading.checks.score` compares them with the expected outputs of
   step 3. A timeout or a dead kernel during the cells gives 0 on every exercise with
   feedback such as "notebook timed out after 20 s in cell 7"; during the checks,
   exercises already written keep their result and the others get 0 with the reason.
8. With ``jobs > 1``, notebooks run in worker processes (``spawn``), one notebook per worker
   at a time, each isolated as above; cases, expected values and scoring do not depend on
   the order, so the grades are those of sequential grading. The CSV is written atomically
   (temporary file + rename) by the grading process after each notebook's sweep, and a
   Markdown feedback file per notebook is written next to it (:func:`write_feedback`).
   Shards graded on several machines are merged with :func:`merge_csv` (``--merge``).

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
Defended (a notebook cannot earn points it did not earn, nor change another notebook's grade):

* a crash (an exception, ``sys.exit``, ``os._exit``, a segfault) or a hang: the kernel is a
  separate process under deadlines; its death is detected and reported;
* printed fake results: outputs are never read;
* monkeypatching ``imsearch.grading`` (``check``, ``score``, ``compare``, ``run_cases``, the
  registry, the tolerances) in the notebook: scoring happens in the grading process, and
  the check cell re-imports the kernel-side modules;
* calling the reference or a sibling, in any way — an alias taken early, a worker thread,
  ``sys.setprofile(None)``, ``importlib.reload``, ``inspect.getsource`` + ``exec``, a copy
  of ``__code__``, a frame walk, ``check()`` handing back the reference: their code is not
  in the kernel's library, only a stub that raises;
* answers hard-coded for the notebook's own check (seed 0): the cases come from a fresh seed;
* a ``pre_run_cell`` hook or input transformer reading the check cell: its source holds no
  seed, folder or token; and with the references absent the seed would not give the
  expected values anyway;
* results forged in the output folder by a background process, or left by a kernel that
  died: background processes are killed before the folder exists, its name is random,
  and results need the run's token and a completed check phase;
* sabotage of other notebooks: a file dropped in the working directory (``numpy.py``) stays
  in that notebook's own folder; a changed library stays in that notebook's own copy (and
  is reported); a process left running (even after ``setsid``) is killed before the next
  notebook starts and before the CSV is written, and only the grader writes the CSV.

Not defended — say so to whoever relies on the grades:

* a solution that copies the library's source code, or loads it at run time from the
  installed files (opening them by path, or a subprocess that drops ``PYTHONPATH`` and
  imports the installed library), is not detected: that code is not the graded copy.
  Compare the submissions for that;
* a library function that is not a sibling but gives the answer after some other call
  (``kmeans`` started from the given centroids and stopped, for exercise 1.4) is not
  hidden: siblings are the functions that pass the cases from the exercise's own
  arguments (:mod:`imsearch.grading.siblings`); methods of classes are not searched;
* a student who reverse-engineers the check protocol inside their own kernel (a hook that
  answers the check cell's ``input()``, a replaced ``numpy.savez``) can make their own
  results look complete, but cannot obtain the expected values: at best they grade their
  own work;
* while a notebook runs, its code has the permissions of the user running the grader: it
  can read or change that user's files (the installed library — the change is detected and
  reported, and later notebooks still use the snapshot; other students' notebooks — they
  are read before grading starts, so only their files on disk change; the course data
  cache, shared by all notebooks for speed: a poisoned cache can break later notebooks'
  cells, not their checks, which read no data) and signal that user's processes, including the grader and, with ``--jobs``,
  notebooks being graded at the same time. The grader is not a sandbox: grade untrusted
  notebooks in a throwaway container or account.
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
from ..grading import isolation

#: Seconds the harness cell may take on top of the exercises' own budgets (imports, cases).
HARNESS_OVERHEAD_S = 30.0
_MAX_RECORD_BYTES = 1_000_000
_MAX_NPZ_BYTES = 1_000_000_000
_ID = re.compile(r"^\d+\.\d+$")
_CSV_COLUMNS = ["notebook", "exercise", "points", "max_points", "feedback"]

# The harness holds no secret: its spec (seed, token, output folder) comes on its standard input.
_HARNESS = """\
# Added by the imsearch grader after the notebook's own cells (not part of the notebook).
def __imsearch_grade__(namespace):
    import importlib, json, os, sys
    spec = json.loads(input())
    for name in list(sys.modules):
        if name in ("imsearch.grading", "imsearch.grading.checks", "imsearch.grading.guard") or name.startswith("imsearch.grading.exercises"):
            del sys.modules[name]
    where = os.path.realpath(os.path.dirname(importlib.import_module("imsearch").__file__))
    if where != spec["library"]:
        raise RuntimeError(f"the kernel imports imsearch from {where}, not from {spec['library']}")
    importlib.import_module("imsearch.grading.checks")._grade_in_kernel(spec, namespace)
__imsearch_grade__(globals())
"""


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
    out_dir: str | None = None  # created after the cells, for the harness
    completed: bool = False     # the harness wrote its completion mark (done.json with the token)


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


async def _request(client, code: str, timeout: float, stdin_reply: str | None = None,
                   user_expressions: dict | None = None) -> dict:
    """Run ``code`` in the kernel outside nbclient's cell machinery; return the execute reply's content.

    When the code calls ``input()``, the first request gets ``stdin_reply`` (that is how the
    harness gets its spec: it is never part of a cell's source, so a ``pre_run_cell`` hook or an
    input transformer does not see it); a second request gets an empty line.
    """
    from queue import Empty

    from nbclient.exceptions import DeadKernelError
    from nbclient.util import ensure_async

    kc = client.kc
    msg_id = kc.execute(code, silent=False, store_history=False, allow_stdin=stdin_reply is not None,
                        user_expressions=user_expressions or {})
    deadline = time.monotonic() + timeout
    answered = False
    while True:
        if time.monotonic() >= deadline:
            raise TimeoutError
        if stdin_reply is not None:
            try:
                msg = await ensure_async(kc.stdin_channel.get_msg(timeout=0.01))
                if msg.get("msg_type") == "input_request" and msg.get("parent_header", {}).get("msg_id") == msg_id:
                    kc.input("" if answered else stdin_reply)
                    answered = True
            except Empty:
                pass
        try:
            msg = await ensure_async(kc.shell_channel.get_msg(timeout=0.2))
        except Empty:
            if not await ensure_async(client.km.is_alive()):
                raise DeadKernelError("kernel died") from None
            continue
        if msg.get("parent_header", {}).get("msg_id") == msg_id and msg.get("msg_type") == "execute_reply":
            return msg.get("content", {})


def _execute(nb, folder: Path, library: Path, spec: dict, timeout: float, harness_timeout: float,
             out_parent: Path) -> _Run:
    """Run the notebook's code cells then the harness in a fresh kernel; always kill it.

    The kernel runs in ``folder`` and imports ``imsearch`` from ``library`` (its parent is put
    first on ``PYTHONPATH``). Between the cells and the harness, every process the kernel
    started is killed and the output folder is created (in ``out_parent``, with a random
    name); the harness receives ``spec`` on its standard input.
    """
    from queue import Empty

    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbclient.util import ensure_async, run_sync

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
    python_path = os.pathsep.join([str(library.parent)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    from ..data.pack import CACHE_VARIABLE, cache_dir

    # The library copy lives in a temporary folder: point its data cache at the installed
    # library's (computed features and fetched pack files), or every notebook starts cold.
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1", PYTHONPATH=python_path,
               PYTHONDONTWRITEBYTECODE="1", **{grading.GRADING_ENV: "1", CACHE_VARIABLE: str(cache_dir())})
    pgid = kernel_pid = None
    where = "cell ?"
    request = run_sync(_request)
    try:
        # The kernel's own stdout/stderr (not the cells' outputs) go nowhere: a notebook
        # writing to file descriptor 1 or 2 does not reach the grader's terminal.
        with client.setup_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            provisioner = client.km.provisioner
            kernel_pid = getattr(provisioner, "pid", None)
            pgid = getattr(provisioner, "pgid", None) or kernel_pid
            # The kernel must import the graded copy of the library, or nothing is hidden.
            reply = request(client, "", 60.0, user_expressions={
                "where": "__import__('os').path.realpath(__import__('importlib').import_module('imsearch').__file__)"})
            seen = reply.get("user_expressions", {}).get("where", {}).get("data", {}).get("text/plain", "?")
            expected_file = os.path.realpath(library / "__init__.py")
            if seen.strip("'\"") != expected_file:
                raise RuntimeError(f"the grading kernel imports imsearch from {seen}, not from the graded copy "
                                   f"{expected_file} (PYTHONPATH was not honoured); nothing can be graded safely")
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
            if kernel_pid:  # what the cells started in the background goes before the checks
                isolation.kill_new_descendants(of=kernel_pid)
            # Only now, after the student's cells, does the output folder exist.
            spec["dir"] = tempfile.mkdtemp(prefix="out-", dir=out_parent)
            run.out_dir = spec["dir"]
            reply = request(client, _HARNESS, harness_timeout, stdin_reply=json.dumps(spec))
            if reply.get("status") != "ok":
                ename, evalue = _clean(reply.get("ename", "error"), 40), _clean(reply.get("evalue", ""), 160)
                run.failure, run.why = "error", f"the checks could not run in the notebook's kernel ({ename}: {evalue})"
            run.phase = "done"
    except (CellTimeoutError, TimeoutError):
        limit = timeout if run.phase == "cells" else harness_timeout
        run.failure = "timed out"
        run.why = (f"notebook timed out after {limit:g} s in {where}" if run.phase == "cells"
                   else f"the checks timed out after {limit:g} s")
    except DeadKernelError:
        run.failure, run.why = "kernel died", f"kernel died in {where}"
    except Exception as err:  # noqa: BLE001 - kernel start-up or protocol failures
        if run.phase == "start":
            run.failure = "error"
            run.why = f"could not start a python3 kernel ({type(err).__name__}: {_clean(err, 300)})"
        else:
            run.failure, run.why = "error", f"grading stopped in {where} ({type(err).__name__}: {_clean(err, 200)})"
    finally:
        _kill_group(pgid)  # the kernel's process group, even after the kernel died
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
                outputs.append(f"ReferenceCallError: {_clean(entry.get('message', ''), 200) or 'a hidden function'}")
            elif entry.get("error") == "too large":
                outputs.append(f"ValueError: more than {grading.MAX_OUTPUT_VALUES} output values")
            else:
                kind = _clean(entry.get("type", "Error"), 60) or "Error"
                outputs.append(f"{kind}: {_clean(entry.get('message', ''), 200)}")
    return outputs


def _result(exercise, cases, expected, out_dir, run: _Run, check_timeout: float, token: str = ""):
    """Score one exercise from the files the harness wrote (or explain why there are none).

    Files count only when the notebook's cells finished (the folder did not exist before),
    when they carry the run's ``token`` and, if the checks ended normally, when the harness
    wrote its completion mark.
    """
    if run.phase in ("start", "cells"):
        return grading.failure(exercise, run.failure or "error",
                               (run.why or "the notebook did not finish") + "; nothing was graded")
    if run.phase == "done" and run.failure is None and not run.completed:
        return grading.failure(exercise, "error", "the checks did not complete (no completion mark from "
                               "the grader's harness); nothing was graded", len(cases))
    base = os.path.join(out_dir or "", f"exercise-{exercise.id}")
    record = _load_record(base + ".json") if out_dir else None
    if record is None or record.get("id") != exercise.id or record.get("token") != token:
        if run.failure is None:
            return grading.failure(exercise, "error", "the checks wrote no result; nothing was graded")
        if out_dir and os.path.exists(base + ".started"):
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
    return grading.score(exercise, cases, outputs, expected=expected)


# ----------------------------------------------------------------------------- one notebook, isolated

def _row(notebook: str, result, extra: str = "") -> dict:
    feedback = result.feedback + (f"\n  {extra}" if extra and result.status != "passed" else "")
    return {"notebook": notebook, "exercise": result.exercise, "points": float(result.points),
            "max_points": float(result.max_points), "feedback": feedback, "status": result.status}


@dataclass
class _Job:
    """Everything a worker needs to grade one notebook (picklable)."""

    index: int
    path: str
    name: str                # as shown in the CSV
    content: bytes           # the notebook file, read when grading started
    exercise_ids: list
    plans: list              # per exercise: (cases, expected outputs), computed by the grading process
    seed: int
    template: str            # folder holding the graded copy ``imsearch`` of these exercises
    template_hash: str
    library: str             # the installed package folder, hashed before and after
    timeout: float
    check_timeout: float
    harness_timeout: float
    parallel: bool = False


def _run_job(job: _Job) -> list:
    """Grade one notebook in its own folder, kernel and library copy; return its rows.

    Runs in the grading process (``jobs=1``) or in a worker process. Every process the
    notebook started is killed before this returns.
    """
    import nbformat

    isolation.become_subreaper()
    before = isolation.descendants()
    library_before = isolation.tree_hash(job.library)
    root = Path(tempfile.mkdtemp(prefix="imsearch-notebook-"))
    exercises = [grading.get_exercise(i) for i in job.exercise_ids]
    try:
        package = root / "lib" / "imsearch"
        shutil.copytree(Path(job.template) / "imsearch", package)  # with its bytecode
        work = root / "work"
        work.mkdir()
        copy = work / Path(job.path).name
        copy.write_bytes(job.content)
        nb = nbformat.read(str(copy), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        token = secrets.token_hex(16)
        spec = {"seed": job.seed, "token": token, "check_timeout": float(job.check_timeout),
                "library": os.path.realpath(package),
                "exercises": [{"id": ex.id, "function": ex.function} for ex in exercises]}
        try:
            run = _execute(nb, work, package, spec, float(job.timeout), job.harness_timeout, root)
        finally:
            isolation.kill_new_descendants(before)  # setsid children and orphans included
        if run.out_dir:
            done = _load_record(os.path.join(run.out_dir, "done.json"))
            run.completed = bool(done) and done.get("token") == token
        notes = []
        if isolation.tree_hash(package) != job.template_hash:
            notes.append("warning: the notebook changed the copy of the library it ran on (the copy was discarded)")
        if isolation.tree_hash(job.library) != library_before:
            notes.append("warning: the installed library changed on disk while this notebook was graded"
                         + (" (or one graded at the same time)" if job.parallel else "")
                         + "; the next notebooks still run on the copy taken when grading started")
        note = ""
        if run.cell_errors:
            shown = ", ".join(f"cell {n} ({ename})" for n, ename, _ in run.cell_errors[:3])
            more = f" and {len(run.cell_errors) - 3} more" if len(run.cell_errors) > 3 else ""
            note = f"note: the notebook raised errors in {shown}{more}"
        errors = [f"cell {n} ({ename}: {evalue})" for n, ename, evalue in run.cell_errors]
        rows = []
        for ex, (cases, expected) in zip(exercises, job.plans):
            row = _row(job.name, _result(ex, cases, expected, run.out_dir, run, job.check_timeout, token), note)
            if notes:
                row["feedback"] += "".join(f"\n  {n}" for n in notes)
            rows.append({**row, "errors": errors, "warnings": notes})
        return rows
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _invalid_rows(name: str, path: Path, err) -> list:
    exercises, how = exercises_for(None, path)
    why = f"{path.name} is not a valid notebook ({type(err).__name__}: {_clean(err, 120)}); nothing was run"
    if not exercises:
        return [{"notebook": name, "exercise": "", "points": 0.0, "max_points": 0.0,
                 "feedback": f"{why}; {how}", "status": "invalid", "errors": [], "warnings": []}]
    return [{**_row(name, grading.failure(ex, "invalid", why)), "errors": [], "warnings": []} for ex in exercises]


def _read(raw: bytes):
    import nbformat

    nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    if not isinstance(nb.get("cells"), list):
        raise ValueError("it has no list of cells")
    for cell in nb.cells:
        if cell.get("cell_type") not in ("code", "markdown", "raw") or not isinstance(cell.get("source"), str):
            raise ValueError("a cell has no type or no source")
    return nb


def _check_timeouts(timeout, check_timeout) -> None:
    for name, value in (("timeout", timeout), ("check_timeout", check_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")


# ----------------------------------------------------------------------------- public API

def grade_notebook(path, timeout: float = 600.0, check_timeout: float = 30.0, seed: int | None = None) -> list:
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
    seed : int, optional
        Seed of the check cases; by default a fresh secret one (give one only to
        reproduce a grading).

    Returns
    -------
    list of dict
        One row per exercise, with keys ``notebook, exercise, points, max_points,
        feedback`` (the CSV columns), ``status`` (``passed``, ``failed``, ``not
        attempted``, ``timed out``, ``kernel died``, ``invalid``, ``error``, ``no
        exercises``), ``errors`` (the notebook's cells that raised, as
        ``"cell 5 (ZeroDivisionError: division by zero)"``; empty when nothing ran) and
        ``warnings`` (a changed library).
    """
    return grade_notebooks([path], timeout=timeout, check_timeout=check_timeout, progress=False, seed=seed)


def grade_notebooks(paths, timeout: float = 600.0, check_timeout: float = 30.0, progress: bool = True,
                    on_rows=None, jobs: int = 1, seed: int | None = None) -> list:
    """Grade several notebooks, each in its own folder, kernel and copy of the library.

    Parameters
    ----------
    paths : iterable of str or Path
    timeout, check_timeout : float
        As in :func:`grade_notebook`, for each notebook.
    progress : bool
        Show a progress bar (``tqdm.auto``) over the notebooks.
    on_rows : callable, optional
        Called with each notebook's rows as soon as it is graded and its processes are
        gone (the CLI writes the CSV as it goes).
    jobs : int
        Notebooks graded at the same time, each in a worker process of its own; the
        grades do not depend on it.
    seed : int, optional
        Base seed of the check cases (notebook ``i`` gets ``seed + i``); by default every
        notebook gets a fresh secret seed.

    Returns
    -------
    list of dict
        Every notebook's rows (see :func:`grade_notebook`), in the order of ``paths``.
    """
    from tqdm.auto import tqdm

    _check_timeouts(timeout, check_timeout)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int, got {jobs!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative int or None, got {seed!r}")
    paths = [Path(p) for p in paths]
    results: list = [None] * len(paths)
    library = Path(grading.__file__).resolve().parent.parent
    workdir = Path(tempfile.mkdtemp(prefix="imsearch-grader-"))
    try:
        # The pristine snapshot of the library, taken once, before any student code runs.
        pristine = isolation.copy_package(library, workdir / "pristine" / "imsearch")
        templates: dict = {}
        todo = []
        for i, path in enumerate(paths):
            try:
                raw = path.read_bytes()  # read once: a notebook graded earlier cannot change it
                nb = _read(raw)
            except Exception as err:  # noqa: BLE001 - any unreadable file
                results[i] = _invalid_rows(str(path), path, err)
                continue
            exercises, how = exercises_for(nb, path)
            if not exercises:
                results[i] = [{"notebook": str(path), "exercise": "", "points": 0.0, "max_points": 0.0,
                               "feedback": f"nothing to grade: {how}", "status": "no exercises",
                               "errors": [], "warnings": []}]
                continue
            key = tuple(ex.id for ex in exercises)
            if key not in templates:
                folder = workdir / f"graded-{len(templates)}"
                templates[key] = (str(folder), isolation.graded_copy(pristine, folder, exercises)[1])
            # Cases and expected values are computed here, with the real references.
            nb_seed = secrets.randbits(32) if seed is None else seed + i
            plans = []
            for ex in exercises:
                cases = ex.make_cases(nb_seed)
                plans.append((cases, grading.expected_outputs(ex, cases)))
            todo.append(_Job(i, str(path), str(path), raw, list(key), plans, nb_seed, templates[key][0],
                             templates[key][1], str(library), float(timeout), float(check_timeout),
                             len(exercises) * float(check_timeout) + HARNESS_OVERHEAD_S, parallel=jobs > 1))
        bar = tqdm(total=len(paths), desc="grading", unit="notebook", disable=not progress)

        def finish(i, rows):
            results[i] = rows
            bar.update(1)
            if on_rows is not None:
                on_rows(rows)

        for i, rows in enumerate(list(results)):
            if rows is not None:
                finish(i, rows)
        if jobs == 1 or len(todo) <= 1:
            for job in todo:
                finish(job.index, _safe_run(job))
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            with ProcessPoolExecutor(max_workers=min(jobs, len(todo)),
                                     mp_context=multiprocessing.get_context("spawn")) as pool:
                futures = {pool.submit(_safe_run, job): job for job in todo}
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        rows = future.result()
                    except Exception as err:  # noqa: BLE001 - a worker that died
                        rows = _grader_failure(job, err)
                    finish(job.index, rows)
        bar.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return [row for rows in results for row in rows]


def _grader_failure(job: _Job, err) -> list:
    return [{"notebook": job.name, "exercise": "", "points": 0.0, "max_points": 0.0,
             "feedback": f"grading failed: {type(err).__name__}: {_clean(err, 200)}",
             "status": "error", "errors": [], "warnings": []}]


def _safe_run(job: _Job) -> list:
    try:
        return _run_job(job)
    except Exception as err:  # noqa: BLE001 - a grader failure on one notebook never stops the others
        return _grader_failure(job, err)


def write_csv(rows, path) -> None:
    """Write ``rows`` (from :func:`grade_notebooks`) as CSV with a header row, atomically.

    The file is written next to ``path`` under a temporary name, then renamed over it.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.resolve().parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=_CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "points": f"{float(row['points']):g}",
                                 "max_points": f"{float(row['max_points']):g}"})
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_csv(path) -> list:
    """Rows of a grades CSV written by :func:`write_csv` (points as floats)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != _CSV_COLUMNS:
            raise ValueError(f"{path} is not a grades CSV (columns {reader.fieldnames}, expected {_CSV_COLUMNS})")
        return [{**r, "points": float(r["points"]), "max_points": float(r["max_points"])} for r in reader]


def merge_csv(inputs, output) -> list:
    """Merge the grades CSVs of shards (one per machine) into ``output``; return the rows.

    Raises
    ------
    ValueError
        If a file is not a grades CSV, or the same notebook and exercise appear twice
        (a notebook graded on two shards).
    """
    rows, seen = [], {}
    for path in inputs:
        for row in read_csv(path):
            key = (row["notebook"], row["exercise"])
            if key in seen:
                raise ValueError(f"notebook {row['notebook']} exercise {row['exercise'] or '-'} is in both "
                                 f"{seen[key]} and {path}")
            seen[key] = path
            rows.append(row)
    write_csv(rows, output)
    return rows


def _feedback_names(notebooks) -> dict:
    """A distinct file name ``<path relative to the common folder, / as __>.md`` per notebook."""
    paths = [Path(n).resolve() for n in notebooks]
    common = Path(os.path.commonpath([str(p.parent) for p in paths])) if paths else Path(".")
    return {n: "__".join(p.relative_to(common).with_suffix("").parts) + ".md" for n, p in zip(notebooks, paths)}


def write_feedback(rows, folder) -> list:
    """Write one Markdown file per notebook into ``folder``: its points and each exercise's feedback.

    Returns the paths written. The feedback (which quotes the student's errors) is shown in
    code blocks, with backticks replaced by quotes.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    by_nb: dict = {}
    for row in rows:
        by_nb.setdefault(row["notebook"], []).append(row)
    names = _feedback_names(list(by_nb))
    written = []
    for nb, nb_rows in by_nb.items():
        got = sum(float(r["points"]) for r in nb_rows)
        top = sum(float(r["max_points"]) for r in nb_rows)
        lines = [f"# Feedback on {Path(nb).name}", "", f"**Total: {got:g} / {top:g} points**", ""]
        for r in nb_rows:
            title = f"Exercise {r['exercise']}" if r["exercise"] else "Notebook"
            lines += [f"## {title}: {float(r['points']):g} / {float(r['max_points']):g} points", "",
                      "```text", r["feedback"].replace("`", "'"), "```", ""]
        errors = nb_rows[0].get("errors") or []
        if errors:
            lines += ["## Cells that raised an error while grading", "", "```text"]
            lines += [e.replace("`", "'") for e in errors] + ["```", ""]
        path = folder / names[nb]
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("\n".join(lines), encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written


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
                status = r.get("status") or ("full points" if r["points"] == r["max_points"] else "not full points")
                counts[status] = counts.get(status, 0) + 1
        result = ", ".join(f"{n} {s}" for s, n in counts.items()) or nb_rows[0]["feedback"].split(";")[0]
        lines.append(f"{nb:{width}s}  {got:5g} / {top:<3g}  {result}")
    return "\n".join(lines)


def main(args) -> int:
    """Entry point of ``python -m imsearch grade``: grade (or merge), write the CSV and feedback, print a summary."""
    import sys

    merge = getattr(args, "merge", None)
    notebooks = list(getattr(args, "notebooks", None) or [])
    if merge:
        if notebooks:
            print("error: give notebooks or --merge CSV files, not both", file=sys.stderr)
            return 2
        try:
            rows = merge_csv(merge, args.csv)
        except (OSError, ValueError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(summary(rows))
        print(f"merged {len(merge)} files: wrote {len(rows)} rows to {args.csv}")
        return 0
    if not notebooks:
        print("error: no notebook to grade", file=sys.stderr)
        return 2
    check_timeout = getattr(args, "check_timeout", None) or 30.0
    jobs = getattr(args, "jobs", None) or 1
    feedback = getattr(args, "feedback", None) or str(Path(args.csv).with_suffix("")) + "-feedback"
    missing = [p for p in notebooks if not Path(p).is_file()]
    for p in missing:
        print(f"warning: {p} is not a file; it gets 0 points", file=sys.stderr)
    written: list = []
    order = {str(Path(p)): i for i, p in enumerate(notebooks)}

    def save(nb_rows):  # rewrite the CSV after each notebook: a crash later loses nothing
        written.extend(nb_rows)
        written.sort(key=lambda r: order.get(r["notebook"], len(order)))
        write_csv(written, args.csv)

    try:
        rows = grade_notebooks(notebooks, timeout=args.timeout, check_timeout=check_timeout,
                               on_rows=save, jobs=jobs)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    write_csv(rows, args.csv)  # last, after every notebook's processes are gone
    write_feedback(rows, feedback)
    print(summary(rows))
    print(f"wrote {len(rows)} rows to {args.csv} and one feedback file per notebook to {feedback}")
    # 0 when grading ran, even if students scored 0; 1 when no kernel could be started
    return 1 if any("could not start a python3 kernel" in r["feedback"] for r in rows) else 0
