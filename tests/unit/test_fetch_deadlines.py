"""Every request ends within its deadline, headers included, and one URL's retries fit a budget.

The server here is a plain socket server that drips its response one byte at a time, slower
than nothing: each byte arrives well inside the per-read timeout, so only a deadline on the
whole exchange can end it.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from coalition_watch.errors import TransientFetchError
from coalition_watch.fetch import MemoryValidators, PoliteClient, Politeness

HEADERS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    + b"X-Pad: "
    + b"y" * 2000
    + b"\r\n"
)
BODY = b"<html><body><p>Coalition against Daesh</p></body></html>"


class DrippingServer:
    """Answers every connection by sending `head`, then `tail`, one byte per `interval`."""

    def __init__(self, head: bytes, tail: bytes = b"", interval: float = 0.05):
        self.head, self.tail, self.interval = head, tail, interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/page"
        self.connections = 0
        self.hung_up_by_client = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            at_once, dripped = (self.head, self.tail) if self.tail else (b"", self.head)
            try:
                conn.sendall(at_once)
                for byte in dripped:
                    if self.stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(self.interval)
            except OSError:  # the client shut the connection: what the deadline must do
                with self.lock:
                    self.hung_up_by_client += 1
                return

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


@pytest.fixture
def dripping_headers():
    server = DrippingServer(HEADERS + b"\r\n" + BODY)  # far more bytes than the deadline allows
    yield server
    server.close()


@pytest.fixture
def dripping_body():
    head = HEADERS + b"\r\n"  # headers at once, no Content-Length: the body ends at close
    server = DrippingServer(head, tail=BODY * 200)
    yield server
    server.close()


def client(**limits) -> PoliteClient:
    base = {"respect_robots": False, "read_timeout": 30.0, "backoff_base": 0.01}
    return PoliteClient(
        MemoryValidators(),
        politeness=Politeness(**{**base, **limits}),
        replay_url="",
        sleep=lambda seconds: None,
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize("server", ["dripping_headers", "dripping_body"])
def test_a_dripping_response_ends_at_the_total_deadline(request, server):
    server = request.getfixturevalue(server)
    with pytest.raises(TransientFetchError) as error:
        client(total_deadline=0.5, max_retries=0).get(server.url)
    part = "response headers" if server.head.endswith(BODY) else "body not complete"
    assert part in error.value.reason and "0.5s" in error.value.reason
    assert server.connections == 1
    deadline = time.monotonic() + 10
    while server.hung_up_by_client < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.hung_up_by_client == 1  # the client closed, not the server


@pytest.mark.timeout(60)
def test_retries_of_one_url_share_one_budget(dripping_headers):
    """Ten retries are allowed, but each attempt costs its 0.4 s deadline of a 1 s budget."""
    with pytest.raises(TransientFetchError) as error:
        client(total_deadline=0.4, retry_budget=1.0, max_retries=10).get(dripping_headers.url)
    assert "retry budget of 1s spent" in error.value.reason
    assert 1 <= dripping_headers.connections <= 3  # never the 11 attempts retries would allow


def test_back_off_counts_against_the_budget_too():
    """Planned back-off sleeps are charged as they are planned, even when sleep is injected."""
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    served = []

    def unavailable() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(4096)
                served.append(1)  # before answering, so the count is complete when get() ends
                conn.sendall(b"HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=unavailable, daemon=True).start()
    sleeps: list[float] = []
    http = PoliteClient(
        MemoryValidators(),
        politeness=Politeness(
            respect_robots=False,
            requests_per_minute=6000.0,
            backoff_base=1.0,
            max_retries=20,
            retry_budget=10.0,
        ),
        replay_url="",
        sleep=sleeps.append,
    )
    try:
        with pytest.raises(TransientFetchError, match="503; retry budget of 10s spent"):
            http.get(url)
    finally:
        listener.close()
    assert sum(sleeps) <= 10.0  # back-off and waits for the host's turn, all in the budget
    back_off = [s for s in sleeps if s >= 0.5]  # the base is 1 s, jittered by 0.5-1.5
    assert len(served) == len(back_off) + 1 < 21
