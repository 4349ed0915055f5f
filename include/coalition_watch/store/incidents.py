"""Operator incidents in the store: open at the first failure, closed at the next success.

    report_failure(store, key, error) -> (Incident, opened)   opened: this failure began it
    report_success(store, key) -> Incident | None             the incident this success closed

Callers alert on `opened` and on a closed incident only, so a task or a source that keeps
failing run after run is one incident and one alert, and its recovery one more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from coalition_watch.store import schema as t
from coalition_watch.store.repository import Store


@dataclass(frozen=True)
class Incident:
    key: str
    status: str  # open | closed
    opened_at: datetime
    closed_at: datetime | None
    failures: int  # failures since it opened
    last_error: str | None


def report_failure(
    store: Store, key: str, error: str | None, *, at: datetime | None = None
) -> tuple[Incident, bool]:
    """Record a failure under `key`; True when it opened a new incident."""
    at = at or datetime.now(UTC)
    error = error[:4000] if error else error
    with store.begin() as conn:
        row = conn.execute(
            select(t.incidents).where(t.incidents.c.key == key).with_for_update()
        ).first()
        if row is not None and row.status == "open":
            conn.execute(
                update(t.incidents)
                .where(t.incidents.c.key == key)
                .values(failures=row.failures + 1, last_error=error, updated_at=at)
            )
            return Incident(
                key, "open", _aware(row.opened_at), None, row.failures + 1, error
            ), False
        values = dict(
            status="open", opened_at=at, closed_at=None, failures=1, last_error=error, updated_at=at
        )
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(insert(t.incidents).values(key=key, **values))
            except IntegrityError:  # a concurrent first failure opened it: not ours to tell
                return Incident(key, "open", at, None, 1, error), False
        else:
            conn.execute(update(t.incidents).where(t.incidents.c.key == key).values(**values))
    return Incident(key, "open", at, None, 1, error), True


def report_success(store: Store, key: str, *, at: datetime | None = None) -> Incident | None:
    """Close the open incident under `key`, if there is one, and return it."""
    at = at or datetime.now(UTC)
    with store.begin() as conn:
        row = conn.execute(
            select(t.incidents).where(t.incidents.c.key == key).with_for_update()
        ).first()
        if row is None or row.status != "open":
            return None
        closed = conn.execute(
            update(t.incidents)
            .where(t.incidents.c.key == key, t.incidents.c.status == "open")
            .values(status="closed", closed_at=at, updated_at=at)
        ).rowcount
    if not closed:
        return None
    return Incident(key, "closed", _aware(row.opened_at), at, row.failures, row.last_error)


def open_incidents(store: Store) -> list[Incident]:
    with store.begin() as conn:
        rows = conn.execute(
            select(t.incidents).where(t.incidents.c.status == "open").order_by(t.incidents.c.key)
        ).all()
    return [
        Incident(r.key, r.status, _aware(r.opened_at), None, r.failures, r.last_error) for r in rows
    ]


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
