# The course's verbs. `make lab` to learn, `make test` to check everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NOTEBOOKS := notebooks
SOLUTIONS := solutions
NBVAL_STRICT := --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg --nbval-cell-timeout 120
# One torch thread per process: the test runners start two processes on two cores.
export OMP_NUM_THREADS ?= 1
NBVAL_LAX := --nbval-lax --nbval-current-env --nbval-cell-timeout 300

.DEFAULT_GOAL := help
.PHONY: help setup lab test test-unit test-notebooks test-cuda lint outputs check-dot clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[course]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

help:
	@echo "make lab         set up .venv and open JupyterLab on the course"
	@echo "make test        set up, then lint, unit tests, grading tests and every notebook (nbval)"
	@echo "make test-cuda   the lecture notebooks with COURSE_DEVICE=cuda, lax mode"
	@echo "make outputs     re-execute the lecture notebooks in place (refresh committed outputs)"
	@echo "make release | autograde | feedback | grades | collect-zip   the instructor's nbgrader verbs"

setup: $(STAMP) check-dot

check-dot:
	@command -v dot >/dev/null 2>&1 || echo "Graphviz 'dot' not found: graphs print as text. Install it: apt-get install graphviz | brew install graphviz | conda install -c conda-forge graphviz"

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAG)

test: setup lint test-unit test-notebooks

lint: $(STAMP)
	$(BIN)/ruff check .

test-unit: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile tests

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
	rm -rf $(VENV) .pytest_cache
