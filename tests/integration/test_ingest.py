"""`coalition-watch ingest`: saved files loaded exactly as a backfill loads them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coalition_watch import jobs
from coalition_watch.errors import BadInput
from coalition_watch.store import open_store
from coalition_watch.store import schema as t
from tests.conftest import SEED_2020, SEED_2021

ROOT = Path(__file__).resolve().parents[2]


def table_counts(url: str) -> dict[str, int]:
    store = open_store(url)
    with store.begin() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar()
            for name, table in t.metadata.tables.items()
        }


def test_the_two_seeds_give_one_series_comparison_and_again_nothing(store_url, run_cli):
    code, out, err = run_cli("ingest", SEED_2020, SEED_2021, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert [v["published"] for v in result["versions"]] == ["2020-06-04", "2021-03-30"]
    old, new = (v["id"] for v in result["versions"])
    (comparison,) = result["comparisons"]
    assert comparison["kind"] == "series"
    assert (comparison["old"], comparison["new"]) == (old, new)
    assert comparison["substantive"] > 0
    assert result["queued_messages"] == 0  # quiet by default
    before = table_counts(store_url)

    code, out, _ = run_cli("ingest", SEED_2020, SEED_2021, "--json")
    assert code == 0
    assert json.loads(out) == {
        "versions": [],
        "comparisons": [],
        "queued_messages": 0,
        "digests": 0,
    }
    assert table_counts(store_url) == before


def test_a_statement_loaded_after_a_later_one_relinks_the_series(store_url, run_cli):
    """Loaded newest first, the comparison is still 2020 -> 2021."""
    newer = json.loads(run_cli("ingest", SEED_2021, "--json")[1])
    assert newer["comparisons"] == []
    older = json.loads(run_cli("ingest", SEED_2020, "--json")[1])
    (comparison,) = older["comparisons"]
    assert comparison["old"] == older["versions"][0]["id"]
    assert comparison["new"] == newer["versions"][0]["id"]


def test_url_source_and_series_options_are_stored(store_url, run_cli):
    url = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition/2451466"
    code, out, err = run_cli(
        "ingest", SEED_2021, "--url", url, "--source", "aa-en", "--series", "other", "--json"
    )
    assert code == 0, err
    (version,) = json.loads(out)["versions"]
    assert (version["url"], version["source"], version["series"]) == (url, "aa-en", "other")
    stored = open_store(store_url).version(version["id"])
    assert stored.alert_mode == "quiet"


def test_digest_mode_sends_one_digest_per_subscriber_and_no_alert(store_url, run_cli):
    run_cli("ingest", SEED_2020)
    code, out, err = run_cli("ingest", SEED_2021, "--mode", "digest", "--json")
    assert code == 0, err
    assert json.loads(out)["digests"] > 0
    with open_store(store_url).begin() as conn:
        sent = conn.execute(
            select(t.messages.c.template)
            .join(t.deliveries, t.deliveries.c.message_id == t.messages.c.id)
            .where(t.deliveries.c.channel.in_(("email", "slack")))
        ).scalars()
        assert set(sent) == {"daily_digest"}


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["missing.txt"], "missing.txt: no such file"),
        ([str(SEED_2020), "--source", "nowhere"], "--source: unknown source 'nowhere'"),
        ([str(SEED_2020), "--series", "tea_party"], "--series: unknown series 'tea_party'"),
        ([str(SEED_2020), "--url", "ftp://x.example/a"], "--url: 'ftp://x.example/a'"),
        ([str(SEED_2020), str(SEED_2021), "--url", "https://x.example/a"], "2 paths"),
        ([str(SEED_2020), "--mode", "loud"], "--mode"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_stores_nothing(store_url, run_cli, args, named):
    before = table_counts(store_url)
    code, out, err = run_cli("ingest", *args)
    assert code == 2
    assert named in err and len(err.strip().splitlines()) == 1
    assert table_counts(store_url) == before


def test_a_bad_file_among_good_ones_stores_nothing(store_url, run_cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    before = table_counts(store_url)
    code, _, err = run_cli("ingest", SEED_2020, empty)
    assert code == 2 and "file is empty" in err
    assert table_counts(store_url) == before


def test_replay_backfills_read_the_archive_the_setting_names(store_url, tmp_path, monkeypatch):
    archive = tmp_path / "archive"
    shutil.copytree(ROOT / "replay" / "history", archive / "history")
    (archive / "scenarios").mkdir()
    monkeypatch.setenv("COALITION_WATCH_REPLAY_ROOT", str(archive))
    request = jobs.backfill_request({"replay_file": "history", "alert_mode": "quiet"})
    assert jobs.backfill_ingest(request)
    urls = {row["url"] for row in _publications(store_url)}
    assert all(u.startswith("https://www.auswaertiges-amt.de/") for u in urls)


def test_without_an_archive_a_replay_backfill_is_refused_clearly(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COALITION_WATCH_REPLAY_ROOT", str(tmp_path / "nowhere"))
    request = jobs.backfill_request({"replay_file": "history", "alert_mode": "quiet"})
    with pytest.raises(BadInput, match="COALITION_WATCH_REPLAY_ROOT.*is not a folder"):
        jobs.backfill_ingest(request)
    monkeypatch.delenv("COALITION_WATCH_REPLAY_ROOT")
    monkeypatch.setattr("coalition_watch.settings.CHECKOUT_REPLAY_ROOT", tmp_path / "none")
    with pytest.raises(BadInput, match="no replay archive"):
        jobs.backfill_ingest(request)


def _publications(url: str) -> list[dict]:
    with open_store(url).begin() as conn:
        return [dict(r._mapping) for r in conn.execute(select(t.publications))]
