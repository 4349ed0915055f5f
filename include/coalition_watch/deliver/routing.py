"""Which subscribers an alert reaches: once per subscriber, however many themes match."""

from __future__ import annotations

from collections.abc import Iterable

from coalition_watch.model import Alert
from coalition_watch.subscriptions import Subscriber


def wants(subscriber: Subscriber, alert: Alert) -> bool:
    if subscriber.sources and alert.statement.source not in subscriber.sources:
        return False
    language = alert.statement.language
    if subscriber.language and language and subscriber.language != language:
        return False
    return not subscriber.themes or bool(subscriber.themes.intersection(alert.themes))


def newsworthy(alert: Alert) -> bool:
    """A revision whose only changes are cosmetic is not worth a message."""
    return not (alert.kind == "revised_statement" and alert.diff and not alert.diff.substantive)


def route(alert: Alert, subscribers: Iterable[Subscriber]) -> list[Subscriber]:
    """The subscribers to tell about `alert`, each once, in configuration order."""
    if not newsworthy(alert):
        return []
    chosen: dict[str, Subscriber] = {}
    for subscriber in subscribers:
        if subscriber.id not in chosen and wants(subscriber, alert):
            chosen[subscriber.id] = subscriber
    return list(chosen.values())
