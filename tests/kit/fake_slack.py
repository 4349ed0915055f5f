"""A local HTTP server that speaks enough of the Slack Web API for delivery tests.

Methods: `auth.test`, `chat.postMessage` (with `thread_ts` for a reply, which must name
a message of the channel), `conversations.history` (top-level messages only, as Slack
answers) and `conversations.replies`. Answers use Slack's
JSON shapes: `{"ok": true, ...}` or `{"ok": false, "error": "channel_not_found"}`
with HTTP 200, HTTP 429 with `Retry-After` and `{"ok": false, "error": "ratelimited"}`,
and HTTP 500 with `{"ok": false, "error": "internal_error"}`.

    with FakeSlack(out_dir=tmp) as slack:
        slack.fail_next(429, times=3, retry_after=1)
        slack.base_url  # "http://127.0.0.1:PORT/api/", for the connection's extra.base_url
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

TOKEN = "xoxb-test"


@dataclass
class Fault:
    status: int
    error: str
    retry_after: int | None = None


class FakeSlack:
    def __init__(self, out_dir: Path | None = None, token: str = TOKEN):
        self.token = token
        self.out_dir = Path(out_dir) if out_dir else None
        self.missing_channels: set[str] = set()
        self.posted: list[dict] = []  # accepted chat.postMessage payloads, replies included
        self.requests: list[tuple[str, dict]] = []  # every call, accepted or not
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- control ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def connection_json(self) -> str:
        """The AIRFLOW_CONN_* value for a SlackHook pointed at this server."""
        return json.dumps(
            {"conn_type": "slack", "password": self.token, "extra": {"base_url": self.base_url}}
        )

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next `times` chat.postMessage calls with this failure."""
        default = {429: "ratelimited", 500: "internal_error"}.get(status, "channel_not_found")
        with self._lock:
            for _ in range(times):
                self._faults.append(Fault(status, error or default, retry_after))

    def reject_channel(self, channel: str) -> None:
        self.missing_channels.add(channel)

    @property
    def messages(self) -> list[dict]:
        """Accepted top-level messages, every channel (thread replies left out)."""
        return [p for p in self.posted if not p.get("thread_ts")]

    def messages_for(self, channel: str) -> list[dict]:
        """Top-level messages of `channel` (thread replies are under `replies_to`)."""
        return [p for p in self.posted if p.get("channel") == channel and not p.get("thread_ts")]

    def replies_to(self, channel: str, ts: str) -> list[dict]:
        return [p for p in self.posted if p.get("channel") == channel and p.get("thread_ts") == ts]

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the API ---------------------------------------------------------------------------
    def _answer(self, method: str, auth: str | None, body: dict) -> tuple[int, dict, dict]:
        with self._lock:
            self.requests.append((method, body))
            if auth != f"Bearer {self.token}":
                return 200, {}, {"ok": False, "error": "invalid_auth"}
            if method == "auth.test":
                return (
                    200,
                    {},
                    {
                        "ok": True,
                        "url": "https://fake.slack.test/",
                        "team": "Fake",
                        "user": "coalition-watch",
                        "team_id": "T0000001",
                        "user_id": "U0000001",
                        "bot_id": "B0000001",
                    },
                )
            if method == "chat.postMessage":
                return self._post(body)
            if method == "conversations.history":
                return self._history(body)
            if method == "conversations.replies":
                replies = self.replies_to(body.get("channel"), body.get("ts"))
                return 200, {}, {"ok": True, "messages": replies}
            return 404, {}, {"ok": False, "error": "unknown_method"}

    def _post(self, body: dict) -> tuple[int, dict, dict]:
        if self._faults:
            fault = self._faults.popleft()
            headers = (
                {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            )
            return fault.status, headers, {"ok": False, "error": fault.error}
        channel = body.get("channel")
        if not channel or channel in self.missing_channels:
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        if not body.get("text") and not body.get("blocks"):
            return 200, {}, {"ok": False, "error": "no_text"}
        parent = body.get("thread_ts")
        if parent and not any(p["ts"] == parent for p in self.messages_for(channel)):
            return 200, {}, {"ok": False, "error": "thread_not_found"}
        ts = f"{time.time():.6f}"
        stored = dict(body, ts=ts)
        self.posted.append(stored)
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            text = json.dumps(body, indent=2, ensure_ascii=False)
            # content hash in the name: a later run never overwrites an earlier file
            digest = hashlib.sha256(text.encode()).hexdigest()[:8]
            reply = "-reply" if parent else ""
            name = f"{len(self.posted):03d}-{str(channel).lstrip('#')}{reply}-{digest}.json"
            (self.out_dir / name).write_text(text)
        return (
            200,
            {},
            {"ok": True, "channel": channel, "ts": ts, "message": {"text": body.get("text")}},
        )

    def _history(self, body: dict) -> tuple[int, dict, dict]:
        channel = body.get("channel")
        if not channel or channel in self.missing_channels:
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        with_meta = str(body.get("include_all_metadata", "")).lower() in ("true", "1")
        messages = []
        for p in reversed(self.messages_for(channel)):
            item = {"type": "message", "ts": p["ts"], "text": p.get("text", "")}
            if with_meta and p.get("metadata"):
                item["metadata"] = p["metadata"]
            messages.append(item)
        return 200, {}, {"ok": True, "messages": messages[: int(body.get("limit", 100))]}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                method = self.path.rsplit("/", 1)[-1].split("?")[0]
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                status, headers, answer = fake._answer(
                    method, self.headers.get("Authorization"), body
                )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):  # keep test output quiet
                pass

        return Handler
