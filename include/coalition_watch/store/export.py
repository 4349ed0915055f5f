"""The comparisons an export or a feed reads: those with substantive changes, newest
statement first, with what the rows need from both sides."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import select

from coalition_watch.store import schema as t
from coalition_watch.store.repository import Store


def substantive_comparisons(
    store: Store, *, series: str | None = None, since: str | None = None
) -> Iterator[dict]:
    """{comparison_id, basis, created_at, diff, statement_id, title, published, series,
    source, url, previous_published} per revision or series comparison with substantive
    changes (variants are reposts: never news), newest publication first."""
    new, old = t.versions.alias("new"), t.versions.alias("old")
    c = t.comparisons.c
    query = (
        select(
            c.id.label("comparison_id"),
            c.basis,
            c.created_at,
            c.diff,
            t.statements.c.id.label("statement_id"),
            t.statements.c.title,
            new.c.published,
            t.statements.c.series,
            t.publications.c.source,
            t.publications.c.url,
            old.c.published.label("previous_published"),
        )
        .join(new, c.new_version_id == new.c.id)
        .join(old, c.old_version_id == old.c.id)
        .join(t.publications, new.c.publication_id == t.publications.c.id)
        .join(t.statements, t.publications.c.statement_id == t.statements.c.id)
        .where(c.basis != "variant", c.substantive > 0)
        .order_by(new.c.published.desc(), c.id.desc())
    )
    if series is not None:
        query = query.where(t.statements.c.series == series)
    if since is not None:
        query = query.where(new.c.published >= since)
    with store.engine.connect() as conn:
        for row in conn.execute(query):
            data = dict(row._mapping)
            if isinstance(data["diff"], str):
                data["diff"] = json.loads(data["diff"])
            yield data
