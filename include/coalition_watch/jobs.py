"""The pipeline's units of work, as plain functions: one per Airflow task or CLI command.

Each job opens the store, loads configuration, does one thing and returns a JSON-friendly
report. DAG files call these and nothing else, so everything here is testable without
Airflow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # DAG files import this module when parsed: SQLAlchemy waits for a task
    from coalition_watch.store import Store


def store_for(db_url: str | None = None) -> Store:
    from coalition_watch.store import open_store

    store = open_store(db_url)
    store.check_schema()
    return store


def enabled_sources(source_ids: Iterable[str] | None = None):
    from coalition_watch.errors import BadInput
    from coalition_watch.sources import load_sources

    sources = load_sources()  # enabled ones only
    if source_ids:
        wanted = set(source_ids)
        unknown = wanted - {s.id for s in sources}
        if unknown:
            raise BadInput(f"unknown or disabled source id(s): {', '.join(sorted(unknown))}")
        sources = [s for s in sources if s.id in wanted]
    return sources


def poll_sources(source_ids: Iterable[str] | None = None, *, db_url: str | None = None):
    """Poll each source once; a failing source never stops the others."""
    from coalition_watch.deliver import enqueue_operator_alert
    from coalition_watch.poll import make_client, poll_source

    store = store_for(db_url)
    # one client: per-host limits hold across sources; robots.txt rules shared by every task
    client = make_client(store, robots=store)
    outcomes = []
    for source in enabled_sources(source_ids):
        outcome = poll_source(store, source, client)
        outcomes.append(outcome)
        for alert in outcome.operator_alerts():
            enqueue_operator_alert(store, **alert)
    return outcomes


@dataclass(frozen=True)
class SourceGroup:
    """Sources that share a web host, polled under one Airflow pool of one slot."""

    host: str
    source_ids: list[str]

    @property
    def pool(self) -> str:
        return f"cw_host_{self.task_suffix}"

    @property
    def task_suffix(self) -> str:
        return re.sub(r"[^a-z0-9]+", "_", self.host.lower()).strip("_")


def source_groups() -> list[SourceGroup]:
    """Enabled sources grouped by the host of their first URL.

    DAG files call this at parse time: the common keys of sources.yaml are checked without
    importing the adapters (see `source_entries`), so parsing stays cheap.
    """
    from coalition_watch.source_entries import read_source_file

    groups: dict[str, list[str]] = {}
    for entry in read_source_file().enabled():
        groups.setdefault(entry.host, []).append(entry.id)
    return [SourceGroup(host, ids) for host, ids in sorted(groups.items())]


def subscribers(known_sources: Sequence[str] | None = None):
    from coalition_watch.sources import load_sources
    from coalition_watch.subscriptions import load_subscriptions
    from coalition_watch.themes import load_themes

    if known_sources is None:
        known_sources = [s.id for s in load_sources()]
    return load_subscriptions(known_themes=load_themes().ids, known_sources=known_sources)


def processor(db_url: str | None = None):
    """The Processor every run uses: the configured taxonomy, subscribers and links."""
    from coalition_watch.classify import Classifier
    from coalition_watch.process import Processor
    from coalition_watch.settings import current
    from coalition_watch.themes import load_themes

    settings = current()
    return Processor(
        store_for(db_url),
        Classifier(load_themes()),
        subscribers(),
        link_base=settings.link_base,
        horizon_days=settings.alert_horizon_days,
    )


def process_versions(*, mode: str = "normal", db_url: str | None = None):
    """Diff, classify and queue alerts for every version stored since the last run."""
    return processor(db_url).run(mode)


def deliver_messages(*, db_url: str | None = None, transports: Mapping | None = None):
    """Send what the outbox holds; the ledger makes a re-run send nothing twice.

    By default through Airflow's provider hooks, on the connection ids that
    subscriptions.yaml names under `delivery:`.
    """
    from coalition_watch.deliver import deliver_pending
    from coalition_watch.deliver.transports import hook_transports
    from coalition_watch.subscriptions import load_delivery_settings

    if transports is None:
        settings = load_delivery_settings()
        transports = hook_transports(
            email_conn_id=settings.email_conn_id, slack_conn_id=settings.slack_conn_id
        )
    return deliver_pending(store_for(db_url), transports)


def queue_digest(period_key: str, *, db_url: str | None = None) -> int:
    from coalition_watch.deliver import enqueue_digest

    return enqueue_digest(store_for(db_url), subscribers(), period_key=period_key)


def queue_daily_digest(logical_date: datetime | None = None, *, db_url: str | None = None) -> int:
    """The digest of the day `logical_date` falls on in the digest time zone (default: now)."""
    from zoneinfo import ZoneInfo

    from coalition_watch.settings import current

    moment = logical_date or datetime.now(UTC)
    day = moment.astimezone(ZoneInfo(current().timezone)).date()
    return queue_digest(f"daily:{day.isoformat()}", db_url=db_url)


def housekeeping(
    *, raw_days: int | None = None, ledger_days: int | None = None, db_url: str | None = None
) -> dict:
    """Prune raw bodies and ledger rows older than the retention settings (or the days given)."""
    from coalition_watch.settings import current
    from coalition_watch.store.housekeeping import housekeep

    settings = current()
    report = housekeep(
        store_for(db_url),
        raw_days=settings.raw_retention_days if raw_days is None else raw_days,
        ledger_days=settings.ledger_retention_days if ledger_days is None else ledger_days,
    )
    return report.to_json()


def source_ids() -> list[str]:
    """The ids of the enabled sources (cheap enough for DAG parse time, see source_groups)."""
    from coalition_watch.source_entries import read_source_file

    return [entry.id for entry in read_source_file().enabled()]


def source_choices() -> dict[str, str]:
    """id -> what the backfill form shows: "id: label" (sources.yaml's `label`, if any)."""
    from coalition_watch.source_entries import read_source_file

    return {
        e.id: f"{e.id}: {e.raw['label']}" if e.raw.get("label") else e.id
        for e in read_source_file().enabled()
    }


def series_choices() -> dict[str, str]:
    """series id -> its label, for the backfill form."""
    from coalition_watch.series import SERIES, series_label

    return {series: series_label(series) for series in SERIES}


def series_ids() -> list[str]:
    from coalition_watch.series import SERIES

    return list(SERIES)


def backfill_request(params) -> dict:
    """Validate a backfill's parameters; returns the request as JSON for the next task."""
    from coalition_watch.backfill import BackfillRequest

    request = BackfillRequest.from_params(
        params, known_sources=source_ids(), known_series=series_ids()
    )
    return request.to_json()


def backfill_ingest(request: dict, *, db_url: str | None = None) -> list[int]:
    """Store the statements a backfill asks for; returns the ids of the new versions.

    Versions carry the backfill's alert mode; re-ingesting known content adds nothing.
    """
    from coalition_watch.backfill import BackfillRequest, store_request

    stored = store_request(store_for(db_url), BackfillRequest.from_json(request))
    return [version.id for version in stored]


def backfill_process(request: dict, *, run_id: str, db_url: str | None = None) -> dict:
    """Diff what the backfill stored; in digest mode, one summary per subscriber."""
    from coalition_watch.backfill import BackfillRequest, process_backfill

    report = process_backfill(
        processor(db_url), BackfillRequest.from_json(request), period_key=f"backfill:{run_id}"
    )
    return report.to_json()


def ingest_files(
    paths: Sequence[str],
    *,
    source: str | None = None,
    url: str | None = None,
    series: str | None = None,
    mode: str = "quiet",
    db_url: str | None = None,
) -> dict:
    """`coalition-watch ingest`: saved pages loaded exactly as a backfill loads them.

    Returns the new versions and the comparisons they took part in; loading the same
    files again stores and compares nothing.
    """
    from datetime import UTC, datetime

    from coalition_watch.backfill import (
        BackfillRequest,
        comparisons_touching,
        process_backfill,
        store_request,
        version_json,
    )

    request = BackfillRequest.for_files(
        paths,
        mode=mode,
        source=source,
        url=url,
        series=series,
        known_sources=source_ids(),
        known_series=series_ids(),
    )
    store = store_for(db_url)
    stored = store_request(store, request)
    period = f"ingest:{datetime.now(UTC).isoformat(timespec='seconds')}"
    report = process_backfill(processor(db_url), request, period_key=period)
    comparisons = comparisons_touching(
        store, report.process.comparison_ids, [version.id for version in stored]
    )
    return {
        "versions": [version_json(version) for version in stored],
        "comparisons": comparisons,
        "queued_messages": report.process.queued,
        "digests": report.digests,
    }


def extract_stored(raw: bytes, content_type: str | None, version) -> object:
    """Today's reading of a stored raw body: through its source's adapter when a
    configured source fetched it, else by its content type (saved files, one-off URLs)."""
    from coalition_watch.extract import extract_bytes
    from coalition_watch.sources import adapter_for, load_sources

    url = version.url if version.url.startswith(("http://", "https://")) else None
    source = next((s for s in load_sources() if s.id == version.source), None)
    if source is None or (content_type or "").startswith("text/plain"):
        return extract_bytes(raw, content_type=content_type, url=url)
    return adapter_for(source).extract_stored(raw, version.url)


def reprocess(
    *,
    since: str | None = None,
    statement_id: int | None = None,
    alert: bool = False,
    db_url: str | None = None,
) -> dict:
    """Re-extract, re-diff and re-classify the archive with today's code and rules."""
    from coalition_watch.reprocess import Reprocessor

    run = processor(db_url)
    report = Reprocessor(run.store, run, extract_stored).run(
        since=since, statement_id=statement_id, alert=alert
    )
    return report.to_json()


def search(
    query: str,
    *,
    theme: str | None = None,
    series: str | None = None,
    since: str | None = None,
    limit: int = 20,
    db_url: str | None = None,
) -> list[dict]:
    """Statements matching every word of `query`, best first, with a marked snippet."""
    from coalition_watch.classify import Classifier
    from coalition_watch.errors import BadInput
    from coalition_watch.search import find
    from coalition_watch.themes import load_themes

    taxonomy = load_themes()
    if theme is not None and theme not in taxonomy.ids:
        raise BadInput(f"--theme: unknown theme {theme!r} (known: {', '.join(taxonomy.ids)})")
    if series is not None and series not in series_ids():
        raise BadInput(f"--series: unknown series {series!r}")
    return find(
        store_for(db_url),
        Classifier(taxonomy),
        query,
        theme=theme,
        series=series,
        since=since,
        limit=limit,
    )


def export_changes(
    fmt: str,
    *,
    theme: str | None = None,
    series: str | None = None,
    since: str | None = None,
    db_url: str | None = None,
) -> str | bytes:
    """`coalition-watch export`: one row per substantive change, as CSV, JSON or Atom."""
    import json

    from coalition_watch.errors import BadInput
    from coalition_watch.export import change_rows, to_atom, to_csv, to_json
    from coalition_watch.themes import load_themes

    if theme is not None and theme not in load_themes().ids:
        raise BadInput(f"--theme: unknown theme {theme!r}")
    if series is not None and series not in series_ids():
        raise BadInput(f"--series: unknown series {series!r}")
    from coalition_watch.settings import current

    link_base = current().link_base
    rows = change_rows(
        store_for(db_url), theme=theme, series=series, since=since, link_base=link_base
    )
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "json":
        return json.dumps(to_json(rows), ensure_ascii=False, indent=2) + "\n"
    return to_atom(rows, **feed_identity(theme, series), alternate_link=link_base)


def feed_identity(theme: str | None, series: str | None) -> dict:
    """The title (labels, as a reader reads them) and permanent id of the Atom feed of a
    theme, a series, or everything."""
    from coalition_watch.labels import theme_label
    from coalition_watch.series import series_label

    if theme:
        return {
            "title": f"coalition-watch: {theme_label(theme)}",
            "feed_id": f"urn:coalition-watch:theme:{theme}",
        }
    if series:
        return {
            "title": f"coalition-watch: {series_label(series)}",
            "feed_id": f"urn:coalition-watch:series:{series}",
        }
    return {"title": "coalition-watch: every theme", "feed_id": "urn:coalition-watch:all"}
