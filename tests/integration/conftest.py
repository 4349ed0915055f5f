"""Stores the archive tests run on: a fresh one per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from coalition_watch.store import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_store_url(request, tmp_path, monkeypatch) -> str:
    """An empty database (not migrated) that the jobs and the CLI use by default."""
    url = (
        f"sqlite:///{tmp_path / 'store.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    monkeypatch.setenv("COALITION_WATCH_DB_URL", url)
    return url


@pytest.fixture
def store_url(fresh_store_url) -> str:
    """The same, migrated to the newest revision."""
    open_store(fresh_store_url).migrate()
    return fresh_store_url
