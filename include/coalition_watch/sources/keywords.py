"""Which listing entries are Coalition statements, decided before any article is fetched.

Matching is on folded text (case, accents, apostrophes and dashes folded) with word
boundaries, so "Da’esh", "DAESH" and "Anti‑IS‑Koalition" all match, and "this" never
matches "IS".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# EN / DE / FR / IT names of the group and of the Coalition.
DEFAULT_KEYWORDS: tuple[str, ...] = (
    "Daesh",
    "Da'esh",
    "Daech",  # FR
    "ISIS",
    "ISIL",
    "EIIL",  # FR: État islamique en Irak et au Levant
    "Islamic State",
    "Islamischer Staat",
    "Islamischen Staat",
    "État islamique",
    "Etat islamique",
    "Stato Islamico",
    "Anti-IS-Koalition",
    "Anti-IS Koalition",
    "IS-Koalition",
    "Coalition to Defeat",
    "Global Coalition against",
    "Coalition internationale contre Daech",
    "Coalizione globale contro Daesh",
)


def fold_for_match(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2018\u2019\u02bc`´]", "'", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text).casefold()


class KeywordFilter:
    """True for text that names the group or the Coalition in one of the four languages."""

    def __init__(self, keywords: Iterable[str] = DEFAULT_KEYWORDS):
        self.keywords = tuple(keywords)
        if not self.keywords:
            raise ValueError("a keyword filter needs at least one keyword")
        alternatives = sorted({re.escape(fold_for_match(k)) for k in self.keywords}, key=len)
        self._pattern = re.compile(
            r"(?<![\w-])(?:" + "|".join(reversed(alternatives)) + r")(?![\w])"
        )

    def matches(self, *texts: str | None) -> bool:
        return any(self._pattern.search(fold_for_match(t)) for t in texts if t)

    def __repr__(self) -> str:
        return f"KeywordFilter({len(self.keywords)} keywords)"
