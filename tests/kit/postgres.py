"""A throwaway PostgreSQL cluster for tests: initdb in a temp dir, a free local port, gone after.

Uses the server binaries of the OS package (Debian: /usr/lib/postgresql/<major>/bin). initdb
refuses to run as root, so under root the cluster belongs to the `postgres` OS user that the
package creates, and every server command goes through `runuser`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_BIN_ENV = "COALITION_WATCH_PG_BIN"
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
SERVER_OS_USER = "postgres"
START_TIMEOUT_S = 30


class PostgresUnavailable(RuntimeError):
    """No usable PostgreSQL server binaries on this machine."""


class PostgresStartError(RuntimeError):
    """The binaries exist but the cluster did not come up; the message holds the server log."""


@dataclass(frozen=True)
class PostgresServer:
    url: str  # SQLAlchemy URL of the `postgres` maintenance database
    port: int
    data_dir: Path

    def database_url(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)


def find_bin_dir() -> Path:
    """The directory holding initdb and pg_ctl: $COALITION_WATCH_PG_BIN, Debian's, or PATH."""
    candidates: list[Path] = []
    if override := os.environ.get(PG_BIN_ENV):
        candidates.append(Path(override))
    if DEBIAN_PG_ROOT.is_dir():  # newest major version first
        versions = [p for p in DEBIAN_PG_ROOT.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: int(p.name), reverse=True)]
    if on_path := shutil.which("pg_ctl"):
        candidates.append(Path(on_path).resolve().parent)
    for cand in candidates:
        if (cand / "initdb").is_file() and (cand / "pg_ctl").is_file():
            return cand
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) found in "
        f"${PG_BIN_ENV}, {DEBIAN_PG_ROOT}/*/bin or PATH; install the `postgresql` package"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user() -> tuple[list[str], int | None]:
    """Command prefix and uid to run server commands with (root cannot run initdb)."""
    if os.geteuid() != 0:
        return [], None
    try:
        entry = pwd.getpwnam(SERVER_OS_USER)
    except KeyError as exc:
        raise PostgresUnavailable(
            f"running as root and there is no `{SERVER_OS_USER}` OS user to own the cluster"
        ) from exc
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("running as root and `runuser` is missing")
    return [runuser, "-u", SERVER_OS_USER, "--"], entry.pw_uid


def _run(cmd: list[str], what: str, log: Path | None = None) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30)
    if done.returncode != 0:
        server_log = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        raise PostgresStartError(
            f"{what} failed (exit {done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
            + (f"\nserver log:\n{server_log}" if server_log else "")
        )


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a private cluster on 127.0.0.1 with trust auth; stop and delete it on exit."""
    bin_dir = find_bin_dir()
    prefix, uid = _as_server_user()
    base = Path(tempfile.mkdtemp(prefix="cw-pg-"))
    if uid is not None:
        os.chown(base, uid, -1)
    data, log = base / "data", base / "server.log"
    port = free_port()
    pg_ctl = [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data)]
    started = False
    try:
        _run(
            [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            "initdb",
        )  # fmt: skip
        # Durability is pointless for a cluster that lives for one test session.
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        _run(
            [*pg_ctl, "-l", str(log), "-o", options, "-w", "-t", str(START_TIMEOUT_S), "start"],
            f"pg_ctl start on port {port}",
            log,
        )
        started = True
        yield PostgresServer(
            url=f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres",
            port=port,
            data_dir=data,
        )
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def create_database(server: PostgresServer, name: str) -> str:
    """Create an empty database (dropping one of that name) and return its SQLAlchemy URL."""
    if not name.isidentifier():
        raise ValueError(f"database name {name!r} must be a plain identifier")
    engine = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server.database_url(name)
