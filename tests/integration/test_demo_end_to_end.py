"""The demo's scenario through the real DAGs: 2020 is new, 2021 is diffed against it and
alerts by email and Slack; a second run delivers nothing."""

from __future__ import annotations

import email
import email.policy
import json

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_runs(airflow_db, tmp_path_factory):
    from coalition_watch.demo import run_demo
    from coalition_watch.store import open_store

    open_store().migrate()
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
    revised = [m for m in messages if "2021" in m["Subject"] and "Small Group" in m["Subject"]]
    assert revised, [m["Subject"] for m in messages]
    body = revised[0].get_body(("plain",)).get_content()
    # an added passage (the 2021 text on children) and a removed one (the 2020 thanks to Kadhimi)
    assert "children" in body
    assert "Kadhimi" in body


def test_slack_payloads_carry_blocks_and_a_fallback_text(demo_runs):
    first, _ = demo_runs
    payloads = [json.loads(p.read_text()) for p in first.slack]
    assert all(p["text"] and p["blocks"] for p in payloads)
    assert any("2021" in p["text"] for p in payloads)


def test_second_run_delivers_nothing(demo_runs):
    _, second = demo_runs
    assert second.delivered == 0
