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
layout probably changed, once: the break is an incident (`layout:<source>`) that stays
open while polls keep finding suspect pages and closes, with one more alert, at the first
clean poll. Fetch and extraction failures are logged with the URL and the
reason and leave every stored version untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from coalition_watch.errors import ExtractionError, FetchError, PermanentFetchError
from coalition_watch.fetch import PoliteClient, ValidatorStore
from coalition_watch.health import HealthTransition, record_poll
from coalition_watch.layout import assess
from coalition_watch.model import Document
from coalition_watch.robots import RobotsStore
from coalition_watch.series import infer_series
from coalition_watch.sources import Item, SourceConfig, adapter_for
from coalition_watch.store.incidents import Incident, report_failure, report_success
from coalition_watch.store.repository import Store, now

log = logging.getLogger(__name__)


SeriesOf = Callable[[str, Sequence[str]], str]
LayoutCheck = Callable[[Document | None, Document], str | None]


@dataclass(frozen=True)
class Quarantined:
    version_id: int
    url: str
    reason: str


@dataclass(frozen=True)
class LayoutTransition:
    """A source's layout broke (suspect pages found) or extracts well again."""

    kind: Literal["broken", "repaired"]
    incident: Incident
    suspects: tuple[Quarantined, ...] = ()


@dataclass
class PollOutcome:
    """What one poll of one source did. `status` is the summary an operator reads first."""

    source: str
    status: Literal["new", "changed", "unchanged", "error"] = "unchanged"
    new_version_ids: list[int] = field(default_factory=list)
    changed_version_ids: list[int] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)  # newly stored as such
    suspects: list[Quarantined] = field(default_factory=list)  # every suspect page this poll
    errors: list[str] = field(default_factory=list)
    health: HealthTransition | None = None
    layout: LayoutTransition | None = None
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
            "layout": self.layout.kind if self.layout else None,
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

        Both are transitions (down/recovered, broken/repaired), never states: a source
        that stays down or broken over many polls alerts once. Keys are unique per event,
        so the outbox sends each once however often it is asked.
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
        if self.layout is not None:
            alerts.append(self._layout_alert(self.layout))
        return alerts

    def _layout_alert(self, layout: LayoutTransition) -> dict:
        since = layout.incident.opened_at
        if layout.kind == "broken":
            pages = "; ".join(f"{q.url} ({q.reason})" for q in layout.suspects)
            return {
                "key": f"layout-broken:{self.source}:{since.isoformat()}",
                "subject": f"coalition-watch: {self.source} layout probably changed",
                "text": f"Quarantined, not compared or sent: {pages}. Check the source's "
                "selectors; users were not alerted. You will hear again when its pages "
                "extract well, not on every poll.",
            }
        return {
            "key": f"layout-repaired:{self.source}:{since.isoformat()}",
            "subject": f"coalition-watch: {self.source} pages extract well again",
            "text": f"The layout break of {self.source} noticed {since:%Y-%m-%d %H:%M} UTC "
            f"is over: a poll found no suspect page ({layout.incident.failures} poll(s) found "
            "some). Release quarantined versions that were genuine rewrites by hand.",
        }


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
    outcome.layout = _layout_transition(store, outcome)
    return outcome


def _layout_transition(store: Store, outcome: PollOutcome) -> LayoutTransition | None:
    """Open the source's layout incident on suspect pages; close it on a clean poll."""
    key = f"layout:{outcome.source}"
    if outcome.suspects:
        reasons = "; ".join(f"{q.url}: {q.reason}" for q in outcome.suspects)
        incident, opened = report_failure(store, key, reasons)
        return LayoutTransition("broken", incident, tuple(outcome.suspects)) if opened else None
    if outcome.errors:  # pages went unread: no evidence that the layout is repaired
        return None
    closed = report_success(store, key)
    return LayoutTransition("repaired", closed) if closed else None


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
        pending.discard(fetched.fetched_url)
        log.warning("%s: %s quarantined: %s", source.id, item.url, reason)
        outcome.suspects.append(Quarantined(version.id, item.url, reason))
        if created:
            outcome.quarantined.append(outcome.suspects[-1])
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
    # A quarantined page is read again on every poll, until it extracts well: the layout
    # incident it opened closes only once its pages have been read and found good.
    suspect = [
        Item(url=url, title="", language=lang)
        for url, lang in store.quarantined_publications(source.id)
        if url not in listed
    ]
    again = {item.url for item in suspect}
    return suspect + [item for item in items if item.url not in again][: source.recheck_budget]


def make_client(
    validators: ValidatorStore | None = None, robots: RobotsStore | None = None
) -> PoliteClient:
    """The client polls use: identifying User-Agent (overridable), replay URL from env;
    validators and robots.txt rules kept where the caller says (the store, for polls)."""
    from coalition_watch.fetch import DEFAULT_USER_AGENT
    from coalition_watch.settings import current

    agent = current().user_agent or DEFAULT_USER_AGENT
    return PoliteClient(validators, robots=robots, user_agent=agent)


def fetch_one(url: str) -> Document:
    """`coalition-watch fetch URL`: one page, read and extracted as a poll would: redirects
    stay on the hosts of the source that polls this host (only this host when none does)."""
    from coalition_watch.sources.config import load_sources
    from coalition_watch.sources.oneoff import fetch_url, url_host

    host = url_host(url)
    hosts = {host}
    for source in load_sources(include_disabled=True):
        if host in source.allowed_hosts:
            hosts.update(source.allowed_hosts)
    return fetch_url(url, make_client(), allowed_hosts=sorted(hosts)).document
