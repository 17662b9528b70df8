# The course's verbs. `make lab` to learn, `make test` to check everything.
# PYTHON=/path/to/python picks the interpreter for .venv; by default tools/find_python.sh takes the
# first of python3.12, python3.11, python3 that the pins install on (3.11.5 <= version < 3.15).
PYTHON ?=
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.installed-browser
NOTEBOOKS := notebooks
SOLUTIONS := solutions
NBVAL_STRICT := --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg --nbval-cell-timeout 120
# One torch thread per process: the test runners start two processes on two cores.
export OMP_NUM_THREADS ?= 1
NBVAL_LAX := --nbval-lax --nbval-current-env --nbval-cell-timeout 300
# JupyterLab and nbgrader find `alembic`, `jupyter` and friends on PATH; the course's Jupyter
# settings (.jupyter/: no exchange-based Assignment List or Course List) come first.
LAB_ENV := PATH="$(abspath $(BIN)):$$PATH" JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}"
DOT_INSTALL := sudo apt-get install graphviz (Debian/Ubuntu) | brew install graphviz (macOS) | conda install -c conda-forge graphviz

.DEFAULT_GOAL := help
.PHONY: help setup lab test test-unit test-notebooks test-browser test-cuda lint outputs check-dot check-chromium warn-dot \
	check-gradebook clean

# A .venv from a Python the pins do not install on is reported, not patched over.
$(STAMP): pyproject.toml constraints.txt
	@if [ -x $(PY) ] && ! tools/find_python.sh $(PY) >/dev/null 2>&1; then \
	    echo "$(VENV) was made with $$($(PY) --version 2>&1), which the pins do not install on." >&2; \
	    echo "Remove it (rm -rf $(VENV)) and run make again." >&2; exit 1; fi
	@if [ ! -x $(PY) ]; then \
	    python=$$(tools/find_python.sh $(PYTHON)) || exit 1; \
	    echo "Creating $(VENV) with $$python ($$($$python --version 2>&1))"; \
	    "$$python" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[course]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# Playwright drives Debian's chromium (/usr/bin/chromium) for `make test-browser`; it downloads no browser.
$(BROWSER_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[course,browser]'
	touch $(BROWSER_STAMP)

help:
	@echo "make lab         set up .venv and open JupyterLab on the course"
	@echo "make test        set up, then lint, unit tests, grading tests and every notebook (nbval)"
	@echo "make test-browser  JupyterLab in a real browser (Debian's chromium): notebook 01, Formgrader"
	@echo "make test-cuda   the lecture notebooks with COURSE_DEVICE=cuda, lax mode"
	@echo "make outputs     re-execute the lecture notebooks in place (refresh committed outputs)"
	@echo "make release | autograde | feedback | grades | collect-zip   the instructor's nbgrader verbs"

setup: $(STAMP)

# The tests compare drawn graphs with committed SVG, so `make test` needs dot and stops at once
# without it; `make lab` only warns (the notebooks then print graphs as text).
check-dot:
	@command -v dot >/dev/null 2>&1 || { \
	    echo "make test needs Graphviz's dot program (drawn graphs are compared with committed SVG)." >&2; \
	    echo "Install it: $(DOT_INSTALL)" >&2; exit 1; }

check-chromium:
	@[ -x /usr/bin/chromium ] || { \
	    echo "make test-browser drives Debian's chromium, which is not installed." >&2; \
	    echo "Install it: sudo apt-get install chromium" >&2; exit 1; }

warn-dot:
	@command -v dot >/dev/null 2>&1 || \
	    echo "Graphviz 'dot' not found: graphs print as text. Install it: $(DOT_INSTALL)"

# A gradebook.db left without its migration record by an older `make lab` is repaired here.
check-gradebook: $(STAMP)
	@$(LAB_ENV) $(PY) tools/check_gradebook.py gradebook.db

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# LAB_ARGS passes options to JupyterLab, e.g. make lab LAB_ARGS="--port=8890 --no-browser".
lab: setup warn-dot check-gradebook
	$(LAB_ENV) $(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAG) $(LAB_ARGS)

test: check-dot setup lint test-unit test-notebooks

lint: $(STAMP)
	$(BIN)/ruff check .

test-unit: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile --ignore=tests/browser tests

# Starts `make lab` on a free port and drives it with Playwright; screenshots go to build/browser/.
test-browser: check-chromium $(BROWSER_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests/browser

test-notebooks: $(STAMP)
	COURSE_DEVICE=cpu $(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile $(NBVAL_STRICT) $(NOTEBOOKS)
	COURSE_DEVICE=cpu $(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile $(NBVAL_LAX) $(SOLUTIONS)

# The same notebooks on a GPU: any error fails; only cells marked NBVAL_CHECK_OUTPUT are compared.
test-cuda: setup
	COURSE_DEVICE=cuda $(PY) -m pytest -q -p no:cacheprovider $(NBVAL_LAX) $(NOTEBOOKS)

# Re-execute the lecture notebooks in place on the CPU to refresh their committed outputs.
outputs: setup
	COURSE_DEVICE=cpu $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.record_timing=False $(NOTEBOOKS)/*.ipynb

# The instructor's verbs (release, autograde, feedback, grades) live in grading.mk.
-include grading.mk

clean:
	rm -rf $(VENV) .pytest_cache build/browser
