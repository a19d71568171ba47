# imsearch: two commands on a fresh machine.
#   make lab    set up .venv if needed, open JupyterLab on notebooks/
#   make test   set up .venv if needed, run the library tests and execute every notebook, then run
#               every notebook in JupyterLab in a headless Chromium (tests/browser; skipped without Chromium)
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

test: $(STAMP)
	MPLBACKEND=Agg TQDM_MININTERVAL=1 $(BIN)/python -m pytest tests notebooks --ignore=tests/browser --nbval-lax -p no:cacheprovider --durations=10 $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-browser BROWSER_CHAPTERS="$(TEST_BROWSER_CHAPTERS)"

# The notebooks as students see them (JupyterLab + headless Chromium); run after nbval so the caches are warm.
# Screenshots and report.json go to data/cache/browser/. `make test` drives the start page and three chapters
# (TEST_BROWSER_CHAPTERS) to keep CI under its time budget; `make test-browser` drives every chapter.
TEST_BROWSER_CHAPTERS ?= 00 01 02 12
BROWSER_CHAPTERS ?=
test-browser: $(STAMP)
	IMSEARCH_BROWSER_CHAPTERS="$(BROWSER_CHAPTERS)" TQDM_MININTERVAL=1 $(BIN)/python -m pytest tests/browser -p no:cacheprovider $(PYTEST_ARGS)

test-lib: $(STAMP)
	MPLBACKEND=Agg TQDM_MININTERVAL=1 $(BIN)/python -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

test-notebooks: $(STAMP)
	MPLBACKEND=Agg TQDM_MININTERVAL=1 $(BIN)/python -m pytest notebooks --nbval-lax $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data/cache
