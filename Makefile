# coalition-watch: `make demo` and `make test` set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

export AIRFLOW_HOME := $(CURDIR)/airflow-home
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(AIRFLOW_HOME)/airflow.db
export COALITION_WATCH_DB_URL ?= sqlite:///$(AIRFLOW_HOME)/coalition_watch.db
# "See the full diff" links point at the statements UI that `make airflow` serves.
export COALITION_WATCH_LINK_BASE ?= http://localhost:8080/coalition-watch
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Ports of the local SMTP and Slack stand-ins `make airflow` starts.
SMTP_PORT ?= 8025
SLACK_PORT ?= 8026

.PHONY: help setup demo test test-fast lint format airflow bench lock screenshot clean

help:
	@echo "make demo     run the whole pipeline offline on bundled pages (sets itself up)"
	@echo "make test     run the test suite (sets itself up)"
	@echo "make airflow  start Airflow standalone with the project's DAGs and plugins"
	@echo "make bench    run the extraction, diff, classification, idle-poll and store benchmarks"
	@echo "make lint     ruff check and format check"
	@echo "make lock     regenerate requirements.txt from requirements.in"

setup: $(STAMP)

# Re-install only when the lock or the project metadata changes.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.txt
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	@touch $@

# Links in messages are signed with a secret that never enters the repository: one is made
# on first use in the local Airflow home and shared by the demo and `make airflow`.
LINK_SECRET_FILE := $(AIRFLOW_HOME)/link-secret
LINK_SECRET = $(shell test -s $(LINK_SECRET_FILE) || { mkdir -p $(AIRFLOW_HOME) && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(32))" > $(LINK_SECRET_FILE); }; cat $(LINK_SECRET_FILE))
demo airflow screenshot: export COALITION_WATCH_LINK_SECRET ?= $(LINK_SECRET)

demo: export AIRFLOW__LOGGING__LOGGING_LEVEL := WARNING
demo: $(STAMP)
	$(BIN)/python scripts/airflow_home.py
	$(BIN)/python -m tests.kit.demo

test: $(STAMP)
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The local SMTP server and Slack Web API run beside Airflow; what they receive lands in
# $(AIRFLOW_HOME)/outbox/. DAGs start unpaused, so the first runs come within a minute.
airflow: export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION := False
airflow: $(STAMP)
	$(BIN)/python scripts/airflow_home.py --standins $(SMTP_PORT) $(SLACK_PORT)
	@echo "Airflow UI: http://localhost:8080 (user admin, password in $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated)"
	@echo "Delivered messages: $(AIRFLOW_HOME)/outbox/email/*.eml and $(AIRFLOW_HOME)/outbox/slack/*.json"
	@$(BIN)/python -m tests.kit.standins --out $(AIRFLOW_HOME)/outbox \
	    --smtp-port $(SMTP_PORT) --slack-port $(SLACK_PORT) & standins=$$!; \
	  trap 'kill $$standins 2>/dev/null' EXIT; \
	  $(BIN)/airflow standalone

bench: $(STAMP)
	$(BIN)/python scripts/bench_extract.py
	$(BIN)/python scripts/bench_diff.py
	$(BIN)/python scripts/bench_classify.py
	$(BIN)/python scripts/bench_poll.py
	$(BIN)/python scripts/bench_store.py

screenshot: $(STAMP)
	$(BIN)/python scripts/screenshot_ui.py

lock:
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install -q "uv==$(UV_VERSION)"; }
	$(UV) pip compile requirements.in -o requirements.txt --python-version 3.11

clean:
	rm -rf $(VENV) airflow-home demo-output .pytest_cache .ruff_cache
