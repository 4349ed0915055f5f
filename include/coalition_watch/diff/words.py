"""Word-level differences inside aligned sentences.

Comparison runs on equivalence keys (so "Daesh/ISIS" against "ISIS" is no difference),
and every difference is shown as the display words it covers, snapped to whole tokens.
Short coincidental matches between two changes ("the", "of") are absorbed into one span,
so a reader sees "the April 2 NATO Ministerial" -> "the February 18 NATO Defence
Ministerial Meeting" rather than a scatter of single words.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from coalition_watch.diff.dates import same_day
from coalition_watch.diff.equivalence import Equivalences
from coalition_watch.diff.tokens import Token

# Equal runs this short, between two changes, are coincidence rather than shared wording.
_MAX_COINCIDENCE = 2
_GLUE_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "at",
        "by",
        "with",
        "as",
        "its",
        "their",
        "our",
    ]
)


@dataclass(frozen=True)
class WordDiff:
    """What changed between two texts, as display spans."""

    inserted: list[str]
    deleted: list[str]
    substantive: bool


@dataclass(frozen=True)
class Text:
    """Display text with its comparison tokens."""

    display: str
    tokens: tuple[Token, ...]

    def content(self, eq: Equivalences) -> tuple[Token, ...]:
        if not eq.punctuation_is_cosmetic:
            return self.tokens
        return self.words

    @cached_property
    def words(self) -> tuple[Token, ...]:
        """The word tokens: asked for when aligning and again when diffing the sentence."""
        return tuple([t for t in self.tokens if t.is_word])


def diff_words(old: Text, new: Text, eq: Equivalences) -> WordDiff:
    """Changed spans between two texts and whether any of them is more than cosmetic."""
    a, b = old.content(eq), new.content(eq)
    keys_a, keys_b = _keys_with_days_resolved(a, b)
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    ops = _absorb_coincidences(matcher.get_opcodes(), a)
    inserted: list[str] = []
    deleted: list[str] = []
    substantive = False
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        old_span, new_span = a[i1:i2], b[j1:j2]
        if _same_days(old_span, new_span):
            continue  # "yesterday" for "March 29, 2021": cosmetic
        substantive = True
        if old_span:
            deleted.append(old.display[old_span[0].start : old_span[-1].end])
        if new_span:
            inserted.append(new.display[new_span[0].start : new_span[-1].end])
    return WordDiff(inserted, deleted, substantive)


def _keys_with_days_resolved(
    a: tuple[Token, ...], b: tuple[Token, ...]
) -> tuple[list[str], list[str]]:
    """Give "yesterday" the key of the date it stands for when the other side names it."""
    keys_a, keys_b = [t.key for t in a], [t.key for t in b]
    for mine, keys, theirs in ((a, keys_a, b), (b, keys_b, a)):
        for k, token in enumerate(mine):
            if token.day is None or token.key.startswith("="):
                continue  # only relative words ("yesterday") borrow a date's key
            for other in theirs:
                if other.key.startswith("=") and same_day(token.day, other.day):
                    keys[k] = other.key
                    break
    return keys_a, keys_b


def _absorb_coincidences(
    ops: list[tuple[str, int, int, int, int]], a: tuple[Token, ...]
) -> list[tuple[str, int, int, int, int]]:
    """Merge short equal runs of glue words into the changes on both sides of them."""
    merged: list[tuple[str, int, int, int, int]] = []
    for k, op in enumerate(ops):
        tag, i1, i2, j1, j2 = op
        between_changes = 0 < k < len(ops) - 1 and merged and merged[-1][0] != "equal"
        if (
            tag == "equal"
            and between_changes
            and i2 - i1 <= _MAX_COINCIDENCE
            and all(t.key in _GLUE_WORDS or len(t.key) == 1 for t in a[i1:i2])
        ):
            tag = "replace"
        if tag != "equal" and merged and merged[-1][0] != "equal":
            _, p1, _, q1, _ = merged[-1]
            merged[-1] = ("replace", p1, i2, q1, j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def _same_days(old_span: tuple[Token, ...], new_span: tuple[Token, ...]) -> bool:
    if len(old_span) != len(new_span) or not old_span:
        return False
    return all(
        x.key == y.key or same_day(x.day, y.day) for x, y in zip(old_span, new_span, strict=True)
    )


def matched_tokens(a: list[str], b: list[str]) -> int:
    """How many comparison keys two sequences share in order."""
    if not a or not b:
        return 0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())
