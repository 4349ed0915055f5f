"""Date resolution for comparison: a date or relative day becomes the day it stands for.

"30 March 2021", "March 30, 2021" and, in a statement published on 31 March 2021,
"yesterday" all become one token carrying the day 2021-03-30, so rewording a date is
cosmetic and changing it is not. Month names and relative days come from
config/equivalences.yaml (`months`, `relative_days`).
"""

from __future__ import annotations

import datetime as dt

from coalition_watch.diff.tokens import RULE_MARK, Token


def mark_days(
    tokens: list[Token],
    published: str | None,
    months: dict[str, int],
    relative_days: dict[str, int],
) -> list[Token]:
    """Give dates and relative days the day they stand for, as one token."""
    pub = _parse_iso(published)
    day_words = frozenset(months) | set(relative_days)
    out: list[Token] = []
    done = 0  # tokens before this one are in `out` already
    for i in [i for i, t in enumerate(tokens) if t.key in day_words or t.key.isdigit()]:
        if i < done:
            continue  # inside a date just read
        found = _date_at(tokens, i, months)
        if found:
            length, day = found
            out.extend(tokens[done:i])
            out.append(
                Token(
                    f"{RULE_MARK}date:{day}",
                    tokens[i].start,
                    tokens[i + length - 1].end,
                    True,
                    day,
                )
            )
            done = i + length
            continue
        token = tokens[i]
        offset = relative_days.get(token.key)
        if offset is not None and pub is not None:
            day = (pub + dt.timedelta(days=offset)).isoformat()
            out.extend(tokens[done:i])
            out.append(Token(token.key, token.start, token.end, True, day))
            done = i + 1
    out.extend(tokens[done:])
    return out


def _date_at(tokens: list[Token], i: int, months: dict[str, int]) -> tuple[int, str] | None:
    first = tokens[i].key
    if first not in months and not first.isdigit():
        return None
    keys = [t.key for t in tokens[i : i + 5]]
    # "March 30, 2021" / "March 30 2021" / "March 30"
    if keys and keys[0] in months and len(keys) > 1 and _is_day(keys[1]):
        month, day = months[keys[0]], int(keys[1])
        rest = keys[2:]
        if rest[:1] == [","]:
            rest = rest[1:]
            if rest[:1] and _is_year(rest[0]):
                return 4, _iso(int(rest[0]), month, day)
        elif rest[:1] and _is_year(rest[0]):
            return 3, _iso(int(rest[0]), month, day)
        return 2, f"{month:02d}-{day:02d}"
    # "30 March 2021" / "30 March"
    if len(keys) > 1 and _is_day(keys[0]) and keys[1] in months:
        month, day = months[keys[1]], int(keys[0])
        if len(keys) > 2 and _is_year(keys[2]):
            return 3, _iso(int(keys[2]), month, day)
        return 2, f"{month:02d}-{day:02d}"
    return None


def _is_day(key: str) -> bool:
    return key.isdigit() and 1 <= int(key) <= 31 and len(key) <= 2


def _is_year(key: str) -> bool:
    return key.isdigit() and len(key) == 4


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def same_day(a: str | None, b: str | None) -> bool:
    """Two day values name the same day; a month-day without year matches any year."""
    if a is None or b is None:
        return False
    return a == b or a[-5:] == b[-5:] and (len(a) == 5 or len(b) == 5)
