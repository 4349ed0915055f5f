"""Benchmark search on SQLite: the FTS5 index against a LIKE scan, over N stored versions.

The versions are made from real text: the paragraphs of the two seed communiqués and of
the recorded history pages, recombined per version (a different selection and order, so
no two versions are the same), written in one transaction into the store's tables. Every
timing is the median of repeated runs measured in this run, side by side:

* `search`: `SearchIndex.search` (stemmed, ranked, one row per statement, best first);
* `LIKE`:   `SELECT id FROM versions WHERE paragraphs LIKE '%word%'` (no stems, no
  ranking: the least a search without an index must do).

    .venv/bin/python scripts/bench_search.py [--versions 10000] [--repeat 21]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text

from coalition_watch.extract import extract_path
from coalition_watch.store import open_store
from coalition_watch.store import schema as t
from coalition_watch.store.repository import content_hash
from coalition_watch.store.search import SearchIndex

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["Erbil", "Kadhimi", "attacks", "Coalition", "Sahel attacks", "humanitarian assistance"]


def real_paragraphs() -> list[str]:
    files = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))
    files += sorted((ROOT / "replay" / "history").rglob("*.html"))
    return [p for f in files for p in extract_path(f).paragraphs]


def fill(store, count: int, rng: random.Random) -> None:
    """`count` statements of one version each, in one transaction (the Store's one-by-one
    `record_version` would take minutes and measure nothing of interest here)."""
    pool = real_paragraphs()
    series = ["small_group_ministerial", "political_directors", "ministerial", "other"]
    now = datetime.now(UTC)
    statements, publications, versions = [], [], []
    for i in range(1, count + 1):
        picked = rng.sample(pool, k=min(len(pool), rng.randint(6, 14)))
        title = f"Joint Communiqué no. {i} of the Global Coalition to Defeat Daesh/ISIS"
        day = f"{2014 + i % 12}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        statements.append(
            {"id": i, "series": series[i % 4], "title": title, "published": day, "first_seen": now}
        )
        url = f"https://example.org/statements/{i}"
        publications.append(
            {"id": i, "statement_id": i, "source": "bench", "url": url, "first_seen": now}
        )
        versions.append(
            {
                "id": i,
                "publication_id": i,
                "content_hash": content_hash(picked),
                "title": title,
                "published": day,
                "language": "en",
                "paragraphs": picked,
                "fetched_at": now,
                "status": "ok",
            }
        )
    with store.begin() as conn:
        conn.execute(insert(t.statements), statements)
        conn.execute(insert(t.publications), publications)
        conn.execute(insert(t.versions), versions)


def median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        store.migrate()
        started = time.perf_counter()
        fill(store, args.versions, random.Random(args.seed))
        index = SearchIndex(store)
        stored = time.perf_counter()
        index.refresh()
        indexed = time.perf_counter()
        print(
            f"{args.versions} versions stored in {stored - started:.1f} s, "
            f"indexed in {indexed - stored:.1f} s\n"
        )
        print(f"{'query':<26}{'hits':>6}{'search ms':>11}{'LIKE ms':>10}{'LIKE/search':>13}")
        for query in QUERIES:
            hits = index.search(query, limit=20)
            searched = median_ms(lambda q=query: index.search(q, limit=20), args.repeat)
            like = " AND ".join(f"paragraphs LIKE '%{w}%'" for w in query.split())
            scan = text(f"SELECT id FROM versions WHERE {like}")  # noqa: S608 (fixed words)

            def scan_all(scan=scan):
                with store.engine.connect() as conn:
                    return conn.execute(scan).all()

            scanned = median_ms(scan_all, args.repeat)
            print(
                f"{query:<26}{len(hits):>6}{searched:>11.2f}{scanned:>10.2f}"
                f"{scanned / searched:>12.1f}x"
            )
        print("\nsearch: stemmed FTS5 match, bm25 rank, 20 best statements with their text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
