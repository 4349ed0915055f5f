"""Publication dates as the official sites print them, to ISO (YYYY-MM-DD).

Seen on the watched sites: "30.03.2021" (auswaertiges-amt.de, both languages),
"June 4, 2020" (state.gov, text captures), "4 June 2020" (gov.uk), "Publication date:
June 4 2020" (esteri.it), "4. Juni 2020", "4 giugno 2020", "4 juin 2020", and ISO
timestamps in meta tags and the gov.uk content API.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janvier gennaio genn",
        "february feb februar février fevrier febbraio",
        "march mar märz maerz mars marzo",
        "april apr avril aprile",
        "may mai maggio",
        "june jun juni juin giugno",
        "july jul juli juillet luglio",
        "august aug août aout agosto",
        "september sep sept settembre septembre",
        "october oct oktober octobre ottobre okt",
        "november nov novembre",
        "december dec dezember décembre decembre dicembre dez",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_MONTH = r"(?P<month>[A-Za-zÀ-ÿ]{3,10})\.?"
_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})(?:[T ]|\b)"),
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>\d{4})\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+{_MONTH}\s+(?P<year>\d{{4}})\b"),
]


def parse_date(text: str | None) -> str | None:
    """The first date found in `text` as ISO, or None when there is none (or it is invalid)."""
    if not text:
        return None
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found = _to_iso(match)
            if found:
                return found
    return None


def _to_iso(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    month = int(parts["mnum"]) if parts.get("mnum") else MONTHS.get(parts["month"].lower(), 0)
    try:
        return date(int(parts["year"]), month, int(parts["day"])).isoformat()
    except ValueError:
        return None
