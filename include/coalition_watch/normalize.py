"""Presentation noise away, display text kept.

`clean_display` tidies text for showing to people (NFC, invisible characters gone,
whitespace collapsed) without changing its wording or typography. `fold` goes further
for comparison only: quotes, dashes and case are folded so that two renderings of
the same sentence compare equal. Neither touches wording; naming equivalences
(ISIS/Daesh, US/British spelling) are the diff stage's business.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that carry no text: soft hyphen, zero-width space/joiners, BOM, word joiner.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u2009\u200a]+")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
    }
)
_DASHES = str.maketrans(dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"))


def clean_display(text: str) -> str:
    """NFC, invisible characters removed, runs of whitespace collapsed to one space."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """A comparison key: `clean_display` plus straight quotes, ASCII dashes, lower case."""
    text = clean_display(text).translate(_QUOTES).translate(_DASHES)
    text = re.sub(r"\s*-\s*", lambda m: " - " if m.group(0).strip() != m.group(0) else "-", text)
    return text.casefold()
