"""A failed task alerts the operators once, with a link to its log, through the real hooks."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from coalition_watch.incidents import dag_defaults, incident_key, on_task_failure
from coalition_watch.store import open_store
from tests.kit.fake_slack import FakeSlack
from tests.kit.smtp_server import LocalSmtpServer

pytestmark = pytest.mark.slow
LOG = "http://localhost:8080/dags/coalition_watch_poll/runs/r1/tasks/poll_gov_uk"


@pytest.fixture
def ops(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).migrate()
    monkeypatch.setenv("COALITION_WATCH_DB_URL", url)
    with LocalSmtpServer() as smtp, FakeSlack(channels=["coalition-watch-ops"]) as slack:
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp.connection_json())
        monkeypatch.setenv("AIRFLOW_CONN_SLACK_API_DEFAULT", slack.connection_json())
        yield smtp, slack


def failure(run_id: str = "r1"):
    ti = SimpleNamespace(
        dag_id="coalition_watch_poll",
        task_id="poll_gov_uk",
        run_id=run_id,
        map_index=-1,
        log_url=LOG,
    )
    return {"ti": ti, "exception": RuntimeError("gov.uk answered 503 five times")}


def test_a_failed_task_alerts_the_operators_once_with_the_log_link(ops):
    smtp, slack = ops
    on_task_failure(failure())
    on_task_failure(failure())  # the same incident reported again: nothing new
    [mail] = smtp.messages
    assert "poll_gov_uk" in mail["Subject"]
    assert LOG in mail.get_body(("plain",)).get_content()
    [post] = slack.posted
    assert slack.posted_channels() == ["#coalition-watch-ops"] and "503" in post["text"] + str(post)


def test_another_run_failing_is_another_incident(ops):
    smtp, _ = ops
    on_task_failure(failure("r1"))
    on_task_failure(failure("r2"))
    assert len(smtp.messages) == 2


def test_alerting_trouble_never_hides_the_task_failure(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("COALITION_WATCH_DB_URL", f"sqlite:///{tmp_path / 'missing.db'}")
    on_task_failure(failure())  # store not initialised: logged, not raised
    [record] = [r for r in caplog.records if r.name == "coalition_watch.incidents"]
    assert "task-failure:coalition_watch_poll.poll_gov_uk:r1" in record.getMessage()
    assert "not initialised" in record.exc_text


def test_incident_keys_name_the_mapped_instance():
    assert incident_key("d", "t", "r", 3) == "task-failure:d.t[3]:r"
    assert incident_key("d", "t", "r", -1) == "task-failure:d.t:r"


def test_every_dag_shares_the_failure_callback_and_retries():
    defaults = dag_defaults()
    assert defaults["on_failure_callback"] is on_task_failure
    assert defaults["retries"] >= 1 and defaults["owner"] == "coalition-watch"
