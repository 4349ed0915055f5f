"""A backfill that explains itself: its form, a bad form failing at once, a log that says
what happened to each statement, and date ranges that follow the listing's pages back."""

from __future__ import annotations

import json
import logging
import warnings
from datetime import date
from pathlib import Path

import pytest
import yaml

from coalition_watch import jobs
from coalition_watch.store import open_store
from coalition_watch.store.incidents import open_incidents
from tests.kit.replay_server import ReplayServer

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "replay" / "history"
PAGES = yaml.safe_load((HISTORY / "INDEX.yaml").read_text(encoding="utf-8"))["pages"]
ARCHIVE = "https://www.auswaertiges-amt.de/ajax/json-filterlist/en/newsroom/news/609204-609204"
PER_PAGE = 3


@pytest.fixture
def backfill_dag(airflow_db):
    """Parsed afresh for each test: dag.test() keeps a run's conf in the DAG's params."""
    from airflow.dag_processing.dagbag import DagBag

    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    return DagBag(dag_folder=str(ROOT / "dags")).get_dag("coalition_watch_backfill")


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).migrate()
    monkeypatch.setenv("COALITION_WATCH_DB_URL", url)
    return url


def test_the_form_has_titles_descriptions_and_readable_choices(backfill_dag):
    params = backfill_dag.params
    for name in params:
        param = params.get_param(name)
        schema = param.schema
        assert schema.get("title") and param.description, name
        assert schema.get("section"), name
        if "enum" in schema:  # every choice is shown by a label, never a raw key or null
            assert set(schema["values_display"]) == set(schema["enum"]), name
            assert None not in schema["enum"], name
    assert params["alert_mode"] == "quiet" and params["series"] == "auto"
    what = params.get_param("url").schema["section"]
    assert "exactly one of" in what
    labels = params.get_param("alert_mode").schema["values_display"]
    assert labels["quiet"].startswith("Quiet: store and diff, tell nobody")


def _task_log(caplog, capfd) -> str:
    """What the run logged: the task runner writes its own lines (the failure with its
    exception) to the console, the package logs through logging."""
    out, err = capfd.readouterr()
    return "\n".join([out, err, *(r.getMessage() for r in caplog.records)])


@pytest.mark.parametrize(
    ("conf", "got"),
    [
        ({}, "got none of them"),
        (
            {"url": "https://www.state.gov/x/", "replay_file": "history"},
            "got a URL and a replay page",
        ),
    ],
)
def test_a_bad_form_fails_the_run_at_once_saying_why(
    airflow_db, backfill_dag, store_url, caplog, capfd, conf, got
):
    caplog.set_level(logging.INFO)
    run = backfill_dag.test(run_conf=conf)
    assert run.state == "failed"
    tis = {ti.task_id: ti for ti in run.get_task_instances()}
    assert tis["check_request"].state == "failed"
    assert tis["check_request"].try_number == 1  # no retry
    assert tis["ingest_statements"].state == "upstream_failed"
    messages = _task_log(caplog, capfd)
    assert "give exactly one of: a statement URL (url), a source with From and To dates" in messages
    assert got in messages
    assert open_incidents(jobs.store_for()) == []  # a user's mistake pages no operator


def test_a_backfill_run_logs_each_statement_loaded_compared_and_queued(
    airflow_db, backfill_dag, store_url, caplog
):
    caplog.set_level(logging.INFO)
    run = backfill_dag.test(run_conf={"replay_file": "history", "alert_mode": "quiet"})
    assert run.state == "success"
    lines = [r.getMessage() for r in caplog.records]
    loaded = [line for line in lines if line.startswith("loaded ") and ": '" in line]
    assert len(loaded) == len(PAGES)
    assert loaded[0].startswith("loaded 1: ") and loaded[-1].startswith(f"loaded {len(PAGES)}: ")
    assert loaded[-1].endswith(f"; {len(PAGES)} new so far")
    assert f"loaded {len(PAGES)} statement(s), {len(PAGES)} of them new" in lines
    processed = [line for line in lines if line.split(" ", 1)[0].endswith(f"/{len(PAGES)}")]
    assert len(processed) == len(PAGES)
    assert all(" alert(s) queued for " in line for line in processed)
    assert any("1 comparison(s)" in line for line in processed)
    assert processed[-1].split(" ", 1)[0] == f"{len(PAGES)}/{len(PAGES)}"
    assert f"so far {len(PAGES)} processed" in processed[-1]


# -- date ranges across listing pages -------------------------------------------------------
def _paged_archive(tmp_path: Path) -> Path:
    """The Foreign Office's press archive (a JSON filterlist) holding the history pages,
    newest first, PER_PAGE to a page, with an off-topic item on each page."""
    newest_first = sorted(PAGES, key=lambda p: str(p["published"]), reverse=True)
    rows = []
    for page in newest_first:
        day = date.fromisoformat(str(page["published"]))
        rows.append(
            {
                "headline": page["title"],
                "text": "Joint statement of the Global Coalition against Daesh",
                "link": page["url"].removeprefix("https://www.auswaertiges-amt.de"),
                "date": day.strftime("%d.%m.%Y"),
                "name": "Press release",
            }
        )
        rows.append(
            {"headline": "Visa waiver talks", "text": "Consular news", "link": "/en/visa/1",
             "date": day.strftime("%d.%m.%Y"), "name": "Press release"}
        )  # fmt: skip
    per_page = PER_PAGE * 2
    urls = {}
    for offset in range(0, len(rows), per_page):
        body = {"items": rows[offset : offset + per_page], "itemsTotal": len(rows)}
        name = f"filterlist-{offset}.json"
        (tmp_path / name).write_text(json.dumps(body), encoding="utf-8")
        urls[f"{ARCHIVE}?limit={per_page}&offset={offset}"] = {
            "file": str(tmp_path / name),
            "content_type": "application/json;charset=UTF-8",
        }
    for page in PAGES:
        urls[page["url"]] = {"file": str(HISTORY / page["file"])}
    (tmp_path / "scenarios").mkdir()
    scenario = {"states": {"archive": {"urls": urls}}}
    (tmp_path / "scenarios" / "paged.yaml").write_text(yaml.safe_dump(scenario))
    config = tmp_path / "config"
    config.mkdir()
    sources = {
        "defaults": {"politeness": {"requests_per_minute": 6000, "max_retries": 0}},
        "sources": [
            {
                "id": "aa-archive",
                "kind": "auswaertiges_amt",
                "language": "en",
                "urls": {"filterlist": ARCHIVE},
                "allowed_hosts": ["www.auswaertiges-amt.de"],
                "filterlist_limit": per_page,
            }
        ],
    }
    (config / "sources.yaml").write_text(yaml.safe_dump(sources))
    return config


def test_a_date_range_follows_the_listing_pages_until_it_is_covered(
    tmp_path, store_url, monkeypatch, caplog
):
    caplog.set_level(logging.INFO)
    monkeypatch.setenv("COALITION_WATCH_CONFIG_DIR", str(_paged_archive(tmp_path)))
    in_range = sorted(
        str(p["published"]) for p in PAGES if "2020-01-01" <= str(p["published"]) <= "2022-12-31"
    )
    assert len(in_range) >= 3
    with ReplayServer(tmp_path, "paged", "archive") as server:
        monkeypatch.setenv("COALITION_WATCH_REPLAY_URL", server.url)
        request = jobs.backfill_request(
            {"source": "aa-archive", "start_date": "2020-01-01", "end_date": "2022-12-31"}
        )
        ids = jobs.backfill_ingest(request)
        listing_requests = [r.url for r in server.requests if "filterlist" in r.url]
    store = jobs.store_for()
    assert sorted(store.version(i).published for i in ids) == in_range
    # newest first: pages are read back to the one that reaches before 2020, no further
    total_pages = -(-len(PAGES) // PER_PAGE)
    assert 1 < len(listing_requests) < total_pages
    assert listing_requests[0].endswith("offset=0")
    lines = [r.getMessage() for r in caplog.records]
    assert any("reaches before 2020-01-01: the range is covered" in line for line in lines)
    assert any(line.startswith("aa-archive listing page 2: 3 statement(s) from") for line in lines)
    assert not any("Visa" in line for line in lines if line.startswith("loaded "))


def test_a_range_older_than_the_archive_reads_every_page_once(tmp_path, store_url, monkeypatch):
    monkeypatch.setenv("COALITION_WATCH_CONFIG_DIR", str(_paged_archive(tmp_path)))
    with ReplayServer(tmp_path, "paged", "archive") as server:
        monkeypatch.setenv("COALITION_WATCH_REPLAY_URL", server.url)
        request = jobs.backfill_request(
            {"source": "aa-archive", "start_date": "2001-01-01", "end_date": "2001-12-31"}
        )
        assert jobs.backfill_ingest(request) == []
        listing_requests = [r.url for r in server.requests if "filterlist" in r.url]
    assert len(listing_requests) == len(set(listing_requests)) == -(-len(PAGES) // PER_PAGE)
