"""Fixtures of the browser test: one JupyterLab server and one headless Chromium for the session.

The server runs on copies of the notebooks in a temporary folder (nothing is saved into the
repository). Screenshots, the per-notebook report (``report.json``) and the server's log go to
``data/cache/browser/`` (git-ignored; ``IMSEARCH_BROWSER_ARTEFACTS`` moves them). The tests are
skipped, with the reason, when no Chromium executable or no Playwright is installed.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import lab_driver  # noqa: E402

def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in a headless Chromium (minutes)")


def artefacts_dir() -> Path:
    """Where screenshots, report.json and the JupyterLab log go."""
    env = os.environ.get("IMSEARCH_BROWSER_ARTEFACTS", "").strip()
    return Path(env).absolute() if env else REPO / "data" / "cache" / "browser"


@pytest.fixture(scope="session")
def artefacts() -> Path:
    path = artefacts_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (the system's executable), or a skip saying what is missing."""
    reason = lab_driver.browser_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    executable = lab_driver.find_chromium()
    with sync_playwright() as p:
        chromium = lab_driver.launch_chromium(p, executable)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    """A throw-away folder holding ``notebooks/`` (copies of the chapters) and ``selftest/``."""
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        shutil.copy2(nb, root / "notebooks" / nb.name)
    (root / "selftest").mkdir()
    return root


@pytest.fixture(scope="session")
def lab(browser, lab_root, artefacts):
    """A JupyterLab server on ``lab_root``, stopped (with its kernels) at the end of the session."""
    server = lab_driver.JupyterLab(lab_root, artefacts / "jupyterlab.log")
    yield server
    lab_driver.SERVER_PEAK_BYTES[0] = lab_driver._vm_hwm_bytes(server.proc.pid)
    server.stop()


@pytest.fixture
def page(browser, lab):
    """A fresh browser page; every kernel is shut down after the test so its memory is given back."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()
    lab.shutdown_sessions()


def pytest_terminal_summary(terminalreporter):
    if not lab_driver.RUNS:
        return
    path = artefacts_dir() / "report.json"  # written by lab_driver.record after each notebook
    tr = terminalreporter
    tr.section("notebooks in JupyterLab (headless Chromium)")
    tr.write_line(f"{'notebook':42s} {'run s':>6s} {'kernel CPU s':>12s} {'peak MiB':>8s} {'slowest slider s':>16s} "
                  f"{'bars':>4s}  problems")
    for r in lab_driver.RUNS:
        slider = max((s["seconds"] for s in r["sliders"]), default=None)
        tr.write_line(f"{r['notebook']:42s} {r['seconds']:6.1f} {r['kernel_cpu_s']:12.1f} {r['peak_rss_mib']:8d} "
                      f"{'-' if slider is None else f'{slider:.2f}':>16s} {r['progress_bars']:4d}  "
                      f"{len(r['problems'])}")
    if lab_driver.SERVER_PEAK_BYTES[0]:
        tr.write_line(f"JupyterLab server (without kernels): peak {lab_driver.SERVER_PEAK_BYTES[0] / 2**20:.0f} MiB")
    tr.write_line(f"screenshots and report: {path.parent}")
