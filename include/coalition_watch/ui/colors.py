"""Theme colours for the pages and the chart: the same as in email and Slack (labels.py)."""

from __future__ import annotations

from coalition_watch.labels import theme_style


def theme_colors(themes: list[str] | set[str]) -> dict[str, str]:
    """The colour of each theme, from themes.yaml."""
    return {theme: theme_style(theme).colour for theme in themes}
