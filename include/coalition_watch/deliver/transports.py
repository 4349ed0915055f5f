"""Senders: email through Airflow's SmtpHook, Slack through SlackHook (slack-sdk underneath).

This is the one module of the package that reaches Airflow (its hooks, connections and
variables); Airflow is imported inside the functions, so `import coalition_watch` stays
Airflow-free (tests/test_architecture.py holds the line). Each transport maps its
library's failures to TransientDeliveryError (retry later) or PermanentDeliveryError
(record, alert the operators) in one place.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_string
from email import policy as email_policy
from typing import Any, Protocol
from urllib.error import URLError

from coalition_watch.errors import PermanentDeliveryError, TransientDeliveryError

METADATA_EVENT = "coalition_watch_message"
UNCONFIRMED = "?unconfirmed"  # ledger marker: a send may have happened, check before resending

# Slack errors that say "try again later"; every other `error` is permanent for the message.
SLACK_TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


@dataclass(frozen=True)
class Outgoing:
    """A stored outbox message on its way to one recipient."""

    id: str
    channel: str
    recipient: str
    subject: str | None
    payload: dict


class Transport(Protocol):
    def send(self, message: Outgoing) -> str:
        """Deliver; return the platform's id (Slack ts, Message-ID). Raise DeliveryError."""
        ...

    def find_sent(self, message: Outgoing) -> str | None:
        """The platform id if `message` is known to be delivered already, else None."""
        ...


def airflow_secret(variable: str, connection: str) -> str | None:
    """The Airflow Variable `variable` (secrets backends, database, AIRFLOW_VAR_*), else the
    password of the connection `connection`; None where Airflow has neither (or is absent)."""
    try:
        from airflow.models.connection import Connection
        from airflow.models.variable import Variable
    except ImportError:
        return None
    # Airflow logs a traceback for each secrets backend that cannot answer (a metadata
    # database without tables, say); here that only means "no secret there".
    quiet = (
        logging.getLogger("airflow.models.variable"),
        logging.getLogger("airflow.models.connection"),
    )
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        return _first_answer(
            lambda: Variable.get(variable, default_var=None),
            lambda: Connection.get_connection_from_secrets(connection).password,
        )
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


def _first_answer(*lookups: Callable[[], str | None]) -> str | None:
    for lookup in lookups:
        try:
            value = lookup()
        except Exception:  # no metadata database, no such variable or connection
            continue
        if value:
            return str(value)
    return None


class SmtpTransport:
    """Sends the stored MIME message as is; `From` comes from the connection if unset."""

    def __init__(self, conn_id: str = "smtp_default"):
        self.conn_id = conn_id

    def send(self, message: Outgoing) -> str:
        from airflow.exceptions import AirflowException
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        mime = message_from_string(message.payload["mime"], policy=email_policy.SMTP)
        try:
            with SmtpHook(smtp_conn_id=self.conn_id) as hook:
                sender = mime["From"] or hook.from_email
                if not sender:
                    raise PermanentDeliveryError(
                        message.recipient, f"connection {self.conn_id!r} has no from_email"
                    )
                if not mime["From"]:
                    mime["From"] = sender
                # The hook's own send builds a new MIME message; ours is already rendered.
                try:
                    hook._smtp_client.send_message(
                        mime, from_addr=sender, to_addrs=[message.recipient]
                    )
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    # Connected, then lost: perhaps after the final "." and before the 250.
                    raise TransientDeliveryError(
                        message.recipient,
                        f"SMTP connection lost while sending (it may have arrived): {exc!r}",
                        maybe_delivered=True,
                    ) from exc
        except (PermanentDeliveryError, TransientDeliveryError):
            raise
        except AirflowException as exc:
            if "not found" in str(exc):
                raise PermanentDeliveryError(
                    message.recipient, f"SMTP connection {self.conn_id!r} is not configured"
                ) from exc
            raise TransientDeliveryError(message.recipient, f"SMTP: {exc}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (0, b""))
            raise _smtp_error(message.recipient, code, text) from exc
        except smtplib.SMTPResponseException as exc:
            raise _smtp_error(message.recipient, exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:  # refused, reset, timeout, disconnected
            raise TransientDeliveryError(message.recipient, f"SMTP unreachable: {exc!r}") from exc
        return mime["Message-ID"] or ""

    def find_sent(self, message: Outgoing) -> str | None:
        return None  # SMTP cannot be asked; the fixed Message-ID lets mail stores dedupe


def _smtp_error(recipient: str, code: int, text: bytes | str) -> Exception:
    reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    detail = f"SMTP {code} {reason}".strip()
    if 400 <= code < 500:
        return TransientDeliveryError(recipient, detail)
    return PermanentDeliveryError(recipient, detail)


class SlackTransport:
    """chat.postMessage with our message id in the message metadata, for reconciliation.

    A "#name" recipient is resolved to its channel id first (conversations.list, once per
    transport, needing the channels:read scope, and groups:read for private channels): Slack
    posts to a name, but its history, where a crashed send is looked for, takes only ids.
    """

    def __init__(self, conn_id: str = "slack_api_default"):
        self.conn_id = conn_id
        self._hook: Any = None
        self._channel_ids: dict[str, str] | None = None  # name -> id, from conversations.list

    @property
    def hook(self):
        if self._hook is None:
            from airflow.providers.slack.hooks.slack import SlackHook

            self._hook = SlackHook(slack_conn_id=self.conn_id)
        return self._hook

    def channel_id(self, recipient: str) -> str:
        """The channel id for a recipient: an id as it is, "#name" through conversations.list."""
        if not recipient.startswith("#"):
            return recipient  # C..., G... (channels), D... or U... (direct messages)
        name = recipient[1:].lower()
        if self._channel_ids is None or name not in self._channel_ids:  # new since: list again
            self._channel_ids = self._list_channels(recipient)
        if name not in self._channel_ids:
            raise PermanentDeliveryError(
                recipient,
                f"Slack conversations.list: channel_not_found: no channel {recipient} (archived, "
                "renamed, or private without the bot in it)",
            )
        return self._channel_ids[name]

    def _list_channels(self, recipient: str) -> dict[str, str]:
        ids: dict[str, str] = {}
        cursor = ""
        while True:
            page = self._call(
                recipient,
                "conversations.list",
                data={
                    "types": "public_channel,private_channel",
                    "exclude_archived": "true",
                    "limit": 1000,
                    "cursor": cursor,
                },
            )
            for channel in page.get("channels", []):
                ids[str(channel.get("name", "")).lower()] = str(channel["id"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                return ids

    def send(self, message: Outgoing) -> str:
        payload = dict(message.payload)
        replies = payload.pop("thread", [])
        payload["channel"] = self.channel_id(message.recipient)
        payload["metadata"] = {
            "event_type": METADATA_EVENT,
            "event_payload": {"message_id": message.id},
        }
        response = self._call(message.recipient, "chat.postMessage", json=payload)
        ts = str(response.get("ts") or "")
        self._post_thread(message, payload["channel"], ts, replies)
        return ts

    def _post_thread(self, message: Outgoing, channel: str, ts: str, replies: list[dict]) -> None:
        """The long message's passages, one reply per theme, under the message just posted.

        The message is out: a reply that fails now must not make the sender post the
        message again, so it is reported as permanent (operators hear of it) and the
        ledger keeps the message as failed with the reason.
        """
        for number, reply in enumerate(replies, 1):
            body = dict(reply, channel=channel, thread_ts=ts)
            try:
                self._call(message.recipient, "chat.postMessage", json=body)
            except (TransientDeliveryError, PermanentDeliveryError) as exc:
                raise PermanentDeliveryError(
                    message.recipient,
                    f"message posted (ts {ts}) but thread reply {number} of {len(replies)} "
                    f"failed: {exc}",
                ) from exc

    def find_sent(self, message: Outgoing) -> str | None:
        """Look for our message id in the channel's recent history (by channel id)."""
        try:
            channel = self.channel_id(message.recipient)
            response = self._call(
                message.recipient,
                "conversations.history",
                data={"channel": channel, "limit": 100, "include_all_metadata": "true"},
            )
        except PermanentDeliveryError:
            return None  # a user id (its DM has another id) or a channel gone: send decides
        for item in response.get("messages", []):
            meta = item.get("metadata") or {}
            if (meta.get("event_payload") or {}).get("message_id") == message.id:
                return str(item.get("ts") or "")
        return None

    def _call(self, recipient: str, method: str, **kwargs) -> dict:
        from slack_sdk.errors import SlackApiError, SlackClientError

        try:
            return self.hook.call(method, **kwargs).data
        except SlackApiError as exc:
            raise _slack_error(recipient, method, exc) from exc
        except (SlackClientError, URLError, OSError) as exc:
            raise TransientDeliveryError(recipient, f"Slack {method}: {exc!r}") from exc
        except Exception as exc:
            # The hook raises AirflowNotFoundException (or similar) for a missing connection.
            if type(exc).__name__.endswith("NotFoundException"):
                raise PermanentDeliveryError(
                    recipient, f"Slack connection {self.conn_id!r} is not configured"
                ) from exc
            raise


def _slack_error(recipient: str, method: str, exc) -> Exception:
    response = exc.response
    status = getattr(response, "status_code", 0) or 0
    data = response.data if isinstance(getattr(response, "data", None), dict) else {}
    error = data.get("error") or f"HTTP {status}"
    if status == 429 or error == "ratelimited":
        headers = {k.lower(): v for k, v in (getattr(response, "headers", None) or {}).items()}
        retry_after = _seconds(headers.get("retry-after"))
        return TransientDeliveryError(recipient, f"Slack {method}: rate limited", retry_after)
    if status >= 500 or error in SLACK_TRANSIENT_ERRORS:
        return TransientDeliveryError(recipient, f"Slack {method}: {error}")
    return PermanentDeliveryError(recipient, f"Slack {method}: {error}")


def _seconds(value: Any) -> float | None:
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None


def hook_transports(
    email_conn_id: str = "smtp_default", slack_conn_id: str = "slack_api_default"
) -> dict[str, Transport]:
    """The production transports, keyed by channel, using Airflow connection ids."""
    return {"email": SmtpTransport(email_conn_id), "slack": SlackTransport(slack_conn_id)}
