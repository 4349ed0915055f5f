"""Comparison tokens and the character folding every word goes through.

A token is a comparison key with the span of display text it came from, so that a
difference found between keys can be shown as the words the reader actually sees.
Folding straightens quotes and dashes before case and accents are folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = re.compile(r"\w+|[^\w\s]")
QUOTES = str.maketrans(
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
DASHES = str.maketrans(dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"))
# A canonical key that stands for a rule, never for a word a text could contain.
RULE_MARK = "="
_BLANK = object.__new__


@dataclass(frozen=True)
class Token:
    """One comparison unit: `key` to compare, `start`/`end` into the display text."""

    key: str
    start: int
    end: int
    is_word: bool
    day: str | None = None  # ISO date (or MM-DD) a date expression or "yesterday" stands for


def new_token(key: str, start: int, end: int, is_word: bool, day: str | None = None) -> Token:
    """The same as Token(...), at half the cost: a frozen dataclass's __init__ is slow, and
    tokenising makes one token a word."""
    token = _BLANK(Token)
    token.__dict__.update(key=key, start=start, end=end, is_word=is_word, day=day)
    return token


def word_tokens(raw: list[tuple[str, int, int]], keys: list[str]) -> list[Token]:
    """One token per raw (word, start, end), with its folded key."""
    return [
        new_token(key, start, end, word[0].isalnum() or word[0] == "_")
        for (word, start, end), key in zip(raw, keys, strict=True)
    ]
