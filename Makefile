# The two set-up commands are `make run` and `make test`; both build .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test test-fast lint synth bench deploy clean

$(STAMP): requirements-dev.txt layers/dependencies/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -qq --upgrade pip
	$(VENV)/bin/pip install -qq -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## run: the whole system locally (local AWS, HTTP API, dashboard, crons), seeded with demo data. PORT=8000 by default.
run: install
	$(PY) -m local run

## test: unit, integration (handlers against the local AWS), infra (synth, cfn-lint, cdk-nag) and e2e tests.
test: install
	$(PY) -m pytest

## lint: ruff and mypy.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## synth: synthesise both stacks into cdk.out (bundles the Lambda assets without Docker; no AWS account needed).
synth: install
	$(PY) app.py

## bench: every benchmark script; each prints its figures as ratios against a baseline run in the same process.
bench: install
	@set -e; for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script; done

## deploy: deploy both stacks to the AWS account of your current credentials.
deploy: install
	npx --yes aws-cdk@2 deploy --all

clean:
	rm -rf cdk.out .local .pytest_cache .mypy_cache .ruff_cache
