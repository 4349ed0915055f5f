"""The features the theme model reads: words, word pairs and letter groups of a passage.

Letter groups (4 and 5 characters inside a word, with its start and end marked) let the
model generalise across inflections and German compounds: "Terrorismusfinanzierung",
"financing" and "financiers" share "financ" groups. The vector is binary and scaled to
unit length, so a long passage does not outscore a short one by length alone.

Training (scripts/train_classifier.py) and prediction (theme_model.py) both use
`features`, so the model reads exactly what it was trained on.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

# A word with its inner apostrophes (ISIS's, Da'esh), which `normal` then drops.
_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*")
_SPELLING = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "\u2019": "", "'": "", "\u2018": ""}
)
CHAR_SIZES = (4, 5)
# Function words: not features on their own (they say nothing of a theme) and never
# shown as evidence. Word pairs still see them ("in custody", "im Irak").
FUNCTION_WORDS = frozenset(
    ("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
     "it", "its", "of", "on", "or", "our", "that", "the", "their", "this", "to", "was", "we",
     "were", "which", "will", "with", "all", "also", "been", "into", "more", "not", "other",
     "such", "these", "der", "die", "das", "und", "mit", "für", "nicht", "ist", "sind", "den",
     "dem", "des", "ein", "eine", "einer", "eines", "sich", "auf", "von", "zu", "im", "in",
     "wir", "auch", "über", "bei", "nach", "wird", "werden", "als", "an", "am", "aus", "dass",
     "es", "hat", "haben", "noch", "nur", "oder", "sie", "so", "um", "unter", "vor", "zur",
     "zum")
)  # fmt: skip


def tokens(text: str) -> list[re.Match[str]]:
    """The words of `text`, as matches (so evidence can quote them as written)."""
    return list(_TOKEN.finditer(text))


def normal(word: str) -> str:
    return word.lower().translate(_SPELLING)


@lru_cache(maxsize=1 << 16)
def word_features(word: str) -> tuple[str, ...]:
    """The features one word contributes on its own: itself and its letter groups.
    (Remembered: a statement repeats its words.)"""
    if word in FUNCTION_WORDS:
        return ()
    feats = [f"w:{word}"]
    if len(word) >= 4:
        padded = f"<{word}>"
        for size in CHAR_SIZES:
            feats += [f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return tuple(feats)


def features(text: str) -> dict[str, float]:
    """Binary features of `text`, scaled to unit length."""
    words = [normal(m.group(0)) for m in tokens(text)]
    found: set[str] = set()
    for word in words:
        found.update(word_features(word))
    found.update(f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    if not found:
        return {}
    value = 1.0 / math.sqrt(len(found))
    return dict.fromkeys(found, value)


def feature_words(text: str) -> dict[str, str]:
    """Each feature of `text` mapped to the first word (or word pair) it came from, as
    written: what the model's evidence quotes."""
    matches = tokens(text)
    words = [normal(m.group(0)) for m in matches]
    found: dict[str, str] = {}
    for m, word in zip(matches, words, strict=True):
        for feature in word_features(word):
            found.setdefault(feature, m.group(0))
    for (a, b), (ma, mb) in zip(
        zip(words, words[1:], strict=False), zip(matches, matches[1:], strict=False), strict=True
    ):
        found.setdefault(f"b:{a}_{b}", text[ma.start() : mb.end()])
    return found


def is_content_word(word: str) -> bool:
    """Worth showing as evidence: not a function word, not a number alone."""
    return normal(word) not in FUNCTION_WORDS and not word.isdigit()
