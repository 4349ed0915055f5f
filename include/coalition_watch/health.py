"""Source health: operators hear once when a source goes down and once when it recovers.

The state lives in the store's `source_state` table (status up|down, since, consecutive
failures, last error). `record_poll` is called once per poll of a source and returns a
`HealthTransition` only when the status flips, never once per failing poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import insert, select, update

from coalition_watch.store import schema as t
from coalition_watch.store.repository import Store


@dataclass(frozen=True)
class HealthTransition:
    """A source changed status: the operator alert to send."""

    source: str
    kind: Literal["down", "recovered"]
    at: datetime
    error: str | None  # the failure that took it down (for "down")
    failures: int  # consecutive failed polls at the transition (for "down")
    down_since: datetime | None = None  # for "recovered": how long it was down

    def message(self) -> str:
        if self.kind == "down":
            return (
                f"source {self.source} is down after {self.failures} failed poll(s): {self.error}"
            )
        return f"source {self.source} recovered (down since {self.down_since:%Y-%m-%d %H:%M} UTC)"


@dataclass(frozen=True)
class SourceHealth:
    source: str
    status: Literal["up", "down"]
    since: datetime
    failures: int
    last_error: str | None
    last_poll_at: datetime | None


def record_poll(
    store: Store,
    source: str,
    *,
    ok: bool,
    error: str | None = None,
    at: datetime | None = None,
    down_after: int = 1,
) -> HealthTransition | None:
    """Record one poll's result; a transition when the source goes down or comes back.

    `down_after` consecutive failed polls take a source down (1: the first failure).
    """
    at = at or datetime.now(UTC)
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
            status, failures, since = "up", 0, at
        else:
            status, failures, since = row.status, row.failures or 0, row.since
        values: dict = {"last_poll_at": at}
        transition = None
        if ok:
            values.update(failures=0)
            if status == "down":
                values.update(status="up", since=at)
                transition = HealthTransition(source, "recovered", at, None, 0, _aware(since))
        else:
            failures += 1
            values.update(failures=failures, last_error=error)
            if status == "up" and failures >= down_after:
                values.update(status="down", since=at)
                transition = HealthTransition(source, "down", at, error, failures)
        conn.execute(
            update(t.source_state).where(t.source_state.c.source == source).values(**values)
        )
    return transition


def source_health(store: Store, source: str) -> SourceHealth | None:
    with store.begin() as conn:
        row = conn.execute(select(t.source_state).where(t.source_state.c.source == source)).first()
    if row is None:
        return None
    return SourceHealth(
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
