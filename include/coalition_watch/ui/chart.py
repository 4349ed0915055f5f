"""A server-rendered SVG line chart: each theme's share of the text, meeting by meeting."""

from __future__ import annotations

import math
from html import escape

from coalition_watch.labels import theme_label
from coalition_watch.ui.colors import theme_colors
from coalition_watch.ui.shares import MeetingShares

WIDTH, HEIGHT = 960, 380
LEFT, RIGHT, TOP, BOTTOM = 84, 220, 20, 80  # room for axis labels and the legend
DEFAULT_THEMES = 5  # lines drawn unless the operator picks others: more are a tangle
MAX_DATE_LABELS = 12  # beyond this, every n-th meeting is labelled (all keep a tooltip)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def largest_themes(meetings: list[MeetingShares], count: int = DEFAULT_THEMES) -> list[str]:
    """The themes with the largest share summed over the meetings, largest first."""
    totals: dict[str, float] = {}
    for m in meetings:
        for theme, share in m.shares.items():
            totals[theme] = totals.get(theme, 0.0) + share
    return sorted(totals, key=lambda t: (-totals[t], t))[:count]


def short_date(iso: str) -> str:
    """'2021-03-30' -> '30 Mar 2021': readable under a crowded axis."""
    try:
        year, month, day = iso[:10].split("-")
        return f"{int(day)} {MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return iso


def _y_max(points: list[MeetingShares], themes: list[str]) -> float:
    peak = max((m.shares.get(t, 0.0) for m in points for t in themes), default=0.0)
    return max(0.1, math.ceil(peak * 10) / 10)  # round up to the next 10 %


def share_chart_svg(
    meetings: list[MeetingShares], title: str, themes: list[str] | None = None
) -> str:
    """One polyline per theme over the meetings (x: meetings in date order, y: share).

    `themes`: the lines to draw (default: the five largest). Dates are written slanted
    and, past a dozen meetings, only every n-th is labelled; each point keeps its date
    and share in a tooltip.
    """
    themes = list(themes) if themes is not None else largest_themes(meetings)
    colors = theme_colors(themes)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    y_max = _y_max(meetings, themes)
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
    every = max(1, math.ceil(len(meetings) / MAX_DATE_LABELS))
    for i, m in enumerate(meetings):
        if i % every and i != len(meetings) - 1:
            continue
        lx, ly = x(i), TOP + plot_h + 14
        out.append(
            f'<text class="date" x="{lx:.1f}" y="{ly}" text-anchor="end" fill="#333" '
            f'transform="rotate(-35 {lx:.1f} {ly})">{escape(short_date(m.published))}</text>'
        )
    for theme in themes:
        color = colors[theme]
        pts = [(x(i), y(m.shares.get(theme, 0.0))) for i, m in enumerate(meetings)]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        out.append(
            f'<polyline class="theme-line" data-theme="{escape(theme)}" points="{path}" '
            f'fill="none" stroke="{color}" stroke-width="2.5"/>'
        )
        radius = 4 if len(meetings) <= 20 else 2.5
        for (px, py), m in zip(pts, meetings, strict=True):
            share = m.shares.get(theme, 0.0)
            label = escape(theme_label(theme))
            out.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{radius}" fill="{color}">'
                f"<title>{label} {escape(short_date(m.published))}: {share:.1%}</title></circle>"
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
