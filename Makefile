# The two commands of the README: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
INBOX ?= inbox
PYTEST_ARGS ?=

.PHONY: run test prerequisites lint unit e2e kafka install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## make run: the whole pipeline on the embedded broker, on ./inbox (seeded with the samples)
run: $(STAMP)
	@test -d $(INBOX) || { mkdir -p $(INBOX) && cp samples/inbox/*.txt $(INBOX)/; }
	$(BIN)/newswire run $(INBOX)

## make test: lint, type checks, unit, integration and end-to-end tests on both brokers;
## installs what the suite needs beyond Python first (scripts/test-prerequisites.sh)
test: $(STAMP) prerequisites lint
	$(BIN)/pytest $(PYTEST_ARGS)

prerequisites:
	@scripts/test-prerequisites.sh

## make lint: style (ruff, with private attributes allowed in streams/faust_fixes only),
## types (mypy), and the direction of imports (import-linter, contracts in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check streams agents tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -m "not e2e and not kafka and not faults" $(PYTEST_ARGS)

e2e: $(STAMP)
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

kafka: $(STAMP)
	$(BIN)/pytest -m kafka $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
