# imsearch: two commands on a fresh machine.
#   make lab    set up .venv if needed, open JupyterLab on notebooks/
#   make test   set up .venv if needed, run the library tests, then execute every notebook once: in
#               JupyterLab in a headless Chromium (tests/browser), or with nbval where no Chromium is installed
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.imsearch-installed
# The CPU build of PyTorch. pip finds it on disk where a wheel cache holds it; elsewhere
# it comes from the package index (set TORCH_INDEX to PyTorch's CPU wheel index to avoid
# the large CUDA build on Linux).
TORCH_SPEC  ?= torch==2.13.0
TORCH_INDEX ?=
PYTEST_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test test-lib test-notebooks test-browser setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(TORCH_SPEC) $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m imsearch doctor
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

# Every notebook is executed once: in JupyterLab in a headless Chromium when one is installed (tests/browser:
# cells must run, widgets must display, sliders must redraw), otherwise with nbval; the library tests run
# first, so the feature caches they build are warm for the notebooks.
test: $(STAMP)
	@if $(BIN)/python tests/browser/lab_driver.py; then nb=""; \
	else echo "so the notebooks run with nbval instead"; nb="notebooks --nbval-lax"; fi; \
	MPLBACKEND=Agg TQDM_MININTERVAL=1 $(BIN)/python -m pytest tests $$nb --ignore=tests/browser -p no:cacheprovider --durations=10 $(PYTEST_ARGS) \
	&& $(MAKE) --no-print-directory test-browser

# The notebooks as students see them (JupyterLab + headless Chromium); skipped, with the reason, without
# Chromium. Screenshots and report.json go to data/cache/browser/. BROWSER_CHAPTERS="05 11" runs only those.
BROWSER_CHAPTERS ?=
test-browser: $(STAMP)
	IMSEARCH_BROWSER_CHAPTERS="$(BROWSER_CHAPTERS)" TQDM_MININTERVAL=1 $(BIN)/python -m pytest tests/browser -p no:cacheprovider $(PYTEST_ARGS)

test-lib: $(STAMP)
	MPLBACKEND=Agg TQDM_MININTERVAL=1 $(BIN)/python -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

test-notebooks: $(STAMP)
	MPLBACKEND=Agg TQDM_MININTERVAL=1 $(BIN)/python -m pytest notebooks --nbval-lax $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data/cache
