"""Full-text search over every stored version: SQLite FTS5 or PostgreSQL text search.

    SearchIndex(store).refresh()                      index the versions not yet indexed
    SearchIndex(store).search(query, series=..., since=..., limit=...) -> [SearchHit]

Both databases match on English and German stems, so "attacks" finds "attack" and
"Angriffe" finds "Angriff". PostgreSQL stems with its `english` and `german` text search
configurations; SQLite has no German stemmer, so the index holds the Snowball stems of
every word (both languages' stems: a statement's language does not limit a query's) and
FTS5 ranks them with bm25. The index is derived data: `refresh` adds what is missing, and
a version whose text `reprocess` replaced is indexed again.

The index table (`version_search`) comes from Alembic revision 0006; it is not in
`schema.py` because its type differs per database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from sqlalchemy import bindparam, text

from coalition_watch.store.repository import Store

INDEX_TABLE = "version_search"
REFRESH_MARGIN = 50  # ids below the highest indexed one that `refresh` checks again (late commits)
WORD = re.compile(r"\w+", re.UNICODE)


@cache
def _stemmers():
    import snowballstemmer

    return snowballstemmer.stemmer("english"), snowballstemmer.stemmer("german")


def stems(word: str) -> frozenset[str]:
    """The English and German stems of one word (lower case)."""
    return _stems_of(word.casefold())


@lru_cache(maxsize=200_000)  # statements share their vocabulary: stem each word once
def _stems_of(word: str) -> frozenset[str]:
    return frozenset(stemmer.stemWord(word) for stemmer in _stemmers())


def words(text_: str) -> list[str]:
    return WORD.findall(text_)


def version_text(title: str, paragraphs: Sequence[str]) -> str:
    return "\n".join([title, *paragraphs])


@dataclass(frozen=True)
class SearchHit:
    version_id: int
    statement_id: int
    title: str
    published: str | None
    source: str
    series: str
    url: str
    paragraphs: tuple[str, ...]
    rank: float  # larger is better


class SearchIndex:
    def __init__(self, store: Store):
        self.store = store
        self.dialect = store.engine.dialect.name

    # -- indexing -------------------------------------------------------------------------
    def refresh(self) -> int:
        """Index the good versions the index lacks; returns how many were added.

        Versions are looked for above the highest indexed id, less a margin: a version
        whose transaction committed after a later one's (concurrent polls) is still found,
        and a search does not scan the whole table each time.
        """
        key = "rowid" if self.dialect == "sqlite" else "version_id"
        # Two range scans compared in Python: FTS5 answers ORDER BY rowid and rowid ranges
        # from its b-tree, but a correlated lookup per version costs a cursor each.
        highest = text(f"SELECT {key} FROM {INDEX_TABLE} ORDER BY {key} DESC LIMIT 1")
        indexed = text(f"SELECT {key} FROM {INDEX_TABLE} WHERE {key} > :above")
        stored = text("SELECT id FROM versions WHERE id > :above AND status = 'ok'")
        fetch = text("SELECT id, title, paragraphs FROM versions WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        with self.store.begin() as conn:
            above = {"above": (conn.execute(highest).scalar() or 0) - REFRESH_MARGIN}
            missing = set(conn.execute(stored, above).scalars()) - set(
                conn.execute(indexed, above).scalars()
            )
            if not missing:
                return 0
            rows = conn.execute(fetch, {"ids": sorted(missing)}).all()
            self._insert(conn, [(r.id, r.title, _paragraphs(r.paragraphs)) for r in rows])
        return len(rows)

    def reindex(self, version_ids: Iterable[int]) -> None:
        """Index versions again whose text changed (`reprocess`)."""
        ids = list(version_ids)
        if not ids:
            return
        key = "rowid" if self.dialect == "sqlite" else "version_id"
        delete = text(f"DELETE FROM {INDEX_TABLE} WHERE {key} IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        fetch = text(
            "SELECT id, title, paragraphs FROM versions WHERE status = 'ok' AND id IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        with self.store.begin() as conn:
            conn.execute(delete, {"ids": ids})
            rows = conn.execute(fetch, {"ids": ids}).all()
            if rows:
                self._insert(conn, [(r.id, r.title, _paragraphs(r.paragraphs)) for r in rows])

    def _insert(self, conn, rows: list[tuple[int, str, Sequence[str]]]) -> None:
        if self.dialect == "sqlite":
            conn.execute(
                text(f"INSERT INTO {INDEX_TABLE} (rowid, stems) VALUES (:id, :stems)"),
                [{"id": vid, "stems": _stem_text(version_text(t, ps))} for vid, t, ps in rows],
            )
        else:
            conn.execute(
                text(
                    f"INSERT INTO {INDEX_TABLE} (version_id, document) VALUES (:id, "
                    "to_tsvector('english', :body) || to_tsvector('german', :body))"
                ),
                [{"id": vid, "body": version_text(t, ps)} for vid, t, ps in rows],
            )

    # -- querying -------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        series: str | None = None,
        since: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """The best-ranked version of each statement matching every word of `query`."""
        terms = words(query)
        if not terms:
            return []
        self.refresh()
        filters, params = "", {"limit": limit * 5}  # several versions per statement
        if series:
            filters += " AND st.series = :series"
            params["series"] = series
        if since:
            filters += " AND st.published >= :since"
            params["since"] = since
        columns = (
            "v.id AS version_id, p.statement_id, st.title, st.published, p.source, "
            "st.series, p.url, v.paragraphs"
        )
        joins = (
            "JOIN versions v ON v.id = {key} "
            "JOIN publications p ON p.id = v.publication_id "
            "JOIN statements st ON st.id = p.statement_id"
        )
        if self.dialect == "sqlite":
            params["match"] = " AND ".join(
                "(" + " OR ".join(f'"{s}"' for s in sorted(stems(term))) + ")" for term in terms
            )
            # Ranked inside FTS5 first, so only the best rows are joined; with filters,
            # every match goes through them (the best may all be filtered out).
            params["inner"] = -1 if filters else params["limit"]
            ranked = (
                f"SELECT rowid AS vid, -bm25({INDEX_TABLE}) AS rank FROM {INDEX_TABLE} "
                f"WHERE {INDEX_TABLE} MATCH :match ORDER BY bm25({INDEX_TABLE}) LIMIT :inner"
            )
            sql = (
                f"SELECT {columns}, s.rank FROM ({ranked}) s "
                + joins.format(key="s.vid")
                + f" WHERE 1 = 1{filters} ORDER BY s.rank DESC LIMIT :limit"
            )
        else:
            params["q"] = " ".join(terms)
            sql = (
                f"SELECT {columns}, ts_rank(s.document, q.query) AS rank "
                f"FROM {INDEX_TABLE} s CROSS JOIN (SELECT plainto_tsquery('english', :q) || "
                "plainto_tsquery('german', :q) AS query) q "
                + joins.format(key="s.version_id")
                + f" WHERE s.document @@ q.query{filters} ORDER BY rank DESC LIMIT :limit"
            )
        with self.store.engine.connect() as conn:
            rows = conn.execute(text(sql), params).all()
        best: dict[int, SearchHit] = {}
        for r in rows:
            if r.statement_id in best:
                continue  # ranked best first: keep each statement's best version
            if len(best) == limit:
                break
            best[r.statement_id] = SearchHit(
                version_id=r.version_id,
                statement_id=r.statement_id,
                title=r.title,
                published=r.published,
                source=r.source,
                series=r.series,
                url=r.url,
                paragraphs=tuple(_paragraphs(r.paragraphs)),
                rank=float(r.rank),
            )
        return list(best.values())


def _stem_text(body: str) -> str:
    return " ".join(" ".join(sorted(stems(word))) for word in words(body))


def _paragraphs(value) -> list[str]:
    if isinstance(value, str):  # some drivers hand JSON back as text
        import json

        return json.loads(value)
    return list(value)
