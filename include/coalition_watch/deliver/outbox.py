"""The outbox: render each message once, store it, and queue one ledger row per recipient.

Message ids are hashes of (event, template, channel, recipient), and ledger rows are
keyed on (message, recipient, channel), so enqueueing the same alert again (a re-run,
a retried task) finds what is there and adds nothing.

Digest items wait in the same tables: a `digest_item` message per (alert, subscriber)
with a ledger row on channel "digest", status "pending" until a digest takes it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

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
from coalition_watch.store import schema as t
from coalition_watch.store.repository import Store, now
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
        with store.begin() as conn:
            items = _pending_items(conn, subscriber.id)
            if not items:
                continue
            already = conn.execute(
                select(t.messages.c.id)
                .where(t.messages.c.event == event, t.messages.c.template == "daily_digest")
                .where(t.messages.c.recipient.in_([r for _, r in subscriber.addresses]))
            ).first()
        if already:
            continue  # this period's digest exists; later items wait for the next one
        digest = Digest(period=period_key, alerts=[alert for _, alert in items])
        for channel, recipient in subscriber.addresses:
            queued += _enqueue(
                store, event, digest, subscriber, channel, recipient, settings, template_dir
            )
        with store.begin() as conn:
            conn.execute(
                update(t.deliveries)
                .where(
                    t.deliveries.c.message_id.in_([mid for mid, _ in items]),
                    t.deliveries.c.channel == DIGEST_CHANNEL,
                    t.deliveries.c.status == "pending",
                )
                .values(status="digested", external_id=event, updated_at=now())
            )
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
    with store.begin() as conn:
        if _exists(conn, mid, recipient, channel):
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
    return _store(store, mid, event, template, channel, recipient, subject_for(item), payload)


def _store(store, mid, event, template, channel, recipient, subject, payload) -> int:
    stamp = now()
    try:
        with store.begin() as conn:
            if not conn.execute(select(t.messages.c.id).where(t.messages.c.id == mid)).first():
                conn.execute(
                    insert(t.messages).values(
                        id=mid,
                        event=event,
                        template=template,
                        channel=channel,
                        recipient=recipient,
                        subject=subject,
                        payload=payload,
                        created_at=stamp,
                    )
                )
            if _exists(conn, mid, recipient, channel):
                return 0
            status = "pending" if channel == DIGEST_CHANNEL else "queued"
            conn.execute(
                insert(t.deliveries).values(
                    message_id=mid,
                    recipient=recipient,
                    channel=channel,
                    status=status,
                    attempts=0,
                    updated_at=stamp,
                )
            )
    except IntegrityError:
        return 0  # a concurrent run stored it first
    return 0 if channel == DIGEST_CHANNEL else 1


def _exists(conn: Connection, mid: str, recipient: str, channel: str) -> bool:
    return (
        conn.execute(
            select(t.deliveries.c.message_id).where(
                t.deliveries.c.message_id == mid,
                t.deliveries.c.recipient == recipient,
                t.deliveries.c.channel == channel,
            )
        ).first()
        is not None
    )


def _hold_for_digest(store: Store, alert: Alert, subscriber: Subscriber) -> None:
    mid = message_id(alert.key, "digest_item", DIGEST_CHANNEL, subscriber.id)
    _store(
        store,
        mid,
        alert.key,
        "digest_item",
        DIGEST_CHANNEL,
        subscriber.id,
        subject_for(alert),
        {"alert": alert_to_json(alert)},
    )


def _pending_items(conn: Connection, subscriber_id: str) -> list[tuple[str, Alert]]:
    rows = conn.execute(
        select(t.messages.c.id, t.messages.c.payload)
        .join(t.deliveries, t.deliveries.c.message_id == t.messages.c.id)
        .where(
            t.deliveries.c.channel == DIGEST_CHANNEL,
            t.deliveries.c.recipient == subscriber_id,
            t.deliveries.c.status == "pending",
        )
        .order_by(t.messages.c.created_at, t.messages.c.id)
    ).all()
    items = []
    for row in rows:
        payload = json.loads(row.payload) if isinstance(row.payload, str) else row.payload
        items.append((row.id, alert_from_json(payload["alert"])))
    return items


def configured_settings() -> DeliverySettings:
    return load_delivery_settings()
