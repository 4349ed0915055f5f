"""The compose stack's init script gives the project store a working database and role."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from coalition_watch.model import Document
from coalition_watch.store import open_store
from tests.kit.fixtures import postgres  # noqa: F401 (fixture)
from tests.kit.postgres import find_bin_dir

INIT_SCRIPT = Path(__file__).resolve().parents[2] / "docker/postgres-init/10-coalition-watch.sh"


@pytest.mark.postgres
def test_init_script_gives_the_project_role_its_own_database_only(postgres):  # noqa: F811
    env = {
        **os.environ,
        "PATH": f"{find_bin_dir()}:{os.environ['PATH']}",
        "PGHOST": "127.0.0.1",
        "PGPORT": str(postgres.port),
        "POSTGRES_USER": "postgres",  # as the postgres image passes them to init scripts
        "POSTGRES_DB": "postgres",
        "COALITION_WATCH_DB_PASSWORD": "it's a test",  # a quote must not break the SQL
    }
    done = subprocess.run(["bash", str(INIT_SCRIPT)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    url = f"postgresql+psycopg2://coalition_watch@127.0.0.1:{postgres.port}/coalition_watch"
    store = open_store(url)
    try:
        store.migrate()  # the role owns its database, so it may create the tables
        version, created = store.record_version(
            source="state", url="https://example.org/s", series="small-group",
            document=Document("Joint Communique", ("The Ministers met.",), published="2021-03-30"),
        )  # fmt: skip
        assert created and store.version(version.id).document.title == "Joint Communique"
    finally:
        store.engine.dispose()
    airflow_db = url.rsplit("/", 1)[0] + "/postgres"
    with pytest.raises(OperationalError, match="permission denied"):
        create_engine(airflow_db).connect()


def test_init_script_refuses_to_run_without_a_password():
    env = {k: v for k, v in os.environ.items() if k != "COALITION_WATCH_DB_PASSWORD"}
    done = subprocess.run(["bash", str(INIT_SCRIPT)], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "set COALITION_WATCH_DB_PASSWORD in .env" in done.stderr
