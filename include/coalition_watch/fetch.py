"""The polite HTTP client: every request coalition-watch makes to an official site goes here.

What "polite" means, in the order a request meets it:

- only http(s) URLs, and only hosts the source allows (also for every redirect hop);
- robots.txt of the host is obeyed for our User-Agent; it is cached in the client and in
  the store (shared by every task process) until it expires (see robots.py), then asked
  for again with its validators;
- a per-host limit: at most `requests_per_minute` request starts and `concurrency`
  requests in flight per host, shared by every thread using the client;
- a conditional GET (If-None-Match / If-Modified-Since) from the validators stored for
  the URL, so an unchanged page costs a 304 and no body;
- a timeout on connect and on each read, plus a total deadline for the whole response,
  headers included, enforced by a watchdog that shuts the socket when it passes, so a server
  that drips one byte at a time (slow loris, in the headers or the body) cannot hold a worker;
- a size cap counted on the *decompressed* body, so a gzip bomb stops at the cap;
- a content-type check and a charset decided from the header, the document itself
  (meta / XML declaration) or, failing both, detection;
- 429 and 5xx are retried with exponential back-off and jitter, honouring Retry-After, and
  all attempts of one URL, back-off included, fit one retry budget.

Failures raise `TransientFetchError` (worth retrying later) or `PermanentFetchError`,
both naming the URL and the reason.

When COALITION_WATCH_REPLAY_URL is set, every request goes to that local replay server
as `<replay>/<host>/<path>?<query>`: the same bytes over real HTTP, while URLs stay the
real ones everywhere else (stored publications, validators, redirects, logs).
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import random
import re
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from coalition_watch.errors import FetchError, PermanentFetchError, TransientFetchError
from coalition_watch.robots import MemoryRobots, RobotsRules, RobotsStore, expiry, rules_for
from coalition_watch.settings import current

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "coalition-watch/0.1 (+https://github.com/coalition-watch; statements monitor)"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_BODY_BYTES = 5 * 1024 * 1024  # no statement page is near this; files given to the CLI too
RETRY_STATUSES = {429, 500, 502, 503, 504}

# Content-type families a caller may ask for.
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)
JSON_TYPES = ("application/json",)


@dataclass(frozen=True)
class Politeness:
    """Limits for one host. The defaults suit an official site polled every few minutes."""

    requests_per_minute: float = 20.0
    concurrency: int = 1
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # per socket read
    total_deadline: float = 60.0  # one attempt, connection to last byte, headers included
    retry_budget: float = 120.0  # every attempt of one URL, back-off included
    max_bytes: int = MAX_BODY_BYTES  # decompressed body
    max_redirects: int = 5
    max_retries: int = 3
    backoff_base: float = 2.0  # seconds; doubled per attempt, with jitter
    backoff_max: float = 120.0  # never wait longer than this inside one request
    respect_robots: bool = True

    @classmethod
    def from_mapping(cls, data: dict, *, base: Politeness | None = None) -> Politeness:
        """A copy of `base` (or the defaults) with the keys of `data` replaced."""
        base = base or cls()
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown politeness keys: {', '.join(sorted(unknown))}")
        values = {name: getattr(base, name) for name in known}
        for key, value in data.items():
            expected = type(values[key])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if type(value) is not expected:
                raise ValueError(f"politeness.{key} must be {expected.__name__}, got {value!r}")
            if expected is not bool and value < 0:
                raise ValueError(f"politeness.{key} must not be negative")
            values[key] = value
        if values["concurrency"] < 1 or values["requests_per_minute"] <= 0:
            raise ValueError("politeness needs concurrency >= 1 and requests_per_minute > 0")
        return cls(**values)


class ValidatorStore(Protocol):
    """Where conditional-GET validators live (the project Store satisfies this)."""

    def validators(self, url: str) -> tuple[str | None, str | None]: ...

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None: ...


class MemoryValidators:
    """A dict-backed ValidatorStore, for one-off fetches and tests."""

    def __init__(self) -> None:
        self.data: dict[str, tuple[str | None, str | None]] = {}

    def validators(self, url: str) -> tuple[str | None, str | None]:
        return self.data.get(url, (None, None))

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.data[url] = (etag, last_modified)


@dataclass
class Response:
    """A fetched resource. `url` is the real final URL (never the replay address)."""

    url: str
    requested_url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    text: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass
class FetchStats:
    """Counters over the client's life; `body_bytes` counts decompressed body bytes read."""

    requests: int = 0
    not_modified: int = 0
    body_bytes: int = 0
    retries: int = 0
    by_host: dict[str, int] = field(default_factory=dict)


class PendingValidators:
    """Validators of responses held back until the caller says the content was stored.

    Saving validators before the page is stored would turn a failed store into a
    page never looked at again (the next poll would get a 304).
    """

    def __init__(self, store: ValidatorStore):
        self.store = store
        self.held: dict[str, tuple[str | None, str | None]] = {}

    def hold(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.held[url] = (etag, last_modified)

    def commit(self, url: str) -> None:
        if url in self.held:
            self.store.save_validators(url, *self.held.pop(url))

    def discard(self, url: str) -> None:
        """Never save these validators: the content they describe was not kept."""
        self.held.pop(url, None)

    def commit_all(self) -> None:
        for url in list(self.held):
            self.commit(url)


class _HostGate:
    """Spacing between request starts and a bound on requests in flight, for one host."""

    def __init__(self, politeness: Politeness):
        self.interval = 60.0 / politeness.requests_per_minute
        self.slots = threading.BoundedSemaphore(politeness.concurrency)
        self.lock = threading.Lock()
        self.next_start = 0.0


class PoliteClient:
    """The one HTTP client. Thread-safe; share one per run so host limits are shared."""

    def __init__(
        self,
        validators: ValidatorStore | None = None,
        *,
        robots: RobotsStore | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        politeness: Politeness | None = None,
        host_politeness: dict[str, Politeness] | None = None,
        replay_url: str | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
    ):
        self.validators = validators if validators is not None else MemoryValidators()
        self.robots = robots if robots is not None else MemoryRobots()
        self.wall_clock = wall_clock  # robots.txt expiry: persisted, so calendar time
        self.user_agent = user_agent
        self.politeness = politeness or Politeness()
        self.host_politeness = dict(host_politeness or {})
        if replay_url is None:
            replay_url = current().replay_url
        self.replay_url = replay_url.rstrip("/") if replay_url else None
        self.session = session or requests.Session()
        self.session.trust_env = False  # no proxies or netrc picked up from the environment
        for prefix in ("http://", "https://"):
            self.session.mount(prefix, _WatchedAdapter())
        self.sleep, self.clock = sleep, clock
        self.rng = rng or random.Random()
        self.stats = FetchStats()
        self._stats_lock = threading.Lock()
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self._robots: dict[str, tuple[RobotsRules, urllib.robotparser.RobotFileParser]] = {}
        self._robots_lock = threading.Lock()
        self._local = threading.local()

    # -- configuration --------------------------------------------------------------------
    def set_host_politeness(self, host: str, politeness: Politeness) -> None:
        """Per-source overrides: a source's politeness applies to its hosts."""
        with self._gates_lock:
            self.host_politeness[host] = politeness
            self._gates.pop(host, None)

    def politeness_for(self, host: str) -> Politeness:
        return self.host_politeness.get(host, self.politeness)

    # -- validators -----------------------------------------------------------------------
    @contextmanager
    def deferred_validators(self) -> Iterator[PendingValidators]:
        """Inside this block (per thread), fresh validators are held, not saved."""
        pending = PendingValidators(self.validators)
        previous = getattr(self._local, "pending", None)
        self._local.pending = pending
        try:
            yield pending
        finally:
            self._local.pending = previous

    def _remember(self, url: str, response: Response) -> None:
        if not (response.etag or response.last_modified):
            return
        pending: PendingValidators | None = getattr(self._local, "pending", None)
        if pending is not None:
            pending.hold(url, response.etag, response.last_modified)
        else:
            self.validators.save_validators(url, response.etag, response.last_modified)

    # -- the request ----------------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        allowed_hosts: Iterable[str] | None = None,
        accept: Iterable[str] = HTML_TYPES,
        conditional: bool = True,
    ) -> Response:
        """GET `url` politely. A 304 comes back as a Response with `not_modified` true."""
        allowed = {h.lower() for h in allowed_hosts} if allowed_hosts else None
        _check_url(url, url, allowed)
        etag, last_modified = self.validators.validators(url) if conditional else (None, None)
        seen: list[str] = []
        current = url
        while True:
            if self.politeness_for(_host(current)).respect_robots:
                self._check_robots(current, requested=url)
            response = self._get_with_retries(current, etag, last_modified)
            if response.status not in REDIRECT_STATUSES:
                break
            location = response.headers.get("location")
            if not location:
                raise PermanentFetchError(url, f"redirect {response.status} without Location")
            seen.append(current)
            target = urljoin(current, location)
            _check_url(url, target, allowed)
            if target in seen:
                raise PermanentFetchError(url, f"redirect loop via {target}")
            if len(seen) > self.politeness_for(_host(url)).max_redirects:
                raise PermanentFetchError(url, f"more than {len(seen) - 1} redirects")
            if _host(target) != _host(current):  # validators belong to the first host
                etag = last_modified = None
            current = target
        response.requested_url = url
        if response.status == 304:
            return response
        if response.status >= 400:
            error = TransientFetchError if response.status >= 500 else PermanentFetchError
            raise error(url, f"HTTP {response.status}")
        if response.status != 200:
            raise PermanentFetchError(url, f"unexpected HTTP {response.status}")
        self._check_body(url, response, tuple(accept))
        self._remember(url, response)
        return response

    def capture(self, url: str) -> Response:
        """One polite GET of `url` answered as served, for recording: no retry, no
        redirect followed, no validators sent, and the body read whatever the status
        (within the size cap). Robots rules and the host's pace still hold."""
        _check_url(url, url, None)
        if self.politeness_for(_host(url)).respect_robots:
            self._check_robots(url, requested=url)
        budget = _RetryBudget(self.politeness_for(_host(url)).retry_budget)
        return self._request_once(url, None, None, budget, any_status=True)

    def _get_with_retries(self, url: str, etag: str | None, last_modified: str | None) -> Response:
        politeness = self.politeness_for(_host(url))
        budget = _RetryBudget(politeness.retry_budget)
        attempt = 0
        while True:
            try:
                response = self._request_once(url, etag, last_modified, budget)
            except TransientFetchError as exc:
                failure: TransientFetchError = exc
            else:
                if response.status not in RETRY_STATUSES:
                    return response
                failure = TransientFetchError(
                    url,
                    f"HTTP {response.status}",
                    retry_after=_retry_after(response.headers.get("retry-after"), self.clock),
                )
            if attempt >= politeness.max_retries:
                raise failure
            delay = politeness.backoff_base * (2**attempt) * (0.5 + self.rng.random())
            if failure.retry_after is not None:
                if failure.retry_after > politeness.backoff_max:
                    raise failure  # the server asked for a longer pause than a poll may wait
                delay = max(delay, failure.retry_after)
            delay = min(delay, politeness.backoff_max)
            if not budget.affords(delay):
                raise TransientFetchError(
                    url,
                    f"{failure.reason}; retry budget of {politeness.retry_budget:g}s spent",
                    retry_after=failure.retry_after,
                )
            budget.charge(delay)
            log.info("retrying %s in %.1fs after %s", url, delay, failure.reason)
            with self._stats_lock:
                self.stats.retries += 1
            self.sleep(delay)
            attempt += 1

    def _request_once(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        budget: _RetryBudget,
        *,
        any_status: bool = False,
    ) -> Response:
        host = _host(url)
        politeness = self.politeness_for(host)
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        gate = self._gate(host)
        with gate.slots:
            waited = self._wait_turn(gate)
            if budget.in_use:  # a retry's wait for its turn is this URL's time too
                budget.charge(waited)
            with self._stats_lock:
                self.stats.requests += 1
                self.stats.by_host[host] = self.stats.by_host.get(host, 0) + 1
            # Deadlines are real time, whatever the injected clock.
            deadline = min(politeness.total_deadline, budget.remaining())
            started = time.monotonic()
            try:
                with _Watchdog(deadline) as watchdog:
                    status, response_headers, body = self._exchange(
                        url, headers, politeness, started, deadline, watchdog, any_status
                    )
            finally:
                budget.charge(time.monotonic() - started)
        return Response(
            url=url, requested_url=url, status=status, headers=response_headers, body=body
        )

    def _exchange(
        self,
        url: str,
        headers: dict[str, str],
        politeness: Politeness,
        started: float,
        deadline: float,
        watchdog: _Watchdog,
        any_status: bool,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request and its response, under the watchdog of this attempt."""
        try:
            raw = self.session.get(
                self.wire_url(url),
                headers=headers,
                allow_redirects=False,
                stream=True,
                timeout=(politeness.connect_timeout, politeness.read_timeout),
            )
        except requests.RequestException as exc:
            if watchdog.expired:
                raise TransientFetchError(url, f"no response headers within {deadline:g}s") from exc
            if isinstance(exc, requests.Timeout):
                raise TransientFetchError(url, f"timed out ({type(exc).__name__})") from exc
            raise TransientFetchError(url, f"connection failed: {_short(exc)}") from exc
        try:
            response_headers = {k.lower(): v for k, v in raw.headers.items()}
            body = b""
            if raw.status_code == 200 or (any_status and raw.status_code != 304):
                body = self._read_capped(url, raw, politeness.max_bytes, started, deadline)
                if watchdog.expired:  # a shut socket reads as the end of a length-less body
                    raise TransientFetchError(url, f"body not complete within {deadline:g}s")
            elif raw.status_code == 304:
                with self._stats_lock:
                    self.stats.not_modified += 1
        except TransientFetchError:
            if watchdog.expired:
                raise TransientFetchError(url, f"body not complete within {deadline:g}s") from None
            raise
        finally:
            raw.close()
        return raw.status_code, response_headers, body

    def _read_capped(
        self, url: str, raw: requests.Response, max_bytes: int, started: float, deadline: float
    ) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            # read1 returns whatever arrived (so a dripping server cannot keep one read
            # blocked past the deadline) and decompresses at most 16 KiB at a time (so
            # the size cap counts decompressed bytes and a gzip bomb stops at the cap).
            while chunk := raw.raw.read1(16 * 1024, decode_content=True):
                size += len(chunk)
                with self._stats_lock:
                    self.stats.body_bytes += len(chunk)
                if size > max_bytes:
                    raise PermanentFetchError(
                        url, f"body larger than {max_bytes} bytes (decompressed)"
                    )
                if time.monotonic() - started > deadline:
                    raise TransientFetchError(url, f"body not complete within {deadline:g}s")
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise TransientFetchError(url, f"body read failed: {_short(exc)}") from exc
        return b"".join(chunks)

    def _check_body(self, url: str, response: Response, accept: tuple[str, ...]) -> None:
        content_type, declared = _parse_content_type(response.headers.get("content-type"))
        response.content_type = content_type
        if not response.body.strip():
            raise PermanentFetchError(url, "empty body with HTTP 200")
        if accept and content_type not in accept:
            raise PermanentFetchError(
                url, f"content type {content_type or 'missing'}, expected {' or '.join(accept)}"
            )
        response.text, response.charset = decode_body(url, response.body, declared, content_type)
        if content_type in HTML_TYPES and looks_truncated(response.text):
            raise TransientFetchError(url, "truncated HTML (document never closes)")

    # -- politeness -----------------------------------------------------------------------
    def _gate(self, host: str) -> _HostGate:
        with self._gates_lock:
            if host not in self._gates:
                self._gates[host] = _HostGate(self.politeness_for(host))
            return self._gates[host]

    def _wait_turn(self, gate: _HostGate) -> float:
        """Sleep until this host's next start; return the seconds slept."""
        with gate.lock:  # reserve the next start time, then sleep outside the lock
            now = self.clock()
            start = max(now, gate.next_start)
            gate.next_start = start + gate.interval
        if start > now:
            self.sleep(start - now)
        return max(start - now, 0.0)

    def _check_robots(self, url: str, *, requested: str) -> None:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._robots_lock:
            held = self._robots.get(key)
        if held is None or not held[0].fresh(self.wall_clock()):
            rules = self._current_robots(key)
            held = (rules, rules.parser(f"{key}/robots.txt"))
            with self._robots_lock:
                self._robots[key] = held
        if not held[1].can_fetch(self.user_agent, url):
            raise PermanentFetchError(requested, f"disallowed by {key}/robots.txt")

    def _current_robots(self, origin: str) -> RobotsRules:
        """The host's rules: from the store while fresh, else asked for (conditionally)."""
        stored = self.robots.robots(origin)
        at = self.wall_clock()
        if stored is not None and stored.fresh(at):
            return stored
        robots_url = f"{origin}/robots.txt"
        etag, last_modified = (stored.etag, stored.last_modified) if stored else (None, None)
        try:
            response = self._get_with_retries(robots_url, etag, last_modified)
        except TransientFetchError:
            if stored is None:
                raise
            # unreachable: the last rules stand in (RFC 9309 §2.4), asked for again next time
            log.warning(
                "%s unreachable, keeping the rules fetched %s", robots_url, stored.fetched_at
            )
            return stored
        cache_control = response.headers.get("cache-control")
        if response.status == 304 and stored is not None:
            rules = stored.revalidated(at, cache_control)
        else:
            rules = RobotsRules(
                rules_for(response.status, response.body),
                response.etag if response.status == 200 else None,
                response.last_modified if response.status == 200 else None,
                fetched_at=at,
                expires_at=expiry(at, cache_control),
            )
        self.robots.save_robots(origin, rules)
        return rules

    # -- replay ---------------------------------------------------------------------------
    def wire_url(self, url: str) -> str:
        """The URL actually requested: the real one, or its address on the replay server."""
        if not self.replay_url:
            return url
        parts = urlsplit(url)
        wire = f"{self.replay_url}/{parts.netloc.lower()}{parts.path or '/'}"
        return f"{wire}?{parts.query}" if parts.query else wire


class _RetryBudget:
    """Seconds left for every attempt of one URL: attempts' real time plus planned back-off."""

    def __init__(self, seconds: float):
        self.left = seconds
        self.in_use = False  # the first attempt has begun

    def remaining(self) -> float:
        return max(self.left, 0.0)

    def affords(self, delay: float) -> bool:
        return self.left - delay > 0

    def charge(self, seconds: float) -> None:
        self.in_use = True
        self.left -= seconds


class _Watchdog:
    """Shuts the sockets of one attempt when its deadline passes.

    Socket timeouts bound each read, not their sum: a server sending its status line and
    headers one byte a second never trips them. A timer thread that shuts the socket down
    does, wherever the reader is blocked (TLS handshake, headers, body).
    """

    _current = threading.local()  # the watchdog of the attempt running on this thread

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        _Watchdog._current.active = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        _Watchdog._current.active = None

    @classmethod
    def watch(cls, sock: socket.socket | None) -> None:
        """Called by the connection for the socket it is about to use on this thread."""
        watchdog: _Watchdog | None = getattr(cls._current, "active", None)
        if watchdog is None or sock is None:
            return
        with watchdog._lock:
            watchdog._sockets.append(sock)
            expired = watchdog.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedSockets:
    """Connection mixin: hands every socket it uses to the running attempt's watchdog."""

    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        _Watchdog.watch(sock)
        return sock

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _Watchdog.watch(self.sock)  # a kept-alive connection, reused for this attempt
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_WatchedSockets, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedSockets, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter, with connections whose sockets the attempt's watchdog can shut."""

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _check_url(requested: str, url: str, allowed: set[str] | None) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (parsing the port is what raises on a bad one)
    except ValueError as exc:
        raise PermanentFetchError(requested, f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise PermanentFetchError(requested, f"only http(s) URLs are fetched, not {url!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise PermanentFetchError(requested, f"no host in {url!r}")
    if allowed is not None and host not in allowed:
        what = "redirect to" if url != requested else "host of"
        raise PermanentFetchError(requested, f"{what} {host} is outside the source's hosts")


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    kind, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return kind.strip().lower() or None, charset


def _retry_after(value: str | None, clock: Callable[[], float]) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


def decode_body(
    url: str, body: bytes, declared: str | None, content_type: str | None = None
) -> tuple[str, str]:
    """Text and the charset used: the header's, else the document's own, else detected.

    A declared charset that cannot decode the bytes is a wrong declaration (it happens
    on real sites): the body is then decoded by detection and a warning names the URL.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="strict"), "utf-8"
    if content_type in JSON_TYPES and not declared:
        declared = "utf-8"  # RFC 8259: JSON is UTF-8
    candidates = [declared] if declared else []
    head = body[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        if match := pattern.search(head):
            candidates.append(match.group(1).decode("ascii").lower())
    for charset in dict.fromkeys(candidates):  # header and meta often agree
        try:
            return body.decode(charset), charset
        except LookupError:
            log.warning("%s: unknown charset %r declared", url, charset)
        except UnicodeDecodeError:
            log.warning("%s: body is not valid %s as declared; detecting", url, charset)
    matches = charset_normalizer.from_bytes(body)
    best = matches.best()
    if best is None or best.encoding is None:
        raise PermanentFetchError(url, "body is not text in any recognisable encoding")
    encoding = best.encoding
    # Western pages mislabelled as UTF-8 are nearly always windows-1252 (as browsers
    # assume); prefer it when the detector finds it as plausible as its first choice.
    for match in matches:
        if "cp1252" in match.could_be_from_charset and match.chaos <= best.chaos:
            encoding = "cp1252"
            break
    if candidates:
        log.warning("%s: decoded as %s instead of declared %s", url, encoding, candidates)
    return body.decode(encoding, errors="replace"), encoding


def looks_truncated(html: str) -> bool:
    """An HTML document that opens <html>/<body> but never closes it was cut off."""
    lowered = html.lower()
    if "<html" in lowered and "</html>" not in lowered:
        return True
    return "<body" in lowered and "</body>" not in lowered


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


__all__ = [
    "FEED_TYPES",
    "HTML_TYPES",
    "JSON_TYPES",
    "FetchError",
    "FetchStats",
    "MemoryValidators",
    "PendingValidators",
    "PoliteClient",
    "Politeness",
    "Response",
    "ValidatorStore",
    "decode_body",
    "looks_truncated",
]
