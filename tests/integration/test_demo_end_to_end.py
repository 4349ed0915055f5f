"""The demo's scenario through the real DAGs: 2020 is new, 2021 is diffed against it and
alerts by email and Slack; a second run delivers nothing."""

from __future__ import annotations

import email
import email.policy
import json

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_runs(request, airflow_db, tmp_path_factory):
    """The demo run twice, with the project store on SQLite, then on PostgreSQL."""
    from coalition_watch.store import open_store
    from tests.kit.demo import run_demo
    from tests.kit.postgres import create_database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    else:
        url = create_database(request.getfixturevalue("postgres"), "demo_end_to_end")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COALITION_WATCH_DB_URL", url)
        open_store(url).migrate()
        out = tmp_path_factory.mktemp("demo-output")
        first = run_demo(out)
        second = run_demo(out)
    return first, second


def _emails(paths):
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]


def test_first_run_delivers_email_and_slack_for_the_2021_meeting(demo_runs):
    first, _ = demo_runs
    assert first.emails and first.slack
    messages = _emails(first.emails)
    compared = [m for m in messages if "since 4 June 2020" in m["Subject"]]
    assert len(compared) == 1, [m["Subject"] for m in messages]
    assert "Small Group ministerial, 30 March 2021" in compared[0]["Subject"]
    body = compared[0].get_body(("plain",)).get_content()
    # an added passage (attacks in Erbil, Baghdad and Al Asad) and a removed one (Kadhimi)
    assert "[added]" in body and "Erbil, Baghdad, and Al Asad" in body
    assert "[removed]" in body and "Prime Minister Kadhimi" in body


def test_slack_payloads_carry_blocks_and_a_fallback_text(demo_runs):
    from coalition_watch.render.slack import limit_problems

    first, _ = demo_runs
    payloads = [json.loads(p.read_text()) for p in first.slack]
    assert all(limit_problems(p) == [] for p in payloads)
    assert all(p["text"] and p["blocks"] for p in payloads)
    assert any("30 March 2021" in p["text"] for p in payloads), [p["text"] for p in payloads]


def test_second_run_delivers_nothing(demo_runs):
    _, second = demo_runs
    assert second.delivered == 0


def test_the_africa_desk_gets_its_daily_digest_and_the_demo_says_where_each_message_went(
    demo_runs,
):
    first, _ = demo_runs
    (digest,) = [m for m in _emails(first.emails) if "Daily digest" in m["Subject"]]
    assert digest["To"] == "africa-desk@example.org"
    text = digest.get_body(("plain",)).get_content()
    assert "== Africa: 3 changes ==" in text and "why: Africa:" in text
    assert len(first.routes) == first.delivered
    assert any(
        "africa-desk@example.org" in line and "delivery: digest" in line for line in first.routes
    )
    assert any("#iraq-desk" in line and "follows Iraq, Military" in line for line in first.routes)


def test_long_slack_messages_carry_their_passages_in_threads(demo_runs):
    first, _ = demo_runs
    replies = [json.loads(p.read_text()) for p in first.slack_replies]
    assert replies and all(r["thread_ts"] for r in replies)
