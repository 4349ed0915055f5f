"""A local HTTP server that speaks enough of the Slack Web API for delivery tests.

Methods: `auth.test`, `chat.postMessage` (with `thread_ts` for a reply, which must name
a message of the channel), `conversations.list`, `conversations.history` (top-level
messages only, as Slack answers) and `conversations.replies`. Answers use Slack's JSON
shapes: `{"ok": true, ...}` or `{"ok": false, "error": "channel_not_found"}` with HTTP
200, HTTP 429 with `Retry-After` and `{"ok": false, "error": "ratelimited"}`, and HTTP 500
with `{"ok": false, "error": "internal_error"}`.

Channels behave as in a real workspace: each has an id (C...) and a name. chat.postMessage
takes either ("#name" or the id) and answers with the id; conversations.history takes only
the id, and a name gets `channel_not_found`, as real Slack answers; conversations.list pages
through the channels with a cursor. Posting to a channel the workspace lacks fails.

    with FakeSlack(out_dir=tmp, channels=["ops", "iraq-desk"]) as slack:
        slack.fail_next(429, times=3, retry_after=1)
        slack.base_url  # "http://127.0.0.1:PORT/api/", for the connection's extra.base_url
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from tests.kit.holds import ReplyHold

TOKEN = "xoxb-test"


@dataclass
class Fault:
    status: int
    error: str
    retry_after: int | None = None


def channel_id_for(name: str) -> str:
    """A stable, Slack-shaped id for a channel name."""
    return "C" + hashlib.sha256(name.encode()).hexdigest()[:10].upper()


class FakeSlack:
    def __init__(
        self,
        out_dir: Path | None = None,
        token: str = TOKEN,
        channels: Iterable[str] = (),
        page_size: int = 2,
        port: int = 0,
    ):
        self.token = token
        self.out_dir = Path(out_dir) if out_dir else None
        self.channels: dict[str, str] = {}  # name (no "#") -> id
        for name in channels:
            self.add_channel(name)
        self.page_size = page_size  # conversations.list's page, small so cursors are used
        # accepted chat.postMessage payloads, replies included, with the resolved `channel_id`
        self.posted: list[dict] = []
        self.hold: ReplyHold | None = None  # delays the answer to the next accepted post
        self.requests: list[tuple[str, dict]] = []  # every call, accepted or not
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
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

    def add_channel(self, name: str) -> str:
        name = name.lstrip("#")
        self.channels[name] = channel_id_for(name)
        return self.channels[name]

    def reject_channel(self, channel: str) -> None:
        """The channel is gone (deleted, or the bot was removed): posts get channel_not_found."""
        with self._lock:
            self.channels.pop(channel.lstrip("#"), None)

    def channel_id(self, ref: str | None, *, names: bool = True) -> str | None:
        """The id `ref` names: an id, or (when `names`) "#name" or a bare name."""
        if not ref:
            return None
        if ref in self.channels.values():
            return ref
        return self.channels.get(ref.lstrip("#")) if names else None

    def hold_next_reply(self, skip: int = 0) -> ReplyHold:
        """Store the next post (after `skip` more), then keep its answer back until released."""
        self.hold = ReplyHold(skip)
        return self.hold

    def posted_channels(self) -> list[str]:
        """ "#name" of the channel of each accepted top-level message, in order."""
        return ["#" + self._name_of(p["channel_id"]) for p in self.messages]

    @property
    def messages(self) -> list[dict]:
        """Accepted top-level messages, every channel (thread replies left out)."""
        return [p for p in self.posted if not p.get("thread_ts")]

    def messages_for(self, channel: str) -> list[dict]:
        """Top-level messages of `channel` ("#name" or id; replies are under `replies_to`)."""
        wanted = self.channel_id(channel) or channel_id_for(channel.lstrip("#"))
        return [p for p in self.posted if p["channel_id"] == wanted and not p.get("thread_ts")]

    def replies_to(self, channel: str, ts: str) -> list[dict]:
        wanted = self.channel_id(channel) or channel_id_for(channel.lstrip("#"))
        return [p for p in self.posted if p["channel_id"] == wanted and p.get("thread_ts") == ts]

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
            if method == "conversations.list":
                return self._list(body)
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
        channel_id = self.channel_id(channel)
        if channel_id is None:
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        if not body.get("text") and not body.get("blocks"):
            return 200, {}, {"ok": False, "error": "no_text"}
        parent = body.get("thread_ts")
        if parent and not any(p["ts"] == parent for p in self.messages_for(channel)):
            return 200, {}, {"ok": False, "error": "thread_not_found"}
        ts = f"{time.time():.6f}"
        stored = dict(body, ts=ts, channel_id=channel_id)
        self.posted.append(stored)
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            text = json.dumps(body, indent=2, ensure_ascii=False)
            # content hash in the name: a later run never overwrites an earlier file
            digest = hashlib.sha256(text.encode()).hexdigest()[:8]
            reply = "-reply" if parent else ""
            name = f"{len(self.posted):03d}-{self._name_of(channel_id)}{reply}-{digest}.json"
            (self.out_dir / name).write_text(text)
        return (
            200,
            {},
            {"ok": True, "channel": channel_id, "ts": ts, "message": {"text": body.get("text")}},
        )

    def _name_of(self, channel_id: str) -> str:
        return next(name for name, cid in self.channels.items() if cid == channel_id)

    def _list(self, body: dict) -> tuple[int, dict, dict]:
        names = sorted(self.channels)
        start = int(body.get("cursor") or 0)
        limit = min(int(body.get("limit") or 100), self.page_size)
        page = names[start : start + limit]
        more = start + limit < len(names)
        channels = [
            {"id": self.channels[n], "name": n, "is_channel": True, "is_archived": False}
            for n in page
        ]
        cursor = str(start + limit) if more else ""
        return (
            200,
            {},
            {"ok": True, "channels": channels, "response_metadata": {"next_cursor": cursor}},
        )

    def _history(self, body: dict) -> tuple[int, dict, dict]:
        channel = self.channel_id(body.get("channel"), names=False)  # history wants the id
        if channel is None:
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
                hold = fake.hold
                accepted = method == "chat.postMessage" and answer.get("ok")
                if hold is not None and accepted and hold.applies():
                    fake.hold = None
                    hold.keep_back()  # stored; the poster waits for an answer it may never read
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                # The client may be gone: a test killed it while the answer was held.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):  # keep test output quiet
                pass

        return Handler
