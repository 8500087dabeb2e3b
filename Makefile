# The two set-up commands are `make run` and `make test`; both build .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install fonts dashboard chromium poppler checkov run test test-fast lint synth bench deploy smoke clean

$(STAMP): requirements-dev.txt layers/dependencies/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -qq --upgrade pip
	$(VENV)/bin/pip install -qq -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## fonts: the TTF fonts embedded in PDFs, from npm (layers/dependencies/package.json), copied by collect_fonts.py into
## layers/dependencies/fonts/ (read there locally; the CDK build copies it into the dependency layer, /opt/fonts).
FONT_DEPS := layers/dependencies/node_modules/.installed
FONT_DIR_STAMP := layers/dependencies/fonts/.collected

$(FONT_DEPS): layers/dependencies/package.json layers/dependencies/package-lock.json
	cd layers/dependencies && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	touch $(FONT_DEPS)

$(FONT_DIR_STAMP): $(FONT_DEPS) layers/dependencies/collect_fonts.py shared/rendering/fonts.py
	$(PYTHON) layers/dependencies/collect_fonts.py
	touch $(FONT_DIR_STAMP)

fonts: $(FONT_DIR_STAMP)

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

## checkov: the IaC scanner, in its own venv (it pins an older boto3 than the project's); the infra tests run it.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
$(CHECKOV_STAMP): requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -qq -r requirements-checkov.txt
	touch $(CHECKOV_STAMP)

checkov: $(CHECKOV_STAMP)

## poppler: Debian's poppler-utils (pdftotext, pdffonts, pdftoppm) for the PDF read-back tests, installed like chromium.
poppler:
	@if ! command -v pdftotext >/dev/null || ! command -v pdffonts >/dev/null; then \
		echo "installing Debian's poppler-utils for the PDF tests ..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils; \
	fi

## run: the whole system locally (local AWS, HTTP API, dashboard, crons), seeded with demo data. PORT=8000 by default.
run: install fonts dashboard
	$(PY) -m local run

## test: unit, integration (handlers against the local AWS), infra (synth, cfn-lint, cdk-nag) and e2e tests.
test: install fonts dashboard chromium poppler checkov
	$(PY) -m pytest

## lint: ruff and mypy.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## synth: synthesise both stacks into cdk.out (bundles the Lambda assets without Docker; no AWS account needed).
## SYNTH_ONLY=1 lets a missing senderEmail be a placeholder, for reading templates; a deploy never does.
synth: install fonts dashboard
	SYNTH_ONLY=1 $(PY) app.py

## bench: every benchmark script; each prints its figures as ratios against a baseline run in the same process.
bench: install fonts
	@set -e; for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script; done

## deploy: check the settings (refuses missing or placeholder ones before any change), bootstrap the account and
## region when CDK's bootstrap is absent, deploy both stacks. CONTEXT="senderEmail=reports@my.domain stage=prod".
deploy: install fonts dashboard
	$(PY) -m cdk.deploy $(foreach c,$(CONTEXT),-c $(c))

## smoke: the end-to-end smoke suite; against a deployed stage with STACKS="rp-dev-stateful rp-dev-stateless"
## EMAIL=you@your.domain (or STACKS=outputs.json from cdk --outputs-file), else against the local twin it starts.
smoke: install fonts dashboard
	$(PY) -m tests.smoke $(foreach s,$(STACKS),--stack $(s)) $(if $(EMAIL),--email $(EMAIL))

clean:
	rm -rf cdk.out .local $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache dashboard/dist tests/e2e/artifacts
