# Two commands for a fresh machine: `make demo` runs the product, `make test` runs the tests.
# Each creates .venv, installs what it needs and makes sure the local services answer.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install services lint typecheck unit clean

demo: install
	scripts/ensure-services rabbitmq mongodb
	$(BIN)/zbsync demo

test: install
	scripts/ensure-services rabbitmq
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,sandbox]'
	touch $(STAMP)

clean:
	scripts/ensure-services stop-mongodb
	rm -rf $(VENV) .zbsync .pytest_cache .mypy_cache .ruff_cache
