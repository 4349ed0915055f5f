"""Loading `sources.yaml`: every key checked, every mistake named with its file and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from coalition_watch.errors import ConfigError
from coalition_watch.fetch import Politeness
from coalition_watch.source_entries import (
    LIMIT_DEFAULTS,
    RECHECK_HOURS,
    SourceEntry,
    read_source_file,
)
from coalition_watch.sources.base import ADAPTERS, SourceAdapter, SourceConfig
from coalition_watch.sources.keywords import DEFAULT_KEYWORDS, KeywordFilter

COMMON_KEYS = {
    "id": "unique name of the source (letters, digits, - and _)",
    "label": "what people read for it, e.g. Federal Foreign Office (EN) (default: the id)",
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


def load_sources(
    path: Path | str | None = None, *, include_disabled: bool = False
) -> list[SourceConfig]:
    """The sources of `path` (default: the deployment's or packaged sources.yaml).

    The common keys are checked by `source_entries` (the same check DAG files rely on),
    then each kind's own keys against its adapter.
    """
    sources_file = read_source_file(path)
    file = sources_file.file
    try:
        base = Politeness.from_mapping(sources_file.defaults.get("politeness") or {})
    except ValueError as exc:
        raise ConfigError(file, "defaults.politeness", str(exc)) from exc
    sources = [_source(file, entry, base) for entry in sources_file.entries]
    return [s for s in sources if s.enabled or include_disabled]


def adapter_for(source: SourceConfig) -> SourceAdapter:
    return ADAPTERS[source.kind](source)


def _source(file: str, entry: SourceEntry, base: Politeness) -> SourceConfig:
    raw, kind, where = entry.raw, entry.kind, entry.where
    adapter = ADAPTERS[kind]
    unknown = set(raw) - set(COMMON_KEYS) - set(adapter.options)
    if unknown:
        allowed = sorted(set(COMMON_KEYS) | set(adapter.options))
        raise ConfigError(
            file,
            f"{where}.{sorted(unknown)[0]}",
            f"unknown key for kind {kind}; allowed: {', '.join(allowed)}",
        )
    for name in entry.urls:
        if name not in adapter.url_names:
            raise ConfigError(
                file,
                f"{where}.urls.{name}",
                f"kind {kind} reads {', '.join(adapter.url_names)}, not {name!r}",
            )
    for name, required in adapter.url_names.items():
        if required and name not in entry.urls:
            raise ConfigError(file, f"{where}.urls", f"kind {kind} needs a `{name}` URL")
    url_hosts = {urlsplit(u).hostname.lower() for u in entry.urls.values()}
    hosts = [h.lower() for h in raw.get("allowed_hosts", sorted(url_hosts))]
    keywords = raw.get("keywords", list(DEFAULT_KEYWORDS))
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
    label = raw.get("label")
    return SourceConfig(
        id=entry.id,
        label=label.strip() if label else None,
        kind=kind,
        enabled=entry.enabled,
        language=raw.get("language"),
        urls=entry.urls,
        allowed_hosts=tuple(hosts),
        keywords=KeywordFilter([*keywords, *raw.get("extra_keywords", [])]),
        politeness=politeness,
        options=options,
        max_items=raw.get("max_items", LIMIT_DEFAULTS["max_items"]),
        recheck_limit=raw.get("recheck_limit", LIMIT_DEFAULTS["recheck_limit"]),
        recheck_budget=raw.get("recheck_budget", LIMIT_DEFAULTS["recheck_budget"]),
        recheck_hours=float(raw.get("recheck_hours", RECHECK_HOURS)),
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
