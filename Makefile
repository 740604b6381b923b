# One place for every command; .ci/run calls `make test` too.
PYTHON ?= python3.10
VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
MODEL  := models/assistant.tar.gz
WIDGET := web/node_modules/.installed
ST_VENV := .venv-schemathesis
export RASA_TELEMETRY_ENABLED := false

.PHONY: install schemathesis web browser lookups train run serve serve-production services chat eval bench load insights test lint clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q pip==23.0.1 setuptools==70.3.0 wheel==0.45.1
	$(VENV)/bin/pip install -q --no-deps -r requirements.txt
	$(VENV)/bin/pip check
	touch $@

schemathesis: $(ST_VENV)/.installed  ## schemathesis in its own venv: its pins clash with Rasa's

$(ST_VENV)/.installed: requirements-schemathesis.txt
	$(PYTHON) -m venv $(ST_VENV)
	$(ST_VENV)/bin/pip install -q pip==23.0.1
	$(ST_VENV)/bin/pip install -q --no-deps -r requirements-schemathesis.txt
	$(ST_VENV)/bin/pip check
	touch $@

web: $(WIDGET)  ## the demo page's chat widget: npm ci, the exact versions of web/package-lock.json

$(WIDGET): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

browser:  ## Debian's Chromium, for the browser test (installed as root only where missing)
	command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

lookups: data/lookups.yml  ## NLU lookup tables and synonyms, generated from the dataset

data/lookups.yml: actions/offices.yml tools/export_lookups.py $(VENV)/.installed
	$(PY) -m tools.export_lookups

train: $(MODEL)  ## train when the data, domain or config changed

$(MODEL): $(VENV)/.installed data/lookups.yml config.yml domain.yml $(wildcard data/*.yml)
	$(RASA) train --fixed-model-name assistant --out models

run: train web  ## start both servers and the chat page, and chat in this terminal
	$(PY) -m tools.serve --chat

serve: train web  ## start both servers (REST on 5005, actions on 5055) and the page (8080) until Ctrl-C
	$(PY) -m tools.serve

serve-production: train services web  ## PostgreSQL + Redis profile; RASA_AUTH_TOKEN required (README)
	$(PY) -m tools.serve --profile production $(SERVE_ARGS)

services:  ## start PostgreSQL and Redis on loopback (installing them only where missing)
	bash tools/services.sh

chat: install  ## chat with servers started by `make serve`
	$(PY) -m tools.chat

# The team and blind dev sets; EVAL_ARGS="--sets sealed" once, at the end of issue 11 (docs/evaluation.md).
EVAL_ARGS ?= --sets dev
eval: train  ## NLU and answer quality on the evaluation sets -> docs/evaluation.md, results/ (EVAL_ARGS)
	$(PY) -m tools.evaluate $(EVAL_ARGS)

bench: train  ## speed side by side with stock Rasa's starter bot -> docs/performance.md
	$(PY) -m tools.bench $(BENCH_ARGS)

load: train services  ## a burst: 100 conversations over two Rasa servers, one killed mid-load (LOAD_ARGS)
	$(PY) -m tools.load $(LOAD_ARGS)

insights: install  ## staff report: questions, languages, unanswered -> results/insights/ (INSIGHTS_ARGS)
	$(PY) -m tools.insights $(INSIGHTS_ARGS)

lint: install
	$(VENV)/bin/ruff check .

test: lint train web services browser schemathesis  ## the README's test command; .ci/run runs it
	$(PY) -m pytest

clean:
	rm -rf models results .rasa rasa.db
