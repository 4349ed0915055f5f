"""A server-rendered SVG line chart: each theme's share of the text, meeting by meeting."""

from __future__ import annotations

import math
from html import escape

from coalition_watch.labels import theme_label
from coalition_watch.ui.colors import theme_colors
from coalition_watch.ui.shares import MeetingShares

WIDTH, HEIGHT = 960, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 220, 20, 56  # room for axis labels and the legend


def _y_max(points: list[MeetingShares]) -> float:
    peak = max((s for m in points for s in m.shares.values()), default=0.0)
    return max(0.1, math.ceil(peak * 10) / 10)  # round up to the next 10 %


def share_chart_svg(meetings: list[MeetingShares], title: str) -> str:
    """One polyline per theme over the meetings (x: meetings in date order, y: share)."""
    themes = sorted({t for m in meetings for t in m.shares})
    colors = theme_colors(themes)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    y_max = _y_max(meetings)
    step = plot_w / max(1, len(meetings) - 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(meetings) > 1 else plot_w / 2)

    def y(share: float) -> float:
        return TOP + plot_h * (1 - share / y_max)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    ticks = round(y_max * 10)
    for k in range(ticks + 1):
        share = y_max * k / ticks
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(share):.1f}" y2="{y(share):.1f}" '
            f'stroke="#e3e3e3"/><text x="{LEFT - 6}" y="{y(share) + 4:.1f}" '
            f'text-anchor="end" fill="#555">{share:.0%}</text>'
        )
    for i, m in enumerate(meetings):
        out.append(
            f'<text x="{x(i):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" '
            f'fill="#333">{escape(m.published)}</text>'
        )
    for theme in themes:
        color = colors[theme]
        pts = [(x(i), y(m.shares.get(theme, 0.0))) for i, m in enumerate(meetings)]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        out.append(
            f'<polyline class="theme-line" data-theme="{escape(theme)}" points="{path}" '
            f'fill="none" stroke="{color}" stroke-width="2.5"/>'
        )
        for (px, py), m in zip(pts, meetings, strict=True):
            share = m.shares.get(theme, 0.0)
            label = escape(theme_label(theme))
            out.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{color}">'
                f"<title>{label} {escape(m.published)}: {share:.1%}</title></circle>"
            )
    for k, theme in enumerate(themes):
        ly = TOP + 8 + k * 20
        out.append(
            f'<rect x="{WIDTH - RIGHT + 16}" y="{ly - 9}" width="14" height="4" '
            f'fill="{colors[theme]}"/><text x="{WIDTH - RIGHT + 36}" y="{ly}" '
            f'fill="#222">{escape(theme_label(theme))}</text>'
        )
    out.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
        'fill="#555">meeting (statement date)</text></svg>'
    )
    return "".join(out)
