"""Each bad input from the issue, served by the local server in place of a good page.

Every one must give a clear logged error naming the URL and the reason, leave the stored
version untouched, and produce nothing for users (no new version, nothing quarantined).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coalition_watch.fetch import PoliteClient, Politeness
from coalition_watch.poll import poll_source
from coalition_watch.sources import load_sources
from coalition_watch.store.repository import open_store
from tests.kit.clock import FakeClock
from tests.kit.replay_server import ReplayServer

REPLAY = Path(__file__).resolve().parents[2] / "replay"
FEED = "https://www.auswaertiges-amt.de/static/appdata/includes/rss_en/RSS_Pressemitteilungen_Reden.xml"
PAGE = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition-small-group/2347076"
LIMITS = Politeness(
    requests_per_minute=1e6,
    backoff_base=0.01,
    max_retries=1,
    total_deadline=0.5,
    read_timeout=2.0,
    max_bytes=1024 * 1024,
)


@pytest.fixture
def polled(tmp_path):
    """A store holding the good 4 June 2020 version, and a way to poll again."""
    store = open_store(f"sqlite:///{tmp_path}/store.db")
    store.migrate()
    aa = next(s for s in load_sources() if s.id == "aa-en")
    aa = dataclasses.replace(aa, urls={"rss": FEED}, politeness=None)
    clock = FakeClock(datetime.now(UTC))

    def poll_later():  # when the stored page is due to be read again
        clock.advance(hours=aa.recheck_hours + 1)
        return poll_source(store, aa, http, clock=clock)

    with ReplayServer(REPLAY, "bad-sources", "good") as server:
        http = PoliteClient(store, politeness=LIMITS, replay_url=server.url, sleep=lambda s: None)
        first = poll_source(store, aa, http, clock=clock)
        assert first.status == "new"
        yield store, server, poll_later, first.version_ids[0]


@pytest.mark.parametrize(
    ("state", "url", "reason"),
    [
        ("truncated-html", PAGE, "truncated HTML"),
        ("truncated-connection", PAGE, "body read failed"),
        ("empty-200", PAGE, "empty body"),
        ("not-found-as-200", PAGE, "'not found' page"),
        ("not-xml-feed", FEED, "feed is not well-formed XML"),
        ("gzip-bomb", PAGE, "larger than 1048576 bytes"),
        ("redirect-loop", PAGE, "more than 5 redirects"),
        ("slow-loris", PAGE, "not complete within 0.5s"),
        ("not-text", PAGE, "not text in any recognisable encoding"),
    ],
)
def test_bad_input_is_a_logged_error_and_the_stored_version_stays(
    polled, caplog, state, url, reason
):
    store, server, poll, good_id = polled
    good = store.version(good_id)
    server.set_state(state)
    with caplog.at_level(logging.WARNING, logger="coalition_watch"):
        outcome = poll()
    assert outcome.status == "error"
    assert url in outcome.error and reason in outcome.error
    assert any(url in r.getMessage() and reason in r.getMessage() for r in caplog.records)
    assert not outcome.version_ids and not outcome.quarantined
    assert store.counts()["versions"] == 1
    assert store.version(good_id) == good
    assert outcome.health.kind == "down"
    server.set_state("good")  # once the site is back, the poll recovers without alerts
    recovered = poll()
    assert recovered.status == "unchanged" and recovered.health.kind == "recovered"


def test_unexpected_encoding_is_detected_logged_and_changes_nothing(polled, caplog):
    store, server, poll, good_id = polled
    server.set_state("wrong-encoding")
    with caplog.at_level(logging.WARNING, logger="coalition_watch"):
        outcome = poll()
    assert outcome.status == "unchanged" and not outcome.errors
    assert any(
        PAGE in r.getMessage() and "not valid utf-8" in r.getMessage() for r in caplog.records
    )
    assert store.counts()["versions"] == 1
