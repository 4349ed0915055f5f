"""Read-only views of the store for people: statements by series, versions, comparisons, ledger.

Everything here returns plain frozen dataclasses, so the UI never touches SQLAlchemy rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select

from coalition_watch.store import schema as t
from coalition_watch.store.repository import Store, StoredVersion
from coalition_watch.venue import meeting_venue


@dataclass(frozen=True)
class StatementSummary:
    id: int
    series: str
    title: str
    published: str | None
    publications: int
    versions: int
    sources: tuple[str, ...] = ()  # where it is published
    latest_comparison: int | None = None  # the newest comparison that ends at it
    latest_substantive: int = 0  # its substantive changes
    venue: str | None = None  # a city, "virtual", or None when its text does not say


@dataclass(frozen=True)
class SeriesSummary:
    series: str
    statements: tuple[StatementSummary, ...]  # oldest meeting first


@dataclass(frozen=True)
class VersionSummary:
    id: int
    publication_id: int
    fetched_at: datetime
    status: str
    status_reason: str | None
    content_hash: str
    title: str
    published: str | None
    paragraphs: int


@dataclass(frozen=True)
class PublicationSummary:
    id: int
    source: str
    url: str
    language: str | None
    first_seen: datetime
    versions: tuple[VersionSummary, ...]  # oldest first


@dataclass(frozen=True)
class ComparisonSummary:
    id: int
    basis: str  # revision | series | variant
    old_version_id: int
    new_version_id: int
    old_statement_id: int
    old_title: str
    old_published: str | None
    new_statement_id: int
    substantive: int
    cosmetic: int
    created_at: datetime


@dataclass(frozen=True)
class StatementDetail:
    id: int
    series: str
    title: str
    published: str | None
    publications: tuple[PublicationSummary, ...]
    comparisons: tuple[ComparisonSummary, ...]  # involving any version of this statement

    @property
    def versions(self) -> list[VersionSummary]:
        return sorted((v for p in self.publications for v in p.versions), key=lambda v: v.id)


@dataclass(frozen=True)
class LedgerEntry:
    message_id: str
    event: str
    template: str
    channel: str
    recipient: str
    subject: str | None
    created_at: datetime
    status: str | None  # None: rendered into the outbox, no delivery row yet
    attempts: int
    last_error: str | None
    external_id: str | None
    updated_at: datetime | None
    sent_at: datetime | None


def series_overview(store: Store) -> list[SeriesSummary]:
    """Every series with its statements, by publication date (undated last)."""
    versions = (
        select(
            t.publications.c.statement_id,
            func.count(func.distinct(t.publications.c.id)).label("publications"),
            func.count(t.versions.c.id).label("versions"),
        )
        .join(t.versions, t.versions.c.publication_id == t.publications.c.id, isouter=True)
        .group_by(t.publications.c.statement_id)
        .subquery()
    )
    q = (
        select(t.statements, versions.c.publications, versions.c.versions)
        .join(versions, versions.c.statement_id == t.statements.c.id, isouter=True)
        .order_by(
            t.statements.c.series,
            t.statements.c.published.is_(None),
            t.statements.c.published,
            t.statements.c.id,
        )
    )
    # the newest comparison ending at each statement, and where each is published
    latest = (
        select(
            t.publications.c.statement_id,
            func.max(t.comparisons.c.id).label("comparison_id"),
        )
        .join(t.versions, t.versions.c.publication_id == t.publications.c.id)
        .join(t.comparisons, t.comparisons.c.new_version_id == t.versions.c.id)
        .group_by(t.publications.c.statement_id)
        .subquery()
    )
    latest_q = select(
        latest.c.statement_id, latest.c.comparison_id, t.comparisons.c.substantive
    ).join(t.comparisons, t.comparisons.c.id == latest.c.comparison_id)
    sources_q = select(t.publications.c.statement_id, t.publications.c.source).distinct()
    # the venue is read from each statement's newest text that is not quarantined (a
    # suspected layout break may hold no body at all); see coalition_watch.venue
    newest_version = (
        select(func.max(t.versions.c.id))
        .join(t.publications, t.publications.c.id == t.versions.c.publication_id)
        .where(t.versions.c.status == "ok")
        .group_by(t.publications.c.statement_id)
    )
    texts_q = (
        select(t.publications.c.statement_id, t.versions.c.title, t.versions.c.paragraphs)
        .join(t.publications, t.publications.c.id == t.versions.c.publication_id)
        .where(t.versions.c.id.in_(newest_version))
    )
    grouped: dict[str, list[StatementSummary]] = {}
    with store.engine.connect() as conn:
        newest = {r.statement_id: (r.comparison_id, r.substantive) for r in conn.execute(latest_q)}
        venues = {
            r.statement_id: meeting_venue(r.title, r.paragraphs) for r in conn.execute(texts_q)
        }
        published_at: dict[int, list[str]] = {}
        for r in conn.execute(sources_q.order_by(t.publications.c.source)):
            published_at.setdefault(r.statement_id, []).append(r.source)
        for row in conn.execute(q):
            comparison_id, substantive = newest.get(row.id, (None, 0))
            grouped.setdefault(row.series, []).append(
                StatementSummary(
                    id=row.id,
                    series=row.series,
                    title=row.title,
                    published=row.published,
                    publications=row.publications or 0,
                    versions=row.versions or 0,
                    sources=tuple(published_at.get(row.id, ())),
                    latest_comparison=comparison_id,
                    latest_substantive=substantive or 0,
                    venue=venues.get(row.id),
                )
            )
    return [SeriesSummary(series, tuple(items)) for series, items in grouped.items()]


def statement_detail(store: Store, statement_id: int) -> StatementDetail | None:
    with store.engine.connect() as conn:
        st = conn.execute(select(t.statements).where(t.statements.c.id == statement_id)).first()
        if st is None:
            return None
        pubs = conn.execute(
            select(t.publications)
            .where(t.publications.c.statement_id == statement_id)
            .order_by(t.publications.c.id)
        ).all()
        vrows = conn.execute(
            select(t.versions)
            .where(t.versions.c.publication_id.in_([p.id for p in pubs]))
            .order_by(t.versions.c.id)
        ).all()
        version_ids = [v.id for v in vrows]
        comparisons = _comparisons_touching(conn, version_ids)
    by_pub: dict[int, list[VersionSummary]] = {}
    for v in vrows:
        by_pub.setdefault(v.publication_id, []).append(_version_summary(v))
    return StatementDetail(
        id=st.id,
        series=st.series,
        title=st.title,
        published=st.published,
        publications=tuple(
            PublicationSummary(
                id=p.id,
                source=p.source,
                url=p.url,
                language=p.language,
                first_seen=p.first_seen,
                versions=tuple(by_pub.get(p.id, [])),
            )
            for p in pubs
        ),
        comparisons=tuple(comparisons),
    )


def _version_summary(row) -> VersionSummary:
    paragraphs = row.paragraphs
    return VersionSummary(
        id=row.id,
        publication_id=row.publication_id,
        fetched_at=row.fetched_at,
        status=row.status,
        status_reason=row.status_reason,
        content_hash=row.content_hash,
        title=row.title,
        published=row.published,
        paragraphs=len(paragraphs),
    )


def _comparisons_touching(conn, version_ids: list[int]) -> list[ComparisonSummary]:
    if not version_ids:
        return []
    old_v, new_v = t.versions.alias("old_v"), t.versions.alias("new_v")
    old_p, new_p = t.publications.alias("old_p"), t.publications.alias("new_p")
    q = (
        select(
            t.comparisons.c.id,
            t.comparisons.c.basis,
            t.comparisons.c.old_version_id,
            t.comparisons.c.new_version_id,
            t.comparisons.c.substantive,
            t.comparisons.c.cosmetic,
            t.comparisons.c.created_at,
            old_v.c.title.label("old_title"),
            old_v.c.published.label("old_published"),
            old_p.c.statement_id.label("old_statement_id"),
            new_p.c.statement_id.label("new_statement_id"),
        )
        .join(old_v, old_v.c.id == t.comparisons.c.old_version_id)
        .join(old_p, old_p.c.id == old_v.c.publication_id)
        .join(new_v, new_v.c.id == t.comparisons.c.new_version_id)
        .join(new_p, new_p.c.id == new_v.c.publication_id)
        .where(
            or_(
                t.comparisons.c.old_version_id.in_(version_ids),
                t.comparisons.c.new_version_id.in_(version_ids),
            )
        )
        .order_by(t.comparisons.c.id)
    )
    return [ComparisonSummary(**row._mapping) for row in conn.execute(q)]


def comparison_summary(store: Store, comparison_id: int) -> ComparisonSummary | None:
    with store.engine.connect() as conn:
        pair = conn.execute(
            select(t.comparisons.c.old_version_id).where(t.comparisons.c.id == comparison_id)
        ).first()
        if pair is None:
            return None
        found = _comparisons_touching(conn, [pair.old_version_id])
    return next(c for c in found if c.id == comparison_id)


def comparison_for_pair(store: Store, old_version_id: int, new_version_id: int) -> int | None:
    """The stored comparison of exactly this (old, new) pair, if the pipeline made one."""
    with store.engine.connect() as conn:
        return conn.execute(
            select(t.comparisons.c.id).where(
                t.comparisons.c.old_version_id == old_version_id,
                t.comparisons.c.new_version_id == new_version_id,
            )
        ).scalar()


def find_version(store: Store, version_id: int) -> StoredVersion | None:
    with store.engine.connect() as conn:
        exists = conn.execute(select(t.versions.c.id).where(t.versions.c.id == version_id)).first()
    return store.version(version_id) if exists else None


def latest_versions_of_series(store: Store, series: str) -> list[StoredVersion]:
    """The latest good version of each dated statement of a series, oldest meeting first."""
    latest = (
        select(func.max(t.versions.c.id))
        .join(t.publications, t.versions.c.publication_id == t.publications.c.id)
        .join(t.statements, t.publications.c.statement_id == t.statements.c.id)
        .where(
            t.statements.c.series == series,
            t.statements.c.published.is_not(None),
            t.versions.c.status == "ok",
        )
        .group_by(t.statements.c.id)
    )
    with store.engine.connect() as conn:
        ids = list(conn.execute(latest).scalars())
    found = [store.version(i) for i in ids]
    return sorted(found, key=lambda v: (v.published or "", v.statement_id))


def event_keys(detail: StatementDetail) -> list[str]:
    """Outbox event keys that concern a statement: its versions and the comparisons ending in it.

    Matches the Alert keys of the pipeline ("version:7", "comparison:12"); digests cover
    many statements and are listed on their own.
    """
    own = {v.id for v in detail.versions}
    keys = [f"version:{vid}" for vid in sorted(own)]
    keys += [f"comparison:{c.id}" for c in detail.comparisons if c.new_version_id in own]
    return keys


def deliveries_sent_since(store: Store, since: datetime) -> list[LedgerEntry]:
    """Every message sent at or after `since`, oldest first (what one run delivered)."""
    with store.engine.connect() as conn:
        events = conn.execute(
            select(t.messages.c.event)
            .join(t.deliveries, t.deliveries.c.message_id == t.messages.c.id)
            .where(t.deliveries.c.status == "sent", t.deliveries.c.sent_at >= since)
            .distinct()
        ).scalars()
        wanted = list(events)
    since = _aware(since)
    entries = [
        e
        for e in delivery_ledger(store, wanted)
        if e.status == "sent" and e.sent_at and _aware(e.sent_at) >= since
    ]
    return sorted(entries, key=lambda e: (_aware(e.sent_at), e.recipient))


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; the store writes UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def delivery_ledger(store: Store, events: list[str]) -> list[LedgerEntry]:
    """Messages rendered for these events and each delivery attempt's state, newest first."""
    if not events:
        return []
    q = (
        select(
            t.messages.c.id.label("message_id"),
            t.messages.c.event,
            t.messages.c.template,
            t.messages.c.channel,
            t.messages.c.recipient,
            t.messages.c.subject,
            t.messages.c.created_at,
            t.deliveries.c.status,
            t.deliveries.c.attempts,
            t.deliveries.c.last_error,
            t.deliveries.c.external_id,
            t.deliveries.c.updated_at,
            t.deliveries.c.sent_at,
        )
        .join(t.deliveries, t.deliveries.c.message_id == t.messages.c.id, isouter=True)
        .where(t.messages.c.event.in_(events))
        .order_by(t.messages.c.created_at.desc(), t.messages.c.id)
    )
    with store.engine.connect() as conn:
        return [
            LedgerEntry(**{**row._mapping, "attempts": row.attempts or 0})
            for row in conn.execute(q)
        ]
