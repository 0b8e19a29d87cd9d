# Every target creates .venv first when it is missing, so a fresh clone needs nothing by hand.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run server test test-fast test-e2e test-phone-pins bench lint format typecheck clean

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

## make test-phone-pins: the app's tests (not the server's) with the versions a phone build
## installs: pyproject.toml's markers pin other orjson and pydantic releases on Android and iOS
PHONE := .venv-phone
test-phone-pins: $(STAMP)
	test -d $(PHONE) || $(PY) -m venv $(PHONE)
	$(PHONE)/bin/pip install --quiet --upgrade pip
	$(PHONE)/bin/pip install --quiet -e '.[server,dev]'
	$(BIN)/python tests/unit/build_pins.py Android > $(PHONE)/phone-pins.txt
	@# pip warns that these conflict with fieldsales' own (desktop) pins: that is the point.
	$(PHONE)/bin/pip install --quiet --pre -r $(PHONE)/phone-pins.txt
	$(PHONE)/bin/python -m pytest -q -p no:cacheprovider -m "not slow and not e2e" \
		--ignore=tests/unit/test_build_settings.py \
		tests/unit tests/ui tests/integration/store tests/integration/sync tests/integration/services

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
