"""Untrusted statement text made safe for each channel.

Slack mrkdwn treats `<...>` as a control sequence (`<!channel>`, `<@U123>`,
`<http://x|label>`) and `&` as the start of an entity, so all three are replaced by
their entities, which Slack shows as the literal characters. Email headers must be one
line of printable text: CR, LF and other control characters are removed so that a
title can never start a new header.
"""

from __future__ import annotations

import re
import unicodedata

_SLACK = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


class Mrkdwn(str):
    """Text that is already valid, escaped Slack mrkdwn (built by our own code)."""


def slack_escape(text: object) -> Mrkdwn:
    if isinstance(text, Mrkdwn):
        return text
    return Mrkdwn(str(text).translate(_SLACK))


def header_text(text: str, limit: int = 200) -> str:
    """One printable line for a mail header (Subject): no CR/LF/control characters."""
    line = " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def truncate_mrkdwn(text: str, limit: int, marker: str = " …") -> str:
    """Cut escaped mrkdwn to `limit` characters without splitting an `&amp;` entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(marker)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + marker
