"""robots.txt rules outlive the client that fetched them: kept in the store, shared by every
task process until they expire, then asked for again with a conditional GET."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coalition_watch.errors import PermanentFetchError
from coalition_watch.fetch import PoliteClient, Politeness
from coalition_watch.robots import (
    ALLOW_ALL,
    DISALLOW_ALL,
    MAX_AGE,
    RobotsRules,
    expiry,
    rules_for,
)
from tests.kit.clock import FakeClock
from tests.kit.replay_server import ReplayServer
from tests.unit.test_fetch import HOST, HTML, PAGE, scenario

ORIGIN = f"https://{HOST}"
PRIVATE = f"https://{HOST}/private/x"
RULES = "User-agent: *\nDisallow: /private/\n"
FAST = Politeness(requests_per_minute=1e6, backoff_base=0.01, max_retries=1, total_deadline=5.0)


def task_client(store, server: ReplayServer, clock: FakeClock) -> PoliteClient:
    """A client as one poll task makes it: its own memory, the shared store."""
    return PoliteClient(
        store,
        robots=store,
        politeness=FAST,
        replay_url=server.url,
        sleep=lambda seconds: None,
        wall_clock=clock,
    )


def robots_requests(server: ReplayServer) -> list:
    return [r for r in server.requests if r.url.endswith("/robots.txt")]


@pytest.fixture
def site(tmp_path):
    name = scenario(tmp_path, {PAGE: {"data": HTML}, PRIVATE: {"data": HTML}}, {HOST: RULES})
    with ReplayServer(tmp_path, name, "s") as server:
        yield server


def test_separate_task_clients_fetch_robots_txt_once_between_them(store, site) -> None:
    clock = FakeClock(datetime.now(UTC))
    for _ in range(3):
        client = task_client(store, site, clock)
        assert client.get(PAGE).status in (200, 304)  # the page's validators are stored too
        with pytest.raises(PermanentFetchError, match="robots.txt"):
            client.get(PRIVATE)
        clock.advance(minutes=15)
    assert len(robots_requests(site)) == 1
    assert store.robots(ORIGIN).rules == RULES


def test_expired_rules_are_asked_for_again_conditionally_and_cost_no_body(store, site) -> None:
    clock = FakeClock(datetime.now(UTC))
    task_client(store, site, clock).get(PAGE)
    first = store.robots(ORIGIN)
    assert first.expires_at == first.fetched_at + MAX_AGE
    clock.advance(hours=24, seconds=1)
    site.clear_log()
    client = task_client(store, site, clock)
    client.get(PAGE)
    (again,) = robots_requests(site)
    assert again.conditional and again.status == 304 and again.body_bytes == 0
    renewed = store.robots(ORIGIN)
    assert renewed.rules == RULES and renewed.expires_at == clock.now + MAX_AGE
    with pytest.raises(PermanentFetchError, match="robots.txt"):
        client.get(PRIVATE)  # the revalidated rules still hold


def test_rules_expire_in_a_long_running_client_too(store, site) -> None:
    clock = FakeClock(datetime.now(UTC))
    client = task_client(store, site, clock)
    client.get(PAGE)
    clock.advance(hours=25)
    client.get(PAGE)
    assert [r.status for r in robots_requests(site)] == [200, 304]


def test_unreachable_robots_txt_keeps_the_last_rules(store, tmp_path) -> None:
    robots_url = f"{ORIGIN}/robots.txt"
    name = scenario(
        tmp_path,
        {PAGE: {"data": HTML}, PRIVATE: {"data": HTML}, robots_url: {"status": 503, "data": ""}},
    )
    clock = FakeClock(datetime.now(UTC))
    stale = clock.now - timedelta(days=2)
    store.save_robots(ORIGIN, RobotsRules(RULES, '"x"', None, stale, stale + MAX_AGE))
    with ReplayServer(tmp_path, name, "s") as server:
        client = task_client(store, server, clock)
        assert client.get(PAGE).status == 200  # allowed by the last rules known
        with pytest.raises(PermanentFetchError, match="robots.txt"):
            client.get(PRIVATE)
        assert robots_requests(server)  # it was asked for, and failed
    assert store.robots(ORIGIN).fetched_at == stale  # nothing new was learnt


def test_what_a_status_stands_for() -> None:
    assert rules_for(200, RULES.encode()) == RULES
    assert rules_for(401, b"") == rules_for(403, b"") == DISALLOW_ALL
    assert rules_for(404, b"not here") == ALLOW_ALL


@pytest.mark.parametrize(
    ("cache_control", "lifetime"),
    [
        (None, MAX_AGE),
        ("public, max-age=3600", timedelta(hours=1)),
        ('max-age="600"', timedelta(minutes=10)),
        ("max-age=604800", MAX_AGE),  # a week asked for: a day at most
        ("no-cache", MAX_AGE),
    ],
)
def test_expiry_follows_max_age_up_to_a_day(cache_control, lifetime) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert expiry(at, cache_control) == at + lifetime
