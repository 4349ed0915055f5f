"""A clock whose sleep advances time instantly, so retry tests never wait."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[int], None] | None = None  # called with the sleep count

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)
        if self.on_sleep:
            self.on_sleep(len(self.sleeps))

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)
