"""`make airflow` is ready to use: delivery connections point at the local stand-ins, which
accept what Airflow's hooks send, and the project's DAGs are unpaused."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.kit.smtp_server import free_port
from tests.kit.standins import serving, slack_channels

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _airflow_home_script():
    spec = importlib.util.spec_from_file_location("airflow_home", ROOT / "scripts/airflow_home.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def script(airflow_db):
    return _airflow_home_script()


def _connection(conn_id: str):
    from airflow.models.connection import Connection
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        conn = session.scalar(select(Connection).where(Connection.conn_id == conn_id))
        if conn is not None:
            session.expunge(conn)
        return conn


def _delete_connection(conn_id: str) -> None:
    from airflow.models.connection import Connection
    from airflow.utils.session import create_session
    from sqlalchemy import delete

    with create_session() as session:
        session.execute(delete(Connection).where(Connection.conn_id == conn_id))


def test_the_stand_ins_receive_what_the_hooks_send_on_the_registered_connections(
    script, tmp_path, monkeypatch
):
    from airflow.providers.slack.hooks.slack import SlackHook
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    smtp_port, slack_port = free_port(), free_port()
    for conn_id in ("smtp_default", "slack_api_default"):
        _delete_connection(conn_id)
    report = script.connect_standins(smtp_port, slack_port)
    assert report == [
        "connection smtp_default: smtp stand-in",
        "connection slack_api_default: slack stand-in",
    ]
    smtp_conn, slack_conn = _connection("smtp_default"), _connection("slack_api_default")
    assert (smtp_conn.host, smtp_conn.port) == ("127.0.0.1", smtp_port)
    assert json.loads(slack_conn.extra)["base_url"] == f"http://127.0.0.1:{slack_port}/api/"
    # the hooks read connections through the environment in tests; give them the stored ones
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp_conn.as_json())
    monkeypatch.setenv("AIRFLOW_CONN_SLACK_API_DEFAULT", slack_conn.as_json())
    with serving(tmp_path, smtp_port, slack_port) as (smtp, slack):
        with SmtpHook(smtp_conn_id="smtp_default") as hook:
            hook.send_email_smtp(to="ops@example.org", subject="hello", html_content="<p>hi</p>")
        SlackHook(slack_conn_id="slack_api_default").client.chat_postMessage(
            channel="#coalition-watch-ops", text="hello"
        )
        assert [str(m["Subject"]) for m in smtp.messages] == ["hello"]
        assert slack.posted_channels() == ["#coalition-watch-ops"]
    assert list((tmp_path / "email").glob("*.eml")) and list((tmp_path / "slack").glob("*.json"))
    assert "coalition-watch-ops" in slack_channels() and "iraq-desk" in slack_channels()


def test_an_operators_own_connection_is_left_alone(script):
    from airflow.models.connection import Connection
    from airflow.utils.session import create_session

    _delete_connection("smtp_default")
    with create_session() as session:
        session.add(Connection(conn_id="smtp_default", conn_type="smtp", host="relay.example"))
    report = script.connect_standins(free_port(), free_port())
    assert "connection smtp_default: kept (not a local stand-in)" in report
    assert _connection("smtp_default").host == "relay.example"
    _delete_connection("smtp_default")


def test_the_project_dags_are_unpaused(script):
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import select, update

    manager = DagBundlesManager()
    manager.sync_bundles_to_db()
    for bundle in manager.get_all_dag_bundles():
        bundle.initialize()
        bag = BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path, bundle_name=bundle.name)
        sync_bag_to_db(bag, bundle.name, bundle.version)
    ids = script.project_dag_ids()
    assert len(ids) == 6
    with create_session() as session:
        session.execute(update(DagModel).where(DagModel.dag_id.in_(ids)).values(is_paused=True))
    assert script.unpause_project_dags() == 6
    with create_session() as session:
        paused = session.scalars(select(DagModel.is_paused).where(DagModel.dag_id.in_(ids)))
        assert list(paused) == [False] * 6
    assert script.unpause_project_dags() == 0  # a second start changes nothing
