"""Fault tests against real local servers through the real Airflow provider hooks."""

import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from coalition_watch.deliver import (
    RetryPolicy,
    deliver_pending,
    enqueue_alert,
    enqueue_operator_alert,
)
from coalition_watch.deliver.transports import hook_transports
from coalition_watch.render import limit_problems
from coalition_watch.render.slack import message_blocks
from coalition_watch.store import schema as t
from coalition_watch.store.repository import open_store
from coalition_watch.subscriptions import Operators, Subscriber
from tests.kit.clock import FakeClock
from tests.kit.fake_slack import FakeSlack
from tests.kit.samples import many_changes, seed_alert
from tests.kit.smtp_server import LocalSmtpServer

pytestmark = pytest.mark.slow

OPS = Operators(email="ops@example.org", slack="#ops")
SUBSCRIBERS = [
    Subscriber(id="iraq", email="iraq@example.org", slack="#iraq", themes=frozenset({"iraq"})),
    Subscriber(id="africa", email="africa@example.org", themes=frozenset({"africa"})),
    Subscriber(id="all", slack="#all"),
]


class Crash(BaseException):
    """Stands in for the process being killed: nothing after it runs."""


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    with LocalSmtpServer() as smtp, FakeSlack(channels=["ops", "iraq", "all"]) as slack:
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp.connection_json())
        monkeypatch.setenv("AIRFLOW_CONN_SLACK_API_DEFAULT", slack.connection_json())
        store = open_store(f"sqlite:///{tmp_path / 'cw.db'}")
        store.migrate()
        yield store, smtp, slack


def run(store, clock, **kwargs):
    policy = kwargs.pop("policy", RetryPolicy(max_wait=600, stale_after=timedelta(0)))
    return deliver_pending(
        store,
        hook_transports(),
        policy=policy,
        clock=clock,
        sleep=clock.sleep,
        operators=OPS,
        **kwargs,
    )


def ledger(store) -> dict[tuple[str, str], str]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.deliveries)).all()
    return {(r.recipient, r.channel): r.status for r in rows}


def test_smtp_down_for_two_attempts_then_up_delivers_each_email_once(env):
    store, smtp, slack = env
    smtp.stop()  # down: connection refused
    clock = FakeClock()
    clock.on_sleep = lambda n: smtp.start() if n == 2 else None  # up after the second retry wait
    assert enqueue_alert(store, seed_alert(), SUBSCRIBERS) == 4
    report = run(store, clock)
    assert report.sent == 4 and report.failed == 0
    assert Counter(r.attempts for r in report.results if r.channel == "email") == {3: 2}
    assert clock.sleeps[:2] == [2.0, 4.0]  # exponential back-off, never a real wait
    assert sorted(env_rcpt for _, rcpts in smtp.envelopes for env_rcpt in rcpts) == [
        "africa@example.org",
        "iraq@example.org",
    ]
    assert len(slack.messages) == 2
    # A re-run finds nothing left to do.
    again = run(store, clock)
    assert again.sent == 0 and len(smtp.messages) == 2 and len(slack.messages) == 2


def test_smtp_4xx_is_retried_and_a_5xx_recipient_fails_alone_with_one_operator_alert(env):
    store, smtp, slack = env
    smtp.fail_next(1)  # 451 for the first message
    smtp.reject("africa@example.org")  # 550 for this recipient, permanently
    enqueue_alert(store, seed_alert(), SUBSCRIBERS)
    enqueue_alert(store, seed_alert(key="comparison:2"), SUBSCRIBERS)  # a second alert
    clock = FakeClock()
    report = run(store, clock)
    failed = [r for r in report.results if r.status == "failed"]
    assert {(r.recipient, r.channel) for r in failed} == {("africa@example.org", "email")}
    assert all("550" in r.error for r in failed)
    assert len(smtp.received_by("iraq@example.org")) == 2
    # One operator alert for the broken recipient, on each operator channel, not one per message.
    assert len(smtp.received_by("ops@example.org")) == 1
    assert len(slack.messages_for("#ops")) == 1
    assert "africa@example.org" in slack.messages_for("#ops")[0]["text"]
    assert ledger(store)[("africa@example.org", "email")] == "failed"


def test_slack_429_storm_delivers_everything_after_retry_after_and_nothing_twice(env):
    store, smtp, slack = env
    slack.fail_next(429, times=6, retry_after=1)
    enqueue_alert(store, seed_alert(), SUBSCRIBERS)
    clock = FakeClock()
    report = run(store, clock)
    assert report.failed == 0 and report.sent == 4
    assert report.retries == 6
    assert set(clock.sleeps) == {1.0}  # Retry-After honoured, not the back-off
    ids = [p["metadata"]["event_payload"]["message_id"] for p in slack.messages]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert set(slack.posted_channels()) == {"#iraq", "#all"}


def test_slack_500_is_retried_and_channel_not_found_is_permanent(env):
    store, smtp, slack = env
    slack.fail_next(500, times=2)
    slack.reject_channel("#all")
    enqueue_alert(store, seed_alert(), SUBSCRIBERS)
    report = run(store, FakeClock())
    assert ledger(store)[("#all", "slack")] == "failed"
    assert "channel_not_found" in next(r.error for r in report.results if r.recipient == "#all")
    assert len(slack.messages_for("#iraq")) == 1
    assert len(slack.messages_for("#ops")) == 1


def test_transient_failures_beyond_the_wait_budget_stay_queued_for_the_next_run(env):
    store, smtp, slack = env
    smtp.stop()
    enqueue_alert(store, seed_alert(), SUBSCRIBERS[1:2])
    clock = FakeClock()
    report = run(store, clock, policy=RetryPolicy(max_wait=5))
    assert report.pending == 1 and ledger(store)[("africa@example.org", "email")] == "queued"
    smtp.start()
    clock.advance(minutes=5)
    assert run(store, clock).sent == 1
    assert len(smtp.messages) == 1


def test_crash_between_render_and_send_then_rerun_delivers_all_once(env):
    store, smtp, slack = env
    enqueue_alert(store, seed_alert(), SUBSCRIBERS)
    sends = []

    def crash_on_third(point, message):
        if point == "before_send":
            sends.append(message.id)
            if len(sends) == 3:
                raise Crash

    clock = FakeClock()
    with pytest.raises(Crash):
        run(store, clock, seam=crash_on_third)
    assert len(smtp.messages) + len(slack.messages) == 2
    clock.advance(minutes=1)
    run(store, clock)
    assert sorted(r for _, rcpts in smtp.envelopes for r in rcpts) == [
        "africa@example.org",
        "iraq@example.org",
    ]
    assert sorted(slack.posted_channels()) == ["#all", "#iraq"]
    assert set(ledger(store).values()) == {"sent"}


def test_crash_between_send_and_record_slack_is_reconciled_not_resent(env):
    store, smtp, slack = env
    enqueue_alert(store, seed_alert(), SUBSCRIBERS[2:])  # Slack only

    def crash_after_send(point, message):
        if point == "after_send":
            raise Crash

    clock = FakeClock()
    with pytest.raises(Crash):
        run(store, clock, seam=crash_after_send)
    assert len(slack.messages) == 1 and ledger(store)[("#all", "slack")] == "sending"
    clock.advance(minutes=1)
    report = run(store, clock)
    assert report.reconciled == 1 and report.sent == 0
    assert len(slack.messages) == 1  # nothing twice
    assert ledger(store)[("#all", "slack")] == "sent"


def test_crash_between_send_and_record_email_is_resent_with_the_same_message_id(env):
    """The residual risk: SMTP cannot be asked what it accepted, so the email goes again,
    recognisably the same message (mail stores drop a repeated Message-ID)."""
    store, smtp, slack = env
    enqueue_alert(store, seed_alert(), SUBSCRIBERS[1:2])

    def crash_after_send(point, message):
        if point == "after_send":
            raise Crash

    clock = FakeClock()
    with pytest.raises(Crash):
        run(store, clock, seam=crash_after_send)
    clock.advance(minutes=1)
    run(store, clock)
    ids = [m["Message-ID"] for m in smtp.received_by("africa@example.org")]
    assert len(ids) == 2 and len(set(ids)) == 1
    assert ledger(store)[("africa@example.org", "email")] == "sent"
    run(store, clock)
    assert len(smtp.messages) == 2  # and never a third time


def test_a_statement_with_500_changes_arrives_within_platform_limits(env, tmp_path):
    store, smtp, slack = env
    enqueue_alert(store, seed_alert(many_changes(500, length=600)), SUBSCRIBERS[:1])
    report = run(store, FakeClock())
    assert report.sent == 2
    (message,) = slack.messages_for("#iraq")
    assert limit_problems(message) == []
    assert len(message["blocks"]) <= 50
    # Every one of the reader's 84 iraq passages is in the thread, under the message.
    replies = slack.replies_to("#iraq", message["ts"])
    passages = [b for r in replies for b in message_blocks(r) if "• _" in str(b.get("text", ""))]
    assert len(passages) == 84 and all(limit_problems(r) == [] for r in replies)
    email = smtp.messages[0]
    text = email.get_body(("plain",)).get_content()
    assert text.count("* [") == 84 and "416 more changes in other themes" in text
    assert len(email.as_bytes()) < 250_000


def test_a_failing_thread_reply_fails_the_message_once_and_never_reposts_it(env):
    store, smtp, slack = env
    enqueue_alert(store, seed_alert(many_changes(60, length=200)), SUBSCRIBERS[:1])
    clock = FakeClock()
    real_post = slack._post

    def post_then_fail_replies(body):
        if body.get("thread_ts"):
            return 200, {}, {"ok": False, "error": "msg_too_long"}
        return real_post(body)

    slack._post = post_then_fail_replies
    run(store, clock)
    run(store, clock)
    assert len(slack.messages_for("#iraq")) == 1  # posted once, not again on the next run
    assert ledger(store)[("#iraq", "slack")] == "failed"
    assert any("thread reply 1 of" in json.dumps(m) for m in slack.messages_for("#ops"))


def test_operator_alerts_are_sent_once_per_key(env):
    store, smtp, slack = env
    for _ in range(3):
        enqueue_operator_alert(
            store,
            key="source-down:state_gov",
            subject="state.gov down",
            text="Five failed polls since 09:00",
            operators=OPS,
        )
    assert run(store, FakeClock()).sent == 2
    assert (
        enqueue_operator_alert(
            store, key="source-down:state_gov", subject="again", text="x", operators=OPS
        )
        == 0
    )
    assert len(smtp.messages) == 1 and len(slack.messages) == 1
