"""`coalition-watch deliver` killed with SIGKILL mid-run: nothing is lost, and the only
duplicate is the one SMTP cannot avoid.

Each case runs the real CLI in a child process against a real SMTP server (aiosmtpd) and the
local Slack Web API, kills it at a chosen moment, lets the next scheduled run see the ledger
as the killed one left it, then finishes the work as a run after `stale_after` would.
Each test prints what it counted (`-s` shows it): lost, duplicated, reconciled.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from coalition_watch.deliver import RetryPolicy, deliver_pending, enqueue_alert
from coalition_watch.deliver.transports import hook_transports
from coalition_watch.store import schema as t
from coalition_watch.store.repository import open_store
from coalition_watch.subscriptions import Subscriber
from tests.kit.fake_slack import FakeSlack
from tests.kit.samples import seed_alert
from tests.kit.smtp_server import LocalSmtpServer

pytestmark = pytest.mark.slow

DESKS = [f"desk-{i}" for i in range(5)]
SUBSCRIBERS = [Subscriber(id=d, email=f"{d}@example.org", slack=f"#{d}") for d in DESKS]
CLI = [sys.executable, "-c", "import sys; from coalition_watch.cli import main; sys.exit(main())"]


@pytest.fixture
def servers(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    with LocalSmtpServer() as smtp, FakeSlack(channels=DESKS) as slack:
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp.connection_json())
        monkeypatch.setenv("AIRFLOW_CONN_SLACK_API_DEFAULT", slack.connection_json())
        url = f"sqlite:///{tmp_path / 'cw.db'}"
        store = open_store(url)
        store.migrate()
        enqueue_alert(store, seed_alert(), SUBSCRIBERS)  # 10 deliveries: 5 emails, 5 posts
        yield store, url, smtp, slack


def deliver_cli(url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, "deliver", "--db", url],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, what: str, limit: float = 120.0) -> None:
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def received(smtp: LocalSmtpServer, slack: FakeSlack) -> Counter:
    """Each (channel, recipient, message) as many times as it arrived."""
    arrived: Counter = Counter()
    for message, (_, recipients) in zip(smtp.messages, smtp.envelopes, strict=True):
        for rcpt in recipients:
            arrived["email", rcpt, message["Message-ID"]] += 1
    for post in slack.messages:  # top-level: thread replies belong to their message
        ours = post["metadata"]["event_payload"]["message_id"]
        arrived["slack", post["channel_id"], ours] += 1
    return arrived


def ledger(store) -> list:
    with store.engine.connect() as conn:
        return list(conn.execute(select(t.deliveries.c.channel, t.deliveries.c.status)))


KILLS = {
    # the server has the third email and is about to say 250: SMTP's own blind spot
    "smtp-took-the-email-before-its-250": ("email", 2),
    # Slack has stored the third post and is about to answer
    "slack-took-the-post-before-its-answer": ("slack", 2),
    # no hold: whatever the child is doing once four deliveries have arrived
    "after-four-deliveries": (None, 4),
}


@pytest.mark.parametrize("case", list(KILLS))
def test_a_killed_deliver_loses_nothing_and_reports_what_it_may_have_doubled(servers, case):
    store, url, smtp, slack = servers
    held_channel, count = KILLS[case]
    hold = None
    if held_channel == "email":
        hold = smtp.hold_next_reply(skip=count)
    elif held_channel == "slack":
        hold = slack.hold_next_reply(skip=count)

    child = deliver_cli(url)
    try:
        if hold is not None:
            wait_for(hold.reached.is_set, "the held reply")
        else:
            wait_for(lambda: sum(received(smtp, slack).values()) >= count, "four deliveries")
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if hold is not None:
            hold.release()
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    statuses = Counter(status for _, status in ledger(store))
    left_sending = statuses["sending"]
    if hold is not None:
        assert left_sending == 1  # the delivery the kill caught

    # The next scheduled run, minutes later: the caught row is not yet stale, and the
    # report says it is still to send (not "pending: 0").
    nxt = deliver_cli(url)
    out, err = nxt.communicate(timeout=120)
    report = json.loads(out)
    assert nxt.returncode == 0, err
    assert report["sending"] == left_sending
    assert report["pending"] == left_sending

    # A run after stale_after: the caught row is checked (Slack) or resent (email).
    recovery = deliver_pending(
        store, hook_transports(), policy=RetryPolicy(stale_after=timedelta(0), max_wait=0)
    )
    assert recovery.pending == 0 and recovery.failed == 0
    assert set(status for _, status in ledger(store)) == {"sent"}

    arrived = received(smtp, slack)
    lost = 10 - len(arrived)
    duplicates = {key: n - 1 for key, n in arrived.items() if n > 1}
    print(
        f"\n{case}: lost {lost}, duplicated {sum(duplicates.values())} {sorted(duplicates)}, "
        f"reconciled {recovery.reconciled}, resent unconfirmed {recovery.resent_unconfirmed}"
    )
    assert lost == 0
    # Every duplicate is one the report owned up to; Slack never doubles.
    assert sum(duplicates.values()) <= recovery.resent_unconfirmed
    assert all(channel == "email" for channel, _, _ in duplicates)
    if held_channel == "email":
        assert sum(duplicates.values()) == 1 and recovery.resent_unconfirmed == 1
        [(_, _, message_id)] = duplicates  # the same Message-ID twice, as mail stores dedupe
        assert message_id
    if held_channel == "slack":
        assert recovery.reconciled == 1 and not duplicates


def test_a_server_that_hangs_up_after_every_message_gets_it_twice_at_most(servers):
    """Each attempt reaches the server, which stores it and drops the line before its 250:
    the sender cannot know, so it tries once more, then stops and tells the operators."""
    store, url, smtp, slack = servers
    smtp.drop_after_data(times=100)
    report = deliver_pending(
        store,
        {"email": hook_transports()["email"]},
        policy=RetryPolicy(base_delay=0, max_wait=60),
        sleep=lambda seconds: None,
    )
    desks = {s.email for s in SUBSCRIBERS}
    copies = Counter(
        m["Message-ID"]
        for m, (_, rcpts) in zip(smtp.messages, smtp.envelopes, strict=True)
        if desks & set(rcpts)
    )
    print(f"\nhanging-up server: {sum(copies.values())} copies of {len(copies)} emails")
    assert len(copies) == 5  # every email arrived (the server stored each one)
    assert set(copies.values()) == {2}  # and at most one duplicate each
    to_desks = [r for r in report.results if r.recipient in desks]
    assert {r.status for r in to_desks} == {"failed"}  # and the operators are told
    assert all("most likely arrived and is not sent again" in r.error for r in to_desks)
