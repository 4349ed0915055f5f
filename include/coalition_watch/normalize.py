"""Presentation noise away, display text kept.

`clean_display` tidies text for showing to people (encoding damage repaired, NFC,
invisible characters gone, whitespace collapsed) without changing its wording or
typography. `fold` goes further
for comparison only: quotes, dashes and case are folded so that two renderings of
the same sentence compare equal. Neither touches wording; naming equivalences
(ISIS/Daesh, US/British spelling) are the diff stage's business.

The paragraph-level helpers undo what page rendering does to a statement:
`collapse_abbreviations` removes expansions that `<abbr title>` markup leaves in
text captures ("NATO (North Atlantic Treaty Organization)", struck "~~…~~"
variants), `unwrap_lines` joins hard line wraps inside one paragraph,
`join_page_breaks` rejoins a paragraph cut in two by a page break, and
`strip_numbering` removes "1." / "(a)" paragraph numbers for comparison.
`comparison_key` is the form two presentations of one paragraph share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from coalition_watch.repair import repair

# Characters that carry no text: soft hyphen, zero-width space/joiners, BOM, word joiner.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u2009\u200a]+")
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
     "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
     "\u2033": '"'}
)  # fmt: skip
_DASHES = str.maketrans(dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"))


# Whitespace `clean_display` would change: any but a single space, and padding.
_UNTIDY_SPACE = re.compile(r"[^\S ]|[\u00a0\u2007\u202f\u2009\u200a]|  |\A | \Z")


def clean_display(text: str) -> str:
    """Encoding damage repaired (see `repair`), NFC, invisible characters removed, runs of
    whitespace collapsed to one space."""
    if _is_clean(text):
        return text  # most text is cleaned once when extracted and passed on clean
    text = unicodedata.normalize("NFC", repair(text)).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def _is_clean(text: str) -> bool:
    """True when `clean_display` would leave `text` as it is; the cheap checks first."""
    return (
        not _UNTIDY_SPACE.search(text)
        and not any(chr(code) in text for code in _INVISIBLE)
        and unicodedata.is_normalized("NFC", text)
        and repair(text) == text
    )


def fold(text: str) -> str:
    """A comparison key: `clean_display` plus straight quotes, ASCII dashes, lower case."""
    text = clean_display(text).translate(_QUOTES).translate(_DASHES)
    text = re.sub(r"\s*-\s*", lambda m: " - " if m.group(0).strip() != m.group(0) else "-", text)
    return text.casefold()


# --- abbreviation expansions ----------------------------------------------------------------

# "NATO (North Atlantic Treaty Organization)", optionally wrapped in "~~" strike markers.
_ABBR_EXPANSION = re.compile(
    r"(?P<strike>~~)?(?P<abbr>\b[A-Z][A-Za-z0-9&.\-]*[A-Z0-9]\b)\s*\((?P<expansion>[^()]{3,120})\)"
    r"(?(strike)~~)"
)
_STRIKE = re.compile(r"~~(?P<inner>[^~\n]+?)~~")
# Small words an expansion may contain without their initial counting.
_LINK_WORDS_TEXT = (
    "of the and for on in to de du des la le et der die das und für von di del della e"
)
_LINK_WORDS = frozenset(_LINK_WORDS_TEXT.split())


def _is_expansion(abbr: str, expansion: str) -> bool:
    """True when `expansion` spells out `abbr`: capitalised words whose letters contain the
    abbreviation's letters in order, starting with its first letter."""
    words = expansion.split()
    if len(words) < 2:
        return False
    if any(not (w[0].isupper() or w.lower() in _LINK_WORDS) for w in words):
        return False
    letters = [c.lower() for c in abbr if c.isalnum()]
    if not letters or letters[0] != words[0][0].lower():
        return False
    source = "".join(words).lower()
    position = 0
    for letter in letters:
        position = source.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


def collapse_abbreviations(text: str) -> str:
    """Drop expansions of abbreviations that `<abbr title>` rendering adds to page text.

    "~~NATO (North Atlantic Treaty Organization)~~'s mission" and
    "UN (United Nations) Security Council" become "NATO's mission" and
    "UN Security Council". A parenthesis that does not spell the abbreviation out
    ("ISIS (also known as Daesh)") is left alone; stray "~~" strike markers are removed.
    """

    def replace(match: re.Match[str]) -> str:
        if _is_expansion(match["abbr"], match["expansion"]):
            return match["abbr"]
        return match.group(0)

    text = _ABBR_EXPANSION.sub(replace, text)
    return _STRIKE.sub(lambda m: m["inner"], text)


# --- line wraps, page breaks, numbering ------------------------------------------------------

_HYPHEN_WRAP = re.compile(r"(?<=[A-Za-z\u00c0-\u024f])-\s*\n\s*(?=[a-z\u00df-\u00ff])")
_TERMINAL = re.compile(r"[.!?:;\"'\u201d\u2019\u00bb)\]]\s*$")
_STARTS_LOWER = re.compile(r"^[\"'\u201c\u2018(]?[a-z\u00df-\u00ff]")


def unwrap_lines(paragraph: str) -> str:
    """Join the hard line wraps of one paragraph into one line.

    A line ending in a hyphen before a lower-case continuation keeps the hyphen and no
    space ("well-\\nknown" -> "well-known"); every other break becomes one space.
    """
    paragraph = _HYPHEN_WRAP.sub("-", paragraph)
    return clean_display(paragraph)


def is_cut(paragraph: str) -> bool:
    """True when a paragraph ends without terminal punctuation (a page break may follow)."""
    return bool(paragraph) and not _TERMINAL.search(paragraph)


def join_page_breaks(paragraphs: Iterable[str]) -> list[str]:
    """Rejoin paragraphs that a page break split: one ending without terminal punctuation
    followed by one starting in lower case become one paragraph."""
    joined: list[str] = []
    for paragraph in paragraphs:
        if joined and is_cut(joined[-1]) and _STARTS_LOWER.match(paragraph):
            joined[-1] = f"{joined[-1]} {paragraph}"
        else:
            joined.append(paragraph)
    return joined


_NUMBERING = re.compile(
    r"^\s*(?:"
    r"\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})\)"  # (1) (a) (iv) 1) a)
    r"|\d{1,3}(?:\.\d{1,3})*\.(?!\d)"  # 1.  2.3.
    r"|[a-z]\.(?=\s)"  # a.
    r")\s+(?=\S)",
    re.IGNORECASE,
)


def strip_numbering(paragraph: str) -> str:
    """Remove a leading paragraph number such as "1.", "2.3.", "(a)", "iv)" or "a."."""
    return _NUMBERING.sub("", paragraph, count=1)


def display_paragraph(text: str) -> str:
    """One paragraph as extracted text becomes display text: wraps joined, abbreviation
    expansions collapsed, encoding damage repaired, whitespace and invisible characters
    cleaned."""
    return clean_display(collapse_abbreviations(unwrap_lines(text)))


def display_paragraphs(texts: Iterable[str]) -> list[str]:
    """`display_paragraph` on each, empties dropped, page-break cuts rejoined."""
    cleaned = (display_paragraph(t) for t in texts)
    return join_page_breaks(p for p in cleaned if p)


def comparison_key(paragraph: str) -> str:
    """What two presentations of the same paragraph share: numbering stripped, then `fold`."""
    return fold(strip_numbering(collapse_abbreviations(paragraph)))
