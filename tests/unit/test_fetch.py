"""The polite client against a real local server: validators, limits, safety, decoding."""

from __future__ import annotations

import gzip
import logging
import threading
from pathlib import Path

import pytest
import yaml

from coalition_watch.errors import PermanentFetchError, TransientFetchError
from coalition_watch.fetch import FEED_TYPES, MemoryValidators, PoliteClient, Politeness
from tests.kit.replay_server import ReplayServer

HOST = "www.example.org"
PAGE = f"https://{HOST}/news/statement"
HTML = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>T</title></head>"
    "<body><p>Coalition against Daesh — déclaration</p></body></html>"
)


class Recorder:
    """Injected sleep and clock: sleeping advances the clock, nothing waits for real."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.now += seconds


def scenario(root: Path, urls: dict, robots: dict | None = None, name: str = "t") -> str:
    (root / "scenarios").mkdir(parents=True, exist_ok=True)
    (root / "files").mkdir(exist_ok=True)
    spec_urls = {}
    for i, (url, spec) in enumerate(urls.items()):
        spec = dict(spec)
        if "data" in spec:
            path = root / "files" / f"f{i}"
            data = spec.pop("data")
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            spec["file"] = f"files/f{i}"
        spec_urls[url] = spec
    doc = {"states": {"s": {"urls": spec_urls}}, "robots": robots or {}}
    (root / "scenarios" / f"{name}.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return name


def client_for(server: ReplayServer, rec: Recorder | None = None, **limits) -> PoliteClient:
    rec = rec or Recorder()
    base = {"requests_per_minute": 600.0, "backoff_base": 0.01, "total_deadline": 5.0}
    return PoliteClient(
        MemoryValidators(),
        user_agent="coalition-watch-test/1",
        politeness=Politeness(**{**base, **limits}),
        replay_url=server.url,
        sleep=rec.sleep,
        clock=rec.clock,
    )


def test_conditional_get_downloads_no_body_when_unchanged(tmp_path):
    name = scenario(tmp_path, {PAGE: {"data": HTML, "last_modified": "2021-03-30"}})
    with ReplayServer(tmp_path, name, "s") as server:
        client = client_for(server)
        first = client.get(PAGE)
        assert first.status == 200 and "Daesh" in first.text
        assert client.validators.validators(PAGE)[0] == first.etag
        before = client.stats.body_bytes
        second = client.get(PAGE)
        assert second.not_modified
        assert client.stats.body_bytes == before
        assert server.requests[-1].status == 304 and server.requests[-1].body_bytes == 0
        assert server.requests[-1].conditional


def test_requests_carry_the_configured_user_agent_and_real_urls_stay_real(tmp_path):
    name = scenario(tmp_path, {PAGE + "?a=1&b=%5B%5D": {"data": HTML}})
    with ReplayServer(tmp_path, name, "s") as server:
        response = client_for(server).get(PAGE + "?a=1&b=%5B%5D")
        assert response.url == PAGE + "?a=1&b=%5B%5D"
        assert server.requests[-1].user_agent == "coalition-watch-test/1"


def test_per_host_rate_limit_spaces_request_starts(tmp_path):
    name = scenario(tmp_path, {PAGE: {"data": HTML}, "https://other.example/x": {"data": HTML}})
    with ReplayServer(tmp_path, name, "s") as server:
        rec = Recorder()
        client = client_for(server, rec, requests_per_minute=6.0, respect_robots=False)
        for _ in range(3):
            client.get(PAGE, conditional=False)
        client.get("https://other.example/x")  # another host has its own budget
        assert rec.sleeps == [pytest.approx(10.0), pytest.approx(10.0)]


def test_concurrency_one_per_host_across_threads(tmp_path):
    urls = {f"https://{HOST}/p{i}": {"data": HTML} for i in range(6)}
    name = scenario(tmp_path, urls)
    with ReplayServer(tmp_path, name, "s") as server:
        client = client_for(server, requests_per_minute=1e6)
        threads = [threading.Thread(target=client.get, args=(u,)) for u in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert server.max_in_flight[HOST] == 1
        assert len([r for r in server.requests if "/p" in r.url]) == 6


def test_retry_after_on_429_is_honoured_then_succeeds(tmp_path):
    spec = {"data": HTML, "fault": "rate_limited", "fault_times": 1, "fault_retry_after": 7}
    name = scenario(tmp_path, {PAGE: spec})
    with ReplayServer(tmp_path, name, "s") as server:
        rec = Recorder()
        response = client_for(server, rec).get(PAGE)
        assert response.status == 200
        assert any(s >= 7 for s in rec.sleeps)


def test_503_retries_with_growing_backoff_then_gives_up(tmp_path):
    spec = {"data": HTML, "fault": "unavailable", "fault_retry_after": 0}
    name = scenario(tmp_path, {PAGE: spec})
    with ReplayServer(tmp_path, name, "s") as server:
        rec = Recorder()
        client = client_for(server, rec, max_retries=3, backoff_base=1.0)
        with pytest.raises(TransientFetchError) as error:
            client.get(PAGE)
        assert error.value.url == PAGE and "503" in error.value.reason
        backoff = [s for s in rec.sleeps if s >= 0.5]
        assert len(backoff) == 3 and backoff[0] < backoff[-1]


def test_retry_after_longer_than_allowed_fails_at_once(tmp_path):
    name = scenario(
        tmp_path, {PAGE: {"data": HTML, "fault": "rate_limited", "fault_retry_after": 3600}}
    )
    with ReplayServer(tmp_path, name, "s") as server:
        with pytest.raises(TransientFetchError) as error:
            client_for(server, backoff_max=60.0).get(PAGE)
        assert error.value.retry_after == 3600


def test_robots_txt_is_respected_and_cached(tmp_path):
    robots = {HOST: "User-agent: *\nDisallow: /private/\n"}
    name = scenario(
        tmp_path, {PAGE: {"data": HTML}, f"https://{HOST}/private/x": {"data": HTML}}, robots
    )
    with ReplayServer(tmp_path, name, "s") as server:
        client = client_for(server)
        client.get(PAGE)
        with pytest.raises(PermanentFetchError, match="robots.txt"):
            client.get(f"https://{HOST}/private/x")
        assert sum(r.url.endswith("/robots.txt") for r in server.requests) == 1


def test_only_http_urls_and_only_allowed_hosts(tmp_path):
    client = PoliteClient(replay_url="http://127.0.0.1:9")
    with pytest.raises(PermanentFetchError, match="only http"):
        client.get("file:///etc/passwd")
    with pytest.raises(PermanentFetchError, match="outside the source's hosts"):
        client.get("https://evil.example/", allowed_hosts=[HOST])


def test_redirect_outside_allowed_hosts_is_refused(tmp_path):
    spec = {"status": 302, "headers": {"Location": "https://evil.example/x"}}
    name = scenario(tmp_path, {PAGE: spec})
    with (
        ReplayServer(tmp_path, name, "s") as server,
        pytest.raises(PermanentFetchError, match="redirect to evil.example"),
    ):
        client_for(server).get(PAGE, allowed_hosts=[HOST])


def test_redirect_within_allowed_hosts_is_followed(tmp_path):
    target = "https://archive.example.org/news/statement"
    name = scenario(
        tmp_path, {PAGE: {"status": 301, "headers": {"Location": target}}, target: {"data": HTML}}
    )
    with ReplayServer(tmp_path, name, "s") as server:
        response = client_for(server).get(PAGE, allowed_hosts=[HOST, "archive.example.org"])
        assert response.url == target and response.requested_url == PAGE


def test_endless_redirects_stop(tmp_path):
    name = scenario(tmp_path, {PAGE: {"fault": "redirect_loop"}})
    with (
        ReplayServer(tmp_path, name, "s") as server,
        pytest.raises(PermanentFetchError, match="redirects"),
    ):
        client_for(server, max_redirects=4).get(PAGE)


def test_redirect_cycle_is_named(tmp_path):
    other = f"https://{HOST}/b"
    name = scenario(
        tmp_path,
        {
            PAGE: {"status": 302, "headers": {"Location": other}},
            other: {"status": 302, "headers": {"Location": PAGE}},
        },
    )
    with (
        ReplayServer(tmp_path, name, "s") as server,
        pytest.raises(PermanentFetchError, match="redirect loop"),
    ):
        client_for(server).get(PAGE)


def test_gzip_bomb_stops_at_the_decompressed_cap(tmp_path):
    name = scenario(tmp_path, {PAGE: {"fault": "gzip_bomb", "fault_size": 4 * 1024 * 1024}})
    with ReplayServer(tmp_path, name, "s") as server:
        client = client_for(server, max_bytes=256 * 1024)
        with pytest.raises(PermanentFetchError, match="larger than 262144 bytes"):
            client.get(PAGE)
        assert client.stats.body_bytes < 512 * 1024  # stopped near the cap, not at 4 MiB


def test_gzip_body_is_decompressed(tmp_path):
    name = scenario(
        tmp_path,
        {PAGE: {"data": gzip.compress(HTML.encode()), "headers": {"Content-Encoding": "gzip"}}},
    )
    with ReplayServer(tmp_path, name, "s") as server:
        assert "déclaration" in client_for(server).get(PAGE).text


def test_slow_loris_hits_the_total_deadline(tmp_path):
    name = scenario(
        tmp_path, {PAGE: {"data": HTML * 20, "fault": "slowloris", "fault_interval": 0.02}}
    )
    with ReplayServer(tmp_path, name, "s") as server:
        client = client_for(server, total_deadline=0.3, read_timeout=2.0)
        with pytest.raises(TransientFetchError, match="not complete within 0.3s"):
            client.get(PAGE)


def test_wrong_content_type_is_refused(tmp_path):
    name = scenario(tmp_path, {PAGE: {"data": HTML, "content_type": "image/png"}})
    with (
        ReplayServer(tmp_path, name, "s") as server,
        pytest.raises(PermanentFetchError, match="content type image/png"),
    ):
        client_for(server).get(PAGE, accept=FEED_TYPES)


def test_wrongly_declared_charset_is_detected_and_logged(tmp_path, caplog):
    latin = (
        "<html><head><title>x</title></head><body><p>" + "Déclaration commune, État "
        "islamique, coopération renforcée. " * 20 + "</p></body></html>"
    ).encode("cp1252")
    name = scenario(tmp_path, {PAGE: {"data": latin, "content_type": "text/html; charset=utf-8"}})
    with ReplayServer(tmp_path, name, "s") as server, caplog.at_level(logging.WARNING):
        response = client_for(server).get(PAGE)
    assert "Déclaration commune" in response.text and response.charset != "utf-8"
    assert PAGE in caplog.text and "not valid utf-8" in caplog.text


def test_meta_charset_is_used_when_header_has_none(tmp_path):
    body = "<html><head><meta charset='windows-1252'></head><body><p>Außenminister</p>"
    body += "</body></html>"
    name = scenario(tmp_path, {PAGE: {"data": body.encode("cp1252"), "content_type": "text/html"}})
    with ReplayServer(tmp_path, name, "s") as server:
        response = client_for(server).get(PAGE)
    assert response.charset == "windows-1252" and "Außenminister" in response.text


def test_validators_held_inside_a_deferred_block_until_committed(tmp_path):
    name = scenario(tmp_path, {PAGE: {"data": HTML}})
    with ReplayServer(tmp_path, name, "s") as server:
        client = client_for(server)
        with client.deferred_validators() as pending:
            client.get(PAGE)
            assert client.validators.validators(PAGE) == (None, None)
            pending.commit(PAGE)
        assert client.validators.validators(PAGE)[0] is not None


def test_politeness_overrides_are_checked():
    assert Politeness.from_mapping({"requests_per_minute": 6}).requests_per_minute == 6.0
    with pytest.raises(ValueError, match="unknown politeness keys: speed"):
        Politeness.from_mapping({"speed": 1})
    with pytest.raises(ValueError, match="concurrency must be int"):
        Politeness.from_mapping({"concurrency": "2"})
