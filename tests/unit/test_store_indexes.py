"""The queries every poll and process run sends are answered through indexes, and a store
made before the indexes were declared gets them from its next upgrade."""

from __future__ import annotations

from sqlalchemy import event, inspect

from coalition_watch.model import Document
from coalition_watch.store import schema as t
from coalition_watch.store.migrate import head_revision
from coalition_watch.store.repository import now, open_store

NEW_INDEXES = {
    "statements": "ix_statements_series_published",
    "publications": "ix_publications_source_first_seen",
    "versions": "ix_versions_processed_at",
}


def _index_names(store, table: str) -> set[str]:
    return {index["name"] for index in inspect(store.engine).get_indexes(table)}


def _record(store, n: int, published: str):
    document = Document(f"Meeting {n}", (f"The Ministers met for meeting {n}.",), published)
    version, _ = store.record_version(
        source="src", url=f"https://example.org/{n}", document=document, series="small-group"
    )
    return version


def test_upgrading_a_store_of_the_revision_before_adds_them(tmp_path) -> None:
    from alembic import command

    from coalition_watch.store.migrate import alembic_config

    store = open_store(f"sqlite:///{tmp_path / 'older.db'}")
    with store.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    assert not any(name in _index_names(store, table) for table, name in NEW_INDEXES.items())
    assert store.migrate() == ("0004", head_revision())
    for table, name in NEW_INDEXES.items():
        assert name in _index_names(store, table)
    assert inspect(store.engine).has_table("robots_txt")


def _plans(store, action) -> dict[str, str]:
    """SQLite's query plan of every SELECT `action` sends, by statement."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    raw = store.engine.raw_connection()
    try:
        plans = {}
        for statement, parameters in seen:
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plans[statement] = " | ".join(row[3] for row in rows)
        return plans
    finally:
        raw.close()


def test_process_and_poll_queries_scan_no_filled_table(store) -> None:
    first = _record(store, 1, "2020-06-04")
    store.mark_processed(first.id)
    second = _record(store, 2, "2021-03-30")

    def process_and_poll_queries() -> None:
        (pending,) = store.unprocessed_versions()
        assert pending.id == second.id
        assert store.previous_in_series(pending).id == first.id
        assert store.next_in_series(first).id == second.id
        store.statements_near(pending.published, pending.series)
        store.due_rechecks("src", watched=20, checked_before=now(), limit=2)

    plans = _plans(store, process_and_poll_queries)
    assert plans
    for statement, plan in plans.items():
        for table in ("statements", "publications", "versions"):
            assert f"SCAN {table}" not in plan, f"{plan}\n  for {statement}"


def test_the_declared_indexes_are_the_ones_the_queries_use(store) -> None:
    _record(store, 1, "2020-06-04")

    def queries() -> None:
        store.unprocessed_versions()
        store.due_rechecks("src", watched=20, checked_before=now(), limit=2)
        store.previous_in_series(store.latest_version_at("https://example.org/1"))

    used = " ".join(_plans(store, queries).values())
    for name in NEW_INDEXES.values():
        assert name in used
    assert {i.name for table in t.metadata.sorted_tables for i in table.indexes} >= set(
        NEW_INDEXES.values()
    )
