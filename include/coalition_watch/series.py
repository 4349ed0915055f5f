"""Which series of meetings a statement belongs to.

A new statement is diffed against the previous one of its series, so the series must be
read from what the statement says about itself: its title first, then its opening
paragraph (where communiqués name the meeting: "the Foreign Ministers of the Global
Coalition ... Small Group met"). Later paragraphs are not read: they often recall other
meetings ("the Coalition meeting held on November 10 on West Africa").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coalition_watch.normalize import fold

COALITION_MINISTERIAL = "coalition_ministerial"
SMALL_GROUP_MINISTERIAL = "small_group_ministerial"
POLITICAL_DIRECTORS = "political_directors"
AFRICA_FOCUS_GROUP = "africa_focus_group"
OTHER = "other"
SERIES = (
    AFRICA_FOCUS_GROUP,
    POLITICAL_DIRECTORS,
    SMALL_GROUP_MINISTERIAL,
    COALITION_MINISTERIAL,
    OTHER,
)

_COALITION = r"(?:coalition|koalition|\bd[-\s]?isis\b|\bcounter[-\s]isi[sl]\b)"
_MINISTERS = r"(?:minist|foreign affairs|secretary of state)"
_SMALL_GROUP = r"(?:small group|kleinen gruppe|groupe restreint)"
# Most specific first: an Africa Focus Group meeting of political directors is the former;
# a Small Group meeting that is not of political directors is a ministerial.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (AFRICA_FOCUS_GROUP, (r"africa focus group", r"focus group on africa", r"\bafg\b")),
    (POLITICAL_DIRECTORS, (r"political directors?", r"politischen direktoren")),
    (SMALL_GROUP_MINISTERIAL, (_SMALL_GROUP,)),
    (COALITION_MINISTERIAL, (_COALITION + r".*" + _MINISTERS, _MINISTERS + r".*" + _COALITION)),
)
_COMPILED = tuple((name, tuple(re.compile(p) for p in patterns)) for name, patterns in _RULES)


def infer_series(title: str, paragraphs: Sequence[str]) -> str:
    """One of SERIES, from the title, else from the opening paragraph."""
    for text in (title, paragraphs[0] if paragraphs else ""):
        found = _match(fold(text or ""))
        if found:
            return found
    return OTHER


def _match(text: str) -> str | None:
    if not text:
        return None
    for name, patterns in _COMPILED:
        if any(p.search(text) for p in patterns):
            return name
    return None
