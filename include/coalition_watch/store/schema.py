"""Tables of the project store. One MetaData, which the Alembic revisions in
`store/migrations/versions/` build step by step: a change here needs a new revision
(docs/operations.md, "Changing the schema"); a test checks that the two agree.

statements   a logical document (one communiqué), with its series
publications one place a statement is published (source + URL); several per statement
versions     one distinct extracted content of a publication (content hash), validators, raw ref
blobs        raw fetched bodies, content-addressed (sha256 of the raw bytes), zlib-compressed
comparisons  a diff between two versions: revision (same publication), series (last meeting)
             or variant (two publications of one statement)
changes      the changes of a comparison, one row per change
http_cache   conditional-GET validators per URL, and when the URL was last looked at
robots_txt   each host's robots.txt rules with their validators and expiry, shared by every
             task process
source_state health per source, so a source going down alerts once and recovering once
incidents    open operator incidents (a failing task, a broken layout): one alert each way
messages     rendered messages (the outbox), deliveries: the ledger (see deliver/)
"""

from __future__ import annotations

import json

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class Json(TypeDecorator):
    """Every JSON column: Python lists and dicts in and out, whatever the driver returns.

    Some drivers hand JSON back as text; decoding here, once, means no reader of the store
    ever checks. Every JSON column of this schema holds an object or a list, never a bare
    string, so a string coming back is always undecoded JSON.
    """

    impl = JSON
    cache_ok = True

    def process_result_value(self, value, dialect):
        return json.loads(value) if isinstance(value, str) else value


metadata = MetaData()

statements = Table(
    "statements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("series", String(64), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("published", String(10), nullable=True, index=True),  # ISO date
    Column("first_seen", DateTime(timezone=True), nullable=False),
    # The last and next meeting of a series, and reposts near a date (processing).
    Index("ix_statements_series_published", "series", "published"),
)

publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("statement_id", ForeignKey("statements.id"), nullable=False, index=True),
    Column("source", String(64), nullable=False),
    Column("url", String(2048), nullable=False, unique=True),
    Column("language", String(8), nullable=True),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    # A source's recently first-seen publications, rechecked by every poll.
    Index("ix_publications_source_first_seen", "source", "first_seen"),
)

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("publication_id", ForeignKey("publications.id"), nullable=False, index=True),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("published", String(10), nullable=True),
    Column("language", String(8), nullable=True),
    Column("paragraphs", Json, nullable=False),
    Column("raw_sha256", String(64), ForeignKey("blobs.sha256"), nullable=True),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("etag", String(512), nullable=True),
    Column("last_modified", String(64), nullable=True),
    # "ok" or "quarantined" (suspected layout break: never compared, never alerted)
    Column("status", String(16), nullable=False, default="ok"),
    Column("status_reason", Text, nullable=True),
    # diffed and enqueued; indexed: every process run looks for the versions without it
    Column("processed_at", DateTime(timezone=True), nullable=True, index=True),
    # Set by a backfill (quiet | digest | normal); wins over the mode of the processing run,
    # so a regular run that picks a backfilled version up never alerts for it by accident.
    Column("alert_mode", String(8), nullable=True),
    # Concurrent polls of one page must not store the same content twice.
    UniqueConstraint("publication_id", "content_hash", name="uq_version_content"),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("content_type", String(128), nullable=True),
    Column("data", LargeBinary, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

comparisons = Table(
    "comparisons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("old_version_id", ForeignKey("versions.id"), nullable=False),
    Column("new_version_id", ForeignKey("versions.id"), nullable=False, index=True),
    Column("basis", String(16), nullable=False),  # revision | series | variant
    # Why this old version is the baseline ("compared with the Federal Foreign Office's
    # text of 4 June 2020 (same publisher; ...)"); set for series comparisons.
    Column("baseline", Text, nullable=True),
    Column("substantive", Integer, nullable=False),
    Column("cosmetic", Integer, nullable=False),
    Column("diff", Json, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("old_version_id", "new_version_id", name="uq_comparison_pair"),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("comparison_id", ForeignKey("comparisons.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("significance", String(16), nullable=False),
    Column("old_text", Text, nullable=True),
    Column("new_text", Text, nullable=True),
    Column("inserted", Json, nullable=False),
    Column("deleted", Json, nullable=False),
    Column("themes", Json, nullable=False),
)

http_cache = Table(
    "http_cache",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("etag", String(512), nullable=True),
    Column("last_modified", String(64), nullable=True),
    Column("content_sha256", String(64), nullable=True),
    Column("checked_at", DateTime(timezone=True), nullable=False),
)

robots_txt = Table(
    "robots_txt",
    metadata,
    Column("origin", String(300), primary_key=True),  # scheme://host[:port]
    # the file as served, or the rules its status stands for (401/403: all disallowed)
    Column("rules", Text, nullable=False),
    Column("etag", String(512), nullable=True),
    Column("last_modified", String(64), nullable=True),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

source_state = Table(
    "source_state",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("status", String(16), nullable=False),  # up | down
    Column("since", DateTime(timezone=True), nullable=False),
    Column("last_error", Text, nullable=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_poll_at", DateTime(timezone=True), nullable=True),
    Column("last_score", Float, nullable=True),
)

# An incident opens at the first failure and closes at the first success after it, so the
# operators hear once when something starts failing and once when it recovers.
incidents = Table(
    "incidents",
    metadata,
    Column("key", String(512), primary_key=True),  # e.g. "task:dag.task[aa-en]", "layout:aa-en"
    Column("status", String(8), nullable=False),  # open | closed
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("failures", Integer, nullable=False, default=1),  # since it opened
    Column("last_error", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# The outbox: a message is rendered once and stored before anything is sent.
messages = Table(
    "messages",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of (event, template, channel, recipient)
    # e.g. "comparison:12", "digest:2026-11-23"
    Column("event", String(256), nullable=False, index=True),
    Column("template", String(64), nullable=False),
    Column("channel", String(16), nullable=False),  # email | slack
    Column("recipient", String(320), nullable=False),
    Column("subject", Text, nullable=True),
    Column("payload", Json, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The ledger: one row per (message, recipient, channel); the key makes re-runs idempotent.
deliveries = Table(
    "deliveries",
    metadata,
    Column("message_id", ForeignKey("messages.id"), primary_key=True),
    Column("recipient", String(320), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("status", String(16), nullable=False),  # queued | sending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("external_id", String(256), nullable=True),  # Slack ts / SMTP Message-ID
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
)
