"""Turn a change of the diff JSON into text segments, with the changed word spans marked."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool


def mark_spans(text: str | None, spans: list[str]) -> list[Segment]:
    """Split `text` so that each span (in order of appearance) is its own marked segment.

    Spans are looked for as whole words first, so "a" does not light up inside "grave".
    A span that cannot be found is skipped rather than guessed.
    """
    if not text:
        return []
    segments: list[Segment] = []
    cursor = 0
    for span in spans:
        span = span.strip()
        if not span:
            continue
        hit = re.compile(rf"(?<!\w){re.escape(span)}(?!\w)").search(text, cursor)
        start = hit.start() if hit else text.find(span, cursor)
        if start < 0:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start], False))
        segments.append(Segment(text[start : start + len(span)], True))
        cursor = start + len(span)
    if cursor < len(text):
        segments.append(Segment(text[cursor:], False))
    return segments
