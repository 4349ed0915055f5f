"""A real SMTP server (aiosmtpd) for tests and the demo, with switchable faults.

    with LocalSmtpServer(out_dir=tmp) as smtp:
        smtp.fail_next(2)                      # next two messages: 451 (transient)
        smtp.reject("gone@example.org")        # 550 for this recipient (permanent)
        smtp.stop(); smtp.start()              # down (connection refused), then up
        smtp.hold_next_reply()                 # store the next message, hold back its 250
        smtp.drop_after_data(2)                # store the next two, hang up before the 250
        smtp.messages                          # parsed EmailMessage objects received

Each accepted message can be written as NNN-<recipient>.eml into `out_dir`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import threading
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.kit.holds import ReplyHold


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, server: LocalSmtpServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.server.rejected:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        reply = self.server._accept(envelope)
        if reply.startswith("250") and self.server._take_drop():
            server.transport.close()  # stored, and the client never hears the 250
            return reply
        hold = self.server.hold
        if hold is not None and reply.startswith("250") and hold.applies():
            self.server.hold = None
            await asyncio.get_running_loop().run_in_executor(None, hold.keep_back)
        return reply


class LocalSmtpServer:
    def __init__(self, out_dir: Path | None = None, port: int | None = None):
        self.port = port or free_port()
        self.out_dir = Path(out_dir) if out_dir else None
        self.rejected: set[str] = set()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.attempts = 0  # DATA commands seen, accepted or failed
        self._failures = 0
        self._drops = 0
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self.hold: ReplyHold | None = None  # delays the 250 to the next accepted message

    def connection_json(self, from_email: str = "coalition-watch@example.org") -> str:
        """The AIRFLOW_CONN_* value for an SmtpHook pointed at this server."""
        return json.dumps(
            {
                "conn_type": "smtp",
                "host": "127.0.0.1",
                "port": self.port,
                "extra": {
                    "from_email": from_email,
                    "disable_ssl": True,
                    "disable_tls": True,
                    "timeout": 5,
                    "retry_limit": 0,
                },
            }
        )

    def fail_next(self, times: int = 1) -> None:
        with self._lock:
            self._failures += times

    def drop_after_data(self, times: int = 1) -> None:
        """Store the next `times` messages, then drop the connection instead of saying 250."""
        with self._lock:
            self._drops += times

    def _take_drop(self) -> bool:
        with self._lock:
            if self._drops:
                self._drops -= 1
                return True
            return False

    def hold_next_reply(self, skip: int = 0) -> ReplyHold:
        """Accept (store) the next message (after `skip` more), then keep its 250 back until
        the hold is released: the moment a client is killed after the server took the
        message, before it knew."""
        self.hold = ReplyHold(skip)
        return self.hold

    def reject(self, address: str) -> None:
        self.rejected.add(address.lower())

    def received_by(self, address: str) -> list[EmailMessage]:
        return [
            m
            for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True)
            if address in rcpts
        ]

    def _accept(self, envelope) -> str:
        with self._lock:
            self.attempts += 1
            if self._failures:
                self._failures -= 1
                return "451 4.3.0 Temporary failure, try again later"
            msg = message_from_bytes(
                envelope.original_content or envelope.content, policy=email_policy.default
            )
            self.messages.append(msg)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            if self.out_dir:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                who = envelope.rcpt_tos[0].replace("@", "_at_") if envelope.rcpt_tos else "none"
                raw = envelope.original_content or envelope.content
                digest = hashlib.sha256(raw).hexdigest()[:8]  # later runs never overwrite
                path = self.out_dir / f"{len(self.messages):03d}-{who}-{digest}.eml"
                path.write_bytes(raw)
        return "250 Message accepted for delivery"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> LocalSmtpServer:
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> LocalSmtpServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
