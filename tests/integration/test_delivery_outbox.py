"""The outbox and digests: idempotent enqueueing, modes, digest accumulation."""

import pytest
from sqlalchemy import func, select

from coalition_watch.deliver import deliver_pending, enqueue_alert, enqueue_digest
from coalition_watch.model import Change
from coalition_watch.store import schema as t
from coalition_watch.store.repository import open_store
from coalition_watch.subscriptions import Subscriber
from tests.kit.clock import FakeClock
from tests.kit.samples import seed_alert


class Recorder:
    """A transport that records what it is asked to send (for outbox-only checks)."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return f"id-{len(self.sent)}"

    def find_sent(self, message):
        return None


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'cw.db'}")
    s.migrate()
    return s


IMMEDIATE = Subscriber(id="now", email="now@example.org", slack="#now", themes=frozenset({"iraq"}))
DAILY = Subscriber(id="daily", email="daily@example.org", delivery="digest", backfill="digest")


def count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def send_all(store):
    transports = {"email": Recorder(), "slack": Recorder()}
    deliver_pending(store, transports, clock=FakeClock(), sleep=lambda s: None)
    return transports


def test_enqueueing_the_same_alert_again_queues_nothing(store):
    assert enqueue_alert(store, seed_alert(), [IMMEDIATE, DAILY]) == 2
    assert enqueue_alert(store, seed_alert(), [IMMEDIATE, DAILY]) == 0
    assert count(store, t.deliveries) == 3  # two sends and one digest item
    sent = send_all(store)
    assert len(sent["email"].sent) == 1 and len(sent["slack"].sent) == 1
    assert send_all(store)["email"].sent == []


def test_quiet_mode_and_backfills(store):
    assert enqueue_alert(store, seed_alert(), [IMMEDIATE, DAILY], mode="quiet") == 0
    assert count(store, t.messages) == 0
    # In a backfill each subscriber's choice decides: "now" is quiet, "daily" digests it.
    assert enqueue_alert(store, seed_alert(), [IMMEDIATE, DAILY], backfill=True) == 0
    assert enqueue_digest(store, [IMMEDIATE, DAILY], period_key="2026-01-01") == 1
    with pytest.raises(ValueError, match="mode"):
        enqueue_alert(store, seed_alert(), [IMMEDIATE], mode="loud")


def test_digest_mode_accumulates_and_one_digest_per_period(store):
    enqueue_alert(store, seed_alert(key="comparison:1"), [IMMEDIATE, DAILY], mode="digest")
    enqueue_alert(store, seed_alert(key="comparison:2"), [IMMEDIATE, DAILY], mode="digest")
    assert enqueue_digest(store, [IMMEDIATE, DAILY], period_key="2026-01-01") == 3
    assert enqueue_digest(store, [IMMEDIATE, DAILY], period_key="2026-01-01") == 0
    sent = send_all(store)
    emails = {m.recipient: m for m in sent["email"].sent}
    assert "2 statements" in emails["daily@example.org"].subject
    # Items that arrive after the digest wait for the next period.
    enqueue_alert(store, seed_alert(key="comparison:3"), [DAILY])
    assert enqueue_digest(store, [DAILY], period_key="2026-01-01") == 0
    assert enqueue_digest(store, [DAILY], period_key="2026-01-02") == 1
    assert "1 statement" in send_all(store)["email"].sent[0].subject


def test_a_cosmetic_only_revision_alerts_nobody(store):
    cosmetic = Change(kind="modified", significance="cosmetic", old="a’s", new="a's")
    alert = seed_alert([cosmetic])
    alert.kind = "revised_statement"
    assert (
        enqueue_alert(store, alert, [IMMEDIATE, Subscriber(id="all", email="a@example.org")]) == 0
    )
