"""The outbox and the delivery ledger, as the store keeps them.

`messages` holds each rendered message once (its id a hash of event, template, channel
and recipient); `deliveries` holds one ledger row per (message, recipient, channel). The
rules (who gets what, when to retry) live in `deliver/`; this module only reads and
writes the rows, each change in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from coalition_watch.store import schema as t
from coalition_watch.store.repository import Store, now


@dataclass(frozen=True)
class NewMessage:
    """A rendered message about to be stored (its `id`: see deliver.outbox.message_id)."""

    id: str
    event: str
    template: str
    channel: str
    recipient: str
    subject: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class LedgerRow:
    """A delivery due or waiting, with the message it carries."""

    message_id: str
    recipient: str
    channel: str
    status: str  # queued | sending | sent | failed | pending | digested
    attempts: int
    updated_at: datetime
    next_attempt_at: datetime | None
    external_id: str | None
    template: str
    subject: str | None
    payload: dict[str, Any]


def delivery_exists(store: Store, message_id: str, recipient: str, channel: str) -> bool:
    with store.begin() as conn:
        return _delivery_exists(conn, message_id, recipient, channel)


def store_message(store: Store, message: NewMessage, *, status: str) -> bool:
    """Store the message (once) and its ledger row; False when the row was there already."""
    stamp = now()
    try:
        with store.begin() as conn:
            known = select(t.messages.c.id).where(t.messages.c.id == message.id)
            if not conn.execute(known).first():
                conn.execute(insert(t.messages).values(**asdict(message), created_at=stamp))
            if _delivery_exists(conn, message.id, message.recipient, message.channel):
                return False
            conn.execute(
                insert(t.deliveries).values(
                    message_id=message.id,
                    recipient=message.recipient,
                    channel=message.channel,
                    status=status,
                    attempts=0,
                    updated_at=stamp,
                )
            )
    except IntegrityError:
        return False  # a concurrent run stored it first
    return True


def message_for_event(
    store: Store, event: str, template: str, recipients: Sequence[str]
) -> str | None:
    """The id of a message already stored for `event` to one of `recipients`, if any."""
    with store.begin() as conn:
        row = conn.execute(
            select(t.messages.c.id)
            .where(t.messages.c.event == event, t.messages.c.template == template)
            .where(t.messages.c.recipient.in_(list(recipients)))
        ).first()
    return row.id if row else None


def waiting_items(store: Store, channel: str, recipient: str) -> list[tuple[str, dict]]:
    """(message id, payload) of the `pending` rows of `recipient` on `channel`, oldest first."""
    with store.begin() as conn:
        rows = conn.execute(
            select(t.messages.c.id, t.messages.c.payload)
            .join(t.deliveries, t.deliveries.c.message_id == t.messages.c.id)
            .where(
                t.deliveries.c.channel == channel,
                t.deliveries.c.recipient == recipient,
                t.deliveries.c.status == "pending",
            )
            .order_by(t.messages.c.created_at, t.messages.c.id)
        ).all()
    return [(row.id, row.payload) for row in rows]


def mark_taken(store: Store, message_ids: Iterable[str], channel: str, by: str) -> None:
    """`pending` rows of these messages on `channel` become `digested` by event `by`."""
    with store.begin() as conn:
        conn.execute(
            update(t.deliveries)
            .where(
                t.deliveries.c.message_id.in_(list(message_ids)),
                t.deliveries.c.channel == channel,
                t.deliveries.c.status == "pending",
            )
            .values(status="digested", external_id=by, updated_at=now())
        )


def open_deliveries(store: Store, channels: Iterable[str]) -> list[LedgerRow]:
    """Rows `queued` or `sending` on `channels`, in the order their messages were stored."""
    query = (
        select(t.deliveries, t.messages.c.template, t.messages.c.subject, t.messages.c.payload)
        .join(t.messages, t.messages.c.id == t.deliveries.c.message_id)
        .where(t.deliveries.c.status.in_(("queued", "sending")))
        .where(t.deliveries.c.channel.in_(list(channels)))
        .order_by(t.messages.c.created_at, t.deliveries.c.message_id)
    )
    with store.engine.connect() as conn:
        return [
            LedgerRow(
                message_id=r.message_id,
                recipient=r.recipient,
                channel=r.channel,
                status=r.status,
                attempts=r.attempts,
                updated_at=_utc(r.updated_at),
                next_attempt_at=_utc(r.next_attempt_at),
                external_id=r.external_id,
                template=r.template,
                subject=r.subject,
                payload=r.payload,
            )
            for r in conn.execute(query)
        ]


def count_open(store: Store, channels: Iterable[str]) -> tuple[int, int]:
    """Rows not yet sent on `channels` (queued or sending), and how many of them are sending."""
    status = t.deliveries.c.status
    query = (
        select(status)
        .where(status.in_(("queued", "sending")))
        .where(t.deliveries.c.channel.in_(list(channels)))
    )
    with store.engine.connect() as conn:
        statuses = [r.status for r in conn.execute(query)]
    return len(statuses), statuses.count("sending")


def claim_delivery(store: Store, row: LedgerRow, at: datetime, external_id: str | None) -> bool:
    """Mark the row `sending` (committed) unless another run changed it since it was read."""
    with store.begin() as conn:
        changed = conn.execute(
            update(t.deliveries)
            .where(
                _key(row),
                t.deliveries.c.status == row.status,
                t.deliveries.c.attempts == row.attempts,
            )
            .values(
                status="sending", attempts=row.attempts + 1, updated_at=at, external_id=external_id
            )
        ).rowcount
    return changed == 1


def update_delivery(store: Store, row: LedgerRow, **values: Any) -> None:
    """Write the outcome of an attempt (status, error, next attempt, external id...)."""
    with store.begin() as conn:
        conn.execute(update(t.deliveries).where(_key(row)).values(**values))


def _key(row: LedgerRow):
    return (
        (t.deliveries.c.message_id == row.message_id)
        & (t.deliveries.c.recipient == row.recipient)
        & (t.deliveries.c.channel == row.channel)
    )


def _delivery_exists(conn: Connection, message_id: str, recipient: str, channel: str) -> bool:
    query = select(t.deliveries.c.message_id).where(
        t.deliveries.c.message_id == message_id,
        t.deliveries.c.recipient == recipient,
        t.deliveries.c.channel == channel,
    )
    return conn.execute(query).first() is not None


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
