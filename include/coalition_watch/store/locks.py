"""Run locks: one run of a kind of work on a store at a time, released when the run ends or dies.

Two `process` runs started together (a manual run beside the scheduled one) would each read
the same unprocessed versions and do all the work twice. A run lock serialises them: the
second waits for the first, then finds only what the first left. The lock lives where the
store lives and dies with its holder, so a killed run never leaves it held:
- PostgreSQL: a session advisory lock, released when the connection closes;
- SQLite: an exclusive flock on a file beside the database, released when the process exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text

POLL_SECONDS = 0.2


@contextlib.contextmanager
def run_lock(engine: Engine, name: str, *, wait: float) -> Iterator[bool]:
    """Hold the lock `name` on this store while the block runs; yields False when another
    holder kept it for `wait` seconds (the block should then do nothing)."""
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with _advisory_lock(engine, name, wait) as held:
            yield held
    elif backend == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with _file_lock(Path(f"{engine.url.database}.{name}.lock"), wait) as held:
            yield held
    else:  # an in-memory database has one process by nature
        yield True


def _retrying(try_once, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while not try_once():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


@contextlib.contextmanager
def _advisory_lock(engine: Engine, name: str, wait: float) -> Iterator[bool]:
    key = int.from_bytes(hashlib.sha256(f"coalition-watch:{name}".encode()).digest()[:8], "big")
    key -= 2**63  # advisory keys are signed 64-bit integers
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")

        def try_once() -> bool:
            return bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())

        held = _retrying(try_once, wait)
        try:
            yield held
        finally:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


@contextlib.contextmanager
def _file_lock(path: Path, wait: float) -> Iterator[bool]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:

        def try_once() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        held = _retrying(try_once, wait)
        try:
            yield held
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
