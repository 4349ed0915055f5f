"""The Store: the only code that reads and writes the project database."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.engine import URL, Connection, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError

from coalition_watch.errors import BadInput, MissingBlob, StoreError, StoreUnavailable
from coalition_watch.model import Diff, Document, StatementRef
from coalition_watch.normalize import fold
from coalition_watch.robots import RobotsRules
from coalition_watch.settings import current
from coalition_watch.store import schema as t


def default_db_url() -> str:
    """The configured URL, else a SQLite file beside the Airflow home (or ./var)."""
    return current().db_url


def now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """SQLite hands stored times back naive; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def content_hash(paragraphs: Sequence[str]) -> str:
    """Hash of the folded text: presentation-only differences give the same hash."""
    folded = "\n".join(key for key in map(fold, paragraphs) if key)
    return hashlib.sha256(folded.encode()).hexdigest()


@dataclass(frozen=True)
class StoredVersion:
    id: int
    publication_id: int
    statement_id: int
    source: str
    url: str
    series: str
    document: Document
    fetched_at: datetime
    status: str
    alert_mode: str | None = None
    raw_sha256: str | None = None

    @property
    def published(self) -> str | None:
        return self.document.published

    def ref(self) -> StatementRef:
        """What a message or a page says about this version's statement."""
        doc = self.document
        return StatementRef(
            title=doc.title,
            published=doc.published,
            url=self.url,
            source=self.source,
            series=self.series,
            language=doc.language,
            version_id=self.id,
        )


def open_store(url: str | None = None) -> Store:
    return Store(create_engine_for(url or default_db_url()))


DB_URL_FORMS = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


def create_engine_for(url: str) -> Engine:
    """An engine for `url`; a URL naming no usable store is a StoreUnavailable naming it."""
    parsed = _parse_db_url(url)
    shown = parsed.render_as_string(hide_password=True)
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record):  # WAL: the UI reads while a task writes
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

        else:
            engine = create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError:
        raise StoreUnavailable(
            shown,
            f"unknown kind of database {parsed.drivername!r}; expected {DB_URL_FORMS}",
        ) from None
    except ImportError as exc:
        raise StoreUnavailable(shown, f"its driver is not installed ({exc.name or exc})") from None
    except (OSError, ArgumentError) as exc:
        raise StoreUnavailable(shown, str(exc)) from None

    _raise_store_errors(engine, shown)
    return engine


def _raise_store_errors(engine: Engine, where: str) -> None:
    """Database failures leave the store as StoreError (in the package's error tree); one
    that means the URL names no usable store (nothing answers, not a database) is a
    StoreUnavailable, told in one line.

    Integrity errors stay SQLAlchemy's: the store's own code catches them where a
    concurrent writer got there first, and that is not a failure.
    """

    @event.listens_for(engine, "handle_error")
    def _as_store_error(context: ExceptionContext) -> None:
        if isinstance(context.sqlalchemy_exception, IntegrityError):
            return
        original = context.original_exception
        reason = " ".join(str(original).split()) or type(original).__name__
        first_line = str(original).strip().splitlines()[0] if str(original).strip() else reason
        cannot_open = context.connection is None  # failed while connecting
        if cannot_open or "file is not a database" in reason:
            raise StoreUnavailable(where, f"cannot be opened: {first_line}") from None
        raise StoreError(where, reason) from original


def _parse_db_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreUnavailable(repr(url), f"is not a URL of the form {DB_URL_FORMS}") from None
    if parsed.drivername == "postgresql" and not _installed("psycopg") and _installed("psycopg2"):
        # SQLAlchemy 2.1 reads a bare postgresql:// with psycopg 3; the image ships psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine

    # -- schema ---------------------------------------------------------------------------
    def migrate(self) -> tuple[str | None, str]:
        """Run the schema migrations; returns (revision before, revision now). Idempotent."""
        from coalition_watch.store.migrate import upgrade

        return upgrade(self.engine)

    def check_schema(self) -> None:
        """Refuse to run on a store that `coalition-watch db upgrade` has not brought up
        to the revision this code expects."""
        from coalition_watch.store.migrate import current_revision, head_revision

        current, head = current_revision(self.engine), head_revision()
        if current != head:
            where = self.engine.url.render_as_string(hide_password=True)
            state = "is not initialised" if current is None else f"is at revision {current}"
            raise BadInput(
                f"store {where} {state}, this code needs {head}: run `coalition-watch db upgrade`"
            )

    def run_lock(self, name: str, *, wait: float):  # -> ContextManager[bool]
        """One run of `name` on this store at a time (see store/locks.py)."""
        from coalition_watch.store.locks import run_lock

        return run_lock(self.engine, name, wait=wait)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -- raw bodies -----------------------------------------------------------------------
    def put_blob(self, data: bytes, content_type: str | None = None) -> str:
        sha = hashlib.sha256(data).hexdigest()
        with self.engine.begin() as conn:
            exists = conn.execute(select(t.blobs.c.sha256).where(t.blobs.c.sha256 == sha)).first()
            if not exists:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(t.blobs).values(
                                sha256=sha,
                                size=len(data),
                                content_type=content_type,
                                data=zlib.compress(data, 6),
                                stored_at=now(),
                            )
                        )
                except IntegrityError:
                    pass  # stored concurrently by another poll: same bytes, nothing to do
        return sha

    def blob_content_type(self, sha: str) -> str | None:
        with self.engine.connect() as conn:
            query = select(t.blobs.c.content_type).where(t.blobs.c.sha256 == sha)
            return conn.execute(query).scalar()

    def get_blob(self, sha: str) -> bytes:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.blobs.c.data).where(t.blobs.c.sha256 == sha)).first()
        if row is None:
            raise MissingBlob(sha)
        return zlib.decompress(row.data)

    # -- conditional GET validators -------------------------------------------------------
    def validators(self, url: str) -> tuple[str | None, str | None]:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.http_cache).where(t.http_cache.c.url == url)).first()
        return (row.etag, row.last_modified) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(t.http_cache)
                .where(t.http_cache.c.url == url)
                .values(etag=etag, last_modified=last_modified, checked_at=now())
            ).rowcount
            if not updated:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(t.http_cache).values(
                                url=url, etag=etag, last_modified=last_modified, checked_at=now()
                            )
                        )
                except IntegrityError:
                    pass

    def mark_checked(self, url: str, at: datetime) -> None:
        """Record that `url` was just looked at (a 304 too), keeping its validators."""
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(t.http_cache).where(t.http_cache.c.url == url).values(checked_at=at)
            ).rowcount
            if not updated:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(t.http_cache).values(url=url, checked_at=at))
                except IntegrityError:  # a concurrent poll recorded it first
                    pass

    def due_rechecks(
        self, source: str, *, watched: int, checked_before: datetime, limit: int
    ) -> list[tuple[str, str | None]]:
        """(url, language) of the source's `watched` latest publications not looked at
        since `checked_before`, the longest unchecked first."""
        recent = (
            select(t.publications.c.url, t.publications.c.language)
            .where(t.publications.c.source == source)
            .order_by(t.publications.c.first_seen.desc(), t.publications.c.id.desc())
            .limit(watched)
            .subquery()
        )
        checked = t.http_cache.c.checked_at
        query = (
            select(recent.c.url, recent.c.language)
            .select_from(recent.outerjoin(t.http_cache, t.http_cache.c.url == recent.c.url))
            .where(checked.is_(None) | (checked < checked_before))
            .order_by(checked.is_(None).desc(), checked, recent.c.url)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(row.url, row.language) for row in conn.execute(query)]

    def quarantined_publications(self, source: str) -> list[tuple[str, str | None]]:
        """(url, language) of the source's publications whose newest version is
        quarantined: re-read on every poll until they extract well again."""
        later = t.versions.alias("later")
        newest = (
            select(func.max(later.c.id))
            .where(later.c.publication_id == t.publications.c.id)
            .correlate(t.publications)
            .scalar_subquery()
        )
        query = (
            select(t.publications.c.url, t.publications.c.language)
            .join(t.versions, t.versions.c.publication_id == t.publications.c.id)
            .where(
                t.publications.c.source == source,
                t.versions.c.id == newest,
                t.versions.c.status == "quarantined",
            )
            .order_by(t.publications.c.url)
        )
        with self.engine.connect() as conn:
            return [(row.url, row.language) for row in conn.execute(query)]

    # -- robots.txt -------------------------------------------------------------------------
    def robots(self, origin: str) -> RobotsRules | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.robots_txt).where(t.robots_txt.c.origin == origin)).first()
        if row is None:
            return None
        return RobotsRules(
            row.rules, row.etag, row.last_modified, _utc(row.fetched_at), _utc(row.expires_at)
        )

    def save_robots(self, origin: str, rules: RobotsRules) -> None:
        values = {
            "rules": rules.rules,
            "etag": rules.etag,
            "last_modified": rules.last_modified,
            "fetched_at": rules.fetched_at,
            "expires_at": rules.expires_at,
        }
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(t.robots_txt).where(t.robots_txt.c.origin == origin).values(**values)
            ).rowcount
            if not updated:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(t.robots_txt).values(origin=origin, **values))
                except IntegrityError:  # another task process cached it a moment ago
                    pass

    # -- statements and versions ----------------------------------------------------------
    def record_version(
        self,
        *,
        source: str,
        url: str,
        document: Document,
        series: str,
        raw_sha256: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        status: str = "ok",
        status_reason: str | None = None,
        statement_id: int | None = None,
        alert_mode: str | None = None,
    ) -> tuple[StoredVersion, bool]:
        """Store a version unless the publication already has this content.

        Returns the stored version and whether it is new. The unique constraint on
        (publication, content hash) decides races between concurrent polls.
        `statement_id` attaches a new publication to an existing statement (a repost).
        """
        digest = content_hash(document.paragraphs)
        with self.engine.begin() as conn:
            pub = conn.execute(select(t.publications).where(t.publications.c.url == url)).first()
            if pub is None:
                try:  # a concurrent first poll of this URL may win the unique URL
                    with conn.begin_nested():
                        new_statement_id = statement_id
                        if new_statement_id is None:
                            new_statement_id = conn.execute(
                                insert(t.statements).values(
                                    series=series,
                                    title=document.title,
                                    published=document.published,
                                    first_seen=now(),
                                )
                            ).inserted_primary_key[0]
                        pub_id = conn.execute(
                            insert(t.publications).values(
                                statement_id=new_statement_id,
                                source=source,
                                url=url,
                                language=document.language,
                                first_seen=now(),
                            )
                        ).inserted_primary_key[0]
                        statement_id = new_statement_id
                except IntegrityError:  # the other poll's statement and publication stand
                    pub = conn.execute(
                        select(t.publications).where(t.publications.c.url == url)
                    ).one()
            if pub is not None:
                pub_id, statement_id = pub.id, pub.statement_id
            existing = conn.execute(
                select(t.versions.c.id).where(
                    t.versions.c.publication_id == pub_id, t.versions.c.content_hash == digest
                )
            ).first()
            if existing:
                return self._version(conn, existing.id), False
            try:
                with conn.begin_nested():
                    vid = conn.execute(
                        insert(t.versions).values(
                            publication_id=pub_id,
                            content_hash=digest,
                            title=document.title,
                            published=document.published,
                            language=document.language,
                            paragraphs=list(document.paragraphs),
                            raw_sha256=raw_sha256,
                            fetched_at=now(),
                            etag=etag,
                            last_modified=last_modified,
                            status=status,
                            status_reason=status_reason,
                            alert_mode=alert_mode,
                        )
                    ).inserted_primary_key[0]
            except IntegrityError:
                vid = conn.execute(
                    select(t.versions.c.id).where(
                        t.versions.c.publication_id == pub_id,
                        t.versions.c.content_hash == digest,
                    )
                ).scalar_one()
                return self._version(conn, vid), False
            if status == "ok":  # the statement shows its latest good title and date
                conn.execute(
                    update(t.statements)
                    .where(t.statements.c.id == statement_id)
                    .values(title=document.title, published=document.published)
                )
            return self._version(conn, vid), True

    def _version_query(self):
        return (
            select(
                t.versions,
                t.publications.c.statement_id,
                t.publications.c.source,
                t.publications.c.url,
                t.statements.c.series,
            )
            .join(t.publications, t.versions.c.publication_id == t.publications.c.id)
            .join(t.statements, t.publications.c.statement_id == t.statements.c.id)
        )

    @staticmethod
    def _row_to_version(row) -> StoredVersion:
        paragraphs = row.paragraphs
        return StoredVersion(
            id=row.id,
            publication_id=row.publication_id,
            statement_id=row.statement_id,
            source=row.source,
            url=row.url,
            series=row.series,
            document=Document(
                title=row.title,
                paragraphs=tuple(paragraphs),
                published=row.published,
                language=row.language,
                url=row.url,
            ),
            fetched_at=row.fetched_at,
            status=row.status,
            alert_mode=row.alert_mode,
            raw_sha256=row.raw_sha256,
        )

    def _version(self, conn: Connection, version_id: int) -> StoredVersion:
        row = conn.execute(self._version_query().where(t.versions.c.id == version_id)).one()
        return self._row_to_version(row)

    def version(self, version_id: int) -> StoredVersion:
        with self.engine.connect() as conn:
            return self._version(conn, version_id)

    def unprocessed_versions(self) -> list[StoredVersion]:
        """Good versions not yet diffed, oldest publication first (so series links are right)."""
        q = (
            self._version_query()
            .where(t.versions.c.processed_at.is_(None), t.versions.c.status == "ok")
            .order_by(t.versions.c.published.is_(None), t.versions.c.published, t.versions.c.id)
        )
        with self.engine.connect() as conn:
            return [self._row_to_version(r) for r in conn.execute(q)]

    def mark_processed(self, version_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.versions).where(t.versions.c.id == version_id).values(processed_at=now())
            )

    def previous_revision(self, version: StoredVersion) -> StoredVersion | None:
        """The good version of the same publication stored just before this one."""
        q = (
            self._version_query()
            .where(
                t.versions.c.publication_id == version.publication_id,
                t.versions.c.id < version.id,
                t.versions.c.status == "ok",
            )
            .order_by(t.versions.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return self._row_to_version(row) if row else None

    def latest_version(self, publication_id: int) -> StoredVersion | None:
        q = (
            self._version_query()
            .where(t.versions.c.publication_id == publication_id, t.versions.c.status == "ok")
            .order_by(t.versions.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return self._row_to_version(row) if row else None

    def latest_version_at(self, url: str) -> StoredVersion | None:
        """The newest good version of the publication at `url`, if it is known."""
        with self.engine.connect() as conn:
            pub_id = conn.execute(
                select(t.publications.c.id).where(t.publications.c.url == url)
            ).scalar()
        return self.latest_version(pub_id) if pub_id is not None else None

    def previous_in_series(self, version: StoredVersion) -> StoredVersion | None:
        """The last meeting: the baseline the rule names among the statements of the series
        published on the nearest earlier date (see coalition_watch.baseline).

        Ordered by publication date, not arrival, so out-of-order backfills link correctly.
        """
        return self._chosen(version, self.series_neighbours(version, before=True))

    def next_in_series(self, version: StoredVersion) -> StoredVersion | None:
        """The statement published just after this one, if it arrived earlier (a backfill)."""
        return self._chosen(version, self.series_neighbours(version, before=False))

    @staticmethod
    def _chosen(version: StoredVersion, candidates: list[StoredVersion]) -> StoredVersion | None:
        from coalition_watch.baseline import choose_baseline  # the rule is not SQL

        chosen = choose_baseline(version, candidates)
        return chosen.version if chosen else None

    def series_neighbours(
        self, version: StoredVersion, *, before: bool, max_dates: int = 10
    ) -> list[StoredVersion]:
        """The latest good version of every publication of the series' statements on the
        nearest date before (or after) this one that has a text in its language.

        The choice among them is `coalition_watch.baseline.choose_baseline`'s.
        """
        if version.published is None:
            return []
        published = t.statements.c.published
        dates = (
            select(published)
            .where(
                t.statements.c.series == version.series,
                t.statements.c.id != version.statement_id,
                published < version.published if before else published > version.published,
            )
            .group_by(published)
            .order_by(published.desc() if before else published)
            .limit(max_dates)
        )
        language = (version.document.language or "").split("-")[0]
        with self.engine.connect() as conn:
            for day in conn.execute(dates).scalars():
                found = self._latest_per_publication(conn, version, day)
                if any((c.document.language or "").split("-")[0] == language for c in found):
                    return found
        return []

    def _latest_per_publication(
        self, conn: Connection, version: StoredVersion, day: str
    ) -> list[StoredVersion]:
        rows = conn.execute(
            self._version_query()
            .where(
                t.statements.c.series == version.series,
                t.statements.c.published == day,
                t.statements.c.id != version.statement_id,
                t.versions.c.status == "ok",
            )
            .order_by(t.versions.c.id)
        )
        latest: dict[int, StoredVersion] = {}
        for row in rows:
            latest[row.publication_id] = self._row_to_version(row)  # the last id wins
        return list(latest.values())

    def statements_near(
        self, published: str | None, series: str, days: int = 3
    ) -> list[StoredVersion]:
        """Good versions of statements of one series published within `days` of a date.

        Reposts (an embassy a day later, a co-host's copy) land in this window.
        """
        if published is None:
            return []
        day = date.fromisoformat(published)
        lo, hi = (day - timedelta(days=days)).isoformat(), (day + timedelta(days=days)).isoformat()
        q = (
            self._version_query()
            .where(t.statements.c.series == series, t.statements.c.published.between(lo, hi))
            .where(t.versions.c.status == "ok")
            .order_by(t.versions.c.id.desc())
        )
        with self.engine.connect() as conn:
            return [self._row_to_version(r) for r in conn.execute(q)]

    # -- comparisons ----------------------------------------------------------------------
    def save_comparison(
        self, old: StoredVersion, new: StoredVersion, basis: str, diff: Diff
    ) -> tuple[int, bool]:
        """Store a diff and its changes once per (old, new) pair. Returns (id, created)."""
        data = diff.to_json()
        with self.engine.begin() as conn:
            found = conn.execute(
                select(t.comparisons.c.id).where(
                    t.comparisons.c.old_version_id == old.id,
                    t.comparisons.c.new_version_id == new.id,
                )
            ).scalar()
            if found is not None:
                return found, False
            try:
                with conn.begin_nested():
                    cid = conn.execute(
                        insert(t.comparisons).values(
                            old_version_id=old.id,
                            new_version_id=new.id,
                            basis=basis,
                            baseline=diff.baseline,
                            substantive=len(diff.substantive),
                            cosmetic=len(diff.cosmetic),
                            diff=data,
                            created_at=now(),
                        )
                    ).inserted_primary_key[0]
            except IntegrityError:
                return conn.execute(
                    select(t.comparisons.c.id).where(
                        t.comparisons.c.old_version_id == old.id,
                        t.comparisons.c.new_version_id == new.id,
                    )
                ).scalar_one(), False
            self._insert_changes(conn, cid, diff)
        return cid, True

    @staticmethod
    def _insert_changes(conn: Connection, comparison_id: int, diff: Diff) -> None:
        if diff.changes:
            conn.execute(
                insert(t.changes),
                [
                    {
                        "comparison_id": comparison_id,
                        "seq": i,
                        "kind": c.kind,
                        "significance": c.significance,
                        "old_text": c.old,
                        "new_text": c.new,
                        "inserted": c.inserted,
                        "deleted": c.deleted,
                        "themes": c.themes,
                    }
                    for i, c in enumerate(diff.changes)
                ],
            )

    def comparison(self, comparison_id: int) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.comparisons).where(t.comparisons.c.id == comparison_id)
            ).one()
        return dict(row._mapping)

    def versions_since(
        self, since: str | None = None, statement_id: int | None = None
    ) -> list[StoredVersion]:
        """Every stored version (good or quarantined) of statements published on or after
        `since` (all when None), optionally of one statement, oldest publication first."""
        query = self._version_query().order_by(
            t.statements.c.published.is_(None), t.statements.c.published, t.versions.c.id
        )
        if since is not None:
            query = query.where(t.statements.c.published >= since)
        if statement_id is not None:
            query = query.where(t.publications.c.statement_id == statement_id)
        with self.engine.connect() as conn:
            return [self._row_to_version(r) for r in conn.execute(query)]

    def replace_version_content(self, version_id: int, document: Document) -> int | None:
        """Give a version the text a re-extraction found. Returns None when done, or the id
        of the publication's other version that already holds this content (left alone)."""
        digest = content_hash(document.paragraphs)
        v = t.versions.c
        with self.engine.begin() as conn:
            publication_id = conn.execute(
                select(v.publication_id).where(v.id == version_id)
            ).scalar_one()
            twin = conn.execute(
                select(v.id).where(
                    v.publication_id == publication_id,
                    v.content_hash == digest,
                    v.id != version_id,
                )
            ).scalar()
            if twin is not None:
                return twin
            conn.execute(
                update(t.versions)
                .where(v.id == version_id)
                .values(
                    content_hash=digest,
                    title=document.title,
                    published=document.published,
                    language=document.language,
                    paragraphs=list(document.paragraphs),
                )
            )
        return None

    def comparisons_involving(self, version_ids: Sequence[int]) -> list[dict]:
        """{id, basis, old_version_id, new_version_id, diff} of comparisons with either side
        among `version_ids`, by id."""
        c = t.comparisons.c
        ids = list(version_ids)
        query = (
            select(c.id, c.basis, c.old_version_id, c.new_version_id, c.diff)
            .where(c.old_version_id.in_(ids) | c.new_version_id.in_(ids))
            .order_by(c.id)
        )
        with self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        for row in rows:
            if isinstance(row["diff"], str):
                row["diff"] = json.loads(row["diff"])
        return rows

    def replace_comparison(self, comparison_id: int, diff: Diff) -> None:
        """Replace a comparison's diff and its change rows with a recomputed diff.

        Why the old version was chosen (`baseline`) belongs to the pair, not to the diff
        computation: a recomputed diff without one keeps the stored reason."""
        with self.engine.begin() as conn:
            if diff.baseline is None:
                diff.baseline = conn.execute(
                    select(t.comparisons.c.baseline).where(t.comparisons.c.id == comparison_id)
                ).scalar()
            conn.execute(
                update(t.comparisons)
                .where(t.comparisons.c.id == comparison_id)
                .values(
                    substantive=len(diff.substantive),
                    cosmetic=len(diff.cosmetic),
                    baseline=diff.baseline,
                    diff=diff.to_json(),
                )
            )
            conn.execute(t.changes.delete().where(t.changes.c.comparison_id == comparison_id))
            self._insert_changes(conn, comparison_id, diff)

    def comparison_summaries(self, comparison_ids: Sequence[int]) -> list[dict]:
        """{id, kind, old, new, substantive} per comparison (old/new: version ids), by id."""
        c = t.comparisons.c
        query = (
            select(c.id, c.basis, c.old_version_id, c.new_version_id, c.substantive)
            .where(c.id.in_(list(comparison_ids)))
            .order_by(c.id)
        )
        with self.engine.connect() as conn:
            return [
                {
                    "id": row.id,
                    "kind": row.basis,
                    "old": row.old_version_id,
                    "new": row.new_version_id,
                    "substantive": row.substantive,
                }
                for row in conn.execute(query)
            ]

    def comparison_ids(self, after: int = 0) -> list[int]:
        """Ids of the comparisons stored after comparison `after`, oldest first."""
        query = (
            select(t.comparisons.c.id)
            .where(t.comparisons.c.id > after)
            .order_by(t.comparisons.c.id)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def counts(self) -> dict[str, int]:
        names = ("statements", "publications", "versions", "comparisons", "messages", "deliveries")
        with self.engine.connect() as conn:
            return {
                n: conn.execute(select(func.count()).select_from(t.metadata.tables[n])).scalar()
                for n in names
            }

    def attach_publication(self, publication_id: int, statement_id: int) -> None:
        """Move a publication under another statement (it is a repost), dropping its own."""
        with self.engine.begin() as conn:
            old = conn.execute(
                select(t.publications.c.statement_id).where(t.publications.c.id == publication_id)
            ).scalar_one()
            if old == statement_id:
                return
            conn.execute(
                update(t.publications)
                .where(t.publications.c.id == publication_id)
                .values(statement_id=statement_id)
            )
            others = conn.execute(
                select(func.count()).where(t.publications.c.statement_id == old)
            ).scalar()
            if not others:
                conn.execute(t.statements.delete().where(t.statements.c.id == old))
