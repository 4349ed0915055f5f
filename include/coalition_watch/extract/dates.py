"""Publication dates as the official sites print them, to ISO (YYYY-MM-DD).

Seen on the watched sites: "30.03.2021" (auswaertiges-amt.de, both languages),
"June 4, 2020" (state.gov, text captures), "4 June 2020" (gov.uk), "Publication date:
June 4 2020" (esteri.it), "4. Juni 2020", "4 giugno 2020", "4 juin 2020", and ISO
timestamps in meta tags and the gov.uk content API.

Some listings print no year ("30 Mar" on diplomatie.belgium.be). Given the date the
listing was fetched (`reference`), such a date is read as the most recent one that is not
after it: "30 Mar" fetched on 7 April 2021 is 2021-03-30, "17 Dec" is 2020-12-17. Without
a reference a year-less date is not a date, so article text is never guessed at.
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


# A whole word: "30 Marching" is no date.
_MONTH_WORD = r"(?P<month>[A-Za-zÀ-ÿ]{3,10})(?![A-Za-zÀ-ÿ])\.?"
_YEARLESS = [
    # "30 Mar", "1er avril"; one followed by a year is a full date (or an invalid one)
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+{_MONTH_WORD}(?!,?\s*\d)"),
    # "March 30" (not the "May 12" of "3 May 12 people")
    re.compile(rf"(?<!\d\s)\b{_MONTH_WORD}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d)"),
]
# A 29 February needs a leap year; one is never more than eight years back.
_YEARS_BACK = 8


def parse_date(text: str | None, *, reference: date | None = None) -> str | None:
    """The first date found in `text` as ISO, or None when there is none (or it is invalid).

    With `reference` (the day the text was fetched), a day and month without a year
    ("30 Mar") count too: the most recent such date not after `reference`. A full date
    anywhere in the text wins over a year-less one.
    """
    if not text:
        return None
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found = _to_iso(match)
            if found:
                return found
    if reference is not None:
        for pattern in _YEARLESS:
            for match in pattern.finditer(text):
                found = _latest_not_after(match, reference)
                if found:
                    return found
    return None


def _latest_not_after(match: re.Match[str], reference: date) -> str | None:
    month = MONTHS.get(match["month"].lower(), 0)
    if not month:
        return None
    day = int(match["day"])
    for year in range(reference.year, reference.year - _YEARS_BACK - 1, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 30 February never; 29 February only in leap years
        if candidate <= reference:
            return candidate.isoformat()
    return None


def _to_iso(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    month = int(parts["mnum"]) if parts.get("mnum") else MONTHS.get(parts["month"].lower(), 0)
    try:
        return date(int(parts["year"]), month, int(parts["day"])).isoformat()
    except ValueError:
        return None
