"""robots.txt rules kept between polls: what a host allows, until when, and how to ask again.

Every poll task is its own process, so rules cached in memory would be fetched again by
each of them; they are kept in the store instead (`robots_txt`), with an expiry of their
own. RFC 9309 §2.4: a crawler should not use a cached robots.txt for more than 24 hours,
unless the file is unreachable, and standard HTTP caching may shorten that
(`Cache-Control: max-age`). Once expired, the file is asked for again with its validators,
so an unchanged file costs a 304 and no body.

The rules are kept as robots.txt text: the file as served, or the text its status stands
for (401/403: everything disallowed; 404 and other client errors: nothing disallowed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the parser pulls in urllib.request; the store needs only the rules
    import urllib.robotparser

MAX_AGE = timedelta(hours=24)
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
ALLOW_ALL = ""
_MAX_AGE_DIRECTIVE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.IGNORECASE)


@dataclass(frozen=True)
class RobotsRules:
    """One host's robots.txt as last fetched."""

    rules: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    expires_at: datetime

    def fresh(self, at: datetime) -> bool:
        return at < self.expires_at

    def revalidated(self, at: datetime, cache_control: str | None) -> RobotsRules:
        """The same rules, confirmed by a 304 at `at`."""
        return replace(self, fetched_at=at, expires_at=expiry(at, cache_control))

    def parser(self, robots_url: str) -> urllib.robotparser.RobotFileParser:
        import urllib.robotparser

        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(self.rules.splitlines())  # also marks it read: no rules, all allowed
        return parser


class RobotsStore(Protocol):
    """Where robots.txt rules live between processes (the project Store satisfies this)."""

    def robots(self, origin: str) -> RobotsRules | None: ...

    def save_robots(self, origin: str, rules: RobotsRules) -> None: ...


class MemoryRobots:
    """A dict-backed RobotsStore, for one-off fetches and tests."""

    def __init__(self) -> None:
        self.data: dict[str, RobotsRules] = {}

    def robots(self, origin: str) -> RobotsRules | None:
        return self.data.get(origin)

    def save_robots(self, origin: str, rules: RobotsRules) -> None:
        self.data[origin] = rules


def rules_for(status: int, body: bytes) -> str:
    """The robots.txt text a response stands for."""
    if status == 200:
        return body.decode("utf-8", errors="replace")
    if status in (401, 403):
        return DISALLOW_ALL
    return ALLOW_ALL  # 404 and friends: no rules (RFC 9309 §2.3.1.3)


def expiry(at: datetime, cache_control: str | None) -> datetime:
    """When rules fetched at `at` must be asked for again: max-age if shorter than a day."""
    match = _MAX_AGE_DIRECTIVE.search(cache_control or "")
    if match:
        return at + min(MAX_AGE, timedelta(seconds=int(match.group(1))))
    return at + MAX_AGE
