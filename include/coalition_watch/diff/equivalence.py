"""Cosmetic equivalences: the rules, and display text turned into comparison tokens.

The rules (names, abbreviations, spellings, numbering, relative days) are data, loaded
from config/equivalences.yaml; docs/diff.md explains them. Tokens and character folding
are in `tokens`, date resolution in `dates`, acronym collapsing in `acronyms`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coalition_watch.config_files import load_config, read_mapping
from coalition_watch.diff.acronyms import collapse_bracketed_expansions
from coalition_watch.diff.dates import mark_days
from coalition_watch.diff.tokens import (
    DASHES,
    QUOTES,
    RULE_MARK,
    TOKEN,
    Token,
    new_token,
    word_tokens,
)
from coalition_watch.errors import ConfigError
from coalition_watch.normalize import clean_display

# Sentences whose tokens are remembered between calls (a few statements' worth).
_MAX_MEMO = 50_000


@dataclass(frozen=True)
class Equivalences:
    """The cosmetic rules, ready to apply."""

    punctuation_is_cosmetic: bool
    furniture_max_words: int
    fold_diacritics: bool
    markup_characters: frozenset[str]
    numbering: tuple[re.Pattern[str], ...]
    # token-key sequence -> (canonical key, variant must match in capitals)
    phrases: dict[tuple[str, ...], list[tuple[str, tuple[str, ...] | None]]]
    longest_phrase: int
    spelling_words: dict[str, str]
    spelling_suffixes: tuple[tuple[str, str], ...]
    spelling_min_length: int
    spelling_except: frozenset[str]
    relative_days: dict[str, int]
    months: dict[str, int]
    _cache: dict = field(default_factory=dict, compare=False, repr=False)
    _sentences: dict = field(default_factory=dict, compare=False, repr=False)
    _phrase_starts: dict = field(default_factory=dict, compare=False, repr=False)
    # every leading part of every phrase, so a phrase search stops at the first miss
    _phrase_prefixes: set = field(default_factory=set, compare=False, repr=False)
    # keys the date pass acts on (besides digits)
    _day_words: frozenset = field(default=frozenset(), compare=False, repr=False)
    _british_endings: tuple = field(default=(), compare=False, repr=False)

    def forget(self) -> None:
        """Drop the memoised words and sentences (benchmarks time each diff cold)."""
        self._cache.clear()
        self._sentences.clear()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_day_words", frozenset(self.months) | set(self.relative_days))
        endings = tuple(british for british, _ in self.spelling_suffixes)
        object.__setattr__(self, "_british_endings", endings)

    def strip_numbering(self, paragraph: str) -> str:
        """The paragraph without a leading "1." / "(a)" / bullet."""
        for pattern in self.numbering:
            stripped = pattern.sub("", paragraph, count=1)
            if stripped != paragraph:
                return stripped
        return paragraph

    def is_furniture(self, text: str) -> bool:
        """A short line that does not read as a sentence: a heading, a page link."""
        words = text.split()
        return len(words) <= self.furniture_max_words and not text.rstrip().endswith(
            (".", "!", "?", ";", ":")
        )

    def word_key(self, word: str) -> str:
        """Fold one raw token: quotes, dashes, case, accents, British spelling."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if word.isascii() and "`" not in word:
            key = word.casefold()  # no quote or dash to straighten: only "`" is ASCII
        else:
            key = word.translate(QUOTES).translate(DASHES).casefold()
        if self.fold_diacritics and not key.isascii():
            key = "".join(
                c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c)
            )
        key = self._american(key)
        self._cache[word] = key
        return key

    def _american(self, key: str) -> str:
        if key in self.spelling_words:
            return self.spelling_words[key]
        if len(key) < self.spelling_min_length or key in self.spelling_except:
            return key
        if not key.endswith(self._british_endings):
            return key  # the usual case: one test instead of one per ending
        for british, american in self.spelling_suffixes:
            if key.endswith(british):
                return key[: -len(british)] + american
        return key

    def tokens(self, text: str, published: str | None = None) -> list[Token]:
        """Comparison tokens of display `text` (already `clean_display`ed)."""
        # two versions of a statement share most sentences: tokenise each once
        memo = (text, published)
        cached = self._sentences.get(memo)
        if cached is not None:
            return list(cached)
        if len(self._sentences) > _MAX_MEMO:
            self._sentences.clear()
        result = self._tokens(text, published)
        self._sentences[memo] = tuple(result)
        return result

    def _tokens(self, text: str, published: str | None) -> list[Token]:
        markup = self.markup_characters
        if any(c in text for c in markup):
            raw = [
                (m.group(), m.start(), m.end())
                for m in TOKEN.finditer(text)
                if m.group() not in markup
            ]
        else:
            raw = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
        keys = self._word_keys([word for word, _, _ in raw])
        tokens = self._apply_phrases(raw, keys)
        # the passes below only ever act on "(", month names, digits and relative days:
        # most sentences have none of these, and skip them
        if "(" in keys:
            tokens = collapse_bracketed_expansions(tokens, raw_text=text)
        if self._day_words.isdisjoint(keys) and not any(map(str.isdigit, keys)):
            return tokens
        return mark_days(tokens, published, self.months, self.relative_days)

    def _word_keys(self, words: list[str]) -> list[str]:
        known = self._cache
        return [known[w] if w in known else self.word_key(w) for w in words]

    def _apply_phrases(self, raw: list[tuple[str, int, int]], keys: list[str]) -> list[Token]:
        """One token a word, except that a phrase of the rules (longest first) is one token."""
        starts = self._phrase_starts
        out: list[Token] = []
        done = 0  # words before this one are in `out` already
        for i in [i for i, key in enumerate(keys) if key in starts]:
            if i < done:
                continue  # inside a phrase just matched
            match = self._longest_phrase_at(raw, keys, i)
            if match:
                length, canonical = match
                out.extend(word_tokens(raw[done:i], keys[done:i]))
                out.append(new_token(canonical, raw[i][1], raw[i + length - 1][2], True))
                done = i + length
        out.extend(word_tokens(raw[done:], keys[done:]) if done else word_tokens(raw, keys))
        return out

    def _longest_phrase_at(
        self, raw: list[tuple[str, int, int]], keys: list[str], i: int
    ) -> tuple[int, str] | None:
        longest = self._phrase_starts.get(keys[i])
        if longest is None:
            return None
        # a phrase of n words can only match where its first n-1 words already do
        prefixes = self._phrase_prefixes
        reach = 1
        while reach < min(longest, len(raw) - i) and tuple(keys[i : i + reach + 1]) in prefixes:
            reach += 1
        for length in range(reach, 0, -1):
            for canonical, capitals in self.phrases.get(tuple(keys[i : i + length]), ()):
                if capitals is None or tuple(w for w, _, _ in raw[i : i + length]) == capitals:
                    return length, canonical
        return None


def load_equivalences(path: str | Path | None = None) -> Equivalences:
    """Read the rules (the packaged config/equivalences.yaml by default)."""
    return load_config("equivalences.yaml", path, _read)


def _read(path: Path) -> Equivalences:
    return _build(str(path), read_mapping(path, _KNOWN_KEYS))


_KNOWN_KEYS = {
    "punctuation_is_cosmetic",
    "furniture_max_words",
    "fold_diacritics",
    "markup_characters",
    "numbering_patterns",
    "names",
    "abbreviations",
    "spelling",
    "relative_days",
    "months",
}


def _build(name: str, data: dict[str, Any]) -> Equivalences:
    spelling = _mapping(name, data, "spelling")
    words = {
        str(k).casefold(): str(v).casefold() for k, v in _mapping(name, spelling, "words").items()
    }
    suffixes = []
    for entry in spelling.get("suffixes") or []:
        if not isinstance(entry, dict) or not {"british", "american"} <= set(entry):
            raise ConfigError(name, "spelling.suffixes", "each entry needs british and american")
        suffixes.append((str(entry["british"]), str(entry["american"])))
    # longest British ending first, so "isations" wins over "ise"
    suffixes.sort(key=lambda pair: -len(pair[0]))

    numbering = []
    for pattern in data.get("numbering_patterns") or []:
        try:
            numbering.append(re.compile(pattern))
        except re.error as exc:
            raise ConfigError(name, "numbering_patterns", f"{pattern!r}: {exc}") from exc

    eq = Equivalences(
        punctuation_is_cosmetic=bool(data.get("punctuation_is_cosmetic", True)),
        furniture_max_words=int(data.get("furniture_max_words", 0)),
        fold_diacritics=bool(data.get("fold_diacritics", True)),
        markup_characters=frozenset(str(data.get("markup_characters", ""))),
        numbering=tuple(numbering),
        phrases={},
        longest_phrase=1,
        spelling_words=words,
        spelling_suffixes=tuple(suffixes),
        spelling_min_length=int(spelling.get("min_length", 6)),
        spelling_except=frozenset(str(w).casefold() for w in spelling.get("except") or []),
        relative_days={str(k): int(v) for k, v in _mapping(name, data, "relative_days").items()},
        months={str(k): int(v) for k, v in _mapping(name, data, "months").items()},
    )
    groups: list[tuple[str, list[str]]] = []
    for canonical, variants in _mapping(name, data, "names").items():
        groups.append((f"name:{canonical}", [str(v) for v in _list(name, "names", variants)]))
    for acronym, expansions in _mapping(name, data, "abbreviations").items():
        variants = [str(acronym)] + [str(v) for v in _list(name, "abbreviations", expansions)]
        groups.append((f"abbr:{str(acronym).casefold()}", variants))
    longest = 1
    for canonical, variants in groups:
        for variant in variants:
            raw = tuple(m.group() for m in TOKEN.finditer(clean_display(variant)))
            if not raw:
                raise ConfigError(name, canonical, f"empty variant {variant!r}")
            keys = tuple(eq.word_key(w) for w in raw)
            capitals = raw if variant.isupper() and "." not in variant else None
            eq.phrases.setdefault(keys, []).append((RULE_MARK + canonical, capitals))
            eq._phrase_starts[keys[0]] = max(eq._phrase_starts.get(keys[0], 0), len(keys))
            eq._phrase_prefixes.update(keys[:n] for n in range(1, len(keys) + 1))
            longest = max(longest, len(keys))
    object.__setattr__(eq, "longest_phrase", longest)
    return eq


def _mapping(name: str, data: dict, key: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(name, key, "expected a mapping")
    return value


def _list(name: str, key: str, value: object) -> list:
    if not isinstance(value, list) or not value:
        raise ConfigError(name, key, f"expected a non-empty list, got {value!r}")
    return value
