"""Schema migrations: a store made by the last release is upgraded in place, with its data.

`tests/data/stores/release-0.1.0.*.sql.gz` are dumps of stores that release 0.1.0 (the
last one that made its tables with `create_all`) wrote: statements, versions, raw bodies,
comparisons with their changes, the outbox and ledger, validators and source health
(see tests/data/stores/README.md).
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, select

from coalition_watch.errors import BadInput
from coalition_watch.store import metadata, open_store
from coalition_watch.store.migrate import (
    BASELINE,
    current_revision,
    head_revision,
    include_name,
)
from tests.conftest import SEED_2021

STORES = Path(__file__).resolve().parents[1] / "data" / "stores"
SEED_2021_URL = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition/2451466"


def load_release_store(backend: str, url: str) -> None:
    dump = gzip.decompress((STORES / f"release-0.1.0.{backend}.sql.gz").read_bytes()).decode()
    if backend == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.executescript(dump)
        return
    engine = create_engine(url)
    raw = engine.raw_connection()  # the dump is a script of many statements
    try:
        raw.cursor().execute(dump)
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request, tmp_path) -> tuple[str, str]:
    if request.param == "sqlite":
        return "sqlite", f"sqlite:///{tmp_path / 'store.db'}"
    return "postgresql", request.getfixturevalue("postgres_url")


@pytest.fixture
def release_store(backend_url) -> str:
    backend, url = backend_url
    load_release_store(backend, url)
    return url


def snapshot(url: str) -> dict[str, list[dict]]:
    """Every row of every table, by primary key."""
    engine = create_engine(url)
    reflected = MetaData()
    reflected.reflect(engine)
    rows = {}
    with engine.connect() as conn:
        for name, table in reflected.tables.items():
            order = list(table.primary_key.columns) or list(table.columns)
            rows[name] = [dict(r._mapping) for r in conn.execute(select(table).order_by(*order))]
    engine.dispose()
    return rows


def test_a_release_store_is_stamped_and_upgraded_and_keeps_every_row(release_store, run_cli):
    before = snapshot(release_store)
    assert "alembic_version" not in before
    assert all(before[name] for name in ("statements", "versions", "blobs", "changes"))
    assert before["messages"] and before["deliveries"] and before["http_cache"]

    code, out, err = run_cli("db", "upgrade", "--db", release_store)
    assert code == 0, err
    assert f"from revision {BASELINE} to {head_revision()}" in out
    after = snapshot(release_store)
    assert current_revision(create_engine(release_store)) == head_revision()
    for table, rows in before.items():
        if table == "schema_info":  # superseded by alembic_version (revision 0002)
            assert table not in after
            continue
        kept = [{column: row[column] for column in rows[0]} for row in after[table]]
        assert kept == rows, f"{table} changed"


def test_the_upgraded_store_serves_the_code_of_today(release_store, run_cli):
    with pytest.raises(BadInput, match="run `coalition-watch db upgrade`"):
        open_store(release_store).check_schema()
    assert run_cli("db", "upgrade", "--db", release_store)[0] == 0
    store = open_store(release_store)
    store.check_schema()
    code, out, err = run_cli(
        "ingest", SEED_2021, "--url", SEED_2021_URL, "--source", "aa-en", "--db", release_store
    )
    assert code == 0, err
    assert "0 new version(s)" in out  # the release stored it: same content, same hash
    stored = store.latest_version_at(SEED_2021_URL)
    assert stored is not None and stored.published == "2021-03-30"
    assert store.get_blob(_raw_sha(release_store, stored.id)) == SEED_2021.read_bytes()


def test_db_upgrade_twice_and_db_init_change_nothing(backend_url, run_cli):
    _, url = backend_url
    code, out, _ = run_cli("db", "upgrade", "--db", url)
    assert code == 0 and f"from revision (empty) to {head_revision()}" in out
    first = snapshot(url)
    for action in ("upgrade", "init"):
        code, out, _ = run_cli("db", action, "--db", url)
        assert code == 0 and "nothing to do" in out
    assert snapshot(url) == first


def test_the_migrations_build_exactly_the_schema_the_code_declares(backend_url):
    """schema.py and the revisions agree: a change to one needs the other (docs)."""
    _, url = backend_url
    store = open_store(url)
    store.migrate()
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_an_uninitialised_store_is_refused_with_the_command_to_run(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(BadInput, match="is not initialised.*coalition-watch db upgrade"):
        store.check_schema()


def _raw_sha(url: str, version_id: int) -> str:
    from coalition_watch.store import schema as t

    with open_store(url).begin() as conn:
        return conn.execute(
            select(t.versions.c.raw_sha256).where(t.versions.c.id == version_id)
        ).scalar_one()


def test_the_migrations_ship_inside_the_package():
    import tomllib
    from fnmatch import fnmatch

    from coalition_watch.store.migrate import MIGRATIONS

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())
    globs = project["tool"]["setuptools"]["package-data"]["coalition_watch"]
    package = MIGRATIONS.parents[1]
    files = [p.relative_to(package).as_posix() for p in MIGRATIONS.rglob("*") if p.is_file()]
    files = [f for f in files if "__pycache__" not in f]
    assert any(f.startswith("store/migrations/versions/") for f in files)
    assert all(any(fnmatch(f, g) for g in globs) for f in files), files


def test_the_revisions_form_one_line():
    """Two branches that each added a revision on the same head must be renumbered."""
    from alembic.script import ScriptDirectory

    from coalition_watch.store.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    files = sorted(p.name for p in (scripts.versions and Path(scripts.versions).glob("*.py")))
    revisions = [s.revision for s in scripts.walk_revisions()]
    assert len(scripts.get_heads()) == 1, scripts.get_heads()
    assert len(revisions) == len(set(revisions)) == len(files), files
    assert all(name.startswith(f"{s.revision}_") for s in scripts.walk_revisions()
               for name in [Path(s.path).name])  # fmt: skip
