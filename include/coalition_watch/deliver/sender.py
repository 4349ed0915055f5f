"""The delivery loop: send what the ledger says is due, record every outcome.

Exactly-once design (see docs/alerts.md): a row is marked `sending` and committed
*before* the network call and `sent` the moment the platform answers. A row found still
`sending` after `stale_after` belongs to a run that died mid-send; before resending it we
ask the platform whether it arrived (Slack: our message id in the message metadata of
the channel's history, by channel id). SMTP cannot be asked, so such an email is resent
with the same Message-ID and counted in the report as `resent_unconfirmed`.

Transient failures are retried with exponential back-off (or Slack's Retry-After),
within one call while the wait fits `max_wait`, and otherwise stay queued for the next
run. Permanent failures are recorded with the reason and raise one operator alert per
recipient and channel; other recipients are unaffected.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from coalition_watch.errors import PermanentDeliveryError, TransientDeliveryError
from coalition_watch.store.outbox import (
    LedgerRow,
    claim_delivery,
    count_open,
    open_deliveries,
    update_delivery,
)
from coalition_watch.store.repository import Store
from coalition_watch.subscriptions import Operators

from .outbox import enqueue_operator_alert
from .transports import UNCONFIRMED, Outgoing, Transport

log = logging.getLogger(__name__)

Seam = Callable[[str, Outgoing], None]


@dataclass(frozen=True)
class RetryPolicy:
    base_delay: float = 2.0  # seconds before the first retry, doubled each attempt
    max_delay: float = 300.0
    max_attempts: int = 8  # across runs; then the delivery fails and the operators hear
    max_wait: float = 60.0  # longest this call waits for a retry before leaving it queued
    stale_after: timedelta = timedelta(minutes=10)  # a `sending` row older than this is orphaned

    def delay(self, attempts: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))


@dataclass
class DeliveryResult:
    message_id: str
    channel: str
    recipient: str
    status: str  # sent | failed | queued
    attempts: int
    error: str | None = None
    external_id: str | None = None
    reconciled: bool = False


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retries: int = 0  # transient failures met (each followed by a retry or left queued)
    pending: int = 0  # rows still to send when the call returned (queued or sending)
    sending: int = 0  # of which left `sending` by a run that died: checked after stale_after
    reconciled: int = 0  # found already delivered after a crash, not resent
    resent_unconfirmed: int = 0  # resent though the first send may have arrived: duplicates?
    results: list[DeliveryResult] = field(default_factory=list)

    def to_json(self) -> dict:
        """The report as task XCom / CLI output (JSON types only)."""
        return asdict(self)


def deliver_pending(
    store: Store,
    transports: Mapping[str, Transport],
    *,
    policy: RetryPolicy | None = None,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    operators: Operators | None = None,
    seam: Seam | None = None,
) -> DeliveryReport:
    """Send every due delivery. `clock`/`sleep` are injectable so tests never wait;
    `seam(point, message)` is called at "before_send" and "after_send" (crash tests)."""
    policy = policy or RetryPolicy()
    clock = clock or (lambda: datetime.now(UTC))
    report = DeliveryReport()
    final: dict[tuple[str, str, str], DeliveryResult] = {}
    deadline = clock() + timedelta(seconds=policy.max_wait)
    while True:
        due, next_at = _due(store, clock(), policy, transports)
        for row in due:
            result = _deliver_one(store, row, transports[row.channel], policy, clock, seam, report)
            if result is None:
                continue
            final[(result.message_id, result.recipient, result.channel)] = result
            if result.status == "failed" and row.template != "operator_alert":
                _alert_operators(store, result, operators)
        if due:
            continue
        if next_at is None or next_at > deadline:
            break
        sleep(max(0.0, (next_at - clock()).total_seconds()))
    report.results = list(final.values())
    report.pending, report.sending = count_open(store, transports)
    return report


def _due(
    store: Store, now: datetime, policy: RetryPolicy, transports
) -> tuple[list[LedgerRow], datetime | None]:
    """Rows to try now, and when the next queued row becomes due (for the wait)."""
    due: list[LedgerRow] = []
    next_at: datetime | None = None
    for row in open_deliveries(store, transports):
        if row.status == "sending":
            when = row.updated_at + policy.stale_after
        else:  # never tried: due now
            when = row.next_attempt_at or now
        if when <= now:
            due.append(row)
        elif row.status == "queued":
            next_at = when if next_at is None else min(next_at, when)
    return due, next_at


def _record_sent(store, row, external_id: str | None, clock) -> None:
    """The ledger's "sent": what the channel answered, and nothing left to retry."""
    now = clock()
    update_delivery(
        store,
        row,
        status="sent",
        sent_at=now,
        updated_at=now,
        external_id=external_id,
        last_error=None,
        next_attempt_at=None,
    )


def _deliver_one(store, row: LedgerRow, transport: Transport, policy, clock, seam, report):
    message = Outgoing(row.message_id, row.channel, row.recipient, row.subject, row.payload)
    # A row left `sending`, or marked unconfirmed, may already have been delivered.
    uncertain = row.status == "sending" or row.external_id == UNCONFIRMED
    if not claim_delivery(store, row, clock(), UNCONFIRMED if uncertain else None):
        return None
    attempts = row.attempts + 1

    def result(status, error=None, external_id=None, reconciled=False):
        return DeliveryResult(
            row.message_id,
            row.channel,
            row.recipient,
            status,
            attempts,
            error,
            external_id,
            reconciled,
        )

    try:
        if uncertain and (found := transport.find_sent(message)) is not None:
            _record_sent(store, row, found, clock)
            report.reconciled += 1
            return result("sent", external_id=found, reconciled=True)
        if seam:
            seam("before_send", message)
        external_id = transport.send(message)
    except TransientDeliveryError as exc:
        report.retries += 1
        give_up = None
        if exc.maybe_delivered and uncertain:
            # Twice the message left and the server hung up before confirming: it has most
            # likely arrived (twice). A third copy would be worse than asking the operators.
            give_up = (
                f"{exc.reason}; for the second time after an unconfirmed send, so it has most "
                "likely arrived and is not sent again"
            )
        elif attempts >= policy.max_attempts:
            give_up = f"gave up after {attempts} attempts: {exc.reason}"
        if give_up:
            return _fail(store, row, result, clock, report, give_up)
        delay = policy.delay(attempts, exc.retry_after)
        update_delivery(
            store,
            row,
            status="queued",
            last_error=exc.reason,
            updated_at=clock(),
            next_attempt_at=clock() + timedelta(seconds=delay),
            external_id=UNCONFIRMED if uncertain or exc.maybe_delivered else None,
        )
        log.info(
            "delivery to %s (%s) will retry in %.1fs: %s",
            row.recipient,
            row.channel,
            delay,
            exc.reason,
        )
        return result("queued", error=exc.reason)
    except PermanentDeliveryError as exc:
        return _fail(store, row, result, clock, report, exc.reason)
    except Exception as exc:  # a bug or an unmapped library error: retry, but never loop forever
        report.retries += 1
        reason = f"unexpected {type(exc).__name__}: {exc}"
        log.exception("delivery to %s (%s) failed unexpectedly", row.recipient, row.channel)
        if attempts >= policy.max_attempts:
            return _fail(store, row, result, clock, report, reason)
        update_delivery(
            store,
            row,
            status="queued",
            last_error=reason,
            updated_at=clock(),
            next_attempt_at=clock() + timedelta(seconds=policy.delay(attempts, None)),
        )
        return result("queued", error=reason)
    if seam:
        seam("after_send", message)  # a crash here is the window a duplicate can come from
    _record_sent(store, row, external_id, clock)
    if uncertain:
        report.resent_unconfirmed += 1
        log.warning(
            "resent %s to %s (%s) after an unconfirmed send: it may arrive twice",
            row.message_id,
            row.recipient,
            row.channel,
        )
    report.sent += 1
    return result("sent", external_id=external_id)


def _fail(store, row: LedgerRow, result, clock, report: DeliveryReport, reason: str):
    update_delivery(
        store, row, status="failed", last_error=reason, updated_at=clock(), next_attempt_at=None
    )
    report.failed += 1
    log.warning("delivery to %s (%s) failed: %s", row.recipient, row.channel, reason)
    return result("failed", error=reason)


def _alert_operators(store: Store, failed: DeliveryResult, operators: Operators | None) -> None:
    try:
        enqueue_operator_alert(
            store,
            key=f"delivery-failed:{failed.channel}:{failed.recipient}",
            subject=f"Delivery to {failed.recipient} ({failed.channel}) failed",
            text=(
                f"Recipient: {failed.recipient}\nChannel: {failed.channel}\n"
                f"Reason: {failed.error}\nMessage: {failed.message_id}\n"
                "Other recipients are unaffected. Fix the subscription or the connection; "
                "you will not be alerted again for this recipient."
            ),
            operators=operators,
        )
    except Exception:  # the failure is recorded in the ledger either way
        log.exception("could not queue the operator alert for %s", failed.recipient)
