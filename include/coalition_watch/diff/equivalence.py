"""Cosmetic equivalences: turn display text into comparison tokens.

Each token keeps the character span it came from, so that a difference found between
comparison keys can be shown as the words the reader actually sees. The rules (names,
abbreviations, spellings, numbering, relative days) are data, loaded from
config/equivalences.yaml; docs/diff.md explains them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from coalition_watch.config_files import config_path, read_yaml
from coalition_watch.errors import ConfigError
from coalition_watch.normalize import clean_display

_TOKEN = re.compile(r"\w+|[^\w\s]")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_DASHES = str.maketrans(dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"))
# Words that never carry the initials of an expansion ("Ministry of Foreign Affairs").
_LINKING_WORDS = frozenset({"of", "and", "the", "for", "to", "on", "in", "&"})
# A canonical key that stands for a rule, never for a word a text could contain.
_RULE_MARK = "="
# Sentences whose tokens are remembered between calls (a few statements' worth).
_MAX_MEMO = 50_000
_BLANK = object.__new__


@dataclass(frozen=True)
class Token:
    """One comparison unit: `key` to compare, `start`/`end` into the display text."""

    key: str
    start: int
    end: int
    is_word: bool
    day: str | None = None  # ISO date (or MM-DD) a date expression or "yesterday" stands for


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
            key = word.translate(_QUOTES).translate(_DASHES).casefold()
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
                for m in _TOKEN.finditer(text)
                if m.group() not in markup
            ]
        else:
            raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        keys = self._word_keys([word for word, _, _ in raw])
        tokens = self._apply_phrases(raw, keys)
        # the passes below only ever act on "(", month names, digits and relative days:
        # most sentences have none of these, and skip them
        if "(" in keys:
            tokens = _collapse_bracketed_expansions(tokens, raw_text=text)
        if self._day_words.isdisjoint(keys) and not any(map(str.isdigit, keys)):
            return tokens
        return self._mark_days(tokens, published)

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
                out.extend(_word_tokens(raw[done:i], keys[done:i]))
                out.append(_new_token(canonical, raw[i][1], raw[i + length - 1][2], True))
                done = i + length
        out.extend(_word_tokens(raw[done:], keys[done:]) if done else _word_tokens(raw, keys))
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

    def _mark_days(self, tokens: list[Token], published: str | None) -> list[Token]:
        """Give dates and relative days the day they stand for, as one token."""
        pub = _parse_iso(published)
        day_words = self._day_words
        out: list[Token] = []
        done = 0  # tokens before this one are in `out` already
        for i in [i for i, t in enumerate(tokens) if t.key in day_words or t.key.isdigit()]:
            if i < done:
                continue  # inside a date just read
            found = self._date_at(tokens, i, pub)
            if found:
                length, day = found
                out.extend(tokens[done:i])
                out.append(
                    Token(
                        f"{_RULE_MARK}date:{day}",
                        tokens[i].start,
                        tokens[i + length - 1].end,
                        True,
                        day,
                    )
                )
                done = i + length
                continue
            token = tokens[i]
            offset = self.relative_days.get(token.key)
            if offset is not None and pub is not None:
                day = (pub + dt.timedelta(days=offset)).isoformat()
                out.extend(tokens[done:i])
                out.append(Token(token.key, token.start, token.end, True, day))
                done = i + 1
        out.extend(tokens[done:])
        return out

    def _date_at(self, tokens: list[Token], i: int, pub: dt.date | None) -> tuple[int, str] | None:
        first = tokens[i].key
        if first not in self.months and not first.isdigit():
            return None
        keys = [t.key for t in tokens[i : i + 5]]
        # "March 30, 2021" / "March 30 2021" / "March 30"
        if keys and keys[0] in self.months and len(keys) > 1 and _is_day(keys[1]):
            month, day = self.months[keys[0]], int(keys[1])
            rest = keys[2:]
            if rest[:1] == [","]:
                rest = rest[1:]
                if rest[:1] and _is_year(rest[0]):
                    return 4, _iso(int(rest[0]), month, day)
            elif rest[:1] and _is_year(rest[0]):
                return 3, _iso(int(rest[0]), month, day)
            return 2, f"{month:02d}-{day:02d}"
        # "30 March 2021" / "30 March"
        if len(keys) > 1 and _is_day(keys[0]) and keys[1] in self.months:
            month, day = self.months[keys[1]], int(keys[0])
            if len(keys) > 2 and _is_year(keys[2]):
                return 3, _iso(int(keys[2]), month, day)
            return 2, f"{month:02d}-{day:02d}"
        return None


def _new_token(key: str, start: int, end: int, is_word: bool, day: str | None = None) -> Token:
    """The same as Token(...), at half the cost: a frozen dataclass's __init__ is slow, and
    tokenising makes one token a word."""
    token = _BLANK(Token)
    token.__dict__.update(key=key, start=start, end=end, is_word=is_word, day=day)
    return token


def _word_tokens(raw: list[tuple[str, int, int]], keys: list[str]) -> list[Token]:
    return [
        _new_token(key, start, end, word[0].isalnum() or word[0] == "_")
        for (word, start, end), key in zip(raw, keys, strict=True)
    ]


def _is_day(key: str) -> bool:
    return key.isdigit() and 1 <= int(key) <= 31 and len(key) <= 2


def _is_year(key: str) -> bool:
    return key.isdigit() and len(key) == 4


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def same_day(a: str | None, b: str | None) -> bool:
    """Two day values name the same day; a month-day without year matches any year."""
    if a is None or b is None:
        return False
    return a == b or a[-5:] == b[-5:] and (len(a) == 5 or len(b) == 5)


def _collapse_bracketed_expansions(tokens: list[Token], raw_text: str) -> list[Token]:
    """ "UN (United Nations)" -> "UN"; "Iraqi Security Forces (ISF)" -> "ISF"."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        close = _closing_bracket(tokens, i) if token.key == "(" else None
        if close is not None and out:
            inner = tokens[i + 1 : close]
            prev = out[-1]
            if _expands(raw_text[prev.start : prev.end], prev.key, inner, raw_text):
                # the acronym keeps its key; its span now covers the brackets, so a
                # reader sees the whole "UN (United Nations)" as the one cosmetic unit
                out[-1] = Token(prev.key, prev.start, tokens[close].end, True, prev.day)
                i = close + 1
                continue
            if len(inner) == 1 and _is_acronym(raw_text[inner[0].start : inner[0].end]):
                acronym = raw_text[inner[0].start : inner[0].end]
                n = _expansion_length(out, acronym, raw_text)
                if n:
                    start = out[-n].start
                    del out[-n:]
                    out.append(Token(inner[0].key, start, tokens[close].end, True))
                    i = close + 1
                    continue
        out.append(token)
        i += 1
    return out


def _closing_bracket(tokens: list[Token], i: int) -> int | None:
    for j in range(i + 1, min(i + 10, len(tokens))):
        if tokens[j].key == ")":
            return j
        if tokens[j].key == "(":
            return None
    return None


def _is_acronym(word: str) -> bool:
    letters = word.rstrip("s")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _initials(words: Iterable[str]) -> str:
    return "".join(w[0] for w in words if w.casefold() not in _LINKING_WORDS and w[0].isalpha())


def _expands(prev_word: str, prev_key: str, inner: list[Token], raw_text: str) -> bool:
    if not inner:
        return False
    if len(inner) == 1 and inner[0].key == prev_key and prev_key.startswith(_RULE_MARK):
        return True  # both sides of "UN (United Nations)" went to the same rule
    if not _is_acronym(prev_word):
        return False
    words = [raw_text[t.start : t.end] for t in inner if t.is_word]
    return _initials(words).upper() == prev_word.rstrip("s").upper()


def _expansion_length(out: list[Token], acronym: str, raw_text: str) -> int:
    """How many tokens before "(ISF)" spell I-S-F (0 when they do not)."""
    target = acronym.rstrip("s").upper()
    for n in range(len(target), min(len(out), len(target) * 2) + 1):
        words = [raw_text[t.start : t.end] for t in out[-n:]]
        if not all(w[0].isalpha() or w == "&" for w in words):
            return 0
        if words[0].casefold() in _LINKING_WORDS:
            continue
        if _initials(words).upper() == target:
            return n
    return 0


def load_equivalences(path: str | Path | None = None) -> Equivalences:
    """Read the rules (the packaged config/equivalences.yaml by default)."""
    if path is None:  # the deployment's config dir, else packaged
        return _cached(config_path("equivalences.yaml"))
    return _build(str(path), read_yaml(path))


@cache
def _cached(path: Path) -> Equivalences:
    return _build(str(path), read_yaml(path))


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


def _build(name: str, data: Any) -> Equivalences:
    if not isinstance(data, dict):
        raise ConfigError(name, None, "expected a mapping at the top level")
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise ConfigError(name, sorted(unknown)[0], "unknown key")

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
            raw = tuple(m.group() for m in _TOKEN.finditer(clean_display(variant)))
            if not raw:
                raise ConfigError(name, canonical, f"empty variant {variant!r}")
            keys = tuple(eq.word_key(w) for w in raw)
            capitals = raw if variant.isupper() and "." not in variant else None
            eq.phrases.setdefault(keys, []).append((_RULE_MARK + canonical, capitals))
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
