"""The statement history app, driven by FastAPI's TestClient on a temporary SQLite store."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi import Depends, HTTPException
from fastapi.testclient import TestClient
from sqlalchemy import insert

from coalition_watch.model import Change, Diff, Document
from coalition_watch.store import Store, open_store
from coalition_watch.store import schema as t
from coalition_watch.ui import app as ui_app
from coalition_watch.ui import create_app
from coalition_watch.ui.highlight import Segment, mark_spans
from coalition_watch.ui.shares import theme_shares

SERIES = "small-group"
P2020 = (
    "The Ministers met virtually today to reaffirm their determination.",
    "Detainees in northeast Syria remain a concern.",
    "The Coalition welcomed the new government in Baghdad.",
)
P2021 = (
    "The Ministers met in Rome to reaffirm their determination.",
    "Detainees in northeast Syria remain a grave concern requiring repatriation.",
    "The Coalition welcomed progress in West Africa and the Sahel.",
)
KEYWORDS = {"detainees": ("detainee", "repatriation"), "africa": ("africa", "sahel")}


def keyword_classifier(paragraphs):
    """A test double for the classifier: themes by keyword."""
    return [
        [theme for theme, words in KEYWORDS.items() if any(w in p.lower() for w in words)]
        for p in paragraphs
    ]


def record(store: Store, url: str, paragraphs, published: str, title: str):
    version, _ = store.record_version(
        source="state",
        url=url,
        document=Document(title, tuple(paragraphs), published=published, language="en"),
        series=SERIES,
    )
    return version


@pytest.fixture
def seeded(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'ui.db'}")
    store.migrate()
    v2020 = record(store, "https://example.org/2020", P2020, "2020-06-04", "Communique 2020")
    v2021 = record(store, "https://example.org/2021", P2021, "2021-03-30", "Communique <2021>")
    v2021b = record(
        store,
        "https://example.org/2021",
        (*P2021, "Added later."),
        "2021-03-30",
        "Communique <2021>",
    )
    diff = Diff(
        old=v2020.document,
        new=v2021.document,
        changes=[
            Change(
                kind="modified",
                significance="substantive",
                old=P2020[1],
                new=P2021[1],
                inserted=["grave", "requiring repatriation"],
                themes=["detainees"],
                old_paragraph=1,
                new_paragraph=1,
            ),
            Change(
                kind="modified",
                significance="cosmetic",
                old=P2020[0],
                new=P2021[0],
                deleted=["virtually today"],
                inserted=["in Rome"],
            ),
            Change(
                kind="added",
                significance="substantive",
                old=None,
                new=P2021[2],
                inserted=[P2021[2]],
                themes=["africa"],
            ),
        ],
    )
    cid, _ = store.save_comparison(v2020, v2021, "series", diff)
    now = datetime.now(UTC)
    with store.begin() as conn:
        conn.execute(
            insert(t.messages).values(
                id="m1", event=f"comparison:{cid}", template="revised", channel="email",
                recipient="analyst@example.org", subject="Detainees wording changed",
                payload={}, created_at=now,
            )
        )  # fmt: skip
        conn.execute(
            insert(t.deliveries).values(
                message_id="m1", recipient="analyst@example.org", channel="email",
                status="failed", attempts=3, last_error="SMTP 451 try later", updated_at=now,
            )
        )  # fmt: skip
    return store, {"v2020": v2020, "v2021": v2021, "v2021b": v2021b, "comparison": cid}


@pytest.fixture
def client(seeded):
    store, _ = seeded
    return TestClient(create_app(store, classify_paragraphs=keyword_classifier))


def test_index_lists_statements_by_series_in_date_order(client, seeded):
    _, ids = seeded
    html = client.get("/").text
    assert SERIES in html
    assert html.index("Communique 2020") < html.index("Communique &lt;2021&gt;")
    assert f'href="/statements/{ids["v2021"].statement_id}"' in html
    # each meeting: a readable date, where it is published, a link to its latest comparison
    assert "4 Jun 2020" in html and "30 Mar 2021" in html
    assert f'href="/comparisons/{ids["comparison"]}"' in html
    assert "substantive change" in html and "none yet" in html
    # and where each meeting was held, read from its opening sentence
    venues = re.findall(r'<td class="nowrap">(online|Rome)</td>', html)
    assert venues == ["online", "Rome"]


def test_titles_are_escaped(client):
    html = client.get("/").text
    assert "Communique <2021>" not in html and "Communique &lt;2021&gt;" in html


def test_statement_page_shows_publications_versions_and_comparisons(client, seeded):
    _, ids = seeded
    html = client.get(f"/statements/{ids['v2021'].statement_id}").text
    assert "https://example.org/2021" in html
    assert f"#{ids['v2021'].id}" in html and f"#{ids['v2021b'].id}" in html
    assert f'href="/comparisons/{ids["comparison"]}"' in html
    assert "delivery ledger (1)" in html
    # the compare form offers the other meeting's version too
    assert f'<option value="{ids["v2020"].id}"' in html


def test_comparison_page_shows_changes_side_by_side_with_spans_and_themes(client, seeded):
    _, ids = seeded
    html = client.get(f"/comparisons/{ids['comparison']}?significance=all").text
    assert "<ins>grave</ins>" in html and "<ins>requiring repatriation</ins>" in html
    assert "<del>virtually today</del>" in html
    # by default the page shows the substantive changes only
    default = client.get(f"/comparisons/{ids['comparison']}").text
    assert "<ins>grave</ins>" in default and "<del>virtually today</del>" not in default
    # The theme's label and colour from themes.yaml, with its readable text colour.
    assert (
        '<span class="pill theme" style="background:#8e3b6e;color:#ffffff">Detainees and camps<'
        in html
    )
    assert "2 substantive and 1 cosmetic changes" in html


def test_comparison_filters_by_significance_and_theme(client, seeded):
    _, ids = seeded
    only = client.get(f"/comparisons/{ids['comparison']}?significance=substantive").text
    assert "<del>virtually today</del>" not in only and "<ins>grave</ins>" in only
    africa = client.get(f"/comparisons/{ids['comparison']}?theme=africa").text
    assert "<ins>grave</ins>" not in africa and "Sahel" in africa
    assert client.get(f"/comparisons/{ids['comparison']}?significance=bogus").status_code == 422


def test_compare_redirects_to_the_stored_comparison_of_a_pair(client, seeded):
    _, ids = seeded
    r = client.get(f"/compare?old={ids['v2020'].id}&new={ids['v2021'].id}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/comparisons/{ids['comparison']}"


def test_compare_without_a_diff_engine_says_so_instead_of_inventing_a_diff(seeded, monkeypatch):
    store, ids = seeded
    monkeypatch.setattr(ui_app, "load_default_differ", lambda: (None, "the diff engine is absent"))
    client = TestClient(create_app(store, classify_paragraphs=keyword_classifier))
    r = client.get(f"/compare?old={ids['v2021'].id}&new={ids['v2021b'].id}")
    assert r.status_code == 503
    assert "the diff engine is absent" in r.text and "<ins>" not in r.text


def test_compare_on_request_uses_the_diff_engine_and_tags_themes(seeded):
    store, ids = seeded
    calls = []

    def differ(old: Document, new: Document) -> Diff:
        calls.append((old.paragraphs, new.paragraphs))
        added = [p for p in new.paragraphs if p not in old.paragraphs]
        changes = [Change("added", "substantive", None, p, inserted=[p]) for p in added]
        return Diff(old, new, changes)

    client = TestClient(
        create_app(store, classify_paragraphs=keyword_classifier, diff_documents=differ)
    )
    r = client.get(f"/compare?old={ids['v2020'].id}&new={ids['v2021b'].id}")
    assert r.status_code == 200 and len(calls) == 1
    assert "Computed now" in r.text and "<ins>Added later.</ins>" in r.text
    assert ">Detainees and camps<" in r.text  # tagged by the classifier, not by the differ


def test_compare_rejects_unknown_or_identical_versions(client, seeded):
    _, ids = seeded
    assert client.get(f"/compare?old={ids['v2020'].id}&new=9999").status_code == 404
    same = ids["v2020"].id
    assert client.get(f"/compare?old={same}&new={same}").status_code == 400


def test_ledger_lists_messages_and_delivery_state(client, seeded):
    _, ids = seeded
    html = client.get(f"/statements/{ids['v2021'].statement_id}/ledger").text
    assert "analyst@example.org" in html and "SMTP 451 try later" in html
    assert 'class="pill status-failed"' in html
    # long cells stay on one line, the whole text in a tooltip
    assert 'class="muted clip" title="SMTP 451 try later"' in html
    empty = client.get(f"/statements/{ids['v2020'].statement_id}/ledger").text
    assert "No message has been rendered" in empty


def test_series_page_charts_each_theme_share_per_meeting(client, seeded):
    _, ids = seeded
    html = client.get(f"/series/{SERIES}").text
    assert html.count('class="theme-line"') == 2  # detainees and africa
    assert 'data-theme="africa"' in html and "<svg" in html
    latest_2021 = (*P2021, "Added later.")
    expected = round(100 * len(P2021[1]) / sum(len(p) for p in latest_2021))
    assert f"<td>{expected}%</td>" in html
    assert "<script" not in html  # server-rendered, no JavaScript


def test_series_chart_is_served_as_svg(client):
    r = client.get(f"/series/{SERIES}/themes.svg")
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.startswith("<svg") and r.text.count("<circle") == 2 * 2


def test_series_page_explains_a_missing_classifier(seeded, monkeypatch):
    store, _ = seeded
    monkeypatch.setattr(
        "coalition_watch.ui.app.load_default_classifier", lambda: (None, "no classifier here")
    )
    html = TestClient(create_app(store)).get(f"/series/{SERIES}").text
    assert "The theme chart is unavailable: no classifier here" in html
    assert "Communique 2020" in html


def test_unknown_pages_are_404(client):
    assert client.get("/statements/999").status_code == 404
    assert client.get("/comparisons/999").status_code == 404
    assert client.get("/series/nope").status_code == 404


def test_app_wide_dependencies_guard_every_page(seeded):
    store, _ = seeded

    def deny() -> None:
        raise HTTPException(status_code=401, detail="Not authenticated")

    guarded = TestClient(create_app(store, dependencies=[Depends(deny)]))
    for path in ("/", "/series/small-group", "/statements/1/ledger"):
        assert guarded.get(path).status_code == 401


def test_mark_spans_prefers_whole_words_and_skips_missing_spans():
    assert mark_spans("a grave act", ["a", "nothere", "act"]) == [
        Segment("a", True),
        Segment(" grave ", False),
        Segment("act", True),
    ]
    assert mark_spans(None, ["x"]) == []


def test_theme_share_counts_characters_of_tagged_paragraphs():
    shares = theme_shares(["detainees " * 3, "sahel", ""], keyword_classifier)
    assert shares == {"detainees": 30 / 35, "africa": 5 / 35}
    with pytest.raises(ValueError, match="2 results for 1 paragraphs"):
        theme_shares(["x"], lambda ps: [[], []])
