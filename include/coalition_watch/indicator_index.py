"""One pass over a passage finds the few indicators that can match it.

A taxonomy has about 1,300 indicators; running each regex over every passage made
classification most of the processing time. Each indicator is indexed here by an
*anchor*: the first letters of its first word, folded so that every spelling its regex
accepts (any case, ä/ae, ß/ss, -ise/-ize, an optional apostrophe) folds to the same
anchor. A passage's words are folded the same way once; only the indicators whose anchor
starts one of those words (or, for an open start such as `*finanzierung`, occurs anywhere
in the folded passage) run their regex. Raw `re:` indicators have no anchor and always run.

The hits are exactly those of running every indicator: a unit test checks it on every
labelled sentence and both seed communiqués.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

ANCHOR_LENGTH = 3
_APOSTROPHES = re.compile(r"['\u2018\u2019\u201b\u2032`]")
_PAIRS = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "s"), ("ae", "a"), ("oe", "o"),
          ("ue", "u"), ("ss", "s"), ("z", "s"))  # fmt: skip
_WORD = re.compile(r"\w+")
# A word as an anchor sees it: apostrophes inside do not end it (Da'esh), and it starts
# where a regex boundary (?<!\w) allows a match to start.
# Zero-width, so a word start after an inner apostrophe (the "esh" of Da'esh) counts too.
_ANCHOR_WORD = re.compile(r"(?<!\w)(?=(\w[\w'\u2018\u2019\u201b\u2032`]*))")
_PHRASE_WORDS = re.compile(r"[\s\-]+")
_NAME_REF = re.compile(r"\{([A-Z][A-Z0-9_]*)\}\Z")
_ENDS_ENCE = re.compile(r"en[cs]e\Z")
_NAME_LEAD = re.compile(r"\{[A-Z][A-Z0-9_]*\}")
SUBSTRING_ANCHOR_LENGTH = 6  # an open start needs its whole core: use more of it
_LOOKBEHINDS = re.compile(r"\A(?:\(\?<[!=][^()]*\))+")


def fold(text: str) -> str:
    """Lower case with the spelling variants indicators accept collapsed into one."""
    folded = _APOSTROPHES.sub("", text.lower())
    for variant, plain in _PAIRS:
        folded = folded.replace(variant, plain)
    return folded


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    return fold(word)  # words repeat a great deal across the passages of a statement


@dataclass(frozen=True)
class Anchors:
    """Where an indicator can start: word prefixes, or a substring (open start)."""

    prefixes: frozenset[str] = frozenset()
    substrings: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.prefixes and not self.substrings


ALWAYS = Anchors()  # no anchor: the indicator always runs


def _raw_anchors(source: str, language: str, names: dict[str, Sequence[str]]) -> Anchors:
    """Anchors of a raw regex, when its start is plain enough to read them.

    Two forms are read: a name first (`{DAESH}...`: each variant starts at a word
    boundary), and `\\b` then a word or a group of alternative words, after optional
    lookbehinds (`(?<!non-)\\bmilitar...`, `\\b(?:camps?|prisons?)...`). Anything else,
    or anything doubtful (a top-level `|`, an optional first letter or group), always runs.
    """
    lead = _NAME_LEAD.match(source)
    if lead:
        return phrase_anchors(lead.group(0), language, names)
    rest = _LOOKBEHINDS.sub("", source, count=1)
    if not rest.startswith("\\b") or _top_level_alternatives(rest) != [rest]:
        return ALWAYS
    rest = rest[2:]
    alternatives = [rest]
    if rest.startswith("(?:"):
        end = _closing(rest, 0)
        if end is None or rest[end + 1 : end + 2] in ("?", "*", "{"):
            return ALWAYS
        alternatives = _top_level_alternatives(rest[3:end])
    prefixes = set()
    for alternative in alternatives:
        letters = _leading_letters(alternative)
        if not letters:
            return ALWAYS
        prefixes.add(fold(letters)[:ANCHOR_LENGTH])
    return Anchors(prefixes=frozenset(prefixes))


def _unescaped(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) for each character from `start`; an
    escaped pair such as `\\(` comes as one two-character token that opens nothing."""
    depth, i = 0, start
    while i < len(text):
        if text[i] == "\\":
            yield i, text[i : i + 2], depth
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        yield i, text[i], depth
        i += 1


def _closing(text: str, start: int) -> int | None:
    """Index of the parenthesis closing the one at `start`, or None."""
    for i, token, depth in _unescaped(text, start):
        if token == ")" and depth == 0:
            return i
    return None


def _top_level_alternatives(text: str) -> list[str]:
    """`text` split at the `|` outside any group."""
    parts, current = [], ""
    for _, token, depth in _unescaped(text):
        if token == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += token
    return [*parts, current]


def _leading_letters(alternative: str) -> str:
    """The letters an alternative surely starts with: up to the first special
    character, and never a letter made optional by ?, * or {0,...}."""
    letters = ""
    for i, char in enumerate(alternative):
        if not char.isalpha():
            break
        if alternative[i + 1 : i + 2] in ("?", "*", "{"):
            break
        letters += char
    return letters


def phrase_anchors(term: str, language: str, names: dict[str, Sequence[str]]) -> Anchors:
    """Anchors of an indicator as written in themes.yaml (see themes.py for the syntax)."""
    if term.startswith("re:"):
        return _raw_anchors(term[3:], language, names)
    words = [w for w in _PHRASE_WORDS.split(term) if w]
    if not words:
        return ALWAYS
    first = words[0]
    ref = _NAME_REF.fullmatch(first)
    if ref:
        found = [phrase_anchors(v, "any", {}) for v in names.get(ref.group(1), ())]
        if not found or any(a.empty for a in found):
            return ALWAYS
        return Anchors(
            frozenset().union(*(a.prefixes for a in found)),
            frozenset().union(*(a.substrings for a in found)),
        )
    open_start = first.startswith("*")
    core = first.strip("*")
    head = _WORD.match(fold(core))
    if head is None:
        return ALWAYS
    anchor = head.group(0)
    if language in ("en", "any") and _ENDS_ENCE.search(core.lower()):
        # defence/defense: the c/s near the end is free, so stop the anchor before it.
        anchor = anchor[: len(fold(core)) - 2]
    if not anchor:
        return ALWAYS
    if open_start:
        return Anchors(substrings=frozenset([anchor[:SUBSTRING_ANCHOR_LENGTH]]))
    return Anchors(prefixes=frozenset([anchor[:ANCHOR_LENGTH]]))


def required_literal(source: str) -> str:
    """The longest run of letters and spaces every match of the regex `source` must
    contain: read
    at the top level only (outside groups, classes and escapes), never a letter made
    optional by ?, * or {, and nothing at all when the top level has alternatives."""
    if _top_level_alternatives(source) != [source]:
        return ""
    best, current, depth, i = "", "", 0, 0
    while i < len(source):
        char = source[i]
        optional = source[i + 1 : i + 2] in ("?", "*", "{")
        if depth == 0 and (char.isalpha() or char == " ") and not optional:
            current += char
            best = max(best, current, key=len)
            i += 1
            continue
        current = ""
        if char == "\\":
            i += 2
            continue
        if char == "[":
            end = source.find("]", i + 2)  # a class never ends at its first character
            i = len(source) if end < 0 else end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        i += 1
    return best


def _gate(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A cheap search that must succeed before `pattern` can: its required letters,
    with its own flags (so case-insensitive stays case-insensitive)."""
    literal = required_literal(pattern.pattern)
    if len(literal.strip()) < ANCHOR_LENGTH:
        return None
    return re.compile(re.escape(literal), pattern.flags & (re.IGNORECASE | re.UNICODE))


class IndicatorIndex:
    """The indicators of a set of themes, indexed by anchor, in their original order."""

    def __init__(self, entries: Iterable[tuple[str, object, Anchors]]):
        self._entries = list(entries)  # (theme id, indicator, anchors)
        self._by_prefix: dict[str, list[int]] = {}
        self._by_substring: dict[str, list[int]] = {}
        self._always: list[int] = []
        # An unanchored regex with long backtracking runs only where its required letters
        # occur (the list-of-lines-of-effort pattern cost more than all the others).
        self._gates: dict[int, re.Pattern[str]] = {}
        for position, (_, indicator, anchors) in enumerate(self._entries):
            if anchors.empty:
                self._always.append(position)
                gate = _gate(indicator.pattern)
                if gate is not None:
                    self._gates[position] = gate
            for prefix in anchors.prefixes:
                self._by_prefix.setdefault(prefix, []).append(position)
            for substring in anchors.substrings:
                self._by_substring.setdefault(substring, []).append(position)

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, text: str) -> list[tuple[str, object, re.Match[str]]]:
        """Every (theme id, indicator, match) in `text`, indicators in taxonomy order.

        The same matches as `indicator.pattern.finditer(text)` for every indicator: a
        word-anchored indicator is tried only where a word with its anchor starts (its
        regex begins with a word boundary), an open-start or raw one over the whole text.
        """
        by_prefix = self._by_prefix
        positions: dict[int, list[int]] = {}  # entry -> word starts, ascending
        for word in _ANCHOR_WORD.finditer(text):
            folded = _fold_word(word.group(1))
            start = word.start()
            for n in range(1, min(len(folded), ANCHOR_LENGTH) + 1):
                for entry in by_prefix.get(folded[:n], ()):
                    starts = positions.setdefault(entry, [])
                    if not starts or starts[-1] != start:  # two prefixes of one word
                        starts.append(start)
        scanned = {
            entry
            for entry in self._always
            if entry not in self._gates or self._gates[entry].search(text)
        }
        folded_text = fold(text) if self._by_substring else ""
        for substring, entries in self._by_substring.items():
            if substring in folded_text:
                scanned.update(entries)
        found = []
        for entry in sorted(positions.keys() | scanned):
            theme_id, indicator, _ = self._entries[entry]
            pattern = indicator.pattern
            if entry in scanned:
                found.extend((theme_id, indicator, m) for m in pattern.finditer(text))
                continue
            end = 0
            for position in positions[entry]:
                if position < end:
                    continue  # finditer resumes after a match
                m = pattern.match(text, position)
                if m:
                    found.append((theme_id, indicator, m))
                    end = m.end()
        return found
