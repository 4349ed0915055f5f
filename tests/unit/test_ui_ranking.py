"""The diff page lists changes most significant first and says why its baseline was chosen."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from coalition_watch.diff import diff_documents
from coalition_watch.ui import create_app
from tests.unit.test_diff_seed import seed_pair

BASELINE = "compared with the Federal Foreign Office's text of 4 June 2020 (same publisher)"


def test_diff_page_is_ranked_with_reasons_tone_and_baseline(store) -> None:
    old, new = seed_pair()
    v2020, _ = store.record_version(
        source="aa-en",
        url="https://example.org/2020",
        document=old,
        series="small_group_ministerial",
    )
    v2021, _ = store.record_version(
        source="aa-en",
        url="https://example.org/2021",
        document=new,
        series="small_group_ministerial",
    )
    diff = diff_documents(old, new)
    diff.baseline = BASELINE
    cid, _ = store.save_comparison(v2020, v2021, "series", diff)
    html = TestClient(create_app(store)).get(f"/comparisons/{cid}").text

    escaped = BASELINE.replace("'", "&#39;")
    assert f"Why this baseline: {escaped}." in html
    scores = [float(s) for s in re.findall(r'class="pill score"[^>]*>score ([\d.]+)<', html)]
    assert len(scores) == len(diff.substantive)
    assert scores == sorted(scores, reverse=True)
    top = diff.ranked[0]
    assert html.index("why: " + top.reasons[0]) < html.index("re-voicing (we → they")
    assert "tone: softened (committed → —)" in html
