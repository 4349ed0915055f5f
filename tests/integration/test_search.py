"""Search over every stored version: FTS5 on SQLite, text search on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coalition_watch.store import Store, open_store
from coalition_watch.store.search import SearchIndex
from coalition_watch.ui import create_app
from tests.conftest import SEED_2020, SEED_2021

HISTORY = Path(__file__).resolve().parents[2] / "replay" / "history"


@pytest.fixture
def loaded(store_url, run_cli) -> dict[str, int]:
    """The two seeds and the invented history; returns statement ids by publication date."""
    pages = sorted(str(p) for p in HISTORY.rglob("*.html"))
    code, out, err = run_cli("ingest", SEED_2020, SEED_2021, *pages, "--json")
    assert code == 0, err
    return {v["published"]: v["statement_id"] for v in json.loads(out)["versions"]}


def search(run_cli, *args) -> list[dict]:
    code, out, err = run_cli("search", *args, "--json")
    assert code == 0, err
    return json.loads(out)["hits"]


def test_kadhimi_finds_the_2020_statement_and_erbil_the_2021_one(loaded, run_cli):
    (kadhimi,) = search(run_cli, "Kadhimi")
    assert kadhimi["statement_id"] == loaded["2020-06-04"]
    assert kadhimi["published"] == "2020-06-04"
    assert "<mark>Kadhimi</mark>" in kadhimi["snippet"]
    assert set(kadhimi) >= {"statement_id", "title", "published", "source", "snippet"}
    erbil = search(run_cli, "Erbil")
    assert erbil[0]["statement_id"] == loaded["2021-03-30"]
    assert "<mark>Erbil</mark>" in erbil[0]["snippet"]


def test_words_match_in_any_inflection_in_english_and_german(loaded, run_cli):
    singular = {h["statement_id"] for h in search(run_cli, "commitment")}
    plural = {h["statement_id"] for h in search(run_cli, "commitments")}
    assert singular and singular == plural
    hit = search(run_cli, "commitments")[0]
    assert "<mark>" in hit["snippet"]


def test_german_text_is_stemmed_too(store_url, run_cli, tmp_path):
    capture = tmp_path / "erklaerung.txt"
    capture.write_text(
        "Gemeinsame Erklärung der Minister\n\n30. März 2021\n\n"
        "Die Minister verurteilten die Angriffe auf Erbil und bekräftigten ihre Entschlossenheit, "
        "den Kampf gegen Daesh fortzusetzen.\n",
        encoding="utf-8",
    )
    assert run_cli("ingest", capture)[0] == 0
    (hit,) = search(run_cli, "Angriff")  # the singular finds "Angriffe"
    assert "<mark>Angriffe</mark>" in hit["snippet"]


def test_ranking_puts_the_statement_that_says_it_most_first(loaded, run_cli):
    hits = search(run_cli, "Africa")
    assert len(hits) >= 2
    ranks = [h["rank"] for h in hits]
    assert ranks == sorted(ranks, reverse=True)


def test_filters_by_series_date_and_theme(loaded, run_cli):
    everything = search(run_cli, "Daesh")
    assert len(everything) > 3
    since = search(run_cli, "Daesh", "--since", "2021-01-01")
    assert since and all(h["published"] >= "2021-01-01" for h in since)
    assert len(since) < len(everything)
    directors = search(run_cli, "Daesh", "--series", "political_directors")
    assert directors and all(h["series"] == "political_directors" for h in directors)
    africa = search(run_cli, "attacks", "--theme", "africa")
    assert africa and len(africa) < len(search(run_cli, "attacks"))
    assert all("Africa" in h["snippet"] or "Sahel" in h["snippet"] for h in africa)


def test_nothing_found_and_bad_filters(loaded, run_cli):
    assert search(run_cli, "Zyxwvut") == []
    code, _, err = run_cli("search", "Erbil", "--theme", "tea")
    assert code == 2 and "--theme: unknown theme 'tea'" in err
    code, _, err = run_cli("search", "  ")
    assert code == 2 and "QUERY is empty" in err
    assert search(run_cli, '"; DROP TABLE versions; --') == []  # words, not SQL


def test_the_index_follows_new_and_reprocessed_versions(store_url, run_cli):
    store = open_store(store_url)
    run_cli("ingest", SEED_2020)
    assert search(run_cli, "Kadhimi")
    assert SearchIndex(store).refresh() == 0  # nothing left to add
    run_cli("ingest", SEED_2021)
    assert search(run_cli, "Erbil")


def test_the_statements_ui_has_a_search_box_and_a_results_page(store_url, loaded):
    client = TestClient(create_app(Store(open_store(store_url).engine)))
    index = client.get("/")
    assert 'role="search"' in index.text and 'name="q"' in index.text
    page = client.get("/search", params={"q": "Erbil"})
    assert page.status_code == 200
    assert "<mark>Erbil</mark>" in page.text
    assert f"/statements/{loaded['2021-03-30']}" in page.text
    bad = client.get("/search", params={"q": "Erbil", "theme": "tea"})
    assert bad.status_code == 400 and "unknown theme" in bad.text
    hostile = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in hostile.text
