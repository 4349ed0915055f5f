"""The statements UI with thirty meetings: the chart draws the themes the operator picks
(default the five largest), dates stay readable, the share table scrolls in its frame."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from coalition_watch.store import open_store
from coalition_watch.ui import create_app
from coalition_watch.ui.chart import MAX_DATE_LABELS, largest_themes
from tests.kit.scale import MEETINGS, SERIES, fill_meetings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('scale') / 'ui.db'}")
    store.migrate()
    fill_meetings(store)
    return TestClient(create_app(store))


def _lines(html: str) -> list[str]:
    return re.findall(r'<polyline class="theme-line" data-theme="([^"]+)"', html)


def test_the_chart_draws_the_five_largest_themes_by_default(client):
    html = client.get(f"/series/{SERIES}").text
    offered = re.findall(r'name="theme" value="([^"]+)"', html)
    assert len(offered) >= 8  # the real classifier finds many themes in thirty meetings
    drawn = _lines(html)
    assert len(drawn) == 5
    checked = re.findall(r'name="theme" value="([^"]+)" checked', html)
    assert checked == drawn == offered[:5]  # offered largest first


def test_the_operator_chooses_the_themes_drawn(client):
    html = client.get(f"/series/{SERIES}").text
    offered = re.findall(r'name="theme" value="([^"]+)"', html)
    picked = [offered[-1], offered[2]]
    html = client.get(f"/series/{SERIES}", params=[("theme", t) for t in picked]).text
    assert sorted(_lines(html)) == sorted(picked)
    header = html[html.index('<table class="shares">') :].split("</thead>")[0]
    assert header.count('class="pill theme"') == 2  # the table shows the same themes
    svg = client.get(f"/series/{SERIES}/themes.svg", params=[("theme", picked[0])]).text
    assert _lines(svg) == [picked[0]]


def test_dates_are_readable_and_the_table_scrolls_in_its_frame(client):
    html = client.get(f"/series/{SERIES}").text
    labels = re.findall(r'<text class="date"[^>]*>([^<]+)</text>', html)
    assert len(labels) <= MAX_DATE_LABELS + 1
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", label) for label in labels)
    assert "rotate(-35" in html
    frame = html.index('<div class="scroll-frame">')
    table = html[frame : html.index("</div>", frame)]
    assert table.count("<tr>") == MEETINGS + 1
    assert ".scroll-frame { max-height:420px; overflow:auto" in html


def test_largest_themes_rank_by_share_summed_over_meetings():
    from coalition_watch.ui.shares import MeetingShares

    meetings = [
        MeetingShares(1, 1, "2020-01-01", "a", {"iraq": 0.5, "syria": 0.1}),
        MeetingShares(2, 2, "2021-01-01", "b", {"syria": 0.3, "africa": 0.2}),
    ]
    assert largest_themes(meetings, 2) == ["iraq", "syria"]


def test_ledger_times_read_at_a_glance_and_long_cells_stay_on_one_line():
    from datetime import UTC, datetime, timedelta, timezone

    from coalition_watch.ui.app import readable_time

    assert readable_time(datetime(2026, 12, 2, 1, 41, tzinfo=UTC)) == "2 Dec 2026, 01:41 UTC"
    berlin = timezone(timedelta(hours=1))
    assert readable_time(datetime(2026, 12, 2, 2, 41, tzinfo=berlin)) == "2 Dec 2026, 01:41 UTC"
    assert readable_time(datetime(2026, 12, 2, 1, 41)) == "2 Dec 2026, 01:41 UTC"  # SQLite: naive
