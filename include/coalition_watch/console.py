"""A diff for people at a terminal: one block per change, words marked, colour optional."""

from __future__ import annotations

import re

from coalition_watch.labels import theme_label
from coalition_watch.model import Change, Diff

_RESET, _RED, _GREEN, _DIM, _BOLD = "\033[0m", "\033[31m", "\033[32m", "\033[2m", "\033[1m"


def _mark(text: str, spans: list[str], colour: str, sign: str, color: bool) -> str:
    """Highlight each changed span once, in order, so repeated words are not all marked."""
    out, pos = [], 0
    for span in spans:
        found = re.compile(rf"(?<!\w){re.escape(span)}(?!\w)").search(text, pos)
        if found is None:
            continue
        at = found.start()
        out.append(text[pos:at])
        out.append(f"{colour}{span}{_RESET}" if color else f"[{sign}{span}{sign}]")
        pos = at + len(span)
    out.append(text[pos:])
    return "".join(out)


def format_change(change: Change, color: bool = False) -> str:
    themes = f"  themes: {', '.join(map(theme_label, change.themes))}" if change.themes else ""
    score = f"  score {change.score:g}" if change.significance == "substantive" else ""
    tone = f"  tone: {change.tone['shift']}" if change.tone else ""
    head = f"{change.kind.upper()} ({change.significance}){score}{tone}{themes}"
    lines = [f"{_BOLD}{head}{_RESET}" if color else head]
    if change.reasons:
        why = "  why: " + "; ".join(change.reasons)
        lines.append(f"{_DIM}{why}{_RESET}" if color else why)
    if change.old is not None and change.kind != "added":
        lines.append("  - " + _mark(change.old, change.deleted, _RED, "-", color))
    if change.new is not None and change.kind != "removed":
        lines.append("  + " + _mark(change.new, change.inserted, _GREEN, "+", color))
    return "\n".join(lines)


def format_diff(diff: Diff, color: bool = False) -> str:
    title = f"{diff.old.title} ({diff.old.published or '?'})  ->  "
    title += f"{diff.new.title} ({diff.new.published or '?'})"
    substantive, cosmetic = diff.substantive, diff.cosmetic
    parts = [title, f"{len(substantive)} substantive, {len(cosmetic)} cosmetic change(s)", ""]
    parts += [format_change(c, color) + "\n" for c in diff.ranked]  # most significant first
    if cosmetic:
        encoding = sum(1 for c in cosmetic if c.label == "encoding")
        damage = f", {encoding} of them encoding damage repaired" if encoding else ""
        note = f"{len(cosmetic)} cosmetic change(s) (quotes, naming, spelling{damage}) not shown"
        parts.append(f"{_DIM}{note}{_RESET}" if color else note)
    return "\n".join(parts) + "\n"
