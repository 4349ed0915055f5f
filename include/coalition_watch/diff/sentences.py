"""Sentence splitting for diplomatic prose.

A full stop ends a sentence only when what follows looks like a new sentence (a capital,
a digit, an opening quote) and what precedes is not an abbreviation ("U.S.", "Mr.",
"No. 5", "Michael R. Pompeo") or a paragraph number ("1."). Semicolons never split: a
semicolon-separated list is one sentence, as its authors wrote it.
"""

from __future__ import annotations

import re

from coalition_watch.normalize import clean_display

# Abbreviations that end with a full stop and are usually followed by a capital.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "nos",
        "art",
        "arts",
        "para",
        "paras",
        "vol",
        "p",
        "pp",
        "fig",
        "gen",
        "lt",
        "col",
        "maj",
        "sgt",
        "capt",
        "adm",
        "amb",
        "sen",
        "rep",
        "gov",
        "pres",
        "jr",
        "sr",
        "rev",
        "hon",
        "messrs",
        "mt",
        "ft",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "est",
        "approx",
        "e.g",
        "i.e",
        "cf",
        "vs",
        "etc",
        "al",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
# After a dotted acronym ("U.S.") a sentence break is likelier before these words only.
_SENTENCE_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "we",
        "they",
        "this",
        "these",
        "those",
        "it",
        "its",
        "in",
        "on",
        "at",
        "as",
        "at",
        "our",
        "their",
        "he",
        "she",
        "there",
        "however",
        "moreover",
        "furthermore",
        "ministers",
        "participants",
    ]
)
_BOUNDARY = re.compile(
    r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+(?:[\"'\u201c\u2018(\[]?[A-Z0-9]|\([a-z]{1,4}\)))"
)
_ENUMERATOR = re.compile(r"^\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})$", re.IGNORECASE)
_DOTTED = re.compile(r"(?:\b[A-Za-z]\.)+$")


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, display text, in order."""
    return split_clean_sentences(clean_display(paragraph))


def split_clean_sentences(text: str) -> list[str]:
    """`split_sentences` of text that is `clean_display`ed already (cleaning is not free)."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if _is_boundary(text, start, match.start(), end):
            sentences.append(text[start:end].strip())
            start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def _is_boundary(text: str, start: int, stop: int, end: int) -> bool:
    if text[stop] != ".":
        return True  # "!" and "?" always end a sentence
    before = text[start:stop]
    last_word = before.rsplit(maxsplit=1)[-1] if before.strip() else ""
    word = last_word.lstrip("(\"'\u201c\u2018")
    if _ENUMERATOR.match(before.strip()):
        return False  # "1. The Ministers ..." or "(a) ..." opening the paragraph
    if word.casefold().rstrip(".") in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "Michael R. Pompeo"
    # the abbreviation, if any, ends `before`: its last two characters decide the match
    if _DOTTED.search(before[-2:] + "."):
        following = text[end:].split(maxsplit=1)
        opener = following[0].strip("\"'\u201c\u2018(").casefold() if following else ""
        return opener in _SENTENCE_OPENERS
    return True
