# Causerie: `make run` starts everything, `make test` checks everything.
# Both bootstrap a fresh machine: a virtualenv, the Python packages, and (once the
# front-ends exist) their npm packages. Only python3 (3.11+), node and make are needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck layers openapi bench clean help

help:
	@echo "make run      start API + front-ends + embedded PostgreSQL + demo data (PORT=$(PORT))"
	@echo "make test     lint, type-check, layer contracts, then the whole test suite"
	@echo "make openapi  regenerate openapi/openapi.json from the app"
	@echo "make bench    run the benchmarks in bench/ (writes bench/results/)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	CAUSERIE_PORT=$(PORT) $(BIN)/causerie serve --seed-demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

layers: install
	$(BIN)/lint-imports

openapi: install
	$(BIN)/causerie export-openapi

test: lint typecheck layers
	$(BIN)/pytest -q

bench: install
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || \
		echo "wrk is not installed: the slower Python load client is used"
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
