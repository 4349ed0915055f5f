"""One poll of one source: discover, fetch what changed, store versions, track health.

    poll_source(store, source, client) -> PollOutcome

Order of work: the listing first (filtered to Coalition statements before any article is
fetched), then each listed item, then a few of the source's recently stored publications
again to catch revisions made in place: those not looked at for `recheck_hours`, the
longest unchecked first, at most `recheck_budget` per poll, with a conditional GET (an
unchanged page costs a 304 and no body). So an idle poll asks each listing once and
re-reads the watched pages a few at a time, spread over the polls.

Validators are saved only once what they describe is stored: a failure never turns into
a page that is not looked at again.

A version whose body vanished or shrank drastically is stored as "quarantined" with a
reason: it is never compared or sent to users, and operators hear that the source's
layout probably changed. Fetch and extraction failures are logged with the URL and the
reason and leave every stored version untouched.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from coalition_watch.errors import BadInput, ExtractionError, FetchError, PermanentFetchError
from coalition_watch.fetch import PoliteClient
from coalition_watch.health import HealthTransition, record_poll
from coalition_watch.layout import assess
from coalition_watch.model import Document
from coalition_watch.series import infer_series
from coalition_watch.sources import Fetched, Item, SourceConfig, adapter_for
from coalition_watch.store.repository import Store, now

log = logging.getLogger(__name__)

USER_AGENT_ENV = "COALITION_WATCH_USER_AGENT"

SeriesOf = Callable[[str, Sequence[str]], str]
LayoutCheck = Callable[[Document | None, Document], str | None]


@dataclass(frozen=True)
class Quarantined:
    version_id: int
    url: str
    reason: str


@dataclass
class PollOutcome:
    """What one poll of one source did. `status` is the summary an operator reads first."""

    source: str
    status: Literal["new", "changed", "unchanged", "error"] = "unchanged"
    new_version_ids: list[int] = field(default_factory=list)
    changed_version_ids: list[int] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    health: HealthTransition | None = None
    items_seen: int = 0

    @property
    def version_ids(self) -> list[int]:
        return self.new_version_ids + self.changed_version_ids

    @property
    def error(self) -> str | None:
        return "; ".join(self.errors) if self.errors else None

    def to_json(self) -> dict:
        """The outcome as the poll task's XCom and asset-event metadata."""
        return {
            "source": self.source,
            "status": self.status,
            "new_version_ids": self.new_version_ids,
            "changed_version_ids": self.changed_version_ids,
            "quarantined": [q.__dict__ for q in self.quarantined],
            "errors": self.errors,
            "health": self.health.kind if self.health else None,
            "items_seen": self.items_seen,
        }

    def summary(self) -> str:
        line = f"{self.source}: {self.status}, {self.items_seen} item(s) listed"
        if self.version_ids:
            line += f", {len(self.version_ids)} new version(s)"
        if self.quarantined:
            line += f", {len(self.quarantined)} quarantined"
        return line + (f" ({self.error})" if self.errors else "")

    def operator_alerts(self) -> list[dict]:
        """What operators must hear: a source going down or recovering, a layout break.

        Keys are unique per event, so the outbox sends each once however often it is asked.
        """
        alerts = []
        if self.health is not None:
            h = self.health
            alerts.append(
                {
                    "key": f"source-{h.kind}:{h.source}:{h.at.isoformat()}",
                    "subject": f"coalition-watch: source {h.source} is {h.kind}",
                    "text": h.message(),
                }
            )
        for q in self.quarantined:
            alerts.append(
                {
                    "key": f"quarantine:{q.version_id}",
                    "subject": f"coalition-watch: {self.source} layout probably changed",
                    "text": f"{q.url} was quarantined, not compared or sent: {q.reason}. "
                    "Check the source's selectors; users were not alerted.",
                }
            )
        return alerts


def check_layout(previous: Document | None, new: Document) -> str | None:
    """Why `new` looks like a broken extraction rather than an edit, or None."""
    verdict = assess(previous.paragraphs if previous else None, new.paragraphs)
    return verdict.reason if verdict.suspect else None


def poll_source(
    store: Store,
    source: SourceConfig,
    client: PoliteClient,
    *,
    series_of: SeriesOf = infer_series,
    layout_check: LayoutCheck = check_layout,
    down_after: int = 1,
    clock: Callable[[], datetime] = now,
) -> PollOutcome:
    adapter = adapter_for(source)
    if source.politeness:
        for host in source.allowed_hosts:
            client.set_host_politeness(host, source.politeness)
    outcome = PollOutcome(source=source.id)
    with client.deferred_validators() as pending:
        try:
            items = adapter.discover(client)
        except FetchError as exc:
            _fail(outcome, exc)
            items = None
        if items is not None:
            outcome.items_seen = len(items)
            rechecks = []
            if adapter.rechecks_pages:
                rechecks = _due_rechecks(store, source, {i.url for i in items}, clock())
            for item in items + rechecks:
                looked_at = _poll_item(
                    store, source, adapter, client, item, outcome, series_of, layout_check, pending
                )
                if looked_at:  # read just now: not due for a re-read for a while
                    store.mark_checked(item.url, clock())
            if not outcome.errors:
                pending.commit_all()  # listings: only when every item of them is stored
    if outcome.errors:
        outcome.status = "error"
    elif outcome.new_version_ids:
        outcome.status = "new"
    elif outcome.changed_version_ids:
        outcome.status = "changed"
    outcome.health = record_poll(
        store, source.id, ok=not outcome.errors, error=outcome.error, down_after=down_after
    )
    return outcome


def _poll_item(
    store, source, adapter, client, item: Item, outcome, series_of, layout_check, pending
) -> bool:
    """Read one item and store what changed; False when it could not be read."""
    try:
        fetched = adapter.fetch_document(client, item)
    except PermanentFetchError as exc:
        if item.title == "" and exc.reason in ("HTTP 404", "HTTP 410"):
            log.info("%s: stored publication %s is gone (%s)", source.id, item.url, exc.reason)
            return True  # a recheck of a withdrawn page; removal is not a source failure
        _fail(outcome, exc)
        return False
    except (FetchError, ExtractionError) as exc:
        _fail(outcome, exc)
        return False
    if fetched is None:
        return True  # 304: unchanged
    document = fetched.document
    previous = store.latest_version_at(item.url)
    reason = layout_check(previous.document if previous else None, document)
    raw_sha = store.put_blob(fetched.raw, fetched.content_type)
    version, created = store.record_version(
        source=source.id,
        url=item.url,
        document=document,
        series=series_of(document.title, document.paragraphs),
        raw_sha256=raw_sha,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        status="quarantined" if reason else "ok",
        status_reason=reason,
    )
    if reason:
        # Validators are not saved: the page is read again next poll, until it extracts well.
        log.warning("%s: %s quarantined: %s", source.id, item.url, reason)
        if created:
            outcome.quarantined.append(Quarantined(version.id, item.url, reason))
        return True
    pending.commit(fetched.fetched_url)
    if created:
        (outcome.changed_version_ids if previous else outcome.new_version_ids).append(version.id)
        log.info(
            "%s: %s version %s of %s",
            source.id,
            "changed" if previous else "new",
            version.id,
            item.url,
        )
    return True


def _fail(outcome: PollOutcome, exc: Exception) -> None:
    log.warning("%s: %s", outcome.source, exc)
    outcome.errors.append(str(exc))


def _due_rechecks(store: Store, source: SourceConfig, listed: set[str], at: datetime) -> list[Item]:
    """Watched publications the listing no longer shows that are due for a re-read."""
    if source.recheck_limit == 0 or source.recheck_budget == 0:
        return []
    due = store.due_rechecks(
        source.id,
        watched=source.recheck_limit,
        checked_before=at - timedelta(hours=source.recheck_hours),
        limit=source.recheck_budget + len(listed),
    )
    items = [Item(url=url, title="", language=lang) for url, lang in due if url not in listed]
    return items[: source.recheck_budget]


def make_client(store: Store | None = None) -> PoliteClient:
    """The client polls use: identifying User-Agent (overridable), replay URL from env,
    validators and robots.txt rules kept in the store when there is one."""
    from coalition_watch.fetch import DEFAULT_USER_AGENT

    agent = os.environ.get(USER_AGENT_ENV) or DEFAULT_USER_AGENT
    return PoliteClient(store, robots=store, user_agent=agent)


def ingest_document(
    store: Store,
    *,
    source: str,
    url: str,
    document: Document,
    raw: bytes | None,
    content_type: str | None = None,
    series: str | None = None,
    alert_mode: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
):
    """Store one document outside a poll (backfills); known content is a no-op."""
    raw_sha = store.put_blob(raw, content_type) if raw else None
    return store.record_version(
        source=source,
        url=url,
        document=document,
        series=series or infer_series(document.title, document.paragraphs),
        raw_sha256=raw_sha,
        etag=etag,
        last_modified=last_modified,
        alert_mode=alert_mode,
    )


def _store_fetched(store, source_id, fetched: Fetched, url, series, alert_mode) -> list[int]:
    version, created = ingest_document(
        store,
        source=source_id,
        url=url,
        document=fetched.document,
        raw=fetched.raw,
        content_type=fetched.content_type,
        series=series,
        alert_mode=alert_mode,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )
    return [version.id] if created else []


def ingest_url(
    store: Store, url: str, *, source_id: str | None, series: str | None, alert_mode: str
) -> list[int]:
    """Fetch one statement page (backfill by URL) and store it."""
    from coalition_watch.sources.oneoff import fetch_url

    fetched = fetch_url(url, make_client())
    source = source_id or (urlsplit(url).hostname or "web")
    return _store_fetched(store, source, fetched, url, series, alert_mode)


def ingest_range(
    store: Store, source_id: str, start: str, end: str, *, series: str | None, alert_mode: str
) -> list[int]:
    """Every statement a source lists as published between two dates (inclusive)."""
    from coalition_watch.sources import load_sources

    source = next((s for s in load_sources() if s.id == source_id), None)
    if source is None:
        raise BadInput(f"backfill: unknown or disabled source {source_id!r}")
    adapter = adapter_for(source)
    client = make_client()
    stored: list[int] = []
    for item in adapter.discover(client):
        if not item.published or not start <= item.published[:10] <= end:
            continue
        fetched = adapter.fetch_document(client, item)
        if fetched is not None:
            stored += _store_fetched(store, source.id, fetched, item.url, series, alert_mode)
    return stored


def fetch_one(url: str) -> Document:
    """`coalition-watch fetch URL`: one page, read and extracted as a poll would."""
    from coalition_watch.sources.oneoff import fetch_url

    return fetch_url(url, make_client()).document
