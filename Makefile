# Every target creates .venv first when it is missing, so a fresh clone needs nothing by hand.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run server test test-fast test-e2e bench lint format typecheck clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[server,dev]'
	touch $(STAMP)

venv: $(STAMP)

## make run: demo data into the server and an app store, the server on :8000, the app in the browser on :8550
run: $(STAMP)
	$(BIN)/python -m fieldsales.cli.run_demo

## make test: every suite (unit, integration on SQLite and PostgreSQL, crash, e2e)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## make test-fast: everything but the slow suites
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
