# The README's two commands: `make site` and `make test`. Both set up what they need.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup site test check lint clean messages

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

# The words a reader sees: extract them again from the code and templates into
# src/policygen/catalogue/messages.pot, and bring each language's <language>.po there up to
# date with it (new words come in untranslated, so English shows until a translator fills
# them in).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F src/policygen/catalogue/babel.cfg --add-comments=Translators: \
		--project=policygen --copyright-holder=policygen -o src/policygen/catalogue/messages.pot .
	for po in src/policygen/catalogue/*.po; do \
		[ -e "$$po" ] || continue; \
		$(BIN)/pybabel update -i src/policygen/catalogue/messages.pot -o "$$po" \
			-l "$$(basename "$$po" .po | tr - _)"; \
	done

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

# The benchmark of issues 6 and 13: whole policygen builds beside whole Hugo, Zensical and
# MkDocs builds, and PDFs beside bare WeasyPrint; writes docs/benchmarks.md (about 30 min).
# Hugo, Zensical and MkDocs go into a throwaway venv under bench/.work/.
# `make bench BENCH_ARGS=--quick` for a short run (see docs/benchmarks.md for the options).
.PHONY: bench
bench: $(VENV)/.installed
	bash scripts/system-deps.sh print
	$(BIN)/python bench/run.py $(BENCH_ARGS)
