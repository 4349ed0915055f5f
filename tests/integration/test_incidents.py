"""Operators hear once when something starts failing and once when it recovers.

A task is failed for real: the polling DAG runs with `dag.test()` on a sources.yaml with
a mistake in it, three runs in a row, then once more after the fix. Source outages and
layout breaks go through the polling job against the replay server. Alerts travel
through the real SMTP server and the local Slack Web API.
"""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from coalition_watch import jobs
from coalition_watch.incidents import dag_defaults, on_task_failure, on_task_success, task_key
from coalition_watch.store import open_store
from coalition_watch.store.incidents import open_incidents, report_failure, report_success
from tests.kit.fake_slack import FakeSlack
from tests.kit.replay_server import ReplayServer
from tests.kit.smtp_server import LocalSmtpServer

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
REPLAY = ROOT / "replay"
DEMO_SOURCES = REPLAY / "demo-config" / "sources.yaml"
FEED = "https://www.auswaertiges-amt.de/static/appdata/includes/rss_en/RSS_Pressemitteilungen_Reden.xml"
PAGE = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition-small-group/2347076"
PAGE_FILE = (
    "pages/www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition-small-group-2347076.html"
)


@pytest.fixture
def ops(tmp_path, monkeypatch):
    """A migrated store, the Foreign Office feed on a replay server, SMTP and Slack."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).migrate()
    config = tmp_path / "config"
    config.mkdir()
    _write_sources(config)
    monkeypatch.setenv("COALITION_WATCH_DB_URL", url)
    monkeypatch.setenv("COALITION_WATCH_CONFIG_DIR", str(config))
    with (
        ReplayServer(_archive(tmp_path), "ops", "up") as replay,
        LocalSmtpServer() as smtp,
        FakeSlack(channels=["coalition-watch-ops"]) as slack,
    ):
        monkeypatch.setenv("COALITION_WATCH_REPLAY_URL", replay.url)
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp.connection_json())
        monkeypatch.setenv("AIRFLOW_CONN_SLACK_API_DEFAULT", slack.connection_json())
        yield Ops(config, replay, smtp, slack)


class Ops:
    def __init__(self, config: Path, replay: ReplayServer, smtp, slack):
        self.config, self.replay, self.smtp, self.slack = config, replay, smtp, slack

    def subjects(self) -> list[str]:
        return [
            str(m["Subject"]).removeprefix("[coalition-watch ops] ") for m in self.smtp.messages
        ]

    def slack_texts(self) -> list[str]:
        return [p["text"] for p in self.slack.posted]

    def poll_and_deliver(self) -> None:
        jobs.poll_sources()
        jobs.deliver_messages()


def _archive(tmp_path: Path) -> Path:
    """A replay archive where the Foreign Office feed can be up, down, or its page broken."""
    root = tmp_path / "replay"
    (root / "scenarios").mkdir(parents=True)
    page = (REPLAY / PAGE_FILE).read_text(encoding="utf-8")
    kept = 0

    def keep_first_paragraphs(match: re.Match) -> str:
        nonlocal kept
        kept += 1
        return match.group(0) if kept <= 3 else ""

    stub = re.sub(r'<p class="rte__paragraph">.*?</p>', keep_first_paragraphs, page)
    (root / "stub.html").write_text(stub, encoding="utf-8")
    feed = {
        "file": str(REPLAY / "feeds/www.auswaertiges-amt.de/rss_en_2020-06-04.xml"),
        "content_type": "application/rss+xml; charset=UTF-8",
    }
    scenario = {
        "states": {
            "up": {"urls": {FEED: feed, PAGE: {"file": str(REPLAY / PAGE_FILE)}}},
            "down": {"inherits": "up", "urls": {FEED: {"fault": "unavailable"}}},
            "broken-layout": {"inherits": "up", "urls": {PAGE: {"file": "stub.html"}}},
        }
    }
    (root / "scenarios" / "ops.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return root


def _poll_dag():
    """The project's polling DAG, retried at once (the real delay is minutes)."""
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(ROOT / "dags")).get_dag("coalition_watch_poll")
    for task in dag.tasks:
        task.retries, task.retry_delay = 1, timedelta(0)
        task.retry_exponential_backoff = False
    return dag


def _write_sources(config: Path) -> None:
    """The demo's sources.yaml, without retries: an outage is an outage at once; and the
    stored page is due for a re-read on every poll (each takes far longer than 4 ms), so
    three polls read the broken layout three times."""
    data = yaml.safe_load(DEMO_SOURCES.read_text())
    data["defaults"]["politeness"]["max_retries"] = 0
    for source in data["sources"]:
        source["recheck_hours"] = 1e-6
    (config / "sources.yaml").write_text(yaml.safe_dump(data))


def _break_config(config: Path) -> None:
    data = yaml.safe_load((config / "sources.yaml").read_text())
    data["sources"][0]["politeness"] = {"requests_per_minute": "fast"}
    (config / "sources.yaml").write_text(yaml.safe_dump(data))


def test_a_task_failing_three_runs_alerts_once_and_once_more_on_recovery(airflow_db, ops):
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    _break_config(ops.config)
    dag = _poll_dag()
    states = [dag.test().state for _ in range(3)]
    assert states == ["failed"] * 3
    [mail] = ops.smtp.messages
    assert (
        ops.subjects()[0]
        == "coalition-watch: coalition_watch_poll.poll_auswaertiges_amt_de is failing"
    )
    body = mail.get_body(("plain",)).get_content()
    assert "politeness.requests_per_minute must be float" in body
    assert "/dags/coalition_watch_poll/runs/" in body  # the link to the failed task's log
    [post] = ops.slack.posted
    assert ops.slack.posted_channels() == ["#coalition-watch-ops"] and "is failing" in post["text"]
    [incident] = open_incidents(jobs.store_for())
    assert incident.key.startswith("task:coalition_watch_poll.poll_auswaertiges_amt_de")
    assert incident.failures == 3

    _write_sources(ops.config)  # the operator fixes the mistake
    assert dag.test().state == "success"
    assert dag.test().state == "success"  # a second good run: nothing more to say
    failing, recovered = ops.subjects()[0], ops.subjects()[1:]
    assert "is failing" in failing
    assert recovered == ["coalition-watch: coalition_watch_poll.poll_auswaertiges_amt_de recovered"]
    recovery = ops.smtp.messages[1].get_body(("plain",)).get_content()
    assert "after 3 failed run(s)" in recovery
    assert len(ops.slack.posted) == 2 and "recovered" in ops.slack_texts()[1]
    assert open_incidents(jobs.store_for()) == []


def test_a_source_down_for_three_polls_alerts_once_down_and_once_up(ops):
    ops.replay.set_state("down")
    for _ in range(3):
        ops.poll_and_deliver()
    assert ops.subjects() == ["coalition-watch: source aa-en is down"]
    ops.replay.set_state("up")
    ops.poll_and_deliver()
    ops.poll_and_deliver()
    assert ops.subjects() == [
        "coalition-watch: source aa-en is down",
        "coalition-watch: source aa-en is recovered",
    ]
    assert len(ops.slack.posted) == 2


def test_a_layout_break_over_three_polls_alerts_once_and_once_when_repaired(ops):
    ops.poll_and_deliver()  # the good page is stored first
    assert ops.subjects() == []
    ops.replay.set_state("broken-layout")
    for _ in range(3):
        ops.poll_and_deliver()
    assert ops.subjects() == ["coalition-watch: aa-en layout probably changed"]
    text = ops.smtp.messages[0].get_body(("plain",)).get_content()
    assert PAGE in text and "of the previous body is gone" in text
    ops.replay.set_state("up")
    ops.poll_and_deliver()
    ops.poll_and_deliver()
    assert ops.subjects()[1:] == ["coalition-watch: aa-en pages extract well again"]
    assert len(ops.slack.posted) == 2


def test_an_incident_opens_once_counts_failures_and_closes_once(store):
    first, opened = report_failure(store, "task:d.t", "boom")
    again, reopened = report_failure(store, "task:d.t", "boom again")
    assert opened and not reopened and again.failures == 2 and again.last_error == "boom again"
    closed = report_success(store, "task:d.t")
    assert closed.failures == 2 and closed.opened_at == first.opened_at
    assert report_success(store, "task:d.t") is None  # nothing open: nothing to say
    _, opened_anew = report_failure(store, "task:d.t", "boom")
    assert opened_anew  # a later failure is a new incident


def test_alerting_trouble_never_hides_the_task_outcome(monkeypatch, tmp_path, caplog):
    from types import SimpleNamespace

    monkeypatch.setenv("COALITION_WATCH_DB_URL", f"sqlite:///{tmp_path / 'missing.db'}")
    ti = SimpleNamespace(dag_id="d", task_id="t", run_id="r", map_index=-1)
    on_task_failure({"ti": ti, "exception": RuntimeError("x")})  # store missing: logged
    on_task_success({"ti": ti})
    messages = [r.getMessage() for r in caplog.records if r.name == "coalition_watch.incidents"]
    assert messages == [
        "could not alert operators about task:d.t",
        "could not tell operators that task:d.t recovered",
    ]


def test_incident_keys_name_the_task_and_its_mapped_instance_never_the_run():
    assert task_key("d", "t", "aa-en") == "task:d.t[aa-en]"
    assert task_key("d", "t", -1) == task_key("d", "t") == "task:d.t"


def test_every_dag_shares_the_failure_and_recovery_callbacks_and_retries():
    defaults = dag_defaults()
    assert defaults["on_failure_callback"] is on_task_failure
    assert defaults["on_success_callback"] is on_task_success
    assert defaults["retries"] >= 1 and defaults["owner"] == "coalition-watch"
