"""The archive out of the tool: one row per substantive change, as CSV, JSON or Atom.

    rows = change_rows(store, theme=..., series=..., since=..., link_base=...)
    to_csv(rows) / to_json(rows) / to_atom(rows, title=..., feed_id=...)

A row is one substantive change of a revision or series comparison (variants are
reposts, never news): the statement, its date, series and source, the change's kind,
themes and significance score (0 where the diff gave none), the old and the new text,
and a link (the statements UI's comparison page when `COALITION_WATCH_LINK_BASE` is set,
else the statement's own URL). The Atom feed, built with feedgen, has one entry per row.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from coalition_watch.store import Store
from coalition_watch.store.export import substantive_comparisons

FORMATS = ("csv", "json", "atom")
FEED_AUTHOR = {"name": "coalition-watch"}


@dataclass(frozen=True)
class ChangeRow:
    statement_id: int
    statement: str
    published: str | None
    previous_published: str | None
    series: str
    source: str
    comparison_id: int
    comparison_kind: str  # revision | series
    change_seq: int
    kind: str  # added | removed | changed | moved | split | merged
    themes: tuple[str, ...]
    score: float
    old_text: str | None
    new_text: str | None
    link: str
    created_at: datetime

    def to_json(self) -> dict:
        data = asdict(self)
        data["themes"] = list(self.themes)
        data["created_at"] = self.created_at.isoformat()
        return data


def change_rows(
    store: Store,
    *,
    theme: str | None = None,
    series: str | None = None,
    since: str | None = None,
    link_base: str | None = None,
) -> list[ChangeRow]:
    rows = []
    for comparison in substantive_comparisons(store, series=series, since=since):
        link = (
            f"{link_base.rstrip('/')}/comparisons/{comparison['comparison_id']}"
            if link_base
            else comparison["url"]
        )
        for seq, change in enumerate(comparison["diff"].get("changes", [])):
            if change.get("significance") != "substantive":
                continue
            themes = tuple(change.get("themes") or ())
            if theme is not None and theme not in themes:
                continue
            rows.append(
                ChangeRow(
                    statement_id=comparison["statement_id"],
                    statement=comparison["title"],
                    published=comparison["published"],
                    previous_published=comparison["previous_published"],
                    series=comparison["series"],
                    source=comparison["source"],
                    comparison_id=comparison["comparison_id"],
                    comparison_kind=comparison["basis"],
                    change_seq=seq,
                    kind=change["kind"],
                    themes=themes,
                    score=float(change.get("score") or 0.0),
                    old_text=change.get("old"),
                    new_text=change.get("new"),
                    link=link,
                    created_at=_aware(comparison["created_at"]),
                )
            )
    return rows


def _aware(moment: datetime) -> datetime:
    """SQLite hands timezone-aware columns back naive; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


CSV_COLUMNS = [
    "statement_id",
    "statement",
    "published",
    "previous_published",
    "series",
    "source",
    "comparison_id",
    "comparison_kind",
    "change_seq",
    "kind",
    "themes",
    "score",
    "old_text",
    "new_text",
    "link",
]


def to_csv(rows: list[ChangeRow]) -> str:
    """RFC 4180 CSV with a header; themes joined by ";" (a spreadsheet cell each)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        data = row.to_json()
        data["themes"] = ";".join(row.themes)
        writer.writerow(data)
    return out.getvalue()


def to_json(rows: list[ChangeRow]) -> dict:
    return {"changes": [row.to_json() for row in rows]}


def to_atom(
    rows: list[ChangeRow],
    *,
    title: str,
    feed_id: str,
    self_link: str | None = None,
    alternate_link: str | None = None,
) -> bytes:
    """An Atom 1.0 feed, one entry per change, newest first."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.author(FEED_AUTHOR)
    feed.generator("coalition-watch")
    if self_link:
        feed.link(href=self_link, rel="self", type="application/atom+xml")
    if alternate_link:
        feed.link(href=alternate_link, rel="alternate", type="text/html")
    feed.updated(max((r.created_at for r in rows), default=datetime.now(UTC)))
    for row in rows:  # feedgen prepends by default; `append` keeps newest first
        entry = feed.add_entry(order="append")
        # The same change has the same id in every feed that carries it.
        entry.id(f"urn:coalition-watch:comparison:{row.comparison_id}:change:{row.change_seq}")
        when = row.published or "undated"
        entry.title(f"{row.statement} ({when}): {row.kind}")
        entry.updated(row.created_at)
        entry.link(href=row.link, rel="alternate")
        for theme in row.themes:
            entry.category(term=theme)
        entry.content(_entry_html(row), type="html")
    return feed.atom_str(pretty=True)


def _entry_html(row: ChangeRow) -> str:
    parts = [
        f"<p>{html.escape(row.kind)} in the {html.escape(row.comparison_kind)} comparison "
        f"with {html.escape(row.previous_published or 'the previous version')}; themes: "
        f"{html.escape(', '.join(row.themes) or 'none')}; score {row.score:g}</p>"
    ]
    if row.old_text:
        parts.append(f"<p><del>{html.escape(row.old_text)}</del></p>")
    if row.new_text:
        parts.append(f"<p><ins>{html.escape(row.new_text)}</ins></p>")
    return "".join(parts)
