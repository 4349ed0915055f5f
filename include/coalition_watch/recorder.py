"""`coalition-watch record URL... --into replay/`: live responses into the replay archive.

Each URL is fetched once, politely (robots rules and the host's pace, no retry, no
redirect followed), and kept as served: the body byte for byte, the status, and the
headers that matter to polling (Content-Type, ETag, Last-Modified, Retry-After,
Location, Date). The archive gains

    recorded/<host>/<path>          the body
    recorded/INDEX.yaml             one row per URL: file, status, headers, when
    scenarios/recorded.yaml         a state (default: today's date) serving them

so `ReplayServer(root, "recorded", STATE)` answers each URL as the site did, and the
first person with internet access can turn the team's hand-written mimics into captures.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from coalition_watch.config_files import read_yaml
from coalition_watch.errors import BadInput
from coalition_watch.fetch import PoliteClient, Response

FOLDER = "recorded"
SCENARIO = "recorded"
KEPT_HEADERS = ("ETag", "Last-Modified", "Retry-After", "Location", "Date")
_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/json": ".json",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".atom",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/plain": ".txt",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Recording:
    url: str
    file: str  # relative to the archive's root
    status: int
    content_type: str | None
    size: int
    headers: dict[str, str]

    def line(self) -> str:
        return (
            f"{self.status} {self.content_type or '-'} {self.size} bytes  {self.url} -> {self.file}"
        )


def record(urls: list[str], into: Path, client: PoliteClient, *, state: str | None = None):
    """Fetch each URL once and add it to the archive at `into`; returns the recordings."""
    into = Path(into)
    if not into.is_dir():
        raise BadInput(f"--into {into}: no such directory (the replay archive's root)")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadInput(f"{url!r}: not an http(s) URL")
    state = state or datetime.now(UTC).date().isoformat()
    recordings = []
    for url in urls:
        response = client.capture(url)
        recordings.append(_save(into, url, response))
    _update_index(into, recordings)
    _update_scenario(into, state, recordings)
    return recordings


def file_for(url: str, content_type: str | None) -> str:
    """`recorded/<host>/<path>`, with a hash of the query and an extension for the type."""
    parts = urlsplit(url)
    segments = [_UNSAFE.sub("_", s) for s in parts.path.split("/") if s] or ["index"]
    if parts.path.endswith("/") and parts.path != "/":
        segments.append("index")
    name = segments[-1]
    if parts.query:
        name += "_" + hashlib.sha256(parts.query.encode()).hexdigest()[:10]
    kind = (content_type or "").partition(";")[0].strip().lower()
    extension = _EXTENSIONS.get(kind, ".bin")
    if not name.endswith(extension):
        name += extension
    return "/".join([FOLDER, parts.hostname.lower(), *segments[:-1], name])


def _save(into: Path, url: str, response: Response) -> Recording:
    content_type = response.headers.get("content-type")
    file = file_for(url, content_type)
    path = into / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(response.body)
    headers = {
        name: response.headers[name.lower()]
        for name in KEPT_HEADERS
        if response.headers.get(name.lower())
    }
    return Recording(url, file, response.status, content_type, len(response.body), headers)


def _load_yaml(path: Path, default: dict) -> dict:
    if not path.is_file():
        return default
    return read_yaml(path) or default


def _write_yaml(path: Path, header: str, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(header + text, encoding="utf-8")


def _update_index(into: Path, recordings: list[Recording]) -> None:
    index_path = into / FOLDER / "INDEX.yaml"
    rows = {row["url"]: row for row in _load_yaml(index_path, {"pages": []}).get("pages", [])}
    for r in recordings:
        rows[r.url] = {
            "url": r.url,
            "file": r.file.removeprefix(f"{FOLDER}/"),
            "status": r.status,
            "content_type": r.content_type,
            **{name.lower().replace("-", "_"): value for name, value in r.headers.items()},
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    _write_yaml(
        index_path,
        "# Responses recorded by `coalition-watch record`, as the sites served them.\n",
        {"pages": list(rows.values())},
    )


def _update_scenario(into: Path, state: str, recordings: list[Recording]) -> None:
    path = into / "scenarios" / f"{SCENARIO}.yaml"
    data = _load_yaml(
        path, {"description": "Responses recorded from the live sites by `coalition-watch record`."}
    )
    states = data.setdefault("states", {})
    state_data = states.get(state) or {}
    states[state] = state_data
    urls = state_data.setdefault("urls", {})
    for r in recordings:
        headers = dict(r.headers)
        entry: dict = {"file": r.file, "status": r.status, "content_type": r.content_type}
        # The server formats `last_modified` itself and answers If-Modified-Since with it.
        if (last_modified := _iso(headers.get("Last-Modified"))) is not None:
            entry["last_modified"] = last_modified
            del headers["Last-Modified"]
        if headers:
            entry["headers"] = headers
        urls[r.url] = entry
    _write_yaml(path, "# Written by `coalition-watch record`; one state per recording day.\n", data)


def _iso(http_date: str | None) -> str | None:
    """An HTTP date as ISO 8601 (UTC), or None when absent or unreadable."""
    if not http_date:
        return None
    try:
        return email.utils.parsedate_to_datetime(http_date).astimezone(UTC).isoformat()
    except (TypeError, ValueError):
        return None
