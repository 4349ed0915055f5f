"""pytest fixtures for a real PostgreSQL server. Load with `pytest_plugins` or import them.

Without server binaries the PostgreSQL cases are skipped with the reason, except under CI
(CI=true), where a missing or broken server must fail the run instead of hiding it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from tests.kit.postgres import (
    PostgresServer,
    PostgresUnavailable,
    create_database,
    postgres_server,
)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One cluster for the whole session."""
    try:
        with postgres_server() as server:
            yield server
    except PostgresUnavailable as exc:
        if running_in_ci():
            pytest.fail(f"CI requires PostgreSQL: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")


@pytest.fixture
def postgres_url(postgres: PostgresServer, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database per test, named after the test."""
    name = "t_" + re.sub(r"\W+", "_", request.node.name).strip("_").lower()[:50]
    return create_database(postgres, name)
