"""Polling every configured source against the replay archive, through a real store."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from coalition_watch.fetch import PoliteClient, Politeness
from coalition_watch.health import record_poll, source_health
from coalition_watch.poll import poll_source
from coalition_watch.sources import adapter_for, load_sources
from coalition_watch.store.repository import open_store
from coalition_watch.store.schema import publications
from tests.kit.clock import FakeClock
from tests.kit.replay_server import ReplayServer

REPLAY = Path(__file__).resolve().parents[2] / "replay"
FAST = Politeness(requests_per_minute=1e6, backoff_base=0.01, total_deadline=5.0)


@pytest.fixture
def store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/store.db")
    store.migrate()
    return store


def fast_sources():
    return [dataclasses.replace(s, politeness=None) for s in load_sources()]


def client(store, server) -> PoliteClient:
    return PoliteClient(store, politeness=FAST, replay_url=server.url, sleep=lambda s: None)


def test_every_source_yields_its_statements_and_an_idle_poll_downloads_no_body(store):
    with ReplayServer(REPLAY, "all-sources", "initial") as server:
        http = client(store, server)
        first = {s.id: poll_source(store, s, http) for s in fast_sources()}
        assert {k: o.status for k, o in first.items()} == dict.fromkeys(first, "new")
        titles = {
            k: [store.version(v).document.title for v in o.version_ids] for k, o in first.items()
        }
        assert len(titles["aa-en"]) == 2  # RSS and filterlist agree on two statements
        [german] = titles["aa-de"]
        assert german.startswith("Gemeinsame Erklärung von Ministern der Small Group")
        # the listing filter skipped Belarus, Iran, visas, sanctions and newsletters
        assert all("Belarus" not in t and "Visa" not in t for ts in titles.values() for t in ts)
        assert len(titles["global-coalition"]) == 1
        gov_uk = store.version(first["gov-uk"].version_ids[0])
        assert gov_uk.url.startswith("https://www.gov.uk/government/news/")
        assert gov_uk.published == "2021-06-28"

        server.set_state("idle")
        server.clear_log()
        before = http.stats.body_bytes
        idle = [poll_source(store, s, http) for s in fast_sources()]
        assert {o.status for o in idle} == {"unchanged"}
        assert http.stats.body_bytes - before == 0
        assert server.body_bytes_sent() == 0
        assert {r.status for r in server.requests} == {304}


@pytest.mark.parametrize(
    ("source_id", "url", "title", "published"),
    [
        (
            "france-diplomatie",
            "https://www.diplomatie.gouv.fr/en/french-foreign-policy/security-disarmament-and-"
            "non-proliferation/terrorism/news/article/fight-against-daesh-meeting-of-the-small-"
            "group-of-the-global-coalition-04-06-20",
            "Fight against Daesh - Meeting of the Small Group of the Global Coalition",
            "2020-06-04",  # the feed's dc:date
        ),
        (
            "belgium-diplomatie",
            "https://diplomatie.belgium.be/en/joint-communique-ministers-global-coalition-defeat-"
            "daesh-isis",
            "Joint communiqué by the Ministers of the Global Coalition to Defeat Daesh/ISIS",
            "2021-03-30",  # "30 Mar" on a listing served on 7 April 2021
        ),
    ],
)
def test_co_host_ministries_are_read_through_configuration_alone(
    store, tmp_path, source_id, url, title, published
):
    [source] = [s for s in fast_sources() if s.id == source_id]
    assert source.kind == "generic"
    scratch = open_store(f"sqlite:///{tmp_path}/scratch.db")  # keeps the listing's validators
    scratch.migrate()
    with ReplayServer(REPLAY, "all-sources", "initial") as server:
        [item] = adapter_for(source).discover(client(scratch, server))  # others filtered out
        assert (item.url, item.title, item.published) == (url, title, published)
        outcome = poll_source(store, source, client(store, server))
    assert outcome.status == "new"
    [version] = [store.version(v) for v in outcome.version_ids]
    assert (version.url, version.document.title, version.published) == (url, title, published)
    body = "\n".join(version.document.paragraphs)
    assert len(version.document.paragraphs) == 4
    assert "Daesh" in body
    for noise in ["Image Diaporama", "©", "cookie", "Last updated", "See also", "Share"]:
        assert noise not in body, noise


def test_demo_scenario_adds_the_2021_communique(store):
    aa = next(s for s in fast_sources() if s.id == "aa-en")
    aa = dataclasses.replace(aa, urls={"rss": aa.urls["rss"]})
    with ReplayServer(REPLAY, "demo", "2020") as server:
        http = client(store, server)
        first = poll_source(store, aa, http)
        assert first.status == "new"
        [v2020] = [store.version(v) for v in first.version_ids]
        assert v2020.published == "2020-06-04" and v2020.series == "small_group_ministerial"
        assert poll_source(store, aa, http).status == "unchanged"
        server.set_state("2021")
        second = poll_source(store, aa, http)
        assert second.status == "new"
        [v2021] = [store.version(v) for v in second.version_ids]
        assert v2021.published == "2021-03-30"
        assert store.previous_in_series(v2021).id == v2020.id


def test_state_gov_bot_wall_is_a_failed_fetch_not_a_version(store):
    state = next(s for s in fast_sources() if s.id == "state-gov")
    with ReplayServer(REPLAY, "all-sources", "state-gov-blocked") as server:
        outcome = poll_source(store, state, client(store, server))
    assert outcome.status == "error" and not outcome.version_ids
    assert "Technical Difficulties" in outcome.error
    assert store.counts()["versions"] == 0
    assert outcome.health.kind == "down"


def test_source_health_alerts_once_down_and_once_recovered(store):
    kinds = [
        record_poll(store, "aa-en", ok=ok, error=None if ok else "HTTP 503")
        for ok in (True, False, False, False, True, True)
    ]
    assert [k.kind if k else None for k in kinds] == [None, "down", None, None, "recovered", None]
    assert source_health(store, "aa-en").status == "up"


def test_down_after_waits_for_consecutive_failures(store):
    results = [record_poll(store, "s", ok=False, error="x", down_after=2) for _ in range(3)]
    assert [r.kind if r else None for r in results] == [None, "down", None]


def test_one_off_fetch_reads_a_page_through_the_same_client(store):
    from coalition_watch.sources.oneoff import fetch_url

    url = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition/2451466"
    with ReplayServer(REPLAY, "demo", "2021") as server:
        fetched = fetch_url(url, client(store, server))
    assert fetched.document.published == "2021-03-30"
    assert fetched.document.url == url and fetched.raw


def task_client(store, server, clock) -> PoliteClient:
    """A client as one mapped poll task makes it: a process of its own, the shared store."""
    return PoliteClient(
        store,
        robots=store,
        politeness=FAST,
        replay_url=server.url,
        sleep=lambda s: None,
        wall_clock=clock,
    )


def _poll_as_tasks(store, server, clock) -> dict[str, list[str]]:
    """One poll of every source, one task client each: the URLs each source asked for."""
    asked = {}
    for source in fast_sources():
        before = len(server.requests)
        outcome = poll_source(store, source, task_client(store, server, clock), clock=clock)
        assert not outcome.errors, outcome.error
        asked[source.id] = [r.url for r in server.requests[before:]]
    return asked


def _listings() -> set[str]:
    return {url for s in fast_sources() for url in s.urls.values()}


def test_an_idle_poll_asks_each_listing_once_and_nothing_else(store):
    clock = FakeClock(datetime.now(UTC))
    with ReplayServer(REPLAY, "all-sources", "initial") as server:
        _poll_as_tasks(store, server, clock)
        server.set_state("idle")
        server.clear_log()
        clock.advance(minutes=15)
        _poll_as_tasks(store, server, clock)
        asked = [r.url.split("?")[0] for r in server.requests]
    assert sorted(asked) == sorted(url.split("?")[0] for url in _listings())
    assert {r.status for r in server.requests} == {304}
    assert server.body_bytes_sent() == 0


def test_stored_pages_are_re_read_a_few_per_poll_each_once_per_period(store):
    """Watched pages are re-read within the budget of each poll and each once every
    recheck_hours; robots.txt, fetched by the first poll, is good for a day."""
    sources = {s.id: s for s in fast_sources()}
    assert {s.recheck_hours for s in sources.values()} == {6.0}
    clock = FakeClock(datetime.now(UTC))
    with ReplayServer(REPLAY, "all-sources", "initial") as server:
        _poll_as_tasks(store, server, clock)
        server.set_state("idle")
        server.clear_log()
        rereads: Counter = Counter()
        for _ in range(2 * 14):  # 14 hours of polls every 30 minutes
            clock.advance(minutes=30)
            for source_id, urls in _poll_as_tasks(store, server, clock).items():
                listings = {u.split("?")[0] for u in sources[source_id].urls.values()}
                pages = [u for u in urls if u.split("?")[0] not in listings]
                assert len(pages) <= sources[source_id].recheck_budget, (source_id, pages)
                rereads[source_id] += len(pages)
        robots = [r for r in server.requests if r.url.endswith("/robots.txt")]
        statuses = {r.status for r in server.requests}
    with store.engine.connect() as conn:
        stored = Counter(source for (source,) in conn.execute(select(publications.c.source)))
    for source_id, source in sources.items():
        watched = min(stored[source_id], source.recheck_limit)
        if source.options.get("body_from") == "listing":
            watched = 0  # the listing carries the whole body: nothing to re-read
        assert rereads[source_id] == 2 * watched, source_id  # after 6.5-7 h, 12.5-13.5 h
    assert sum(rereads.values()) > 0
    assert robots == []
    assert statuses == {304}
