"""What a person reads in place of an id: theme labels and colours, source labels.

One identity per theme, the same in email, Slack, the UI and the charts: the label and
colour from themes.yaml, and a text colour chosen for WCAG AA contrast on it. Sources
are named by the `label` of their sources.yaml entry ("Federal Foreign Office (EN)").
Both files are read once per file version (path and modification time).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coalition_watch.errors import ConfigError

log = logging.getLogger(__name__)

OTHER_THEME = "other"  # changes the classifier gave no theme
OTHER_LABEL = "Other changes"
OTHER_COLOUR = "#5f6b76"
# A theme without a colour in its file (an older deployment's taxonomy) gets one of these.
FALLBACK_COLOURS = ("#1f5f99", "#b0441a", "#2e7d32", "#8e3b6e", "#00796b", "#4a3f9e")
WHITE, INK = "#ffffff", "#1a1a1a"
AA_NORMAL_TEXT = 4.5  # WCAG 2.x level AA for normal-size text


@dataclass(frozen=True)
class ThemeStyle:
    id: str
    label: str
    colour: str  # pill background, chart line
    text_colour: str  # pill text, the better contrast of white and near-black


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of '#rrggbb'."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(background: str) -> str:
    return max((WHITE, INK), key=lambda text: contrast_ratio(text, background))


def _style(theme_id: str, label: str, colour: str) -> ThemeStyle:
    return ThemeStyle(theme_id, label, colour, text_colour_on(colour))


@lru_cache(maxsize=8)
def _taxonomy_styles(path: str, mtime: float) -> dict[str, ThemeStyle]:
    from coalition_watch.themes import load_themes

    styles = {}
    for position, theme in enumerate(load_themes(path)):
        colour = theme.colour or FALLBACK_COLOURS[position % len(FALLBACK_COLOURS)]
        styles[theme.id] = _style(theme.id, theme.label, colour)
    styles[OTHER_THEME] = _style(OTHER_THEME, OTHER_LABEL, OTHER_COLOUR)
    return styles


def theme_styles() -> dict[str, ThemeStyle]:
    """Every theme of the taxonomy in use (and "other"), by id."""
    from coalition_watch.themes import default_path

    path = default_path()
    return _taxonomy_styles(str(path), _mtime(path))


def theme_style(theme_id: str) -> ThemeStyle:
    """The style of `theme_id`; an id the taxonomy no longer has keeps a readable label."""
    known = theme_styles().get(theme_id)
    if known is not None:
        return known
    return _style(theme_id, theme_id.replace("_", " ").capitalize(), OTHER_COLOUR)


def theme_label(theme_id: str) -> str:
    return theme_style(theme_id).label


@lru_cache(maxsize=8)
def _source_labels(path: str, mtime: float) -> dict[str, str]:
    from coalition_watch.sources.config import load_sources

    return {s.id: s.label or s.id for s in load_sources(path, include_disabled=True)}


def source_label(source_id: str) -> str:
    """'aa-en' -> 'Federal Foreign Office (EN)'; an unknown id stays as it is."""
    if not source_id:
        return ""
    from coalition_watch.config_files import config_path

    path = config_path("sources.yaml")
    try:
        labels = _source_labels(str(path), _mtime(path))
    except ConfigError as exc:  # a broken sources.yaml must not stop a message going out
        log.warning("source labels unavailable: %s", exc)
        return source_id
    return labels.get(source_id, source_id)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
