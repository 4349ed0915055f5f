"""Source health: operators hear once when a source goes down and once when it recovers.

The state lives in the store (`store/source_state.py`: status up|down, since,
consecutive failures, last error). `record_poll` is called once per poll of a source and
returns a `HealthTransition` only when the status flips, never once per failing poll.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from coalition_watch.store.repository import Store
from coalition_watch.store.source_state import SourceState, change_source_state, source_state


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


def after_poll(
    state: SourceState, *, ok: bool, error: str | None, at: datetime, down_after: int
) -> tuple[SourceState, HealthTransition | None]:
    """The state after one poll, and the transition it makes, if any."""
    polled = replace(state, last_poll_at=at)
    if ok:
        if state.status == "down":
            recovered = HealthTransition(state.source, "recovered", at, None, 0, state.since)
            return replace(polled, failures=0, status="up", since=at), recovered
        return replace(polled, failures=0), None
    failures = state.failures + 1
    failed = replace(polled, failures=failures, last_error=error)
    if state.status == "up" and failures >= down_after:
        down = HealthTransition(state.source, "down", at, error, failures)
        return replace(failed, status="down", since=at), down
    return failed, None


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
    return change_source_state(
        store,
        source,
        at,
        lambda state: after_poll(state, ok=ok, error=error, at=at, down_after=down_after),
    )


def source_health(store: Store, source: str) -> SourceState | None:
    return source_state(store, source)
