"""`coalition-watch sources check` and `record`, end to end against the local replay server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import yaml

from coalition_watch.fetch import MemoryValidators, PoliteClient
from coalition_watch.recorder import record
from coalition_watch.replay_archive import url_of
from coalition_watch.sources.check import REPLAY_POLITENESS
from tests.kit.replay_server import ReplayServer

REPLAY = Path(__file__).resolve().parents[2] / "replay"
ESTERI = "https://www.esteri.it/en/sala_stampa/archivionotizie/comunicati/"
EMBASSY_PAGE = "joint-statement-political-directors-global-coalition-defeat-isis.html"
GOV_UK_ATOM = (
    "https://www.gov.uk/search/news-and-communications.atom?keywords=Daesh&"
    "organisations%5B%5D=foreign-commonwealth-development-office"
)
STATE_RSS = "https://www.state.gov/rss-feed/press-releases/feed/"
STATE_PAGE = (
    "https://www.state.gov/joint-statement-political-directors-global-coalition-defeat-isis/"
)
AA_RSS = "https://www.auswaertiges-amt.de/static/appdata/includes/rss_en/RSS_Pressemitteilungen_Reden.xml"


@pytest.fixture
def broken_archive(tmp_path):
    """An archive where three sources break the way real sites do."""
    scenario = {
        "states": {
            "broken": {
                "urls": {
                    # a redesigned listing: the item selector matches nothing
                    ESTERI: {"file": str(REPLAY / "pages/iq.usembassy.gov" / EMBASSY_PAGE)},
                    # the feed is down, asking to come back in two minutes
                    GOV_UK_ATOM: {"fault": "unavailable", "fault_retry_after": 120},
                    # the feed works, its newest article is gone
                    STATE_RSS: {
                        "file": str(REPLAY / "feeds/www.state.gov/press-releases-feed.xml"),
                        "content_type": "application/rss+xml; charset=UTF-8",
                    },
                }
            }
        }
    }
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "broken.yaml").write_text(yaml.safe_dump(scenario))
    return tmp_path


@pytest.fixture
def replayed_sources(monkeypatch):
    """The archive's `all-sources` scenario served locally, as a developer would run it."""
    with ReplayServer(REPLAY, "all-sources", "initial") as server:
        monkeypatch.setenv("COALITION_WATCH_REPLAY_URL", server.url)
        yield server


def test_every_packaged_source_checks_out_against_the_replay(run_cli, replayed_sources):
    code, out, err = run_cli("sources", "check", "--json")
    assert code == 0, err
    results = {r["source"]: r for r in json.loads(out)}
    assert len(results) >= 5
    for result in results.values():
        assert result["ok"] and result["reachable"] and result["status"] == 200, result
        assert result["found"] >= result["kept"] >= result["items"] >= 1, result
        newest = result["newest"]
        assert newest["title"] and newest["published"] and newest["language"], result
        assert newest["paragraphs"] >= 3, result
    # the keyword filter's work is visible: the Foreign Office lists more than it keeps
    assert results["aa-en"]["found"] > results["aa-en"]["kept"]
    assert results["aa-en"]["newest"]["published"] == "2021-03-30"


def test_the_text_report_names_each_source_and_its_newest_statement(run_cli, replayed_sources):
    code, out, _ = run_cli("sources", "check", "--source", "gov-uk")
    assert code == 0
    assert "gov-uk (gov_uk): ok" in out
    assert "HTTP 200, 2 entries, 1 kept by the keyword filter" in out
    assert "2021-06-28 | en | 6 paragraph(s) | Global Coalition ministers" in out
    assert out.rstrip().endswith("1 ok, 0 failed")


def test_failing_sources_say_what_failed_and_exit_1(run_cli, broken_archive, monkeypatch):
    with ReplayServer(broken_archive, "broken", "broken") as server:
        monkeypatch.setenv("COALITION_WATCH_REPLAY_URL", server.url)
        ids = ["--source", "esteri-it", "--source", "gov-uk", "--source", "state-gov"]
        code, out, _ = run_cli("sources", "check", *ids, "--json")
        text_code, text, _ = run_cli("sources", "check", *ids)
    assert code == text_code == 1
    results = {r["source"]: r for r in json.loads(out)}
    assert not any(r["ok"] for r in results.values())
    esteri = results["esteri-it"]
    assert esteri["reachable"] and esteri["status"] == 200
    assert "listing selector 'div.lista-notizie article' matched nothing" in esteri["problems"][0]
    uk = results["gov-uk"]
    assert uk["reachable"] and uk["status"] == 503 and "HTTP 503" in uk["problems"][0]
    state = results["state-gov"]
    assert state["kept"] == 1 and state["newest"] is None
    assert state["problems"] == [f"newest item: {STATE_PAGE}: HTTP 404"]
    assert "0 ok, 3 failed: state-gov, gov-uk, esteri-it" in text
    assert "problem  newest item" in text


def test_an_unreachable_site_is_reported_as_such(run_cli, monkeypatch):
    monkeypatch.setenv("COALITION_WATCH_REPLAY_URL", "http://127.0.0.1:9")  # discard port
    code, out, _ = run_cli("sources", "check", "--source", "gov-uk", "--json")
    [result] = json.loads(out)
    assert code == 1
    assert result["reachable"] is False and result["status"] is None
    assert "connection failed" in result["problems"][0]


def test_without_a_replay_server_the_check_asks_for_one_or_live(run_cli):
    code, out, err = run_cli("sources", "check")
    assert code == 2 and not out
    assert "COALITION_WATCH_REPLAY_URL" in err and "--live" in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_source_is_bad_input(run_cli):
    code, _, err = run_cli("sources", "check", "--source", "nope")
    assert code == 2 and "nope" in err and len(err.strip().splitlines()) == 1


def _fast_client(server: ReplayServer) -> PoliteClient:
    return PoliteClient(MemoryValidators(), politeness=REPLAY_POLITENESS, replay_url=server.url)


def _served(server: ReplayServer, url: str) -> requests.Response:
    return requests.get(PoliteClient(replay_url=server.url).wire_url(url), timeout=10)


def test_a_recorded_response_replays_byte_identical(run_cli, tmp_path, monkeypatch):
    archive = tmp_path / "replay"
    archive.mkdir()
    urls = [AA_RSS, STATE_PAGE, GOV_UK_ATOM]
    with ReplayServer(REPLAY, "all-sources", "initial") as live:
        monkeypatch.setenv("COALITION_WATCH_REPLAY_URL", live.url)
        code, out, err = run_cli("record", AA_RSS, "--into", archive, "--state", "captured")
        assert code == 0, err
        assert "200 application/rss+xml" in out and "1 response(s) recorded" in out
        record(urls[1:], archive, _fast_client(live), state="captured")
        originals = {url: _served(live, url) for url in urls}
    with ReplayServer(archive, "recorded", "captured") as replayed:
        for url, original in originals.items():
            again = _served(replayed, url)
            assert again.status_code == original.status_code == 200
            assert again.content == original.content, url
            for header in ("Content-Type", "ETag", "Last-Modified"):
                assert again.headers.get(header) == original.headers.get(header), (url, header)
        # a conditional request with the recorded ETag gets a 304, as from the site
        etag = originals[AA_RSS].headers["ETag"]
        wire = PoliteClient(replay_url=replayed.url).wire_url(AA_RSS)
        assert requests.get(wire, headers={"If-None-Match": etag}, timeout=10).status_code == 304
    [row] = [
        r
        for r in yaml.safe_load((archive / "recorded/INDEX.yaml").read_text())["pages"]
        if r["url"] == AA_RSS
    ]
    assert row["status"] == 200 and row["etag"] == etag and row["last_modified"]
    assert url_of(archive / "recorded" / row["file"]) == AA_RSS


def test_an_error_answer_is_recorded_with_its_retry_after(broken_archive, tmp_path):
    archive = tmp_path / "captures"
    archive.mkdir()
    with ReplayServer(broken_archive, "broken", "broken") as site:
        [recording] = record([GOV_UK_ATOM], archive, _fast_client(site), state="outage")
    assert recording.status == 503 and recording.headers["Retry-After"] == "120"
    with ReplayServer(archive, "recorded", "outage") as replayed:
        again = _served(replayed, GOV_UK_ATOM)
    assert again.status_code == 503 and again.headers["Retry-After"] == "120"
    assert again.content == b"down"


def test_recording_twice_keeps_one_index_row_per_url(tmp_path):
    archive = tmp_path / "replay"
    archive.mkdir()
    with ReplayServer(REPLAY, "all-sources", "initial") as site:
        record([STATE_RSS], archive, _fast_client(site), state="a")
        record([STATE_RSS, STATE_PAGE], archive, _fast_client(site), state="b")
    rows = yaml.safe_load((archive / "recorded/INDEX.yaml").read_text())["pages"]
    assert sorted(r["url"] for r in rows) == sorted([STATE_RSS, STATE_PAGE])
    states = yaml.safe_load((archive / "scenarios/recorded.yaml").read_text())["states"]
    assert set(states) == {"a", "b"} and len(states["b"]["urls"]) == 2


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["record", STATE_RSS, "--into", "/nonexistent/replay"], "/nonexistent/replay"),
        (["record", "ftp://example.org/x", "--into", "."], "ftp://example.org/x"),
    ],
)
def test_record_refuses_bad_input_in_one_line(run_cli, args, named):
    code, _, err = run_cli(*args)
    assert code == 2 and named in err and len(err.strip().splitlines()) == 1
