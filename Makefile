# Two commands for a fresh machine: `make demo` runs the product, `make test` runs the tests.
# Each creates .venv, installs what it needs and makes sure the local services answer.
# `make test` is `lint`, `typecheck`, `layers` (import-linter contracts), `constraints`, `unit`
# (no services) and `integration` (the tests that need RabbitMQ, MongoDB or a browser: Debian's
# chromium, installed when missing); each also runs alone.
# `make chaos` runs the fault-injection suite (outside `make test`; docs/chaos.md), CHAOS_ARGS
# to it (`make chaos CHAOS_ARGS="--seed 3 --scenarios a,c"`, `CHAOS_ARGS=--negative-controls`).
# `make bench` runs the benchmarks (outside `make test`; docs/operations.md#benchmarks); each also
# runs alone (`make bench-efficiency`, ... `make bench-console`), prints its tables and writes bench/results/<name>.json
# and bench/RESULTS.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Tests are marked by the services they use (tests/conftest.py).
SERVICES := rabbitmq or mongodb or browser

BENCHES := bench-efficiency bench-fresh-db bench-intake bench-latency bench-burst bench-console

.PHONY: demo test install services lint typecheck layers constraints unit integration clean \
	bench $(BENCHES) chaos

demo: install
	scripts/ensure-services rabbitmq mongodb
	$(BIN)/zbsync demo --serve

test: lint typecheck layers constraints unit integration

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

layers: install
	$(BIN)/lint-imports

constraints: install
	$(BIN)/python scripts/check_constraints.py

unit: install
	$(BIN)/pytest -m "not ($(SERVICES))"

integration: install
	scripts/ensure-services rabbitmq chromium
	$(BIN)/pytest -m "$(SERVICES)"

services:
	scripts/ensure-services rabbitmq mongodb

bench: $(BENCHES)

# MongoDB: ZBSYNC_TEST_MONGODB_URI, else an nx-27017 each benchmark starts and stops itself.
# BENCH_ARGS go to the benchmark (`make bench-burst BENCH_ARGS=--until-synced`).
$(BENCHES): bench-%: install
	scripts/ensure-services rabbitmq
	$(BIN)/python -m bench.$(subst -,_,$*) $(BENCH_ARGS)

# MongoDB as for the benchmarks; RabbitMQ the shared one (and a node of its own for e-broker).
chaos: install
	scripts/ensure-services rabbitmq
	$(BIN)/python -m chaos $(CHAOS_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,sandbox]'
	touch $(STAMP)

clean:
	scripts/ensure-services stop-mongodb
	rm -rf $(VENV) .zbsync .pytest_cache .mypy_cache .ruff_cache
