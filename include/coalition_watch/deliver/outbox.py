"""The outbox: render each message once, store it, and queue one ledger row per recipient.

Message ids are hashes of (event, template, channel, recipient), and ledger rows are
keyed on (message, recipient, channel), so enqueueing the same alert again (a re-run,
a retried task) finds what is there and adds nothing.

Digest items wait in the same tables: a `digest_item` message per (alert, subscriber)
with a ledger row on channel "digest", status "pending" until a digest takes it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

from coalition_watch.model import Alert
from coalition_watch.render import (
    Digest,
    OperatorNotice,
    render_email,
    render_slack,
    subject_for,
    template_name,
)
from coalition_watch.render.view import alert_from_json, alert_to_json
from coalition_watch.store import outbox as rows
from coalition_watch.store.repository import Store
from coalition_watch.subscriptions import (
    DeliverySettings,
    Operators,
    Subscriber,
    load_delivery_settings,
    load_operators,
)

from .routing import route

log = logging.getLogger(__name__)

MODES = ("normal", "quiet", "digest")
DIGEST_CHANNEL = "digest"


def message_id(event: str, template: str, channel: str, recipient: str) -> str:
    return hashlib.sha256("\x1f".join((event, template, channel, recipient)).encode()).hexdigest()


def enqueue_alert(
    store: Store,
    alert: Alert,
    subscribers: Iterable[Subscriber],
    *,
    mode: str = "normal",
    backfill: bool = False,
    settings: DeliverySettings | None = None,
    template_dir: Path | str | None = None,
) -> int:
    """Queue `alert` for the subscribers who want it; return the deliveries newly queued.

    mode "quiet" stores nothing; "digest" holds it for everyone's next digest. With
    `backfill=True` each subscriber's `backfill` choice decides (quiet by default).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "quiet":
        return 0
    settings = settings or DeliverySettings()
    queued = 0
    for subscriber in route(alert, subscribers):
        how = (
            "digest"
            if mode == "digest"
            else (subscriber.backfill if backfill else subscriber.delivery)
        )
        if how == "quiet":
            continue
        if how == "digest":
            _hold_for_digest(store, alert, subscriber)
            continue
        for channel, recipient in subscriber.addresses:
            queued += _enqueue(
                store, alert.key, alert, subscriber, channel, recipient, settings, template_dir
            )
    return queued


def enqueue_digest(
    store: Store,
    subscribers: Iterable[Subscriber],
    *,
    period_key: str,
    settings: DeliverySettings | None = None,
    template_dir: Path | str | None = None,
) -> int:
    """One digest per subscriber with pending items; idempotent per `period_key`."""
    settings = settings or DeliverySettings()
    event = f"digest:{period_key}"
    queued = 0
    for subscriber in subscribers:
        items = _pending_items(store, subscriber.id)
        if not items:
            continue
        recipients = [r for _, r in subscriber.addresses]
        if rows.message_for_event(store, event, "daily_digest", recipients):
            continue  # this period's digest exists; later items wait for the next one
        digest = Digest(period=period_key, alerts=[alert for _, alert in items])
        for channel, recipient in subscriber.addresses:
            queued += _enqueue(
                store, event, digest, subscriber, channel, recipient, settings, template_dir
            )
        rows.mark_taken(store, [mid for mid, _ in items], DIGEST_CHANNEL, by=event)
    return queued


def enqueue_operator_alert(
    store: Store,
    *,
    key: str,
    subject: str,
    text: str,
    link: str | None = None,
    operators: Operators | None = None,
    template_dir: Path | str | None = None,
) -> int:
    """Tell the operators, once per `key`: a repeated call with the same key queues nothing."""
    operators = operators if operators is not None else load_operators()
    if not operators.addresses:
        log.warning("operator alert %s not sent: no operators configured: %s", key, subject)
        return 0
    notice = OperatorNotice(key=key, subject=subject, text=text, link=link)
    who = Subscriber(id="operators", email=operators.email, slack=operators.slack)
    return sum(
        _enqueue(store, f"operator:{key}", notice, who, channel, recipient, None, template_dir)
        for channel, recipient in operators.addresses
    )


def _enqueue(
    store: Store,
    event: str,
    item: Alert | Digest | OperatorNotice,
    subscriber: Subscriber,
    channel: str,
    recipient: str,
    settings: DeliverySettings | None,
    template_dir: Path | str | None,
) -> int:
    template = template_name(item)
    mid = message_id(event, template, channel, recipient)
    if rows.delivery_exists(store, mid, recipient, channel):
        return 0
    settings = settings or DeliverySettings()
    # Render first, outside the transaction: a template error stores nothing half-done.
    if channel == "email":
        mime = render_email(
            item,
            subscriber,
            message_id=mid,
            max_passages=settings.email_passages,
            template_dir=template_dir,
        )
        payload = {"mime": mime.as_string()}
    else:
        payload = render_slack(
            item, subscriber, max_passages=settings.slack_passages, template_dir=template_dir
        )
    message = rows.NewMessage(mid, event, template, channel, recipient, subject_for(item), payload)
    return _store(store, message)


def _store(store: Store, message: rows.NewMessage) -> int:
    """Store a rendered message and its ledger row; the deliveries newly queued (0 or 1)."""
    held = message.channel == DIGEST_CHANNEL  # waits for a digest: nothing to send yet
    new = rows.store_message(store, message, status="pending" if held else "queued")
    return 1 if new and not held else 0


def _hold_for_digest(store: Store, alert: Alert, subscriber: Subscriber) -> None:
    mid = message_id(alert.key, "digest_item", DIGEST_CHANNEL, subscriber.id)
    payload = {"alert": alert_to_json(alert)}
    item = rows.NewMessage(
        mid, alert.key, "digest_item", DIGEST_CHANNEL, subscriber.id, subject_for(alert), payload
    )
    _store(store, item)


def _pending_items(store: Store, subscriber_id: str) -> list[tuple[str, Alert]]:
    return [
        (mid, alert_from_json(payload["alert"]))
        for mid, payload in rows.waiting_items(store, DIGEST_CHANNEL, subscriber_id)
    ]


def configured_settings() -> DeliverySettings:
    return load_delivery_settings()
