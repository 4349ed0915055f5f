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

.PHONY: help setup demo test test-fast lint format airflow bench lock screenshot clean

help:
	@echo "make demo     run the whole pipeline offline on bundled pages (sets itself up)"
	@echo "make test     run the test suite (sets itself up)"
	@echo "make airflow  start Airflow standalone with the project's DAGs and plugins"
	@echo "make bench    run the extraction, diff and classification benchmarks"
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

airflow: $(STAMP)
	$(BIN)/python scripts/airflow_home.py
	@echo "Airflow UI: http://localhost:8080 (user admin, password in $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated)"
	$(BIN)/airflow standalone

bench: $(STAMP)
	$(BIN)/python scripts/bench_extract.py
	$(BIN)/python scripts/bench_diff.py
	$(BIN)/python scripts/bench_classify.py

screenshot: $(STAMP)
	$(BIN)/python scripts/screenshot_ui.py

lock:
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install -q "uv==$(UV_VERSION)"; }
	$(UV) pip compile requirements.in -o requirements.txt --python-version 3.11

clean:
	rm -rf $(VENV) airflow-home demo-output .pytest_cache .ruff_cache
