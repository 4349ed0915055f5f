"""Export and feeds: one row per substantive change as CSV, JSON and Atom 1.0; the UI's
feeds per theme and series and its read-only JSON API."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from coalition_watch.store import Store, open_store
from coalition_watch.ui import create_app
from tests.conftest import SEED_2020, SEED_2021

HISTORY = Path(__file__).resolve().parents[2] / "replay" / "history"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}


@pytest.fixture
def loaded(store_url, run_cli) -> dict:
    pages = sorted(str(p) for p in HISTORY.rglob("*.html"))
    code, out, err = run_cli("ingest", SEED_2020, SEED_2021, *pages, "--json")
    assert code == 0, err
    return json.loads(out)


def substantive_changes(url: str) -> list[dict]:
    """Every substantive change of every revision or series comparison, from the store."""
    from sqlalchemy import select

    from coalition_watch.store import schema as t

    with open_store(url).begin() as conn:
        rows = conn.execute(
            select(t.changes.c.comparison_id, t.changes.c.seq, t.changes.c.themes)
            .join(t.comparisons, t.changes.c.comparison_id == t.comparisons.c.id)
            .where(t.changes.c.significance == "substantive", t.comparisons.c.basis != "variant")
        ).all()
    return [{"comparison_id": r[0], "seq": r[1], "themes": r[2]} for r in rows]


def assert_atom_1_0(body: bytes) -> etree._Element:
    """The elements RFC 4287 requires, in the Atom namespace."""
    feed = etree.fromstring(body)
    assert feed.tag == f"{{{ATOM}}}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"a:{name}", NS) is not None and feed.findtext(f"a:{name}", "", NS)
    has_author = feed.find("a:author/a:name", NS) is not None
    entries = feed.findall("a:entry", NS)
    ids = [e.findtext("a:id", None, NS) for e in entries]
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.findtext(f"a:{name}", "", NS)
        assert has_author or entry.find("a:author/a:name", NS) is not None
        assert (
            entry.find("a:link[@href]", NS) is not None or entry.find("a:content", NS) is not None
        )
    return feed


def test_csv_has_a_row_per_substantive_change_with_its_themes(store_url, loaded, run_cli):
    code, out, err = run_cli("export", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = substantive_changes(store_url)
    assert len(rows) == len(expected) > 0
    assert {(int(r["comparison_id"]), int(r["change_seq"])) for r in rows} == {
        (c["comparison_id"], c["seq"]) for c in expected
    }
    themes = {(c["comparison_id"], c["seq"]): ";".join(c["themes"]) for c in expected}
    assert all(r["themes"] == themes[(int(r["comparison_id"]), int(r["change_seq"]))] for r in rows)
    assert any(r["themes"] for r in rows)
    for column in ("statement", "published", "series", "source", "kind", "old_text", "link"):
        assert column in rows[0]
    assert all(float(r["score"]) >= 0 for r in rows)


def test_json_and_filters(store_url, loaded, run_cli):
    every = json.loads(run_cli("export", "--format", "json")[1])["changes"]
    africa = json.loads(run_cli("export", "--format", "json", "--theme", "africa")[1])["changes"]
    assert africa and len(africa) < len(every)
    assert all("africa" in row["themes"] for row in africa)
    recent = json.loads(run_cli("export", "--format", "json", "--since", "2021-01-01")[1])
    assert recent["changes"] and all(r["published"] >= "2021-01-01" for r in recent["changes"])
    code, _, err = run_cli("export", "--format", "json", "--series", "tea_party")
    assert code == 2 and "--series: unknown series" in err
    code, _, err = run_cli("export", "--format", "xml")
    assert code == 2 and "--format" in err


def test_atom_for_a_theme_is_a_valid_feed_with_entries(store_url, loaded, run_cli):
    code, out, err = run_cli("export", "--format", "atom", "--theme", "africa")
    assert code == 0, err
    feed = assert_atom_1_0(out.encode())
    entries = feed.findall("a:entry", NS)
    assert entries
    for entry in entries:
        assert "africa" in [c.get("term") for c in entry.findall("a:category", NS)]


def test_ui_feeds_per_theme_and_series_and_the_json_api(store_url, loaded):
    client = TestClient(create_app(Store(open_store(store_url).engine)))
    theme = client.get("/feeds/themes/africa.atom")
    assert theme.status_code == 200
    assert theme.headers["content-type"].startswith("application/atom+xml")
    assert assert_atom_1_0(theme.content).findall("a:entry", NS)
    page = client.get("/series/small_group_ministerial")
    assert 'type="application/atom+xml"' in page.text
    assert "/feeds/series/small_group_ministerial.atom" in page.text
    series = client.get("/feeds/series/small_group_ministerial.atom")
    assert assert_atom_1_0(series.content).findall("a:entry", NS)
    assert client.get("/feeds/themes/tea.atom").status_code == 404

    changes = client.get("/api/changes", params={"theme": "africa"}).json()["changes"]
    assert changes and all("africa" in c["themes"] for c in changes)
    statements = client.get("/api/statements").json()["series"]
    first = statements[0]["statements"][0]
    detail = client.get(f"/api/statements/{first['id']}").json()
    assert detail["id"] == first["id"] and detail["publications"]
    assert client.get("/api/statements/999999").status_code == 404
    hits = client.get("/api/search", params={"q": "Erbil"}).json()["hits"]
    assert hits[0]["published"] == "2021-03-30"
    assert client.get("/api/changes", params={"since": "yesterday"}).status_code == 400


def test_feeds_and_api_sit_behind_the_statements_authorisation(store_url, loaded):
    from fastapi import HTTPException
    from fastapi.params import Depends

    from coalition_watch.ui.access import AccessPolicy

    def refuse():
        raise HTTPException(status_code=403, detail="no")

    closed = AccessPolicy(statements=(Depends(refuse),), recipients=(Depends(refuse),))
    client = TestClient(create_app(Store(open_store(store_url).engine), access=closed))
    for path in ("/feeds/themes/africa.atom", "/api/changes", "/api/statements", "/search"):
        assert client.get(path).status_code == 403, path
