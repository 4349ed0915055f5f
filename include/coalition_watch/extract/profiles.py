"""Site knowledge as data: each kind's selectors and noise patterns, from selectors.yaml.

The file (the deployment's, from COALITION_WATCH_CONFIG_DIR, else the packaged one) is read
and checked the first time an extractor needs it, never at import: an unknown key, a CSS
selector soupsieve cannot compile or a regex Python cannot compile raises ConfigError
naming the key, so a typo fails loudly instead of silently matching nothing in production.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import soupsieve

from coalition_watch.config_files import load_config, read_mapping
from coalition_watch.errors import ConfigError

_LIST_KEYS = (
    "hosts",
    "markers",
    "title",
    "title_strip",
    "date",
    "doc_type",
    "body",
    "drop",
    "noise",
    "stop",
)
_PROFILE_KEYS = frozenset((*_LIST_KEYS, "blocks", "language"))
_CSS_KEYS = ("title", "date", "doc_type", "body", "drop")
_REGEX_KEYS = ("title_strip", "noise", "stop")


@dataclass(frozen=True)
class Profile:
    """How to read one kind of site. Selectors are CSS; noise/stop are whole-paragraph
    regexes; title_strip regexes are cut out of the title wherever they match."""

    kind: str
    body: tuple[str, ...]
    hosts: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    title_strip: tuple[re.Pattern[str], ...] = ()
    date: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    blocks: str = "p, li, h2, h3, h4, blockquote"
    drop: tuple[str, ...] = ()
    noise: tuple[re.Pattern[str], ...] = ()
    stop: tuple[re.Pattern[str], ...] = ()
    language: str | None = None
    compiled: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def matches_host(self, host: str) -> bool:
        host = host.lower()
        for pattern in self.hosts:
            if pattern.startswith("*.") and host.endswith(pattern[1:]):
                return True
            if host == pattern:
                return True
        return False

    def clean_title(self, title: str) -> str:
        """The title without what `title_strip` matches (e.g. a trailing "(25.06.19)")."""
        for pattern in self.title_strip:
            title = pattern.sub("", title)
        return title.strip()

    def select_one(self, key: str, soup: Any) -> Any:
        """The first element any selector of `key` finds, in selector order."""
        for selector in self.compiled[key]:
            found = selector.select_one(soup)
            if found is not None:
                return found
        return None


def _whole(pattern: str, where: str, file: str) -> re.Pattern[str]:
    try:
        return re.compile(rf"(?:{pattern})", re.IGNORECASE)
    except re.error as error:
        raise ConfigError(file, where, f"bad regex {pattern!r}: {error}") from None


def _css(selector: str, where: str, file: str) -> soupsieve.SoupSieve:
    try:
        return soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as error:
        raise ConfigError(
            file, where, f"bad CSS selector {selector!r}: {str(error).splitlines()[0]}"
        ) from None


def build_profile(
    kind: str,
    raw: Mapping[str, Any],
    *,
    defaults: Mapping[str, Any] | None = None,
    file: str = "selectors",
) -> Profile:
    """A checked Profile from a mapping of selectors; `defaults` fill missing keys and add
    their drop/noise/stop patterns to the kind's own."""
    if not isinstance(raw, Mapping):
        raise ConfigError(file, kind, f"expected a mapping of selectors, got {type(raw).__name__}")
    unknown = sorted(set(raw) - _PROFILE_KEYS)
    if unknown:
        raise ConfigError(
            file, f"{kind}.{unknown[0]}", f"unknown key; known: {', '.join(sorted(_PROFILE_KEYS))}"
        )
    defaults = defaults or {}
    values: dict[str, Any] = {}
    for key in _LIST_KEYS:
        value = raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(file, f"{kind}.{key}", "expected a list of non-empty strings")
        if key in ("drop", "noise", "stop"):
            value = [*value, *defaults.get(key, [])]
        elif not value and key in ("title", "date"):
            value = list(defaults.get(key, []))
        values[key] = value
    if not values["body"]:
        raise ConfigError(file, f"{kind}.body", "at least one body selector is needed")
    blocks = raw.get("blocks", defaults.get("blocks", Profile.blocks))
    if not isinstance(blocks, str) or not blocks.strip():
        raise ConfigError(file, f"{kind}.blocks", "expected one CSS selector string")
    language = raw.get("language")
    if language is not None and not isinstance(language, str):
        raise ConfigError(file, f"{kind}.language", "expected a language code like 'en'")

    compiled: dict[str, Any] = {
        key: tuple(_css(s, f"{kind}.{key}", file) for s in values[key]) for key in _CSS_KEYS
    }
    compiled["blocks"] = _css(blocks, f"{kind}.blocks", file)
    # One traversal removes every noise element instead of one traversal per selector.
    compiled["drop_all"] = (
        _css(", ".join(values["drop"]), f"{kind}.drop", file) if values["drop"] else None
    )
    # Meta tags live in <head>: searching only there keeps a missing one cheap.
    compiled["in_head"] = {
        key: tuple(s.strip().startswith("meta") for s in values[key]) for key in _CSS_KEYS
    }
    return Profile(
        kind=kind,
        body=tuple(values["body"]),
        hosts=tuple(h.lower() for h in values["hosts"]),
        markers=tuple(values["markers"]),
        title=tuple(values["title"]),
        title_strip=tuple(_whole(p, f"{kind}.title_strip", file) for p in values["title_strip"]),
        date=tuple(values["date"]),
        doc_type=tuple(values["doc_type"]),
        blocks=blocks,
        drop=tuple(values["drop"]),
        noise=tuple(_whole(p, f"{kind}.noise", file) for p in values["noise"]),
        stop=tuple(_whole(p, f"{kind}.stop", file) for p in values["stop"]),
        language=language,
        compiled=compiled,
    )


@dataclass(frozen=True)
class BlockPagePattern:
    reason: str
    where: str  # "title" or "anywhere"
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class TextCaptureRules:
    noise: tuple[re.Pattern[str], ...]
    breadcrumb: tuple[re.Pattern[str], ...]
    noise_lines: tuple[re.Pattern[str], ...]
    stop: tuple[re.Pattern[str], ...]
    frame: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Catalogue:
    """Everything selectors.yaml declares, checked."""

    defaults: Mapping[str, Any]
    kinds: Mapping[str, Profile]
    generic: Mapping[str, Profile]
    block_pages: tuple[BlockPagePattern, ...]
    text_capture: TextCaptureRules


def _patterns(section: Mapping[str, Any], key: str, file: str) -> tuple[re.Pattern[str], ...]:
    values = section.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise ConfigError(file, f"text_capture.{key}", "expected a list of regex strings")
    return tuple(_whole(v, f"text_capture.{key}", file) for v in values)


def catalogue() -> Catalogue:
    """The selectors in use (checked once per file)."""
    return load_config("selectors.yaml", None, load_catalogue)


def load_catalogue(path: Path) -> Catalogue:
    file = str(path)
    data = read_mapping(path, ("defaults", "kinds", "generic", "block_pages", "text_capture"))
    defaults = data.get("defaults") or {}
    kinds = {k: build_profile(k, v, defaults=defaults, file=file) for k, v in data["kinds"].items()}
    generic = {
        k: build_profile(k, v, defaults=defaults, file=file) for k, v in data["generic"].items()
    }
    block_pages = []
    for index, entry in enumerate(data.get("block_pages") or []):
        where = f"block_pages[{index}]"
        if not isinstance(entry, Mapping) or set(entry) != {"reason", "where", "pattern"}:
            raise ConfigError(file, where, "expected keys reason, where, pattern")
        if entry["where"] not in ("title", "anywhere"):
            raise ConfigError(file, f"{where}.where", "expected 'title' or 'anywhere'")
        block_pages.append(
            BlockPagePattern(entry["reason"], entry["where"], _whole(entry["pattern"], where, file))
        )
    section = data.get("text_capture") or {}
    unknown = sorted(set(section) - {"noise", "breadcrumb", "noise_lines", "stop", "frame"})
    if unknown:
        raise ConfigError(file, f"text_capture.{unknown[0]}", "unknown key")
    rules = TextCaptureRules(
        **{k: _patterns(section, k, file) for k in TextCaptureRules.__dataclass_fields__}
    )
    return Catalogue(defaults, kinds, generic, tuple(block_pages), rules)
