"""Which language a statement is in, from declared markup or, failing that, its words.

Only the languages of the watched sites matter (en, de, fr, it); a count of very common
function words is enough to tell them apart on a paragraph or more of text.
"""

from __future__ import annotations

import re

_COMMON_WORDS = {
    "en": "the and of to in that is for with which are this its our their we",
    "de": "der die das und den des ist nicht mit von zu im für auf eine einer",
    "fr": "le la les et des du est pour dans une que qui sur au aux",
    "it": "il la le e di del della che per con una sono degli nel alla",
}
_FUNCTION_WORDS = {lang: frozenset(words.split()) for lang, words in _COMMON_WORDS.items()}
_WORD = re.compile(r"[a-zà-ÿß]+")


def declared_language(value: str | None) -> str | None:
    """ "en-GB" -> "en"; None or blank stays None."""
    if not value or not value.strip():
        return None
    return value.strip().split("-")[0].split("_")[0].lower() or None


def guess_language(text: str) -> str | None:
    """The language whose function words are most frequent in `text`, or None if none occur."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORD.findall(text[:5000].lower()):
        for lang, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[lang] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= 2 else None
