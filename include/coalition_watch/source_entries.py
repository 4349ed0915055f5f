"""sources.yaml read as entries whose common keys are checked, without loading the adapters.

DAG files need the enabled sources' ids and hosts when they are parsed, which must stay
cheap: the adapters (HTML and XML parsers, the HTTP client) cost a fifth of a second to
import. This module checks everything about an entry that does not depend on its kind
(id, kind name, URLs, hosts, keywords, limits, `enabled`, language, label);
`sources.config.load_sources` runs it first, then checks each kind's own keys with its
adapter. So the DAGs and the tasks see the same, validated list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from coalition_watch.config_files import config_path, read_yaml
from coalition_watch.errors import ConfigError

# The kinds of site an adapter exists for (tests check this against the adapters' registry).
KINDS = ("auswaertiges_amt", "generic", "gov_uk", "state_gov", "wordpress")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Defaults of the per-source limits (SourceConfig takes its defaults from here).
LIMIT_DEFAULTS = {"max_items": 20, "recheck_limit": 20, "recheck_budget": 2}
RECHECK_HOURS = 6.0


@dataclass(frozen=True)
class SourceEntry:
    """One entry of sources.yaml with its common keys checked; `raw` is the entry as written."""

    id: str
    kind: str
    enabled: bool
    urls: dict[str, str]
    raw: dict[str, Any]

    @property
    def where(self) -> str:
        return f"sources[{self.id}]"

    @property
    def host(self) -> str:
        """The host of its first URL, without `www.`: sources sharing one share a pool."""
        host = urlsplit(next(iter(self.urls.values()))).hostname or self.id
        return host.removeprefix("www.")


@dataclass(frozen=True)
class SourceFile:
    file: str
    defaults: dict[str, Any]
    entries: list[SourceEntry]

    def enabled(self) -> list[SourceEntry]:
        return [entry for entry in self.entries if entry.enabled]


def read_source_file(path: Path | str | None = None) -> SourceFile:
    """The entries of `path` (default: the deployment's or packaged sources.yaml)."""
    path = Path(path) if path else config_path("sources.yaml")
    file = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict) or set(data) - {"defaults", "sources"}:
        raise ConfigError(file, None, "expected a mapping with `sources:` (and `defaults:`)")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"politeness"}:
        raise ConfigError(file, "defaults", "only `politeness` may have defaults")
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError(file, "sources", "expected a non-empty list of sources")
    entries: list[SourceEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sources):
        entry = _entry(file, index, raw)
        if entry.id in seen:
            raise ConfigError(file, f"sources[{index}].id", f"duplicate id {entry.id!r}")
        seen.add(entry.id)
        entries.append(entry)
    return SourceFile(file, defaults, entries)


def _entry(file: str, index: int, raw: Any) -> SourceEntry:
    where = f"sources[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(file, where, "expected a mapping")
    source_id = raw.get("id")
    if not isinstance(source_id, str) or not _ID.match(source_id):
        raise ConfigError(file, f"{where}.id", "required: lower-case letters, digits, - and _")
    where = f"sources[{source_id}]"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(
            file, f"{where}.kind", f"unknown kind {kind!r}; known: {', '.join(KINDS)}"
        )
    urls = raw.get("urls")
    if not isinstance(urls, dict) or not urls:
        raise ConfigError(file, f"{where}.urls", "expected a mapping of named URLs")
    for name, url in urls.items():
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(file, f"{where}.urls.{name}", f"not an http(s) URL: {url!r}")
    url_hosts = {urlsplit(str(u)).hostname.lower() for u in urls.values()}
    hosts = raw.get("allowed_hosts", sorted(url_hosts))
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise ConfigError(file, f"{where}.allowed_hosts", "expected a list of host names")
    if missing := url_hosts - {h.lower() for h in hosts}:
        raise ConfigError(file, f"{where}.allowed_hosts", f"must include {sorted(missing)}")
    keywords, extra = raw.get("keywords", ["default"]), raw.get("extra_keywords", [])
    for key, value in (("keywords", keywords), ("extra_keywords", extra)):
        if not isinstance(value, list) or not all(isinstance(k, str) and k.strip() for k in value):
            raise ConfigError(file, f"{where}.{key}", "expected a list of non-empty strings")
    if not keywords + extra:
        raise ConfigError(file, f"{where}.keywords", "at least one keyword is needed")
    for key, lowest in (("max_items", 1), ("recheck_limit", 0), ("recheck_budget", 0)):
        value = raw.get(key, LIMIT_DEFAULTS[key])
        if type(value) is not int or value < lowest:
            raise ConfigError(file, f"{where}.{key}", f"expected an integer >= {lowest}")
    recheck_hours = raw.get("recheck_hours", RECHECK_HOURS)
    if type(recheck_hours) not in (int, float) or not recheck_hours > 0:
        raise ConfigError(file, f"{where}.recheck_hours", "expected a number of hours > 0")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(file, f"{where}.enabled", "expected true or false")
    language = raw.get("language")
    if language is not None and (
        not isinstance(language, str) or not re.fullmatch(r"[a-z]{2}", language)
    ):
        raise ConfigError(file, f"{where}.language", "expected a two-letter code like en")
    label = raw.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise ConfigError(file, f"{where}.label", "expected non-empty text")
    urls = {str(k): str(v) for k, v in urls.items()}
    return SourceEntry(id=source_id, kind=kind, enabled=enabled, urls=urls, raw=raw)
