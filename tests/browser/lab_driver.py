"""Run a notebook in JupyterLab, in a real headless Chromium, and report what a student would see.

:class:`JupyterLab` starts a JupyterLab server on a free local port with a random token, on a
throw-away folder (copies of the notebooks: nothing a run does is saved into the repository), with
autosave off and the notebook's cells always in the page (no virtual scrolling), so that every
output can be inspected. :func:`run_notebook` opens one notebook in a Playwright page, runs all its
cells with JupyterLab's own "Run All Cells" command, waits for the kernel to go idle, then reads
every cell's outputs (error outputs, "Error displaying widget", cells that never ran), moves the
first slider (or colour picker) of every ``interactive`` widget that draws a figure and times how
long the figure takes to change, measures the kernel's peak memory and saves a screenshot.
The test files turn its :class:`NotebookRun` into assertions.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

#: Where Debian and other distributions put a Chromium (``IMSEARCH_CHROMIUM`` overrides).
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                       "/snap/bin/chromium")

#: A figure that does not change this long after a slider moved counts as not redrawn.
REDRAW_TIMEOUT_S = 60.0

#: Records (NotebookRun.summary()) of every notebook run in this session, for the report at the end.
RUNS: list[dict] = []

#: Peak resident memory of the JupyterLab server process of the session (set at its end).
SERVER_PEAK_BYTES = [0]

#: JupyterLab settings for the test: autosave off (the copies stay as they were), every cell kept in the
#: page (windowing "none"), timing of each cell recorded, no news or update checks (offline).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none", "recordTiming": True},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}


def record(run: "NotebookRun", report: Path) -> None:
    """Add a run to :data:`RUNS` and rewrite ``report`` (JSON) with every run so far."""
    RUNS.append(run.summary())
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(RUNS, indent=1) + "\n")


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None: ``IMSEARCH_CHROMIUM`` first, then the usual places."""
    env = os.environ.get("IMSEARCH_CHROMIUM", "").strip()
    for path in ([env] if env else []) + [p for p in CHROMIUM_CANDIDATES] + [shutil.which("chromium") or ""]:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def browser_missing() -> str | None:
    """Why the browser test cannot run here (no Chromium, no Playwright), or None when it can."""
    if find_chromium() is None:
        return ("no Chromium executable found (as root: apt-get install chromium; or set IMSEARCH_CHROMIUM "
                f"to one); looked in {', '.join(CHROMIUM_CANDIDATES)}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        return f"the browser-automation package is not importable ({err}): pip install -e '.[test]'"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and of its children it waited for; 0 when it is gone."""
    import psutil

    try:
        t = psutil.Process(pid).cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return t.user + t.system + t.children_user + t.children_system


def _share_niceness() -> None:
    """Give every process this one started (Chromium's, which reset theirs) at least this one's niceness."""
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    for pid in _descendants(os.getpid()):
        try:
            if os.getpriority(os.PRIO_PROCESS, pid) < mine:
                os.setpriority(os.PRIO_PROCESS, pid, mine)
        except OSError:
            pass


def _vm_hwm_bytes(pid: int) -> int:
    """Peak resident memory (``VmHWM``) of one process, 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class JupyterLab:
    """A JupyterLab server for the test, on ``root`` (a folder of notebook copies), stopped by :meth:`stop`.

    Parameters
    ----------
    root : pathlib.Path
        The server's root folder; notebooks are opened by their path relative to it.
    log_path : pathlib.Path
        Where the server's output goes.
    env : dict, optional
        Environment of the server and its kernels (default: this process's, without ``MPLBACKEND``,
        so that the kernels draw figures inline as for a student).
    """

    def __init__(self, root: Path, log_path: Path, env: dict | None = None):
        self.root = Path(root)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ if env is None else env)
        env.pop("MPLBACKEND", None)
        config = self.root.parent / (self.root.name + "-jupyter")
        settings = config / "user-settings"
        for name, value in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        env.update(JUPYTER_CONFIG_DIR=str(config / "config"), JUPYTER_RUNTIME_DIR=str(config / "runtime"))
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.open_browser=False",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={config / 'workspaces'}"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self._log = open(log_path, "wb")
        # its own process group: stop() ends the server and every kernel it started, nothing else
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self._wait_ready(timeout_s=120)

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}; see {self._log.name}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout_s:.0f} s; see {self._log.name}")

    def api(self, path: str, method: str = "GET"):
        """Call the server's REST API (``/api/<path>``) with the token; the decoded JSON or None."""
        req = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def url(self, relpath: str) -> str:
        """The JupyterLab address that opens ``relpath`` alone (a path relative to the root; ``reset``: no tabs
        of earlier notebooks restored)."""
        return f"{self.base}/lab/tree/{relpath}?reset&token={self.token}"

    def kernel_pid(self, relpath: str) -> int | None:
        """PID of the kernel of the session of ``relpath`` (found by its connection file name)."""
        import psutil

        ids = [s["kernel"]["id"] for s in self.api("sessions") if s.get("path") == relpath and s.get("kernel")]
        for pid in _descendants(self.proc.pid):
            try:
                cmdline = " ".join(psutil.Process(pid).cmdline())
            except psutil.Error:
                continue
            if any(f"kernel-{kid}.json" in cmdline for kid in ids):
                return pid
        return None

    def shutdown_sessions(self) -> None:
        """Shut down every session and kernel (between notebooks, so that memory is given back)."""
        for s in self.api("sessions"):
            self.api(f"sessions/{s['id']}", method="DELETE")
        for k in self.api("kernels"):
            self.api(f"kernels/{k['id']}", method="DELETE")

    def stop(self) -> None:
        """Stop the server, then kill whatever it started that is still alive (kernels and their children)."""
        if self.proc.poll() is None:
            leftovers = _descendants(self.proc.pid)
            try:
                self.shutdown_sessions()
            except OSError:
                pass
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
            for pid in leftovers:  # kernels started in a session of their own
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self._log.close()


def launch_chromium(playwright, executable: str):
    """A headless Chromium from ``executable`` (the system's; Playwright's own builds are not used)."""
    args = ["--disable-dev-shm-usage", "--disable-gpu"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return playwright.chromium.launch(executable_path=executable, headless=True, args=args)


@dataclass
class SliderCheck:
    """One widget moved: which cell, which control, whether its figure changed and how fast."""

    cell: int
    control: str
    changed: bool
    seconds: float
    error: str = ""


@dataclass
class NotebookRun:
    """What a student sees after running a notebook in JupyterLab."""

    notebook: str
    seconds: float = 0.0                                  # open + run all + idle (without the widget moves)
    code_cells: int = 0
    # cells are numbered from 0 among all cells (markdown included), as in the .ipynb file
    errors: list[str] = field(default_factory=list)        # "cell 7 ('1 / 0'): ZeroDivisionError: division by zero"
    widget_errors: list[str] = field(default_factory=list)  # "cell 3: Error displaying widget: model not found"
    unexecuted: list[int] = field(default_factory=list)     # code cells without an execution count
    blank_widgets: list[int] = field(default_factory=list)  # cells whose slider widget shows nothing
    sliders: list[SliderCheck] = field(default_factory=list)
    redraw_timeout_s: float = REDRAW_TIMEOUT_S
    kernel_cpu_s: float = 0.0                               # CPU time of the kernel (and its children)
    peak_rss_bytes: int = 0                                 # the kernel's (and its children's) VmHWM
    progress_bars: int = 0                                  # progress widgets (tqdm) on the page
    slow_cells: list[tuple[int, float, bool]] = field(default_factory=list)  # (cell, seconds, shows progress)
    screenshot: str = ""

    def problems(self) -> list[str]:
        """Everything a student would see as broken, one line each (empty when the notebook is fine)."""
        out = [f"error output in {e}" for e in self.errors]
        out += [f"broken widget in {e}" for e in self.widget_errors]
        if self.unexecuted:
            out.append(f"cells never ran: {self.unexecuted}")
        out += [f"cell {c}: its slider widget shows nothing (no figure, no text)" for c in self.blank_widgets]
        for s in self.sliders:
            if s.error:
                out.append(f"cell {s.cell}: {s.control}: {s.error}")
            elif not s.changed:
                out.append(f"cell {s.cell}: moving the {s.control} did not change its output "
                           f"within {self.redraw_timeout_s:.0f} s")
        return out

    def summary(self) -> dict:
        """A JSON-ready record of the run (for the report)."""
        return {"notebook": self.notebook, "seconds": round(self.seconds, 1), "code_cells": self.code_cells,
                "kernel_cpu_s": round(self.kernel_cpu_s, 1),
                "peak_rss_mib": round(self.peak_rss_bytes / 2**20), "progress_bars": self.progress_bars,
                "sliders": [{"cell": s.cell, "control": s.control, "changed": s.changed,
                             "seconds": round(s.seconds, 2), "error": s.error} for s in self.sliders],
                "slow_cells": [{"cell": c, "seconds": round(t, 1), "progress": p} for c, t, p in self.slow_cells],
                "problems": self.problems(), "screenshot": self.screenshot}


# ---------------------------------------------------------------------------------------- in the page

_PANEL_READY = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.sessionContext || !panel.content || !panel.content.widgets) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && panel.content.widgets.length > 0;
}"""

_RUN_ALL = """() => {
  window.__imsearchRun = {done: false, error: null};
  window.jupyterapp.commands.execute('notebook:run-all-cells')
    .then(() => { window.__imsearchRun.done = true; })
    .catch((e) => { window.__imsearchRun.error = String(e); window.__imsearchRun.done = true; });
}"""

_RUN_FINISHED = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return window.__imsearchRun.done && kernel && kernel.status === 'idle';
}"""

# cells showing a progress bar now: a tqdm widget, or tqdm's text bar ("42%|████")
_PROGRESS_NOW = """() => {
  const shown = [];
  window.jupyterapp.shell.currentWidget.content.widgets.forEach((cell, i) => {
    const out = cell.node.querySelector('.jp-OutputArea');
    if (cell.node.querySelector('.widget-hprogress, .widget-vprogress') || (out && /\\d+%\\|/.test(out.innerText)))
      shown.push(i);
  });
  return shown;
}"""

# per cell: its type, execution count, error outputs (model), widget error text and progress bars (DOM),
# and the run time JupyterLab recorded (recordTiming)
_READ_CELLS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, i) => {
    const m = cell.model;
    cell.node.setAttribute('data-imsearch-cell', String(i));
    const r = {index: i, type: m.type, count: null, errors: [], widgetErrors: [], progress: 0, seconds: null,
               hasSlider: false, hasOutput: false};
    if (m.type !== 'code') return r;
    r.count = m.executionCount;
    r.firstLine = (m.sharedModel.getSource().split('\\n')[0] || '').slice(0, 60);
    for (let j = 0; j < m.outputs.length; j++) {
      const o = m.outputs.get(j).toJSON();
      if (o.output_type === 'error') r.errors.push(o.ename + ': ' + o.evalue);
    }
    const node = cell.node;
    for (const el of node.querySelectorAll('.jupyter-widgets-error-widget')) {
      const pre = el.querySelector('pre');
      r.widgetErrors.push('Error displaying widget: ' + (pre ? pre.textContent : el.textContent).trim().slice(0, 300));
    }
    for (const el of node.querySelectorAll('.jp-OutputArea-output')) {
      const text = el.innerText || '';
      if (text.includes('Error displaying widget') && !el.querySelector('.jupyter-widgets-error-widget'))
        r.widgetErrors.push(text.trim().split('\\n')[0]);
      if (text.trim() === 'Loading widget...') r.widgetErrors.push('a widget never finished loading');
      if (text.includes('Traceback (most recent call last)') && el.closest('.widget-output'))
        r.errors.push('traceback inside a widget: ' + text.trim().split('\\n').slice(-1)[0]);
    }
    r.progress = node.querySelectorAll('.widget-hprogress, .widget-vprogress').length;
    r.hasSlider = !!node.querySelector('.widget-interact .widget-slider, .widget-interact .widget-colorpicker');
    const wout = node.querySelector('.widget-interact .widget-output');
    r.hasOutput = !!node.querySelector('.widget-interact img') || !!(wout && wout.innerText.trim());
    const ex = m.getMetadata ? m.getMetadata('execution') : null;
    if (ex && ex['iopub.execute_input'] && ex['shell.execute_reply'])
      r.seconds = (Date.parse(ex['shell.execute_reply']) - Date.parse(ex['iopub.execute_input'])) / 1000;
    return r;
  });
}"""

# what the widget of cell i shows: [its images' data, its text]
_OUTPUT = """(i) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
  const out = cell.node.querySelector('.widget-interact .widget-output');
  const images = Array.from(cell.node.querySelectorAll('.widget-interact img')).map((im) => im.src).join('|');
  return [images, out ? out.innerText.trim() : ''];
}"""

_IDLE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return kernel && kernel.status === 'idle';
}"""


def _cell(page, index: int):
    return page.locator(f'.jp-Notebook [data-imsearch-cell="{index}"]')


def _move_control(page, index: int, timeout_s: float) -> SliderCheck:
    """Move the first slider (or colour picker) of the widget in cell ``index``; time the figure's change."""
    cell = _cell(page, index)
    before = page.evaluate(_OUTPUT, index)
    handle = cell.locator(".widget-interact .widget-slider .noUi-handle").first
    if handle.count():
        control = "slider " + (cell.locator(".widget-interact .widget-slider .widget-label").first.inner_text()
                               or "").strip()
        handle.scroll_into_view_if_needed()
        now, top = (float(handle.get_attribute(a) or 0) for a in ("aria-valuenow", "aria-valuemax"))
        handle.focus()
        start = time.perf_counter()
        handle.press("ArrowLeft" if now >= top else "ArrowRight")
    else:
        picker = cell.locator(".widget-interact .widget-colorpicker input[type=color]").first
        control = "colour picker"
        picker.scroll_into_view_if_needed()
        old = (picker.input_value() or "").lower()
        start = time.perf_counter()
        picker.fill("#d53a3a" if old != "#d53a3a" else "#3ad56b")
    try:
        # a new figure (or new text, for a widget that prints), or a traceback (no point in waiting then)
        outcome = page.wait_for_function(f"""(args) => {{
              const [images, text] = ({_OUTPUT})(args[0]);
              if (text.includes('Traceback (most recent call last)')) return 'raised';
              if (args[1][0] ? images.length > 0 && images !== args[1][0] : text.length > 0 && text !== args[1][1])
                return 'changed';
              return false;
            }}""", arg=[index, before], polling="raf", timeout=timeout_s * 1000)
        changed = outcome.json_value() == "changed"
    except Exception:  # noqa: BLE001  (playwright's TimeoutError)
        changed = False
    seconds = time.perf_counter() - start
    page.wait_for_function(_IDLE, polling=200, timeout=timeout_s * 1000)
    page.wait_for_timeout(300)  # let a traceback printed by the callback reach the page
    text = cell.locator(".widget-interact .widget-output").first.inner_text() if \
        cell.locator(".widget-interact .widget-output").count() else ""
    error = ""
    if "Traceback (most recent call last)" in text or "Error displaying widget" in text:
        error = "the widget's callback failed: " + text.strip().splitlines()[-1]
    elif before[0] and not page.evaluate(_OUTPUT, index)[0]:
        error = "its figure disappeared after the move"
    return SliderCheck(cell=index, control=control, changed=changed, seconds=seconds, error=error)


def run_notebook(page, lab: JupyterLab, relpath: str, screenshot: Path | None = None,
                 timeout_s: float = 600.0, slow_cell_s: float = 10.0,
                 redraw_timeout_s: float = REDRAW_TIMEOUT_S) -> NotebookRun:
    """Open ``relpath`` in JupyterLab, run all cells, inspect what is shown and move its widgets.

    Parameters
    ----------
    page : playwright.sync_api.Page
    lab : JupyterLab
    relpath : str
        The notebook, relative to the server's root.
    screenshot : pathlib.Path, optional
        Where to save a PNG of the notebook (scrolled to its first problem, else to its last widget).
    timeout_s : float
        Longest time allowed for running all cells.
    slow_cell_s : float
        Cells that run longer than this are listed in ``slow_cells`` with whether they show progress.
    redraw_timeout_s : float
        How long a figure may take to change after its slider moved.

    Returns
    -------
    NotebookRun
    """
    run = NotebookRun(notebook=relpath, redraw_timeout_s=redraw_timeout_s)
    start = time.perf_counter()
    page.goto(lab.url(relpath))
    _share_niceness()
    page.wait_for_function(_PANEL_READY, polling=250, timeout=120_000)
    page.evaluate(_RUN_ALL)
    shown_progress = set()  # cells seen with a progress bar while they ran (a bar may close when done)
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(_RUN_FINISHED):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{relpath}: cells still running after {timeout_s:.0f} s")
        shown_progress.update(page.evaluate(_PROGRESS_NOW))
        page.wait_for_timeout(1000)
    page.wait_for_timeout(1000)  # widget views render after their models arrive
    run.seconds = time.perf_counter() - start

    cells = page.evaluate(_READ_CELLS)
    code = [c for c in cells if c["type"] == "code"]
    run.code_cells = len(code)
    for c in code:
        where = f"cell {c['index']} ({c['firstLine']!r})"
        run.errors += [f"{where}: {e}" for e in c["errors"]]
        run.widget_errors += [f"{where}: {e}" for e in c["widgetErrors"]]
        if c["count"] is None:
            run.unexecuted.append(c["index"])
        run.progress_bars += c["progress"]
        if c["seconds"] is not None and c["seconds"] > slow_cell_s:
            run.slow_cells.append((c["index"], c["seconds"], c["progress"] > 0 or c["index"] in shown_progress))

    focus = None
    for c in code:
        if c["hasSlider"] and c["count"] is not None:
            if c["hasOutput"]:
                run.sliders.append(_move_control(page, c["index"], redraw_timeout_s))
                focus = c["index"]
            else:
                run.blank_widgets.append(c["index"])
    pid = lab.kernel_pid(relpath)
    if pid is not None:
        run.peak_rss_bytes = _vm_hwm_bytes(pid) + sum(_vm_hwm_bytes(p) for p in _descendants(pid))
        run.kernel_cpu_s = _cpu_seconds(pid) + sum(_cpu_seconds(p) for p in _descendants(pid))

    if screenshot is not None:
        bad = [c["index"] for c in code if c["errors"] or c["widgetErrors"]] + run.unexecuted
        target = bad[0] if bad else focus
        if target is not None:
            _cell(page, target).scroll_into_view_if_needed()
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
        run.screenshot = str(screenshot)
    return run


if __name__ == "__main__":
    # `python tests/browser/lab_driver.py`: exit status 0 when the browser test can run here (used by
    # `make test` to run each notebook once, in the browser, instead of with nbval).
    reason = browser_missing()
    print(reason or f"the browser test can run here (Chromium: {find_chromium()})")
    sys.exit(1 if reason else 0)
