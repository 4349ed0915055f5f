"""Where a meeting took place, read from its statement: a city, "virtual", or unknown.

Communiqués of one series look alike; the index tells them apart by date and venue. The
venue is stated in the opening sentences ("the Foreign Ministers ... met in Rome",
"met virtually today", "trafen sich in Rom", "per Videokonferenz"), so the first few
paragraphs are read and the first statement of a place wins. Nothing is stored: a better
rule here reaches every past statement at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

VIRTUAL = "virtual"
OPENING_PARAGRAPHS = 3  # the venue is in the opening; later paragraphs name other places

_PLACE = r"([A-ZÄÖÜ][\w'’-]+(?: [A-ZÄÖÜ][\w'’-]+){0,2})"
_VIRTUAL = re.compile(
    r"\bmet\s+(?:\w+\s+){0,2}virtually\b|\bvirtual(?:ly)?\s+(?:meeting|ministerial)\b"
    r"|\bvideo[- ]?conference\b|\bvirtuell(?:en?)?\b|\bVideokonferenz\b|\bVideoschalte\b",
    re.IGNORECASE,
)
# "met in Rome", "met today in New York", "gathered in Marrakech", "meeting in Riyadh";
# German "trafen sich (heute) in Rom", "kamen in Brüssel zusammen", "Treffen in Rom".
_CITY = re.compile(
    r"\b(?:met|meet|meeting|gathered|convened|assembled|trafen sich|kamen|Treffen|Sitzung)"
    r"\b(?:\s+(?:today|on\s+\w+\s+\d+|heute|am\s+[\d.]+\w*))?[^.;:]{0,40}?\bin\s+" + _PLACE
)
_NOT_A_VENUE = frozenset({"Iraq", "Syria", "Irak", "Syrien", "The", "Der", "Die", "Das"})


def meeting_venue(title: str, paragraphs: Sequence[str]) -> str | None:
    """The city a meeting was held in, VIRTUAL for an online one, None when not stated."""
    for text in (title, *paragraphs[:OPENING_PARAGRAPHS]):
        if not text:
            continue
        city = _CITY.search(text)
        virtual = _VIRTUAL.search(text)
        venue_named = city and city.group(1).split()[0] not in _NOT_A_VENUE
        if venue_named and (not virtual or city.start() < virtual.start()):
            return city.group(1)
        if virtual:
            return VIRTUAL
    return None
