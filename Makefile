# The two set-up commands are `make run` and `make test`; both build .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install dashboard chromium run test test-fast lint synth bench deploy clean

$(STAMP): requirements-dev.txt layers/dependencies/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -qq --upgrade pip
	$(VENV)/bin/pip install -qq -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## dashboard: the web page (dashboard/src, TypeScript bundled by esbuild) built into dashboard/dist, served at /.
DASHBOARD_DEPS := dashboard/node_modules/.installed
DASHBOARD_PAGE := dashboard/dist/index.html

$(DASHBOARD_DEPS): dashboard/package.json dashboard/package-lock.json
	cd dashboard && npm ci --no-audit --no-fund --loglevel=error
	touch $(DASHBOARD_DEPS)

$(DASHBOARD_PAGE): $(DASHBOARD_DEPS) dashboard/build.mjs dashboard/tsconfig.json $(wildcard dashboard/src/*)
	cd dashboard && npm run --silent build

dashboard: $(DASHBOARD_PAGE)

## chromium: Debian's Chromium for the browser tests (installed through apt, as root, when /usr/bin/chromium is missing).
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "installing Debian's chromium for the browser tests ..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

## run: the whole system locally (local AWS, HTTP API, dashboard, crons), seeded with demo data. PORT=8000 by default.
run: install dashboard
	$(PY) -m local run

## test: unit, integration (handlers against the local AWS), infra (synth, cfn-lint, cdk-nag) and e2e tests.
test: install dashboard chromium
	$(PY) -m pytest

## lint: ruff and mypy.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## synth: synthesise both stacks into cdk.out (bundles the Lambda assets without Docker; no AWS account needed).
synth: install dashboard
	$(PY) app.py

## bench: every benchmark script; each prints its figures as ratios against a baseline run in the same process.
bench: install
	@set -e; for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script; done

## deploy: deploy both stacks to the AWS account of your current credentials.
deploy: install dashboard
	npx --yes aws-cdk@2 deploy --all

clean:
	rm -rf cdk.out .local .pytest_cache .mypy_cache .ruff_cache dashboard/dist tests/e2e/artifacts
