"""A real local HTTP server that replays the recorded archive, for tests and the demo.

The fetch client, when COALITION_WATCH_REPLAY_URL points here, asks for
`/<host>/<path>?<query>`; the server looks the real URL up in the current *state* of a
scenario (`replay/scenarios/<name>.yaml`) and answers with the recorded bytes over real
HTTP, with real validators: the ETag is a hash of the content and Last-Modified the
date the scenario declares, so conditional requests get a 304 exactly when a careful
site would send one.

Scenario file::

    description: what this scenario shows
    robots:                      # optional robots.txt per host, with an ETag (else 404)
      www.state.gov: |
        User-agent: *
        Disallow: /wp-admin/
    states:
      before:
        urls:
          https://host/path?query:
            file: feeds/x.xml          # relative to the replay root (or `body:` inline)
            content_type: application/rss+xml; charset=utf-8
            status: 200                # default 200
            last_modified: 2020-06-04  # ISO date or datetime, optional
            headers: {X-Extra: 1}      # optional; a `Date` replaces the server's clock
            fault: slowloris           # optional, see FAULTS
            fault_times: 2             # fault only for the first N requests
      after:
        inherits: before             # start from another state's URLs
        urls: {...}

An entry may say `page: true` to take its file and content type from
`replay/pages/INDEX.yaml` (the extraction fixtures) under the same URL.

Run it by hand for the demo::

    python -m tests.kit.replay_server --root replay --scenario demo --state 2020

and switch state with `GET /_replay/state?set=2021`.
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from coalition_watch.errors import ConfigError
from coalition_watch.replay_archive import index_rows

FAULTS = {
    "slowloris": "headers at once, then the body one byte at a time (fault_interval s apart)",
    "redirect_loop": "302 to the same path with an ever-growing ?hop= counter, forever",
    "gzip_bomb": "Content-Encoding: gzip of fault_size bytes of zeros (default 64 MiB)",
    "rate_limited": "429 with Retry-After: fault_retry_after (default 1)",
    "unavailable": "503 with Retry-After: fault_retry_after (default 1)",
    "empty": "200 with an empty body",
    "truncated": "Content-Length of the whole file, half of it sent, connection closed",
}
ENTRY_KEYS = {
    "file",
    "body",
    "page",
    "status",
    "content_type",
    "headers",
    "last_modified",
    "fault",
    "fault_times",
    "fault_interval",
    "fault_size",
    "fault_retry_after",
}


@dataclass(frozen=True)
class Entry:
    url: str
    body: bytes
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None
    fault: str | None = None
    fault_times: int | None = None
    fault_interval: float = 0.05
    fault_size: int = 64 * 1024 * 1024
    fault_retry_after: int = 1

    @property
    def etag(self) -> str:
        """The recorded ETag (`coalition-watch record`), else a hash of the body."""
        return self.headers.get("ETag") or '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


@dataclass(frozen=True)
class RequestRecord:
    """One request the server answered, for tests to inspect."""

    url: str  # the real URL asked for
    status: int
    body_bytes: int
    user_agent: str | None
    conditional: bool
    started: float
    ended: float

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


def url_key(url: str) -> str:
    """Scheme-less lookup key: host (lower case), path, and query if any."""
    parts = urlsplit(url)
    key = f"{parts.netloc.lower()}{parts.path or '/'}"
    return f"{key}?{parts.query}" if parts.query else key


class Scenario:
    """A scenario file loaded and resolved: for each state, URL key -> Entry."""

    def __init__(self, root: Path, name: str):
        self.root = Path(root)
        self.path = self.root / "scenarios" / f"{name}.yaml"
        if not self.path.is_file():
            raise ConfigError(str(self.path), None, "no such scenario file")
        data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        self.description = data.get("description", "")
        self.robots: dict[str, str] = {k.lower(): v for k, v in (data.get("robots") or {}).items()}
        raw_states = data.get("states") or {}
        if not raw_states:
            raise ConfigError(str(self.path), "states", "a scenario needs at least one state")
        self._raw = {str(k): v or {} for k, v in raw_states.items()}
        self.states: dict[str, dict[str, Entry]] = {}
        for name_ in self._raw:
            self.states[name_] = self._resolve(name_, ())

    def _resolve(self, state: str, chain: tuple[str, ...]) -> dict[str, Entry]:
        if state in chain:
            raise ConfigError(str(self.path), f"states.{state}", "inherits itself")
        if state not in self._raw:
            raise ConfigError(str(self.path), f"states.{chain[-1]}.inherits", f"no state {state}")
        raw = self._raw[state]
        entries: dict[str, Entry] = {}
        if parent := raw.get("inherits"):
            entries.update(self._resolve(str(parent), (*chain, state)))
        for url, spec in (raw.get("urls") or {}).items():
            entries[url_key(url)] = self._entry(state, url, spec or {})
        return entries

    def _entry(self, state: str, url: str, spec: dict[str, Any]) -> Entry:
        where = f"states.{state}.urls.{url}"
        unknown = set(spec) - ENTRY_KEYS
        if unknown:
            raise ConfigError(str(self.path), where, f"unknown keys {sorted(unknown)}")
        if spec.get("fault") and spec["fault"] not in FAULTS:
            raise ConfigError(str(self.path), f"{where}.fault", f"unknown fault {spec['fault']}")
        content_type = spec.get("content_type", "text/html; charset=utf-8")
        if spec.get("page"):
            page = _pages_index(self.root).get(url_key(url))
            if page is None:
                raise ConfigError(str(self.path), where, "page: true but not in pages/INDEX.yaml")
            file, content_type = page["file"], spec.get("content_type", page["content_type"])
            body = (self.root / "pages" / file).read_bytes()
        elif "file" in spec:
            file_path = self.root / spec["file"]
            if not file_path.is_file():
                raise ConfigError(str(self.path), f"{where}.file", f"no file {file_path}")
            body = file_path.read_bytes()
        else:
            body = str(spec.get("body", "")).encode("utf-8")
        return Entry(
            url=url,
            body=body,
            status=int(spec.get("status", 200)),
            content_type=content_type,
            headers={str(k): str(v) for k, v in (spec.get("headers") or {}).items()},
            last_modified=_as_datetime(spec.get("last_modified")),
            fault=spec.get("fault"),
            fault_times=spec.get("fault_times"),
            fault_interval=float(spec.get("fault_interval", 0.05)),
            fault_size=int(spec.get("fault_size", 64 * 1024 * 1024)),
            fault_retry_after=int(spec.get("fault_retry_after", 1)),
        )


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@cache
def _pages_index(root: Path) -> dict[str, dict[str, str]]:
    """The extraction fixtures' index, URL key -> {file, content_type}."""
    index = {}
    for row in index_rows(root / "pages"):
        index[url_key(row["url"])] = {
            "file": row["file"],
            "content_type": row.get("content_type", "text/html; charset=utf-8"),
        }
    return index


@cache
def _gzip_zeros(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)


class ReplayServer:
    """`with ReplayServer(root, "demo", "2020") as server:` ... `server.url`."""

    def __init__(self, root: Path, scenario: str, state: str, *, port: int = 0):
        self.scenario = Scenario(Path(root), scenario)
        self._state = ""
        self.set_state(state)
        self.port = port
        self.requests: list[RequestRecord] = []
        self.max_in_flight: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        handler = type("Handler", (_Handler,), {"replay": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self._httpd, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # -- state ----------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    def set_state(self, name: str) -> None:
        if name not in self.scenario.states:
            raise ConfigError(str(self.scenario.path), f"states.{name}", "no such state")
        self._state = name

    def entry(self, url: str) -> Entry | None:
        return self.scenario.states[self._state].get(url_key(url))

    def body_bytes_sent(self) -> int:
        with self._lock:
            return sum(r.body_bytes for r in self.requests)

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- bookkeeping used by the handler ---------------------------------------------------
    def _enter(self, host: str) -> None:
        with self._lock:
            self._in_flight[host] = self._in_flight.get(host, 0) + 1
            self.max_in_flight[host] = max(self.max_in_flight.get(host, 0), self._in_flight[host])

    def _release(self, host: str) -> None:
        with self._lock:
            self._in_flight[host] -= 1

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)

    def _count(self, url: str) -> int:
        """How many times this URL was asked for in this state, this one included."""
        with self._lock:
            key = f"{self._state}|{url_key(url)}"
            self._served[key] = self._served.get(key, 0) + 1
            return self._served[key]


class _Handler(BaseHTTPRequestHandler):
    replay: ReplayServer
    protocol_version = "HTTP/1.1"
    _host: str | None = None
    _released = True  # nothing to log or release outside a replayed request (control calls)

    def handle(self) -> None:
        # a client that gave up mid-answer (faults) or closed a kept-alive socket
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def log_message(self, format: str, *args) -> None:  # quiet: tests read `requests`
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        recorded = getattr(self, "_recorded_date", None)
        return recorded if recorded and timestamp is None else super().date_time_string(timestamp)

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._recorded_date: str | None = None  # a kept-alive handler serves many requests
        if self.path.startswith("/_replay/"):
            self._control()
            return
        host, _, rest = self.path.lstrip("/").partition("/")
        self._url, self._started = f"https://{host}/{rest}", time.monotonic()
        self.replay._enter(host)
        self._host, self._released = host, False
        status, sent = 500, 0
        try:
            status, sent = self._answer(self._url)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should on faults
        finally:
            self._finish(status, sent)

    def _finish(self, status: int, sent: int) -> None:
        """Log the request and stop counting it in flight, once, as soon as its answer is
        known: done after writing the body, it would race with the client's next request
        (or a test reading the log)."""
        if self._released:
            return
        self._released = True
        record = RequestRecord(
            url=self._url,
            status=status,
            body_bytes=sent,
            user_agent=self.headers.get("User-Agent"),
            conditional=bool(
                self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
            ),
            started=self._started,
            ended=time.monotonic(),
        )
        self.replay._release(self._host)
        self.replay._record(record)

    def _control(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        if "set" in query:
            try:
                self.replay.set_state(query["set"][0])
            except ConfigError as exc:
                self._send(400, str(exc).encode(), "text/plain; charset=utf-8")
                return
        self._send(200, self.replay.state.encode(), "text/plain; charset=utf-8")

    def _answer(self, real_url: str) -> tuple[int, int]:
        path = urlsplit(real_url).path
        host = urlsplit(real_url).hostname or ""
        entry = self.replay.entry(real_url)
        if entry is None and "hop=" in real_url:  # a later hop of a redirect loop
            looping = self.replay.entry(real_url.partition("?")[0])
            entry = looping if looping and looping.fault == "redirect_loop" else None
        if entry is None and path == "/robots.txt" and host in self.replay.scenario.robots:
            body = self.replay.scenario.robots[host].encode("utf-8")
            etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
            if etag in (self.headers.get("If-None-Match") or ""):
                return self._send(304, b"", None, {"ETag": etag})
            return self._send(200, body, "text/plain; charset=utf-8", {"ETag": etag})
        if entry is None:
            return self._send(404, b"not in the replay archive", "text/plain; charset=utf-8")
        if entry.fault and (
            entry.fault_times is None or self.replay._count(real_url) <= entry.fault_times
        ):
            return self._fault(entry, real_url)
        headers = dict(entry.headers)
        if entry.status == 200:
            headers["ETag"] = entry.etag
            if entry.last_modified:
                headers["Last-Modified"] = email.utils.format_datetime(
                    entry.last_modified, usegmt=True
                )
            if self._not_modified(entry):
                return self._send(304, b"", None, headers)
        return self._send(entry.status, entry.body, entry.content_type, headers)

    def _not_modified(self, entry: Entry) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return entry.etag in tags or "*" in tags
        since = self.headers.get("If-Modified-Since")
        if since and entry.last_modified:
            try:
                return entry.last_modified <= email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _fault(self, entry: Entry, real_url: str) -> tuple[int, int]:
        fault = entry.fault
        if fault == "rate_limited":
            return self._send(
                429, b"slow down", "text/plain", {"Retry-After": str(entry.fault_retry_after)}
            )
        if fault == "unavailable":
            return self._send(
                503, b"down", "text/plain", {"Retry-After": str(entry.fault_retry_after)}
            )
        if fault == "empty":
            return self._send(200, b"", entry.content_type)
        if fault == "redirect_loop":
            parts = urlsplit(real_url)
            hop = int(parse_qs(parts.query).get("hop", ["0"])[0]) + 1
            location = f"https://{parts.netloc}{parts.path}?hop={hop}"
            return self._send(302, b"", None, {"Location": location})
        if fault == "gzip_bomb":
            body = _gzip_zeros(entry.fault_size)
            return self._send(200, body, entry.content_type, {"Content-Encoding": "gzip"})
        if fault == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", entry.content_type or "text/html")
            self.send_header("Content-Length", str(len(entry.body)))
            self.end_headers()
            half = entry.body[: len(entry.body) // 2]
            self.wfile.write(half)
            self.wfile.flush()
            self.close_connection = True
            return 200, len(half)
        if fault == "slowloris":
            self.send_response(200)
            self.send_header("Content-Type", entry.content_type or "text/html")
            self.send_header("Content-Length", str(len(entry.body)))
            self.end_headers()
            sent = 0
            for byte in entry.body:
                if self.replay._stop.wait(entry.fault_interval):
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                sent += 1
            self.close_connection = True
            return 200, sent
        raise AssertionError(f"unhandled fault {fault}")

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, int]:
        headers = dict(headers or {})
        # A recorded Date (the day the page was captured) stands in for the server's clock.
        self._recorded_date = headers.pop("Date", None)
        self.send_response(status)
        if content_type and status != 304:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        sent = 0 if status == 304 else len(body)
        if status == 304 or not body:
            self._finish(status, sent)
            self.end_headers()
        else:
            self.end_headers()
            self._finish(status, sent)
            self.wfile.write(body)
        return status, sent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Replay the recorded archive over HTTP.")
    parser.add_argument("--root", type=Path, default=Path("replay"))
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--state", required=True)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    server = ReplayServer(args.root, args.scenario, args.state, port=args.port)
    server.start()
    print(f"replaying {args.scenario}/{args.state} at {server.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
