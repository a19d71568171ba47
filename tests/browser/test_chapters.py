"""Every chapter as a student meets it: JupyterLab in a real (headless) Chromium.

For each ``notebooks/NN_*.ipynb`` (chapters that land later are picked up by the pattern): open it,
run all cells, wait for the kernel to go idle; no cell may show an error output, no widget
"Error displaying widget", no cell may be left unexecuted; the first slider (or colour picker)
of every widget that draws a figure is moved and the figure must change. A screenshot of each
chapter and a report (run time, the kernel's peak memory, slider response times) are written
to ``data/cache/browser/``. ``make test`` runs this after nbval, so the feature caches are warm.
"""
import os
from pathlib import Path

import lab_driver
import pytest

REPO = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: ``IMSEARCH_BROWSER_CHAPTERS="01 08"`` runs only the chapters with these numbers (default: all of them).
_ONLY = os.environ.get("IMSEARCH_BROWSER_CHAPTERS", "").split()
CHAPTERS = [c for c in CHAPTERS if not _ONLY or c[:2] in _ONLY]

#: Longest time for running all of one chapter's cells in the browser (seconds).
RUN_TIMEOUT_S = float(os.environ.get("IMSEARCH_BROWSER_TIMEOUT_S", "900"))

#: A cell running longer than this must show a progress bar (tqdm.auto renders as a widget).
LONG_CELL_S = 60.0

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_runs_in_jupyterlab(name, page, lab, artefacts):
    run = lab_driver.run_notebook(page, lab, f"notebooks/{name}",
                                  screenshot=artefacts / (Path(name).stem + ".png"), timeout_s=RUN_TIMEOUT_S)
    lab_driver.record(run, artefacts / "report.json")
    assert not run.problems(), f"{name} as a student sees it ({run.screenshot}):\n" + "\n".join(run.problems())
    silent = [(c, round(t)) for c, t, shown in run.slow_cells if t > LONG_CELL_S and not shown]
    assert not silent, f"{name}: cells running longer than {LONG_CELL_S:.0f} s without a progress bar " \
                       f"(cell, seconds): {silent}"
