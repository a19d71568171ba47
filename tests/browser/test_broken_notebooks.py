"""The browser test's own test: it must see what is broken, and pass what works.

Two small notebooks are run exactly like the chapters. The working one (a slider redrawing a
figure, a progress bar) must show no problem. The broken one holds each failure the chapter
test exists to catch: a widget whose front-end model cannot be found ("Error displaying widget"),
a slider that moves but never redraws, a slider whose callback raises, a cell that raises, and
so a cell that never runs.
"""
import lab_driver
import nbformat
import pytest

pytestmark = pytest.mark.browser

IMPORTS = "import ipywidgets as w\nimport matplotlib.pyplot as plt\nimport numpy as np"

SLIDER = '''\
def draw(k):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot(np.arange(10) ** (k / 4))
    ax.set_title(f"k = {k}")
    plt.show()

w.interactive(draw, k=w.IntSlider(value=4, min=1, max=8, continuous_update=False))'''

PROGRESS = "from tqdm.auto import tqdm\n\nfor _ in tqdm(range(3)):\n    pass"

MISSING_FRONTEND = '''\
from traitlets import Unicode

class NoFrontEnd(w.DOMWidget):
    _model_module = Unicode("imsearch-no-such-extension").tag(sync=True)
    _model_name = Unicode("NoFrontEndModel").tag(sync=True)
    _view_module = Unicode("imsearch-no-such-extension").tag(sync=True)
    _view_name = Unicode("NoFrontEndView").tag(sync=True)

NoFrontEnd()'''

FROZEN = '''\
def frozen(k):
    plt.plot([0, 1], [0, 1])
    plt.title("always the same")
    plt.show()

w.interactive(frozen, k=w.IntSlider(value=4, min=1, max=8, continuous_update=False))'''

RAISING = '''\
def fragile(k):
    if k != 4:
        raise ValueError("the callback breaks once the slider moves")
    plt.plot([0, 1], [1, 0])
    plt.show()

w.interactive(fragile, k=w.IntSlider(value=4, min=1, max=8, continuous_update=False))'''


def _write(folder, name, sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, folder / name)
    return f"selftest/{name}"


def test_a_working_notebook_shows_no_problem(page, lab, lab_root, artefacts):
    path = _write(lab_root / "selftest", "working.ipynb", [IMPORTS, SLIDER, PROGRESS])
    run = lab_driver.run_notebook(page, lab, path, screenshot=artefacts / "selftest_working.png")
    assert run.problems() == []
    assert [s.changed for s in run.sliders] == [True]
    assert run.progress_bars >= 1
    assert run.peak_rss_bytes > 10 * 2**20  # a Python kernel with numpy and matplotlib loaded


def test_every_kind_of_breakage_is_seen(page, lab, lab_root, artefacts):
    sources = [IMPORTS, MISSING_FRONTEND, FROZEN, RAISING, "1 / 0", "print('never runs')"]
    path = _write(lab_root / "selftest", "broken.ipynb", sources)
    run = lab_driver.run_notebook(page, lab, path, screenshot=artefacts / "selftest_broken.png",
                                  redraw_timeout_s=10)
    problems = "\n".join(run.problems())
    assert "broken widget in cell 1 ('from traitlets import Unicode'): Error displaying widget" in problems, problems
    assert "cell 2: moving the slider k did not change its output within 10 s" in problems
    assert "cell 3: slider k: the widget's callback failed: ValueError" in problems
    assert "cell 4 ('1 / 0'): ZeroDivisionError: division by zero" in problems
    assert run.unexecuted == [5]
    assert [s.cell for s in run.sliders] == [2, 3]
