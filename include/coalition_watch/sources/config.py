"""Loading `sources.yaml`: every key checked, every mistake named with its file and key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from coalition_watch.errors import ConfigError
from coalition_watch.fetch import Politeness
from coalition_watch.settings import config_path
from coalition_watch.sources.base import ADAPTERS, SourceAdapter, SourceConfig
from coalition_watch.sources.keywords import DEFAULT_KEYWORDS, KeywordFilter

COMMON_KEYS = {
    "id": "unique name of the source (letters, digits, - and _)",
    "kind": "which adapter reads it: " + ", ".join(sorted(ADAPTERS)),
    "enabled": "false keeps it configured but unpolled",
    "language": "ISO 639-1 code of its statements, when the site does not say",
    "urls": "named URLs the kind reads (see the kind)",
    "allowed_hosts": "hosts that may be fetched, redirects included (default: the URLs' hosts)",
    "keywords": "listing filter (default: Daesh/ISIS/ISIL/... in EN, DE, FR, IT)",
    "extra_keywords": "added to the default keywords",
    "politeness": "overrides of the per-host limits (requests_per_minute, concurrency, ...)",
    "max_items": "most listing items read per poll",
    "recheck_limit": "newest stored publications watched for revisions made in place",
    "recheck_budget": "most watched publications re-read per poll (conditional GET)",
    "recheck_hours": "a watched publication is re-read at most once in this many hours",
    "notes": "free text for people",
}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COUNT_DEFAULTS = {
    "max_items": SourceConfig.max_items,
    "recheck_limit": SourceConfig.recheck_limit,
    "recheck_budget": SourceConfig.recheck_budget,
}
RECHECK_HOURS = SourceConfig.recheck_hours


def load_sources(
    path: Path | str | None = None, *, include_disabled: bool = False
) -> list[SourceConfig]:
    """The sources of `path` (default: the deployment's or packaged sources.yaml)."""
    path = Path(path) if path else config_path("sources.yaml")
    file = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(file, None, f"cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(file, None, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or set(data) - {"defaults", "sources"}:
        raise ConfigError(file, None, "expected a mapping with `sources:` (and `defaults:`)")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"politeness"}:
        raise ConfigError(file, "defaults", "only `politeness` may have defaults")
    try:
        base = Politeness.from_mapping(defaults.get("politeness") or {})
    except ValueError as exc:
        raise ConfigError(file, "defaults.politeness", str(exc)) from exc
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError(file, "sources", "expected a non-empty list of sources")
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sources):
        source = _source(file, index, raw, base)
        if source.id in seen:
            raise ConfigError(file, f"sources[{index}].id", f"duplicate id {source.id!r}")
        seen.add(source.id)
        if source.enabled or include_disabled:
            sources.append(source)
    return sources


def adapter_for(source: SourceConfig) -> SourceAdapter:
    return ADAPTERS[source.kind](source)


def _source(file: str, index: int, raw: Any, base: Politeness) -> SourceConfig:
    where = f"sources[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(file, where, "expected a mapping")
    source_id = raw.get("id")
    if not isinstance(source_id, str) or not _ID.match(source_id):
        raise ConfigError(file, f"{where}.id", "required: lower-case letters, digits, - and _")
    where = f"sources[{source_id}]"
    kind = raw.get("kind")
    if kind not in ADAPTERS:
        raise ConfigError(
            file, f"{where}.kind", f"unknown kind {kind!r}; known: {', '.join(sorted(ADAPTERS))}"
        )
    adapter = ADAPTERS[kind]
    unknown = set(raw) - set(COMMON_KEYS) - set(adapter.options)
    if unknown:
        allowed = sorted(set(COMMON_KEYS) | set(adapter.options))
        raise ConfigError(
            file,
            f"{where}.{sorted(unknown)[0]}",
            f"unknown key for kind {kind}; allowed: {', '.join(allowed)}",
        )
    urls = raw.get("urls")
    if not isinstance(urls, dict) or not urls:
        raise ConfigError(file, f"{where}.urls", "expected a mapping of named URLs")
    for name, url in urls.items():
        if name not in adapter.url_names:
            raise ConfigError(
                file,
                f"{where}.urls.{name}",
                f"kind {kind} reads {', '.join(adapter.url_names)}, not {name!r}",
            )
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(file, f"{where}.urls.{name}", f"not an http(s) URL: {url!r}")
    for name, required in adapter.url_names.items():
        if required and name not in urls:
            raise ConfigError(file, f"{where}.urls", f"kind {kind} needs a `{name}` URL")
    url_hosts = {urlsplit(u).hostname.lower() for u in urls.values()}
    hosts = raw.get("allowed_hosts", sorted(url_hosts))
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise ConfigError(file, f"{where}.allowed_hosts", "expected a list of host names")
    hosts = [h.lower() for h in hosts]
    if missing := url_hosts - set(hosts):
        raise ConfigError(file, f"{where}.allowed_hosts", f"must include {sorted(missing)}")
    keywords = raw.get("keywords", list(DEFAULT_KEYWORDS))
    extra = raw.get("extra_keywords", [])
    for key, value in (("keywords", keywords), ("extra_keywords", extra)):
        if not isinstance(value, list) or not all(isinstance(k, str) and k.strip() for k in value):
            raise ConfigError(file, f"{where}.{key}", "expected a list of non-empty strings")
    if not keywords + extra:
        raise ConfigError(file, f"{where}.keywords", "at least one keyword is needed")
    politeness = None
    if "politeness" in raw:
        if not isinstance(raw["politeness"], dict):
            raise ConfigError(file, f"{where}.politeness", "expected a mapping")
        try:
            politeness = Politeness.from_mapping(raw["politeness"], base=base)
        except ValueError as exc:
            raise ConfigError(file, f"{where}.politeness", str(exc)) from exc
    elif base != Politeness():
        politeness = base
    options = {}
    for name, option in adapter.options.items():
        value = raw.get(name, option.default)
        if value is not None and not isinstance(value, option.type):
            raise ConfigError(file, f"{where}.{name}", f"expected {_type_name(option.type)}")
        if option.choices and value not in option.choices:
            raise ConfigError(
                file, f"{where}.{name}", f"expected one of {', '.join(map(str, option.choices))}"
            )
        options[name] = value
    _check_kind_options(file, where, kind, options)
    for key, lowest in (("max_items", 1), ("recheck_limit", 0), ("recheck_budget", 0)):
        value = raw.get(key, _COUNT_DEFAULTS[key])
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
    return SourceConfig(
        id=source_id,
        kind=kind,
        enabled=enabled,
        language=language,
        urls={str(k): str(v) for k, v in urls.items()},
        allowed_hosts=tuple(hosts),
        keywords=KeywordFilter([*keywords, *extra]),
        politeness=politeness,
        options=options,
        max_items=raw.get("max_items", _COUNT_DEFAULTS["max_items"]),
        recheck_limit=raw.get("recheck_limit", _COUNT_DEFAULTS["recheck_limit"]),
        recheck_budget=raw.get("recheck_budget", _COUNT_DEFAULTS["recheck_budget"]),
        recheck_hours=float(recheck_hours),
    )


def _check_kind_options(file: str, where: str, kind: str, options: dict[str, Any]) -> None:
    """Cross-key rules a type check cannot express."""
    if kind == "generic":
        from coalition_watch.sources.generic import LISTING_KEYS

        listing = options.get("listing")
        if options["listing_format"] == "html":
            if not listing or "item" not in listing or "link" not in listing:
                raise ConfigError(
                    file, f"{where}.listing", "an HTML listing needs `item` and `link` selectors"
                )
            if unknown := set(listing) - LISTING_KEYS:
                raise ConfigError(file, f"{where}.listing", f"unknown keys {sorted(unknown)}")
            _check_css(file, f"{where}.listing", listing)
        if options.get("selectors"):
            _check_css(file, f"{where}.selectors", options["selectors"])


def _check_css(file: str, where: str, selectors: dict[str, Any]) -> None:
    import soupsieve

    for key, value in selectors.items():
        for selector in value if isinstance(value, list) else [value]:
            if not isinstance(selector, str):
                continue  # regex lists (noise, stop) are the extractor's to check
            if key in ("noise", "stop", "title_strip", "language", "hosts", "markers"):
                continue
            try:
                soupsieve.compile(selector)
            except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
                problem = f"bad CSS selector {selector!r}: {exc}"
                raise ConfigError(file, f"{where}.{key}", problem) from exc


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {dict: "a mapping", str: "a string", int: "an integer", bool: "true or false"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
