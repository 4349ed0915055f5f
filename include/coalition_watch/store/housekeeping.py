"""Retention: drop what the project no longer needs, never what it still relies on.

* raw bodies of versions older than the retention are dropped, except the newest version
  of each publication (so the current text can always be re-extracted);
* ledger rows of messages sent or failed long ago are dropped with their messages; queued
  messages are never touched;
* the database is compacted (SQLite VACUUM, PostgreSQL VACUUM ANALYZE).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, func, select, text, update

from coalition_watch.store import schema as t
from coalition_watch.store.repository import Store, now


@dataclass
class HousekeepingReport:
    blobs_dropped: int
    messages_dropped: int
    vacuumed: bool

    def to_json(self) -> dict:
        return asdict(self)


def prune_raw_bodies(store: Store, retention_days: int) -> int:
    cutoff = now() - timedelta(days=retention_days)
    newest = (
        select(func.max(t.versions.c.id)).group_by(t.versions.c.publication_id).scalar_subquery()
    )
    with store.begin() as conn:
        old = select(t.versions.c.raw_sha256).where(
            t.versions.c.fetched_at < cutoff,
            t.versions.c.raw_sha256.is_not(None),
            t.versions.c.id.not_in(newest),
        )
        candidates = {row[0] for row in conn.execute(old)}
        still_used = select(t.versions.c.raw_sha256).where(
            t.versions.c.raw_sha256.in_(candidates),
            t.versions.c.id.in_(newest),
        )
        candidates -= {row[0] for row in conn.execute(still_used)}
        if not candidates:
            return 0
        conn.execute(
            update(t.versions)
            .where(t.versions.c.raw_sha256.in_(candidates))
            .values(raw_sha256=None)
        )
        return conn.execute(delete(t.blobs).where(t.blobs.c.sha256.in_(candidates))).rowcount


def prune_ledger(store: Store, retention_days: int) -> int:
    cutoff = now() - timedelta(days=retention_days)
    with store.begin() as conn:
        open_msgs = select(t.deliveries.c.message_id).where(
            t.deliveries.c.status.not_in(("sent", "failed"))
        )
        old_msgs = select(t.messages.c.id).where(
            and_(t.messages.c.created_at < cutoff, t.messages.c.id.not_in(open_msgs))
        )
        ids = [row[0] for row in conn.execute(old_msgs)]
        if not ids:
            return 0
        conn.execute(delete(t.deliveries).where(t.deliveries.c.message_id.in_(ids)))
        return conn.execute(delete(t.messages).where(t.messages.c.id.in_(ids))).rowcount


def vacuum(store: Store) -> bool:
    dialect = store.engine.dialect.name
    statement = {"sqlite": "VACUUM", "postgresql": "VACUUM ANALYZE"}.get(dialect)
    if statement is None:
        return False
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))
    return True


def housekeep(store: Store, *, raw_days: int = 365, ledger_days: int = 400) -> HousekeepingReport:
    return HousekeepingReport(
        blobs_dropped=prune_raw_bodies(store, raw_days),
        messages_dropped=prune_ledger(store, ledger_days),
        vacuumed=vacuum(store),
    )
