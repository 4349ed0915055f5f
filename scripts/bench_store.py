"""Benchmark the store under one long series: process time as stored versions grow to 100k.

The store is filled with N processed versions of one series (per meeting, a day apart:
one statement, publication, version, and a comparison with the meeting before), then one
new meeting is stored and processed as the process task would (diff against the last
meeting, classification, comparison saved).
Each size is measured twice in the same run on the same data: with the store's indexes,
and with the indexes for the poll and process queries dropped, as the store was before
they were declared. On PostgreSQL (a throwaway cluster, when the server binaries are
installed) the plan of every query the poll and process steps sent is EXPLAINed at the
largest size, and any sequential scan over a filled table is printed.

    .venv/bin/python scripts/bench_store.py [--sizes 1000,10000,100000] [--runs 3]
                                            [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlalchemy import event, insert, text

from coalition_watch.classify import Classifier
from coalition_watch.model import Document
from coalition_watch.process import Processor
from coalition_watch.store import Store, open_store
from coalition_watch.store import schema as t
from coalition_watch.store.repository import content_hash, now
from coalition_watch.themes import load_themes

SEED_PAIR = Path(__file__).parents[1] / "tests" / "data" / "diff" / "seed_pair.yaml"
SERIES = "bench-small-group"
SOURCE = "bench-source"
FIRST_MEETING = date(1700, 1, 1)  # 100k meetings a day apart end before today
# The indexes declared for the poll and process queries (issue 17, point 8).
NEW_INDEXES = (
    "ix_statements_series_published",
    "ix_publications_source_first_seen",
    "ix_versions_processed_at",
)
TABLES_FILLED = {"statements", "publications", "versions", "comparisons"}


def seed_documents() -> list[Document]:
    data = yaml.safe_load(SEED_PAIR.read_text(encoding="utf-8"))
    return [
        Document(data[k]["title"], tuple(data[k]["paragraphs"]), data[k]["published"])
        for k in ("old", "new")
    ]


def fill(store: Store, start: int, stop: int) -> None:
    """Meetings start..stop-1 of the series, stored and already processed (bulk insert)."""
    stamp = now()
    for lo in range(start, stop, 10_000):
        days = [
            (k, (FIRST_MEETING + timedelta(days=k)).isoformat())
            for k in range(lo, min(stop, lo + 10_000))
        ]
        with store.begin() as conn:
            statement_ids = _insert(
                conn,
                t.statements,
                [
                    {
                        "series": SERIES,
                        "title": f"Meeting {k}",
                        "published": day,
                        "first_seen": stamp,
                    }
                    for k, day in days
                ],
            )
            publication_ids = _insert(
                conn,
                t.publications,
                [
                    {"statement_id": sid, "source": SOURCE, "language": "en", "first_seen": stamp}
                    | {"url": f"https://bench.example/meeting/{k}"}
                    for sid, (k, _) in zip(statement_ids, days, strict=True)
                ],
            )
            rows = []
            for pid, (k, day) in zip(publication_ids, days, strict=True):
                paragraphs = [f"The Ministers met on {day} and agreed on point {k}."]
                rows.append(
                    {"publication_id": pid, "content_hash": content_hash(paragraphs)}
                    | {"title": f"Meeting {k}", "published": day, "language": "en"}
                    | {"paragraphs": paragraphs, "fetched_at": stamp, "status": "ok"}
                    | {"processed_at": stamp}
                )
            version_ids = _insert(conn, t.versions, rows)
            # each meeting was compared with the one before, as processing leaves it
            conn.execute(
                insert(t.comparisons),
                [
                    {"old_version_id": old, "new_version_id": new, "basis": "series"}
                    | {"substantive": 1, "cosmetic": 0, "diff": {}, "created_at": stamp}
                    for old, new in zip(version_ids, version_ids[1:], strict=False)
                ],
            )
    with store.begin() as conn:
        conn.execute(text("ANALYZE"))  # what autovacuum / a DBA would have done by now


def _insert(conn, table, rows: list[dict]) -> list[int]:
    """Insert many rows and return their new ids, in the order of `rows`."""
    query = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row.id for row in conn.execute(query, rows)]


class Meetings:
    """New meetings of the series: the opening paragraph of one seed communique or the
    other (real text, so that each new meeting is diffed and classified against the
    last one), with a closing sentence of its own."""

    def __init__(self, store: Store):
        self.store, self.next, self.docs = store, 0, seed_documents()

    def add(self, day: date) -> None:
        self.next += 1
        base = self.docs[self.next % 2]
        document = Document(
            base.title,
            (base.paragraphs[0], f"This is new meeting {self.next}."),
            day.isoformat(),
            language="en",
        )
        self.store.record_version(
            source=SOURCE,
            url=f"https://bench.example/new/{self.next}",
            document=document,
            series=SERIES,
        )


@contextmanager
def without_new_indexes(store: Store, active: bool) -> Iterator[None]:
    """The store as it was before the poll and process indexes were declared."""
    if not active:
        yield
        return
    indexes = [i for table in t.metadata.sorted_tables for i in table.indexes]
    dropped = [i for i in indexes if i.name in NEW_INDEXES]
    with store.begin() as conn:
        for index in dropped:
            index.drop(conn)
        conn.execute(text("ANALYZE"))
    try:
        yield
    finally:
        with store.begin() as conn:
            for index in dropped:
                index.create(conn)
            conn.execute(text("ANALYZE"))


@contextmanager
def recorded_selects(store: Store) -> Iterator[list[tuple[str, object]]]:
    """Every SELECT sent to the database inside the block, with its parameters."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def poll_queries(store: Store) -> None:
    """What a poll of a source asks the store: rechecks, the stored page, known content."""
    store.due_rechecks(SOURCE, watched=20, checked_before=now(), limit=2)
    latest = store.latest_version_at("https://bench.example/meeting/1")
    if latest is not None:
        store.record_version(source=SOURCE, url=latest.url, document=latest.document, series=SERIES)


class DatabaseClock:
    """Wall time spent inside the database driver (queries and their results)."""

    def __init__(self, store: Store):
        self.total = 0.0
        self._started: list[float] = []
        event.listen(store.engine, "before_cursor_execute", self._before)
        event.listen(store.engine, "after_cursor_execute", self._after)

    def _before(self, *args) -> None:
        self._started.append(time.perf_counter())

    def _after(self, *args) -> None:
        self.total += time.perf_counter() - self._started.pop()


def process_once(
    store: Store, meetings: Meetings, processor: Processor, day: date, clock: DatabaseClock
) -> tuple[float, float]:
    """Store one new meeting and process it: (seconds in all, seconds in the database)."""
    meetings.add(day)
    in_database = clock.total
    start = time.perf_counter()
    report = processor.run("quiet")
    elapsed = time.perf_counter() - start
    if report.processed != 1 or report.failed:
        raise SystemExit(f"bench: expected one processed version, got {report.to_json()}")
    return elapsed, clock.total - in_database


def sequential_scans(store: Store, queries: list[tuple[str, object]]) -> list[str]:
    """EXPLAIN each distinct query; the sequential scans over the filled tables."""
    scans: list[str] = []
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        distinct = {statement: parameters for statement, parameters in reversed(queries)}
        for statement, parameters in distinct.items():
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = [row[0] for row in cursor.fetchall()]
            for line in plan:
                if "Seq Scan" in line and any(f" on {table}" in line for table in TABLES_FILLED):
                    first = " ".join(statement.split())[:110]
                    scans.append(f"{line.strip()}\n      for: {first}...")
    finally:
        raw.close()
    return scans


def run_backend(name: str, url: str, sizes: list[int], runs: int) -> None:
    store = open_store(url)
    store.migrate()
    processor = Processor(store, Classifier(load_themes()), [])
    meetings = Meetings(store)
    day = FIRST_MEETING + timedelta(days=max(sizes) + 10)
    filled = 0
    clock = DatabaseClock(store)
    print(
        f"\n{name}: process one new meeting of a series of N stored versions "
        f"(ms, best of {runs}; in brackets the part spent in the database)"
    )
    print(f"  {'N':>7}  {'with indexes':>18}  {'before (none)':>18}  ratio in database")
    for size in sizes:
        fill(store, filled, size)
        filled = size
        times = {}
        for before in (False, True):
            with without_new_indexes(store, before):
                best = (float("inf"), float("inf"))
                for _ in range(runs):
                    day += timedelta(days=1)
                    best = min(best, process_once(store, meetings, processor, day, clock))
                times[before] = best
        (total, db), (old_total, old_db) = times[False], times[True]
        print(
            f"  {size:>7}  {total * 1000:>8.1f} ({db * 1000:>6.1f})  "
            f"{old_total * 1000:>8.1f} ({old_db * 1000:>6.1f})  {old_db / db:6.2f}x",
            flush=True,
        )
    if store.engine.dialect.name != "postgresql":
        return
    for before in (True, False):
        with without_new_indexes(store, before):
            with recorded_selects(store) as queries:
                poll_queries(store)
                day += timedelta(days=1)
                process_once(store, meetings, processor, day, clock)
            scans = sequential_scans(store, queries)
        label = "before (none)" if before else "with indexes"
        print(f"  EXPLAIN at {filled} versions, {label}: {len(scans)} sequential scan(s)")
        for line in scans:
            print(f"    {line}")


def run_postgresql(sizes: list[int], runs: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test kit's checkout
    from tests.kit.postgres import (
        PostgresUnavailable,
        create_database,
        find_bin_dir,
        postgres_server,
    )

    try:
        find_bin_dir()
    except PostgresUnavailable as exc:
        print(f"\npostgresql: skipped ({exc})")
        return
    with postgres_server() as server:
        run_backend("postgresql", create_database(server, "bench_store"), sizes, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda value: sorted(int(n) for n in value.split(",")),
        default=[1_000, 10_000, 100_000],
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="cw-bench-store-") as tmp:
            run_backend("sqlite", f"sqlite:///{tmp}/store.db", args.sizes, args.runs)
    if args.backend in ("postgresql", "both"):
        run_postgresql(args.sizes, args.runs)


if __name__ == "__main__":
    main()
