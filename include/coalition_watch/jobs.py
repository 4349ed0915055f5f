"""The pipeline's units of work, as plain functions: one per Airflow task or CLI command.

Each job opens the store, loads configuration, does one thing and returns a JSON-friendly
report. DAG files call these and nothing else, so everything here is testable without
Airflow.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from coalition_watch.store import Store, open_store

LINK_BASE_ENV = "COALITION_WATCH_LINK_BASE"  # public URL of the UI, for "see the full diff"
HORIZON_ENV = "COALITION_WATCH_ALERT_HORIZON_DAYS"
DEFAULT_HORIZON_DAYS = 30


def store_for(db_url: str | None = None) -> Store:
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
    client = make_client(store)  # one client: per-host limits hold across sources
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


def _source_entries() -> list[dict]:
    """The enabled entries of sources.yaml, read without the adapters.

    DAG files call this at parse time, which must stay cheap: importing the adapters
    (parsers, HTTP) would cost a second per parse. Full validation happens in the tasks.
    """
    import yaml

    from coalition_watch.settings import config_path

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: faster
    text = config_path("sources.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=loader) or {}  # noqa: S506 (a safe loader)
    entries = data.get("sources") or []
    return [e for e in entries if isinstance(e, dict) and e.get("id") and e.get("enabled", True)]


def source_groups() -> list[SourceGroup]:
    """Enabled sources grouped by the host of their first URL."""
    groups: dict[str, list[str]] = {}
    for entry in _source_entries():
        urls = list((entry.get("urls") or {}).values())
        host = (urlsplit(urls[0]).hostname if urls else None) or entry["id"]
        groups.setdefault(host.removeprefix("www."), []).append(entry["id"])
    return [SourceGroup(host, ids) for host, ids in sorted(groups.items())]


def subscribers(known_sources: Sequence[str] | None = None):
    from coalition_watch.sources import load_sources
    from coalition_watch.subscriptions import load_subscriptions
    from coalition_watch.themes import load_themes

    if known_sources is None:
        known_sources = [s.id for s in load_sources()]
    return load_subscriptions(known_themes=load_themes().ids, known_sources=known_sources)


def horizon_days() -> int | None:
    """Days after which a statement is history, not news ("none": never)."""
    from coalition_watch.errors import ConfigError

    raw = os.environ.get(HORIZON_ENV)
    if raw is None:
        return DEFAULT_HORIZON_DAYS
    if raw.strip().lower() in ("", "none"):
        return None
    if not raw.strip().isdigit():
        raise ConfigError(HORIZON_ENV, None, f"expected a number of days or 'none', got {raw!r}")
    return int(raw)


def processor(db_url: str | None = None):
    """The Processor every run uses: the configured taxonomy, subscribers and links."""
    from coalition_watch.classify import Classifier
    from coalition_watch.process import Processor
    from coalition_watch.themes import load_themes

    return Processor(
        store_for(db_url),
        Classifier(load_themes()),
        subscribers(),
        link_base=os.environ.get(LINK_BASE_ENV),
        horizon_days=horizon_days(),
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


def housekeeping(*, raw_days: int, ledger_days: int, db_url: str | None = None) -> dict:
    from coalition_watch.store.housekeeping import housekeep

    return housekeep(store_for(db_url), raw_days=raw_days, ledger_days=ledger_days).to_json()


def source_ids() -> list[str]:
    return [entry["id"] for entry in _source_entries()]


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
