"""`coalition-watch sources check`: does each source still read the way its adapter expects?

For each source the listing is read (through the replay server, or the live site), the
entries the keyword filter looked at and kept are counted, and the newest kept item is
fetched and extracted. The report names what failed and why, so that whoever deploys
learns before the first poll whether selectors, dates and feeds hold.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field

import requests

from coalition_watch.errors import ExtractionError, FetchError
from coalition_watch.fetch import MemoryValidators, PoliteClient, Politeness
from coalition_watch.sources.base import Item, SourceConfig
from coalition_watch.sources.config import adapter_for

# A replay server is local: no reason to pace requests as for an official site. A check
# retries once and never sits out a long Retry-After: that the site said so is the finding.
REPLAY_POLITENESS = Politeness(
    requests_per_minute=6000, max_retries=1, backoff_base=0.1, backoff_max=1.0
)
CHECK_RETRIES = {"max_retries": 1, "backoff_max": 15.0}


@dataclass
class NewestItem:
    url: str
    title: str
    published: str | None
    language: str | None
    paragraphs: int


@dataclass
class SourceCheck:
    """What one source's check found. `ok` is false when anything in `problems`."""

    source: str
    kind: str
    listing_url: str
    reachable: bool = False
    status: int | None = None  # HTTP status of the listing's first answer
    found: int = 0  # listing entries the keyword filter looked at
    kept: int = 0  # ... and kept as Coalition statements
    items: int = 0  # distinct items the adapter would poll
    newest: NewestItem | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {**asdict(self), "ok": self.ok}

    def lines(self) -> list[str]:
        """The human report: a headline, the listing, the newest item, what went wrong."""
        out = [f"{self.source} ({self.kind}): {'ok' if self.ok else 'FAILED'}"]
        if not self.reachable:
            out.append(f"  listing  {self.listing_url}: not reachable")
        else:
            out.append(
                f"  listing  HTTP {self.status}, {self.found} entries, {self.kept} kept by the "
                f"keyword filter, {self.items} item(s) to poll"
            )
        if self.newest:
            n = self.newest
            out.append(
                f"  newest   {n.published or 'no date'} | {n.language or 'no language'} | "
                f"{n.paragraphs} paragraph(s) | {n.title or 'no title'}"
            )
            out.append(f"           {n.url}")
        out += [f"  problem  {p}" for p in self.problems]
        out += [f"  note     {n}" for n in self.notes]
        return out


def check_client(*, replay_url: str | None) -> PoliteClient:
    """A client with throwaway validators (never a 304), pointed at the replay or live."""
    if replay_url:
        return PoliteClient(MemoryValidators(), politeness=REPLAY_POLITENESS, replay_url=replay_url)
    from coalition_watch.poll import make_client

    client = make_client(MemoryValidators())
    client.replay_url = None  # --live: the real sites, even if a replay is configured
    return client


def check_source(source: SourceConfig, client: PoliteClient) -> SourceCheck:
    adapter = adapter_for(source)
    if not client.replay_url:
        politeness = dataclasses.replace(source.politeness or client.politeness, **CHECK_RETRIES)
        for host in source.allowed_hosts:
            client.set_host_politeness(host, politeness)
    result = SourceCheck(source.id, source.kind, next(iter(source.urls.values()), ""))
    statuses: list[int] = []

    def note_status(response: requests.Response, *args, **kwargs) -> None:
        if not response.url.endswith("/robots.txt"):
            statuses.append(response.status_code)

    client.session.hooks["response"].append(note_status)
    try:
        try:
            items = adapter.discover(client)
        except FetchError as exc:
            result.problems.append(f"listing: {exc}")
            items = []
        result.reachable = bool(statuses)
        result.status = statuses[0] if statuses else None
        result.found, result.kept = adapter.screened.found, adapter.screened.kept
        result.items = len(items)
        if result.reachable and not result.problems:
            _judge_listing(result)
        if items:
            _check_newest(result, adapter, client, newest(items))
    finally:
        client.session.hooks["response"].remove(note_status)
    return result


def _judge_listing(result: SourceCheck) -> None:
    if result.found == 0:
        result.problems.append(
            "listing: no entries found; the feed format or the listing selectors no longer match"
        )
    elif result.kept == 0:
        result.notes.append(
            f"none of the {result.found} current entries is a Coalition statement "
            "(keyword filter); nothing to extract today"
        )


def newest(items: list[Item]) -> Item:
    """The most recently published item (undated items count as oldest)."""
    return max(items, key=lambda item: item.published or "")


def _check_newest(result: SourceCheck, adapter, client: PoliteClient, item: Item) -> None:
    try:
        fetched = adapter.fetch_document(client, item)
    except (FetchError, ExtractionError) as exc:
        result.problems.append(f"newest item: {exc}")
        return
    if fetched is None:  # cannot happen with fresh validators; say so rather than crash
        result.problems.append(f"newest item: {item.url}: answered 304 to an unconditional GET")
        return
    doc = fetched.document
    result.newest = NewestItem(
        item.url, doc.title, doc.published, doc.language, len(doc.paragraphs)
    )
    missing = [
        name
        for name, value in (
            ("title", doc.title),
            ("publication date", doc.published),
            ("language", doc.language),
            ("paragraphs", doc.paragraphs),
        )
        if not value
    ]
    if missing:
        result.problems.append(f"newest item: extraction found no {', no '.join(missing)}")


def check_sources(sources: list[SourceConfig], client: PoliteClient) -> list[SourceCheck]:
    """Every source checked; one failing never stops the others."""
    return [check_source(source, client) for source in sources]
