"""Every environment variable the package reads: named, typed and checked in one place.

Configuration proper is YAML (see `config_files`); the environment only says where things
are and how a deployment runs. `current()` reads the variables below, checks each once per
distinct environment, and returns them typed; a bad value stops the run with one line
naming the variable (`COALITION_WATCH_X: what is wrong`). No other module reads
`os.environ` for the package's own settings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from coalition_watch.errors import SettingError

DB_URL_ENV = "COALITION_WATCH_DB_URL"
CONFIG_DIR_ENV = "COALITION_WATCH_CONFIG_DIR"
# When set, every http(s) request goes to this local replay server instead (demo, tests).
REPLAY_URL_ENV = "COALITION_WATCH_REPLAY_URL"
LINK_BASE_ENV = "COALITION_WATCH_LINK_BASE"
LINK_SECRET_ENV = "COALITION_WATCH_LINK_SECRET"  # signs readers' links (see links.py)
LINK_DAYS_ENV = "COALITION_WATCH_LINK_DAYS"
MIN_LINK_SECRET_LENGTH = 16
HORIZON_ENV = "COALITION_WATCH_ALERT_HORIZON_DAYS"
USER_AGENT_ENV = "COALITION_WATCH_USER_AGENT"
POLL_SCHEDULE_ENV = "COALITION_WATCH_POLL_SCHEDULE"
TIMEZONE_ENV = "COALITION_WATCH_TIMEZONE"
RAW_RETENTION_ENV = "COALITION_WATCH_RAW_RETENTION_DAYS"
LEDGER_RETENTION_ENV = "COALITION_WATCH_LEDGER_RETENTION_DAYS"
# The recorded archive a backfill may load pages from (`replay_file`); default: the
# repository's replay/ folder, when the package runs from a checkout.
REPLAY_ROOT_ENV = "COALITION_WATCH_REPLAY_ROOT"
CHECKOUT_REPLAY_ROOT = Path(__file__).resolve().parents[2] / "replay"
AIRFLOW_HOME_ENV = "AIRFLOW_HOME"  # only to place the default SQLite store beside Airflow's

# Variables earlier versions read; setting one now would silently do nothing, so it is refused.
RETIRED = {
    "COALITION_WATCH_THEMES": "put themes.yaml in COALITION_WATCH_CONFIG_DIR",
    "COALITION_WATCH_SUBSCRIPTIONS": "put subscriptions.yaml in COALITION_WATCH_CONFIG_DIR",
    "COALITION_WATCH_TEMPLATES": "put the templates in COALITION_WATCH_CONFIG_DIR/templates/",
}


@dataclass(frozen=True)
class Settings:
    db_url: str
    config_dir: Path | None  # a deployment's YAML files and templates, over the packaged ones
    replay_url: str | None
    replay_root: Path | None  # as configured; `replay_root()` adds the checkout's default
    link_base: str | None  # public URL of the statements UI, for "see the full diff"
    link_secret: str | None  # None: links.py asks Airflow for one
    link_days: int  # how long a reader's signed link opens its comparison
    alert_horizon_days: int | None  # days after which a statement is history (None: never)
    user_agent: str | None  # None: the fetch client's identifying default
    poll_schedule: str
    timezone: str  # of the daily digest's 07:00
    raw_retention_days: int
    ledger_retention_days: int


@dataclass(frozen=True)
class Variable:
    name: str
    field: str
    parse: Callable[[str], Any]
    default: Any


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _db_url(value: str) -> str:
    if not re.match(r"^[a-z][a-z0-9+]*://", value):
        raise ValueError(f"expected a database URL such as sqlite:///path.db, got {value!r}")
    return value


def _directory(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise ValueError(f"no such directory: {value}")
    return path


def _horizon(value: str) -> int | None:
    if value.strip().lower() in ("", "none"):
        return None
    return _days(value)


def _days(value: str) -> int:
    if not value.strip().isdigit():
        raise ValueError(f"expected a number of days, got {value!r}")
    return int(value)


def _retention(value: str) -> int:
    days = _days(value)
    if days < 1:
        raise ValueError(f"expected at least 1 day, got {value!r}")
    return days


_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,?#LW-]+$")
_CRON_PRESETS = {"@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually"}


def _cron(value: str) -> str:
    value = value.strip()
    fields = value.split()
    if value in _CRON_PRESETS or (len(fields) == 5 and all(map(_CRON_FIELD.match, fields))):
        return value
    raise ValueError(f"expected a cron expression such as '*/15 * * * *', got {value!r}")


def _timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (expected e.g. Europe/Berlin)") from None
    return value


def _secret(value: str) -> str:
    if len(value) < MIN_LINK_SECRET_LENGTH:
        raise ValueError(f"the link secret needs {MIN_LINK_SECRET_LENGTH}+ characters")
    return value


def _text(value: str) -> str | None:
    return value.strip() or None


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A blank value means "not set" (compose files often pass `VAR=` through)."""
    return lambda value: parse(value) if value.strip() else None


VARIABLES = (
    Variable(DB_URL_ENV, "db_url", _optional(_db_url), None),
    Variable(CONFIG_DIR_ENV, "config_dir", _optional(_directory), None),
    Variable(REPLAY_URL_ENV, "replay_url", _optional(_http_url), None),
    # Checked where it is used: only a replay backfill needs the archive to be there.
    Variable(REPLAY_ROOT_ENV, "replay_root", _optional(Path), None),
    Variable(LINK_BASE_ENV, "link_base", _optional(_http_url), None),
    Variable(LINK_SECRET_ENV, "link_secret", _optional(_secret), None),
    Variable(LINK_DAYS_ENV, "link_days", _retention, 30),
    Variable(HORIZON_ENV, "alert_horizon_days", _horizon, 30),
    Variable(USER_AGENT_ENV, "user_agent", _text, None),
    Variable(POLL_SCHEDULE_ENV, "poll_schedule", _cron, "*/15 * * * *"),
    Variable(TIMEZONE_ENV, "timezone", _timezone, "Europe/Berlin"),
    Variable(RAW_RETENTION_ENV, "raw_retention_days", _retention, 365),
    Variable(LEDGER_RETENTION_ENV, "ledger_retention_days", _retention, 400),
)
_READ = (*(v.name for v in VARIABLES), AIRFLOW_HOME_ENV, *RETIRED)


def current() -> Settings:
    """The settings of the environment as it is now (checked once per distinct environment)."""
    return _settings(tuple(os.environ.get(name) for name in _READ))


@lru_cache(maxsize=16)
def _settings(raw: tuple[str | None, ...]) -> Settings:
    given = dict(zip(_READ, raw, strict=True))
    for name, hint in RETIRED.items():
        if given[name] is not None:
            raise SettingError(name, f"no longer read: {hint}")
    values: dict[str, Any] = {}
    for variable in VARIABLES:
        value = given[variable.name]
        if value is None:
            values[variable.field] = variable.default
            continue
        try:
            values[variable.field] = variable.parse(value)
        except ValueError as exc:
            raise SettingError(variable.name, str(exc)) from None
    if values["db_url"] is None:
        home = Path(given[AIRFLOW_HOME_ENV] or "var")
        values["db_url"] = f"sqlite:///{(home / 'coalition_watch.db').resolve()}"
    return Settings(**values)


def replay_root() -> Path | None:
    """The replay archive's folder, or None when this installation has none."""
    configured = current().replay_root
    if configured is not None:
        return configured
    return CHECKOUT_REPLAY_ROOT if CHECKOUT_REPLAY_ROOT.is_dir() else None
