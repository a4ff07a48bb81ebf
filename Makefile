# Ventanilla — two commands: `make run` (set up + demo + serve) and `make test` (set up + whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSDEPS_STAMP := instance/.sysdeps

.PHONY: setup sysdeps run test test-fast lint audit bench bench-pg clean

NPM_STAMP := node_modules/.installed

WEB_BUILD := web/static/dist/.built

setup: $(STAMP) $(NPM_STAMP) $(WEB_BUILD)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# Browser assets (Bootstrap, htmx, bpmn-js) from the npm registry, served locally by Flask: no CDN.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NPM_STAMP)

# The workbench's bundle (bpmn-js Modeler + bpmnlint + our panel), built by esbuild into web/static/dist/.
$(WEB_BUILD): $(NPM_STAMP) $(wildcard web/modeler/*) $(wildcard web/charts/*) .bpmnlintrc scripts/build-web.mjs
	npm run --silent build
	@touch $(WEB_BUILD)

# System parts some tests use (Debian packages). Installed when we can (root + apt-get); otherwise those
# tests skip loudly outside CI and fail in CI (see tests/conftest.py).
sysdeps:
	@bash scripts/sysdeps.sh

# LibreOffice for PDF letters, installed when we can (root + apt-get); `ventanilla run` says so loudly if not.
run: setup
	@bash scripts/sysdeps.sh pdf
	$(BIN)/ventanilla demo
	$(BIN)/ventanilla run

# Lint first: a ruff or mypy finding fails `make test` (and so CI) before any test runs; then the dependency
# audit (a known vulnerability with a fix fails; an unreachable registry fails in CI, is reported elsewhere).
test: setup sysdeps lint audit
	$(BIN)/python -m pytest -n 2 -q --durations=15 tests

test-fast: setup
	$(BIN)/python -m pytest -n 2 -q tests/unit

audit: setup
	$(BIN)/python scripts/audit.py

lint: setup
	$(BIN)/ruff check engine web tests bench
	$(BIN)/ruff format --check engine web tests bench
	$(BIN)/mypy engine web

# Engine benchmark (bench/README.md): SQLite, plus PostgreSQL when reachable; bench-pg insists on PostgreSQL.
bench: setup
	$(BIN)/python bench/engine.py

bench-pg: setup
	$(BIN)/python bench/engine.py --require-postgres

clean:
	rm -rf $(VENV) node_modules web/static/dist instance/*.db instance/*.db-* .pytest_cache
