# Two commands set up a fresh machine:  `make build`  and  `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint check check-bare serve system-deps engines manual

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

system-deps:
	bash .ci/system-deps

## ProperDocs and Zensical, each in its own venv (tests/site/test_engines.py builds with all three).
engines: .venv-properdocs/.installed .venv-zensical/.installed

.venv-%/.installed: pyproject.toml
	python3 -m venv .venv-$*
	.venv-$*/bin/python -m pip install -q --upgrade pip
	.venv-$*/bin/python -m pip install -q -e '.[$*]'
	touch $@

## Build the site and the PDF handouts into site/.
build: system-deps $(STAMP)
	$(BIN)/citekb build

## axe-core for tests/browser/test_accessibility.py, at the version package-lock.json pins.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

## Run the whole test suite (it compares the site built with MkDocs, ProperDocs and Zensical).
test: system-deps $(STAMP) engines node_modules/.package-lock.json
	$(BIN)/python -m pytest

## ruff, mypy, and the bibliography in canonical form.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/citekb fmt --check

## citekb's manual, a site of its own, into site-manual/.
manual: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build -f mkdocs.manual.yml

check: $(STAMP)
	$(BIN)/citekb check

serve: $(STAMP)
	$(BIN)/citekb serve

## `citekb check` from the package with no extras must report exactly what the full install does.
check-bare: $(STAMP)
	rm -rf .venv-bare && python3 -m venv .venv-bare
	.venv-bare/bin/python -m pip install -q .
	.venv-bare/bin/citekb check --no-cache --format json > .venv-bare/bare.json
	$(BIN)/citekb check --no-cache --format json > .venv-bare/full.json
	cmp .venv-bare/bare.json .venv-bare/full.json
	.venv-bare/bin/citekb check --strict --no-cache
