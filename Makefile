# One place for every command; .ci/run calls `make test` too.
PYTHON ?= python3.10
VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
MODEL  := models/assistant.tar.gz
export RASA_TELEMETRY_ENABLED := false

.PHONY: install lookups train run serve serve-production services chat eval bench test lint clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q pip==23.0.1 setuptools==70.3.0 wheel==0.45.1
	$(VENV)/bin/pip install -q --no-deps -r requirements.txt
	$(VENV)/bin/pip check
	touch $@

lookups: data/lookups.yml  ## NLU lookup tables and synonyms, generated from the dataset

data/lookups.yml: actions/offices.yml tools/export_lookups.py $(VENV)/.installed
	$(PY) -m tools.export_lookups

train: $(MODEL)  ## train when the data, domain or config changed

$(MODEL): $(VENV)/.installed data/lookups.yml config.yml domain.yml $(wildcard data/*.yml)
	$(RASA) train --fixed-model-name assistant --out models

run: train  ## start both servers and chat in this terminal
	$(PY) -m tools.serve --chat

serve: train  ## start both servers (REST on 5005, actions on 5055) until Ctrl-C
	$(PY) -m tools.serve

serve-production: train services  ## PostgreSQL + Redis profile; RASA_AUTH_TOKEN required (README)
	$(PY) -m tools.serve --profile production $(SERVE_ARGS)

services:  ## start PostgreSQL and Redis on loopback (installing them only where missing)
	bash tools/services.sh

chat: install  ## chat with servers started by `make serve`
	$(PY) -m tools.chat

eval: train  ## NLU and answer quality on held-out questions -> docs/evaluation.md, results/
	$(PY) -m tools.evaluate $(EVAL_ARGS)

bench: train  ## speed side by side with stock Rasa's starter bot -> docs/performance.md
	$(PY) -m tools.bench $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .

test: lint train
	$(PY) -m pytest

clean:
	rm -rf models results .rasa rasa.db
