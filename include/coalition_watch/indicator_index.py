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
from itertools import accumulate, compress

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
    return max(required_literals(source), key=len, default="")


def required_literals(source: str) -> list[str]:
    """Every run of letters and spaces that every match of `source` must contain, in
    order (see `required_literal`, the longest of them)."""
    if _top_level_alternatives(source) != [source]:
        return []
    runs, current, depth, i = [], "", 0, 0
    while i < len(source):
        char = source[i]
        optional = source[i + 1 : i + 2] in ("?", "*", "{")
        if depth == 0 and (char.isalpha() or char == " ") and not optional:
            current += char
            i += 1
            continue
        if current:
            runs.append(current)
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
    if current:
        runs.append(current)
    return runs


def requirements(source: str) -> tuple[tuple[str, ...], ...]:
    """What every match of the regex `source` must contain, as clauses: each clause a
    tuple of lower-case ASCII letter runs of which at least one occurs (case aside) in
    any text the regex matches. Read conservatively: groups that may be skipped,
    lookarounds, classes and escapes require nothing; an alternation requires one of its
    alternatives' letters only when every alternative has some."""
    alternatives = _top_level_alternatives(source)
    if len(alternatives) > 1:
        clause = []
        for alternative in alternatives:
            singles = [c[0] for c in requirements(alternative) if len(c) == 1]
            if not singles:
                return ()
            clause.append(max(singles, key=len))
        return (tuple(dict.fromkeys(clause)),)
    clauses: list[tuple[str, ...]] = []
    run = ""

    def close_run() -> None:
        nonlocal run
        # Its ASCII pieces: "Koalition für den Sahel" needs "koalition f", "r den sahel".
        for piece in _NON_ASCII.split(run):
            if len(piece.strip()) >= ANCHOR_LENGTH:
                clauses.append((piece.lower(),))
        run = ""

    i = 0
    while i < len(source):
        char = source[i]
        optional = source[i + 1 : i + 2] in ("?", "*", "{")
        if (char.isalpha() or char == " ") and not optional:
            run += char
            i += 1
            continue
        close_run()
        if char == "\\":
            i += 2
        elif char == "[":
            end = source.find("]", i + 2)  # a class never ends at its first character
            i = len(source) if end < 0 else end + 1
        elif char == "(":
            end = _closing(source, i)
            if end is None:
                break
            inner = source[i + 1 : end]
            body = None
            if not inner.startswith("?"):
                body = inner  # a capturing group
            elif re.match(r"\?[a-zA-Z-]*:", inner):
                body = inner[inner.index(":") + 1 :]  # (?:...), (?-i:...)
            if body and source[end + 1 : end + 2] not in ("?", "*", "{"):
                clauses += requirements(body)
            i = end + 1
        else:
            i += 1
    close_run()
    return tuple(dict.fromkeys(clauses))


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _meets(lowered: str, needs: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]) -> bool:
    """`lowered` meets requirements split by `_split_needs`."""
    contains = lowered.__contains__
    singles, choices = needs
    return all(map(contains, singles)) and all(any(map(contains, c)) for c in choices)


def _split_needs(clauses: tuple[tuple[str, ...], ...]):
    """Clauses of one letter run apart from those of several: (runs, choices)."""
    return (
        tuple(c[0] for c in clauses if len(c) == 1),
        tuple(c for c in clauses if len(c) > 1),
    )


def _gate(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A cheap search that must succeed before `pattern` can: its required letters,
    with its own flags (so case-insensitive stays case-insensitive)."""
    literal = required_literal(pattern.pattern)
    if len(literal.strip()) < ANCHOR_LENGTH:
        return None
    return re.compile(re.escape(literal), pattern.flags & (re.IGNORECASE | re.UNICODE))


# Where a pattern can only read a word. Its source, without the lookarounds at a word's
# edges, \w, case and non-capturing groups and the i[sz] / en[cs]e classes, is letters,
# digits, apostrophes and grouping: it consumes word characters and apostrophes only.
_WORD_ONLY_PIECES = re.compile(r"\(\?<!\\w\)|\(\?!\\w\)|\\w|\(\?-i:|\(\?:|\[sz\]|\[cs\]")
_WORD_ONLY_REST = re.compile(r"[\w'|?*()]*")


def _reads_one_word(source: str) -> bool:
    """True when every match of `source` lies inside one run of word characters and
    apostrophes, and depends on nothing outside it (see _WORD_ONLY_PIECES)."""
    return _WORD_ONLY_REST.fullmatch(_WORD_ONLY_PIECES.sub("", source)) is not None


class _Words(dict):
    """A word as the text spells it (with its apostrophes) -> what the index needs of it,
    worked out once per spelling (a table of the vocabulary, like the folding of words):
    the matches of the indicators that read one word only, as (start, end, entry)
    inside it, and the (offset, entry) where another indicator may match (its anchor
    starts there, or, open-start, lies inside the word). None when there is neither."""

    def __init__(self, index: IndicatorIndex):
        super().__init__()
        self._index = index

    def __missing__(self, token: str):
        index = self._index
        matches: list[tuple[int, int, int]] = []
        tries: list[tuple[int, int]] = []
        resume: dict[int, int] = {}  # entry -> end of its last match in this word
        # An open start (*finanzierung) matches from a word start (\w* takes the rest of
        # the word) of a word whose folding has its anchor: try it at each.
        folded_token = _fold_word(_untrapped(token))
        open_starts = [
            entry
            for substring, entries in index._by_substring.items()
            if substring in folded_token
            for entry in entries
        ]
        # A word starts at the token's start and after each apostrophe inside it.
        starts = [0]
        if not token.isalnum():
            starts += [m.start() for m in _INNER_WORD.finditer(token)]
        for offset in starts:
            folded = _fold_word(_untrapped(token[offset:]))
            entries: set[int] = set(open_starts)
            for n in range(1, min(len(folded), ANCHOR_LENGTH) + 1):
                entries.update(index._by_prefix.get(folded[:n], ()))
            for entry in sorted(entries):
                pattern = index._entries[entry][1].pattern
                first = index._first_word[entry]
                if first is _ONE_WORD:
                    if offset < resume.get(entry, 0):
                        continue  # finditer resumes after a match
                    m = pattern.match(token, offset)
                    if m:
                        matches.append((m.start(), m.end(), entry))
                        resume[entry] = m.end()
                    continue
                if first and not any(c in token for c in _CASE_TRAPS):
                    # A phrase's first word is read from this word: so are its letters.
                    rest = token[offset:].lower()
                    if not all(map(rest.__contains__, first)):
                        continue
                tries.append((offset, entry))
        if len(self) >= _TOKEN_TABLE_SIZE:
            self.clear()
        value = self[token] = (tuple(matches), tuple(tries)) if matches or tries else None
        return value


_INNER_WORD = re.compile(r"(?<=[^\w])\w")  # in a token: a word after an apostrophe
# A word with the apostrophes inside or after it; what lies between two is never a word.
_TOKEN_SPLIT = re.compile(r"(\w[\w'\u2018\u2019\u201b\u2032`]*)")
_TOKEN_TABLE_SIZE = 1 << 17
# Characters sre's case-insensitive matching equates with an ASCII letter although
# str.lower does not give that letter (dotless i, long s, dotted capital I): a text with
# one of them is never pruned by the letters its indicators need.
_CASE_TRAPS = ("\u0131", "\u017f", "\u0130")
_UNTRAP = str.maketrans({"\u0131": "i", "\u017f": "s", "\u0130": "I"})


def _untrapped(text: str) -> str:
    """`text` with those letters as the ASCII letters sre takes them for, so anchors
    read them as the regexes do (length kept)."""
    if any(c in text for c in _CASE_TRAPS):
        return text.translate(_UNTRAP)
    return text


@lru_cache(maxsize=1 << 12)
def _needs_of(pattern: re.Pattern[str]) -> tuple | None:
    if pattern.flags & re.VERBOSE:  # spaces there are not letters
        return None
    clauses = requirements(pattern.pattern)
    return _split_needs(clauses) if clauses else None


_ONE_WORD = ("one word",)
_JOIN = r"[\s\-]*"  # between the words of a phrase (themes._phrase_regex)


@lru_cache(maxsize=1 << 12)
def _first_word(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """_ONE_WORD for a pattern that reads one word; for a phrase of such words joined by
    `_JOIN`, the letters its first word needs (lower case); () for anything else."""
    if _reads_one_word(pattern.pattern):
        return _ONE_WORD
    parts = pattern.pattern.split(_JOIN)
    if len(parts) < 2 or not all(_reads_one_word(part) for part in parts):
        return ()
    return tuple(c[0] for c in requirements(parts[0]) if len(c) == 1)


class _Lazy(dict):
    def __init__(self, make):
        super().__init__()
        self._make = make

    def __missing__(self, key):
        value = self[key] = self._make(key)
        return value


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
        # Worked out on first use (most indicators never need them): what an indicator
        # needs (see `requirements`), and whether it reads one word (see _Words).
        self._needs = _Lazy(lambda entry: _needs_of(self._entries[entry][1].pattern))
        self._first_word = _Lazy(lambda entry: _first_word(self._entries[entry][1].pattern))
        self._words = _Words(self)

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, text: str) -> list[tuple[str, object, re.Match[str]]]:
        """Every (theme id, indicator, match) in `text`, indicators in taxonomy order.

        The same matches as `indicator.pattern.finditer(text)` for every indicator (see
        `spans`, which this reads again as match objects)."""
        return [
            (theme_id, indicator, indicator.pattern.match(text, start))
            for theme_id, indicator, start, _ in self.spans(text)
        ]

    def spans(self, text: str) -> list[tuple[str, object, int, int]]:
        """Every (theme id, indicator, start, end) of a match in `text`, indicators in
        taxonomy order, each indicator's matches in order: those of
        `indicator.pattern.finditer(text)` for every indicator.

        A word-anchored indicator is tried only where a word with its anchor starts (its
        regex begins with a word boundary), an open-start one only at the start of a word
        with its anchor inside; one that reads a single word is matched once per spelling
        of the word (see _Words); one with no anchor runs over the whole text when the
        text has the letters it needs.
        """
        # The text as runs: non-word, word, non-word, ..., non-word; word k starts where
        # run 2k ends.
        parts = _TOKEN_SPLIT.split(text)
        words = list(map(self._words.__getitem__, parts[1::2]))
        ends = list(accumulate(map(len, parts)))
        found: list[tuple[int, int, int]] = []  # (entry, start, end)
        positions: dict[int, list[int]] = {}  # entry -> word starts to try, ascending
        for start, (matches, tries) in compress(zip(ends[:-1:2], words, strict=True), words):
            found += [(entry, start + begin, start + end) for begin, end, entry in matches]
            for offset, entry in tries:
                starts = positions.get(entry)
                if starts is None:
                    positions[entry] = [start + offset]
                else:
                    starts.append(start + offset)
        # Lower case, where sre's case-insensitive matching agrees with str.lower.
        lowered = None if any(c in text for c in _CASE_TRAPS) else text.lower()
        needs = self._needs
        if lowered is not None:
            # Any indicator is tried only in a passage that has the letters it needs:
            # "Coalition forces" is not tried at every "Coalition". A match attempt costs
            # about what the check does: check only where it saves.
            for entry in [e for e, p in positions.items() if len(p) > 2 and needs[e]]:
                if not _meets(lowered, needs[entry]):
                    del positions[entry]
            scanned = [
                entry for entry in self._always if not needs[entry] or _meets(lowered, needs[entry])
            ]
        else:
            scanned = [
                entry
                for entry in self._always
                if entry not in self._gates or self._gates[entry].search(text)
            ]
        entries = self._entries
        for entry in scanned:
            found += [(entry, *m.span()) for m in entries[entry][1].pattern.finditer(text)]
        for entry, starts in positions.items():
            pattern = entries[entry][1].pattern
            end = 0
            for position in starts:
                if position < end:
                    continue  # finditer resumes after a match
                m = pattern.match(text, position)
                if m:
                    found.append((entry, position, m.end()))
                    end = m.end()
        found.sort()
        return [(entries[e][0], entries[e][1], start, end) for e, start, end in found]
