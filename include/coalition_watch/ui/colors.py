"""Stable colours for theme ids: the same theme gets the same colour on every page."""

from __future__ import annotations

import hashlib

# Distinguishable on white, readable as text backgrounds when lightened (Tableau 10 hues).
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip


def _preferred(theme: str) -> int:
    return int(hashlib.sha1(theme.encode()).hexdigest(), 16) % len(PALETTE)


def theme_colors(themes: list[str] | set[str]) -> dict[str, str]:
    """A colour per theme: its own hue when free, else the next free one (then any)."""
    taken: set[int] = set()
    colors: dict[str, str] = {}
    for theme in sorted(themes):
        slot = _preferred(theme)
        for step in range(len(PALETTE)):
            if (slot + step) % len(PALETTE) not in taken:
                slot = (slot + step) % len(PALETTE)
                break
        taken.add(slot)
        colors[theme] = PALETTE[slot]
    return colors
