"""Backfilling past meetings: history loads without spamming anyone.

Ten invented Small Group communiqués (replay/history) go through the backfill jobs the
backfill DAG calls, in the three alert modes, in and out of order.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from coalition_watch import jobs
from coalition_watch.backfill import BackfillRequest
from coalition_watch.errors import BadInput
from coalition_watch.store import open_store
from coalition_watch.store import schema as t

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "replay" / "history"
PAGES = yaml.safe_load((HISTORY / "INDEX.yaml").read_text(encoding="utf-8"))["pages"]
SMALL_GROUP = [p for p in PAGES if p["series"] == "small_group_ministerial"]
DB = "sqlite:///{}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch):
    """The store the jobs use, on SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = DB.format(tmp_path / "store.db")
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("COALITION_WATCH_DB_URL", url)
    open_store(url).migrate()
    return jobs.store_for(url)


def request(page: dict, mode: str) -> dict:
    params = {"replay_file": f"history/{page['file']}", "alert_mode": mode}
    return jobs.backfill_request(params)


def backfill(pages, mode: str, run_id: str = "manual__test") -> dict:
    """One backfill run: every page ingested (in the given order), then processed once."""
    for page in pages:
        jobs.backfill_ingest(request(page, mode))
    return jobs.backfill_process(request(pages[0], mode), run_id=run_id)


def count(store, table) -> int:
    with store.begin() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def series_links(store) -> dict[str, str]:
    """new statement's published date -> the date of the meeting it was compared with."""
    old, new = t.versions.alias("old"), t.versions.alias("new")
    query = (
        select(new.c.published, old.c.published)
        .select_from(t.comparisons)
        .join(old, t.comparisons.c.old_version_id == old.c.id)
        .join(new, t.comparisons.c.new_version_id == new.c.id)
        .where(t.comparisons.c.basis == "series")
    )
    with store.begin() as conn:
        return dict(conn.execute(query).all())


def expected_links(pages) -> dict[str, str]:
    dates = sorted(str(p["published"]) for p in pages)
    return dict(zip(dates[1:], dates[:-1], strict=True))


def test_ten_meetings_in_quiet_mode_are_stored_and_diffed_and_nobody_hears(db):
    assert len(SMALL_GROUP) >= 10
    backfill(SMALL_GROUP, "quiet")
    assert count(db, t.statements) == len(SMALL_GROUP)
    assert series_links(db) == expected_links(SMALL_GROUP)
    assert count(db, t.messages) == 0
    assert count(db, t.deliveries) == 0


def test_ten_meetings_in_digest_mode_hold_every_alert_for_the_digest(db):
    backfill(SMALL_GROUP, "digest")
    with db.begin() as conn:
        sent = conn.execute(
            select(func.count()).where(
                t.messages.c.template.in_(("new_statement", "revised_statement"))
            )
        ).scalar()
    assert sent == 0


def test_digest_mode_sends_one_digest_per_subscriber_for_the_whole_backfill(db):
    backfill(SMALL_GROUP, "digest", run_id="manual__digest")
    with db.begin() as conn:
        rows = conn.execute(
            select(t.messages.c.recipient, t.messages.c.template, func.count())
            .join(t.deliveries, t.deliveries.c.message_id == t.messages.c.id)
            .where(t.messages.c.channel.in_(("email", "slack")))  # not the held digest items
            .group_by(t.messages.c.recipient, t.messages.c.template)
        ).all()
    assert rows, "a digest backfill must tell someone"
    assert all(n == 1 for *_, n in rows)
    assert {template for _, template, _ in rows} == {"daily_digest"}
    addresses = {address for s in jobs.subscribers() for _, address in s.addresses}
    assert {recipient for recipient, *_ in rows} <= addresses


def test_out_of_order_ingestion_links_each_meeting_to_the_one_before(db):
    shuffled = SMALL_GROUP[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != SMALL_GROUP
    backfill(shuffled, "quiet")
    assert series_links(db) == expected_links(SMALL_GROUP)


def test_reingesting_a_statement_is_a_no_op(db):
    backfill(SMALL_GROUP[:3], "quiet")
    before = {name: count(db, table) for name, table in t.metadata.tables.items()}
    assert jobs.backfill_ingest(request(SMALL_GROUP[1], "normal")) == []
    jobs.backfill_process(request(SMALL_GROUP[1], "normal"), run_id="again")
    after = {name: count(db, table) for name, table in t.metadata.tables.items()}
    assert after == before


def test_series_are_kept_apart(db):
    directors = [p for p in PAGES if p["series"] == "political_directors"]
    backfill(SMALL_GROUP[-2:] + directors, "quiet")
    links = series_links(db)
    assert links == {**expected_links(SMALL_GROUP[-2:]), **expected_links(directors)}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({}, "exactly one"),
        ({"url": "ftp://example.org/x"}, "'url'"),
        ({"url": "https://a.example/x", "replay_file": "x.html"}, "exactly one"),
        ({"source": "aa-en", "start_date": "2021-13-01", "end_date": "2021-12-01"}, "start_date"),
        ({"source": "aa-en", "start_date": "2022-01-01", "end_date": "2021-01-01"}, "after"),
        ({"source": "nowhere", "start_date": "2021-01-01", "end_date": "2021-02-01"}, "nowhere"),
        ({"url": "https://a.example/x", "alert_mode": "loud"}, "alert_mode"),
        ({"url": "https://a.example/x", "series": "tea_party"}, "series"),
    ],
)
def test_invalid_parameters_are_refused_with_the_field_named(params, named):
    with pytest.raises(BadInput, match=named):
        BackfillRequest.from_params(
            params, known_sources=jobs.source_ids(), known_series=jobs.series_ids()
        )


def test_a_folder_of_the_archive_is_one_backfill(db):
    req = jobs.backfill_request({"replay_file": "history", "alert_mode": "quiet"})
    assert len(jobs.backfill_ingest(req)) == len(PAGES)
    jobs.backfill_process(req, run_id="folder")
    assert count(db, t.statements) == len(PAGES)
    assert count(db, t.messages) == 0


def test_replay_files_outside_the_archive_are_refused(db):
    req = jobs.backfill_request({"replay_file": "../pyproject.toml", "alert_mode": "quiet"})
    with pytest.raises(BadInput, match="outside the archive"):
        jobs.backfill_ingest(req)
