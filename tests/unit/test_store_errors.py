"""Store failures come out as the package's StoreError; JSON columns always come back decoded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from coalition_watch.errors import CoalitionWatchError, MissingBlob, StoreError
from coalition_watch.model import Document
from coalition_watch.store import open_store
from coalition_watch.store import schema as t


def test_a_missing_blob_is_a_named_store_error(store):
    with pytest.raises(MissingBlob, match="no raw body with sha256 abc123") as error:
        store.get_blob("abc123")
    assert isinstance(error.value, StoreError) and isinstance(error.value, CoalitionWatchError)
    assert not isinstance(error.value, KeyError)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "store.db"
    path.write_bytes(b"this is a text file, not SQLite " * 100)
    with pytest.raises(StoreError) as error:
        open_store(f"sqlite:///{path}").migrate()
    assert str(error.value).startswith(f"store sqlite:///{path}: ")
    assert "not a database" in str(error.value)


def test_a_duplicate_is_still_handled_inside_the_store(store):
    document = Document("Joint Communique", ("The Ministers met.",), published="2021-03-30")
    first, created = store.record_version(
        source="s", url="https://example.org/a", series="small-group", document=document
    )
    again, created_again = store.record_version(
        source="s", url="https://example.org/a", series="small-group", document=document
    )
    assert created and not created_again and again.id == first.id


def test_json_held_as_text_comes_back_decoded(store):
    """A driver that returns JSON as text (or a row written as text) reads the same."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO messages (id, event, template, channel, recipient, payload, created_at)"
            " VALUES ('m1', 'e', 'new_statement', 'slack', '#x', '{\"text\": \"hi\"}',"
            " '2026-01-01 00:00:00')"
        )
        conn.execute(
            insert(t.messages).values(
                id="m2",
                event="e",
                template="new_statement",
                channel="slack",
                recipient="#y",
                payload={"text": "hello"},
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        rows = dict(conn.execute(select(t.messages.c.id, t.messages.c.payload)).all())
    assert rows == {"m1": {"text": "hi"}, "m2": {"text": "hello"}}


def test_every_json_column_uses_the_one_json_type():
    for table in t.metadata.tables.values():
        for column in table.columns:
            if "JSON" in type(column.type).__name__.upper():
                assert isinstance(column.type, t.Json), f"{table.name}.{column.name}"
