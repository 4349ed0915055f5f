"""Keeping a server's answer back, so a test can kill the client while it waits for it."""

from __future__ import annotations

import threading


class ReplyHold:
    """`reached` is set once the server has stored the request and is keeping its reply back;
    the reply goes out when the test calls `release()` (or after `limit` seconds)."""

    def __init__(self, skip: int = 0, limit: float = 60.0):
        self.skip = skip  # replies let through before the one kept back
        self.reached = threading.Event()
        self._released = threading.Event()
        self.limit = limit

    def applies(self) -> bool:
        """Whether this reply is the one to keep back (counting down the ones let through)."""
        if self.skip:
            self.skip -= 1
            return False
        return True

    def keep_back(self) -> None:
        """Called by the server's handler thread, after storing and before answering."""
        self.reached.set()
        self._released.wait(self.limit)

    def release(self) -> None:
        self._released.set()
