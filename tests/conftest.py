"""Shared fixtures. Airflow reads its configuration at import, so its environment is set
here, before any test module imports it: a throwaway AIRFLOW_HOME with a SQLite metadata
database, no example DAGs, the project's dags/ and plugins/."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from coalition_watch import settings

pytest_plugins = ["tests.kit.fixtures"]  # postgres, postgres_url

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"
SEED_2020 = SEEDS / "000_4eaa05a6e6643515.txt"
SEED_2021 = SEEDS / "004_f913646eee8ea0e9.txt"

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="cw-airflow-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(_AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_AIRFLOW_HOME}/airflow.db",
        "COALITION_WATCH_DB_URL": f"sqlite:///{_AIRFLOW_HOME}/coalition_watch.db",
    }
)
# A developer's or the Makefile's settings must not leak into tests (the store is set above).
for variable in (*settings.VARIABLES, *settings.RETIRED):
    name = getattr(variable, "name", variable)
    if name != settings.DB_URL_ENV:
        os.environ.pop(name, None)


@pytest.fixture
def store(tmp_path):
    """A fresh, migrated SQLite store in a temporary file."""
    from coalition_watch.store import open_store

    s = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    s.migrate()
    return s


@pytest.fixture(scope="session")
def airflow_db():
    """An initialised Airflow metadata database (once per test session)."""
    from airflow.utils.db import resetdb

    resetdb(skip_init=False)
    return _AIRFLOW_HOME


@pytest.fixture
def run_cli(capsys):
    """Run `coalition-watch ARGS...` in-process; returns (exit code, stdout, stderr)."""
    from coalition_watch.cli import main

    def run(*args: str):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def pytest_report_header(config):
    return [f"python {sys.version.split()[0]}; airflow home {_AIRFLOW_HOME}"]
