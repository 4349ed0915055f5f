"""Each source's health as the store keeps it (`source_state`): status, since, failures.

The rule that decides when a source is down lives in `health.py`; this module reads the
row and writes what the rule decided, in one transaction that locks the row, so two
polls of one source never both announce the same transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal, TypeVar

from sqlalchemy import insert, select, update

from coalition_watch.store import schema as t
from coalition_watch.store.repository import Store

Outcome = TypeVar("Outcome")


@dataclass(frozen=True)
class SourceState:
    source: str
    status: Literal["up", "down"]
    since: datetime
    failures: int
    last_error: str | None
    last_poll_at: datetime | None


def source_state(store: Store, source: str) -> SourceState | None:
    with store.begin() as conn:
        row = conn.execute(select(t.source_state).where(t.source_state.c.source == source)).first()
    return _state(row) if row else None


def change_source_state(
    store: Store,
    source: str,
    at: datetime,
    change: Callable[[SourceState], tuple[SourceState, Outcome]],
) -> Outcome:
    """Apply `change` to the source's state (a fresh "up" one when it has none) and store
    the state it returns, the row locked meanwhile; returns what `change` returned with it."""
    with store.begin() as conn:
        row = conn.execute(
            select(t.source_state).where(t.source_state.c.source == source).with_for_update()
        ).first()
        if row is None:
            conn.execute(
                insert(t.source_state).values(
                    source=source, status="up", since=at, failures=0, last_poll_at=None
                )
            )
            current = SourceState(source, "up", at, 0, None, None)
        else:
            current = _state(row)
        new, outcome = change(current)
        new = replace(new, source=source)
        conn.execute(
            update(t.source_state)
            .where(t.source_state.c.source == source)
            .values(
                status=new.status,
                since=new.since,
                failures=new.failures,
                last_error=new.last_error,
                last_poll_at=new.last_poll_at,
            )
        )
    return outcome


def _state(row) -> SourceState:
    return SourceState(
        source=row.source,
        status=row.status,
        since=_aware(row.since),
        failures=row.failures or 0,
        last_error=row.last_error,
        last_poll_at=_aware(row.last_poll_at) if row.last_poll_at else None,
    )


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
