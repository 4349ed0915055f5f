"""Delivery: route alerts, render them into the outbox, and send each once.

    enqueue_alert(store, alert, subscribers, *, mode="normal") -> int
    enqueue_digest(store, subscribers, *, period_key) -> int
    enqueue_operator_alert(store, *, key, subject, text, link=None) -> int
    deliver_pending(store, transports) -> DeliveryReport
    transports.hook_transports(email_conn_id, slack_conn_id) -> dict[str, Transport]

Nothing here imports Airflow at module level.
"""

from coalition_watch.deliver.outbox import (
    enqueue_alert,
    enqueue_digest,
    enqueue_operator_alert,
    message_id,
)
from coalition_watch.deliver.routing import route
from coalition_watch.deliver.sender import (
    DeliveryReport,
    DeliveryResult,
    RetryPolicy,
    deliver_pending,
)
from coalition_watch.deliver.transports import Outgoing, Transport

__all__ = [
    "DeliveryReport",
    "DeliveryResult",
    "Outgoing",
    "RetryPolicy",
    "Transport",
    "deliver_pending",
    "enqueue_alert",
    "enqueue_digest",
    "enqueue_operator_alert",
    "message_id",
    "route",
]
