"""The classifier's shortcuts give what the slow ways give."""

from __future__ import annotations

import random
import unicodedata

from coalition_watch.classify import (
    _TYPOGRAPHY,
    _WORD,
    MODEL_MIN_WORDS,
    _function_words,
    _has_words,
    _typography,
    guess_language,
)
from coalition_watch.normalize import _INVISIBLE, _SPACES, clean_display
from coalition_watch.repair import repair

# Spaces of every kind, invisible characters, accents composed or not, mojibake and
# entities, curly quotes and dashes, German and English function words.
ALPHABET = "ab Ié\u0301\u00a0\t\n\u200b\u00ad\u2009 \u3000\x1c\u0085Â€™&;x.!?ÄDer the und ’“–"


def _samples(count: int = 5000) -> list[str]:
    rng = random.Random(13)
    fixed = ["", " ", "a  b", "e\u200b\u0301", "Mr. Blinken met. The Ministers", "&amp;"]
    return fixed + [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 12))) for _ in range(count)
    ]


def _full_cleaning(text: str) -> str:
    """clean_display without its shortcut for text that is already clean."""
    text = unicodedata.normalize("NFC", repair(text)).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def test_clean_display_shortcut_is_the_full_cleaning():
    for text in _samples():
        assert clean_display(text) == _full_cleaning(text), repr(text)
        cleaned = clean_display(text)
        assert clean_display(cleaned) == _full_cleaning(cleaned), repr(cleaned)


def test_typography_is_the_translation():
    for text in _samples():
        assert _typography(text) == text.translate(_TYPOGRAPHY), repr(text)


def test_function_words_add_up_over_texts_joined_by_spaces():
    samples = _samples(500)
    for a, b in zip(samples, samples[1:], strict=False):
        g1, e1 = _function_words(a)
        g2, e2 = _function_words(b)
        assert _function_words(f"{a} {b}") == (g1 + g2, e1 + e2), (a, b)
        assert _function_words(f"{a} … {b}") == (g1 + g2, e1 + e2), (a, b)
    assert guess_language("Die Koalition und der Irak") == "de"
    assert guess_language("The Coalition and the people of Iraq") == "en"


def test_has_words_counts_as_the_word_pattern_does():
    rng = random.Random(5)
    for text in _samples(2000) + ["word " * 3 + "x" * 300 + " a b", "1 " * 150 + "a b c d e"]:
        for _ in range(2):
            expected = len(_WORD.findall(text.lower())) >= MODEL_MIN_WORDS
            assert _has_words(text, MODEL_MIN_WORDS) == expected, repr(text)
            text = text * rng.randrange(1, 60)
