"""Thirty meetings in one series, for the UI at a real scale (tests and screenshots).

Each meeting's text is a different draw of paragraphs from the invented history pages
and the two seeds (replay/history, tests/data/seeds), so the project's own classifier
finds a changing mix of themes across them, as across real meetings.
"""

from __future__ import annotations

import random
from pathlib import Path

from coalition_watch.extract import extract_path
from coalition_watch.model import Document
from coalition_watch.store import Store

ROOT = Path(__file__).resolve().parents[2]
SERIES = "small_group_ministerial"
MEETINGS = 30


def _paragraph_pool() -> list[str]:
    pages = sorted((ROOT / "replay" / "history").rglob("*.html"))
    seeds = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))
    pool: list[str] = []
    for path in [*pages, *seeds]:
        pool += [p for p in extract_path(path).paragraphs if len(p) > 120]
    return pool


def fill_meetings(store: Store, count: int = MEETINGS, seed: int = 16) -> list[int]:
    """Store `count` meetings, four months apart from January 2012; their version ids."""
    rng = random.Random(seed)
    pool = _paragraph_pool()
    ids = []
    for i in range(count):
        year, month = 2012 + (i * 4) // 12, 1 + (i * 4) % 12
        published = f"{year:04d}-{month:02d}-{1 + rng.randrange(27):02d}"
        paragraphs = tuple(rng.sample(pool, rng.randrange(6, 12)))
        document = Document(
            f"Joint Communiqué of the Small Group, meeting {i + 1}",
            paragraphs,
            published=published,
            language="en",
        )
        version, _ = store.record_version(
            source="aa-en", url=f"https://example.org/small-group/{i + 1}", document=document,
            series=SERIES,
        )  # fmt: skip
        ids.append(version.id)
    return ids
