"""The theme taxonomy: loaded from YAML, checked, compiled into frozen dataclasses.

A theme has an id, a label, a description and indicators per language (`en`, `de`, `any`).
Indicators are written as plain phrases and compiled here so that inflection, case,
hyphenation and spelling variants match without listing every form:

    Baghdad             word, with inflectional endings (Baghdad's, Bagdads)
    stabili*            prefix: stabilisation, stabilization, Stabilisierung, stabilize
    *finanzierung       suffix inside a German compound: Terrorismusfinanzierung
    counter-messaging   spaces and hyphens interchangeable, or joined: countermessaging
    IS                  an acronym of up to three capitals matches case-sensitively
    {DAESH} fighters    {NAME} expands to the naming variants listed under `names:`
    re:<regex>          a raw regular expression (case-insensitive; {NAME} expands too)

`weak` indicators count only in pairs (two different weak ones, or with a strong one);
`claims` are spans that count for this theme and hide their words from every other
theme: that is how context beats a keyword ("Coalition for the Sahel" is Africa,
not the Coalition itself). The top-level `unthemed` phrases are hidden from every theme
and from the model: names whose words say nothing of a subject (the "Islamic State of
Iraq and the Levant" is not news about Iraq).

Everything is checked at load time, so a bad file fails before anything runs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from coalition_watch.config_files import config_path, read_yaml
from coalition_watch.errors import ConfigError
from coalition_watch.indicator_index import ALWAYS, Anchors, phrase_anchors

LANGUAGES = ("en", "de", "any")
STRONG_WEIGHT = 1.0
WEAK_WEIGHT = 0.5

_THEME_KEYS = {"id", "label", "colour", "description", "indicators", "weak", "claims"}
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\Z")
_TOP_KEYS = {"names", "themes", "unthemed"}
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_NAME_REF = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")

# Endings a plain word may take without the author listing them.
_SUFFIXES = {
    "en": r"(?:'s|s|es|')?",
    "de": r"(?:s|es|e|en|n|er|ern|em)?",
    "any": r"(?:'s|s|es|e|en|n|er|ern|em|')?",
}
_UMLAUTS = {"ä": "(?:ä|ae)", "ö": "(?:ö|oe)", "ü": "(?:ü|ue)", "ß": "(?:ß|ss)"}


@dataclass(frozen=True)
class Indicator:
    """One compiled indicator: the text as written and the pattern it became."""

    text: str
    language: str
    weight: float
    pattern: re.Pattern[str]
    claims: bool = False
    anchors: Anchors = ALWAYS  # where it can start; see indicator_index.py


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    indicators: tuple[Indicator, ...]
    colour: str | None = None  # "#rrggbb"; see coalition_watch.labels for the fallback

    def applicable(self, languages: Iterable[str]) -> tuple[Indicator, ...]:
        wanted = set(languages) | {"any"}
        return tuple(i for i in self.indicators if i.language in wanted)


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    source: str
    unthemed: re.Pattern[str] | None = None  # spans no theme and no model reads

    def without_unthemed(self, text: str) -> str:
        """`text` with its unthemed spans blanked: the same length, so the offsets of
        evidence still point into the text as shown."""
        if self.unthemed is None:
            return text
        return self.unthemed.sub(lambda m: " " * len(m.group(0)), text)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self.ids

    def get(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def require(self, ids: Iterable[str], file: str, where: str) -> tuple[str, ...]:
        """Check theme ids named in another file (e.g. subscriptions); return them.

        Raises ConfigError naming `file`, `where` and the unknown ids.
        """
        ids = tuple(ids)
        unknown = [i for i in ids if i not in self.ids]
        if unknown:
            raise ConfigError(
                file,
                where,
                f"unknown theme id(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(self.ids)}",
            )
        return ids

    def to_json(self) -> list[dict]:
        return [
            {"id": t.id, "label": t.label, "colour": t.colour, "description": t.description}
            for t in self
        ]


def default_path() -> Path:
    """The taxonomy in use: the deployment's config directory's, else the packaged file."""
    return config_path("themes.yaml")


def load_themes(path: Path | str | None = None) -> Taxonomy:
    """Load and check a taxonomy file (default: see `default_path`).

    Compiled once per process and file content: loading the same bytes again returns
    the same frozen Taxonomy, so callers need not keep it around to avoid recompiling.
    """
    path = Path(path) if path is not None else default_path()
    try:
        key = (str(path), hashlib.sha256(path.read_bytes()).hexdigest())
    except OSError:
        key = None  # read_yaml says what is wrong with the file
    if key in _COMPILED:
        return _COMPILED[key]
    taxonomy = parse_taxonomy(read_yaml(path), str(path))
    if key is not None:
        _COMPILED[key] = taxonomy
    return taxonomy


_COMPILED: dict[tuple[str, str] | None, Taxonomy] = {}


def parse_taxonomy(raw: object, file: str) -> Taxonomy:
    """Build a Taxonomy from already-parsed YAML; `file` names the source in errors."""
    if not isinstance(raw, dict):
        raise ConfigError(file, None, "expected a mapping with 'names' and 'themes'")
    extra = set(raw) - _TOP_KEYS
    if extra:
        raise ConfigError(file, None, f"unknown top-level field(s): {', '.join(sorted(extra))}")
    names = _parse_names(raw.get("names") or {}, file)
    variants = {name: list(v) for name, v in (raw.get("names") or {}).items()}
    entries = raw.get("themes")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(file, "themes", "expected a non-empty list of themes")
    themes: list[Theme] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        theme = _parse_theme(entry, position, names, variants, file)
        if theme.id in seen:
            raise ConfigError(file, theme.id, "duplicate theme id")
        seen.add(theme.id)
        themes.append(theme)
    unthemed = _parse_unthemed(raw.get("unthemed"), names, file)
    return Taxonomy(themes=tuple(themes), source=file, unthemed=unthemed)


def _parse_unthemed(raw: object, names: dict[str, str], file: str) -> re.Pattern[str] | None:
    """The `unthemed` phrases as one pattern, longest first (indicator syntax)."""
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        raise ConfigError(file, "unthemed", "expected a non-empty list of phrases")
    sources = []
    for term in raw:
        if not isinstance(term, str) or not term.strip():
            raise ConfigError(file, "unthemed", f"empty or non-text phrase {term!r}")
        sources.append(_compile(term.strip(), "any", names, file, "unthemed").pattern)
    sources.sort(key=len, reverse=True)
    return re.compile("|".join(f"(?:{source})" for source in sources), re.IGNORECASE)


def _parse_names(raw: object, file: str) -> dict[str, str]:
    """NAME -> regex alternation of its variants."""
    if not isinstance(raw, dict):
        raise ConfigError(file, "names", "expected a mapping of NAME: [variants]")
    names: dict[str, str] = {}
    for name, variants in raw.items():
        key = f"names.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise ConfigError(file, key, "a name must be upper case letters, digits, _")
        if not isinstance(variants, list) or not variants:
            raise ConfigError(file, key, "expected a non-empty list of variants")
        alternatives = []
        for variant in variants:
            if not isinstance(variant, str) or not variant.strip():
                raise ConfigError(file, key, f"empty or non-text variant {variant!r}")
            alternatives.append(_phrase_regex(variant, "any", {}, file, key, inflect=False))
        # Longest first so "Islamic State" wins over "IS".
        alternatives.sort(key=len, reverse=True)
        names[name] = "(?:" + "|".join(alternatives) + ")"
    return names


def _parse_theme(
    entry: object, position: int, names: dict[str, str], variants: dict[str, list], file: str
) -> Theme:
    if not isinstance(entry, dict):
        raise ConfigError(file, f"themes[{position}]", "expected a mapping")
    theme_id = entry.get("id")
    if not isinstance(theme_id, str) or not _ID.match(theme_id):
        raise ConfigError(
            file, f"themes[{position}]", f"bad id {theme_id!r}: use lower case, digits and _"
        )
    extra = set(entry) - _THEME_KEYS
    if extra:
        raise ConfigError(file, theme_id, f"unknown field(s): {', '.join(sorted(extra))}")
    for field in ("label", "description"):
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(file, theme_id, f"'{field}' must be non-empty text")
    colour = entry.get("colour")
    if colour is not None and not (isinstance(colour, str) and _COLOUR.match(colour)):
        raise ConfigError(file, f"{theme_id}.colour", f"expected '#rrggbb', not {colour!r}")

    indicators: list[Indicator] = []
    blocks = [("indicators", entry.get("indicators"))]
    blocks += [(field, entry[field]) for field in ("weak", "claims") if field in entry]
    for field, block in blocks:
        indicators += _parse_block(block, theme_id, field, names, variants, file)
        if not indicators:
            raise ConfigError(file, theme_id, "empty indicator list")
    return Theme(
        id=theme_id,
        label=entry["label"].strip(),
        description=" ".join(entry["description"].split()),
        indicators=tuple(indicators),
        colour=colour.lower() if colour else None,
    )


def _parse_block(
    raw: object,
    theme_id: str,
    field: str,
    names: dict[str, str],
    variants: dict[str, list],
    file: str,
) -> list[Indicator]:
    """A {language: [indicator, ...]} block; `claims` may also be a plain list (any)."""
    if field == "claims" and isinstance(raw, list):
        raw = {"any": raw}
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(
            file, theme_id, f"'{field}' must map languages ({', '.join(LANGUAGES)}) to lists"
        )
    weight = WEAK_WEIGHT if field == "weak" else STRONG_WEIGHT
    compiled = []
    for language, terms in raw.items():
        key = f"{theme_id}.{field}.{language}"
        if language not in LANGUAGES:
            raise ConfigError(file, key, f"unknown language; use one of {', '.join(LANGUAGES)}")
        if not isinstance(terms, list) or not terms:
            raise ConfigError(file, key, "empty indicator list")
        for term in terms:
            if not isinstance(term, str) or not term.strip():
                raise ConfigError(file, key, f"empty or non-text indicator {term!r}")
            text = term.strip()
            compiled.append(
                Indicator(
                    text,
                    language,
                    weight,
                    _compile(text, language, names, file, key),
                    claims=field == "claims",
                    anchors=phrase_anchors(text, language, variants),
                )
            )
    return compiled


def _compile(term: str, language: str, names: dict[str, str], file: str, key: str):
    if term.startswith("re:"):
        source = _expand_names(term[3:], names, file, key, term)
    else:
        source = _phrase_regex(term, language, names, file, key, inflect=True)
    try:
        pattern = re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(file, key, f"bad regex in {term!r}: {exc}") from None
    if pattern.search(""):
        raise ConfigError(file, key, f"indicator {term!r} matches empty text")
    return pattern


def _expand_names(source: str, names: dict[str, str], file: str, key: str, term: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            raise ConfigError(file, key, f"{term!r} refers to unknown name {{{name}}}")
        return names[name]

    return _NAME_REF.sub(substitute, source)


def _phrase_regex(
    phrase: str, language: str, names: dict[str, str], file: str, key: str, inflect: bool
) -> str:
    """A plain phrase as a regex: words joined by optional space/hyphen, each inflectable."""
    words = [w for w in re.split(r"[\s\-]+", phrase) if w]
    parts = []
    for word in words:
        ref = _NAME_REF.fullmatch(word)
        if ref:
            parts.append(_expand_names(word, names, file, key, phrase))
            continue
        open_start, open_end = word.startswith("*"), word.endswith("*") and len(word) > 1
        core = word.strip("*")
        if not core:
            raise ConfigError(file, key, f"indicator {phrase!r} has a bare '*'")
        body = _word_regex(core, language)
        if len(core) <= 3 and core.isupper() and core.isalpha():
            body = f"(?-i:{body})"  # IS, UN, EU: never the English "is", "un"
            suffix = ""
        elif open_end:
            suffix = r"\w*"
        else:
            suffix = _SUFFIXES[language] if inflect else ""
        # Only the first word needs a boundary before it; later ones may be joined on.
        start = r"\w*" if open_start else ("" if parts else r"(?<!\w)")
        parts.append(f"{start}{body}{suffix}")
    return r"[\s\-]*".join(parts) + r"(?!\w)"


def _word_regex(word: str, language: str) -> str:
    out = []
    for char in word:
        if char in _UMLAUTS:
            out.append(_UMLAUTS[char])
        elif char == "'":
            out.append("'?")
        else:
            out.append(re.escape(char))
    text = "".join(out)
    if language in ("en", "any"):
        # British and American spellings: stabilise/stabilize, defence/defense.
        text = re.sub(r"i[sz](?=e\Z|ed\Z|es\Z|ing\Z|ation)", "i[sz]", text)
        text = re.sub(r"en[cs]e\Z", "en[cs]e", text)
    return text
