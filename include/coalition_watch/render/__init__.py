"""Jinja2 email and Slack messages for alerts, digests and operator notices.

    render_email(item, subscriber)  -> email.message.EmailMessage (text + HTML)
    render_slack(item, subscriber)  -> dict (chat.postMessage payload, Block Kit models,
                                       with `text` fallback and `thread` replies if long)
    render_diff_json(diff_json, channel, themes=...) -> str  (`coalition-watch render`)

`item` is an Alert, a Digest or an OperatorNotice; `subscriber` anything with `.email`,
`.slack` and `.themes` (a Subscriber), or a plain address string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from coalition_watch.errors import BadInput
from coalition_watch.labels import theme_label
from coalition_watch.links import reader_link
from coalition_watch.model import Alert, StatementRef
from coalition_watch.render.email import build_email
from coalition_watch.render.environment import render_template
from coalition_watch.render.escape import header_text
from coalition_watch.render.slack import (
    alert_payload,
    digest_payload,
    limit_problems,
    notice_payload,
    with_delivery_options,
)
from coalition_watch.render.view import AlertView, build_view, diff_from_json, long_date
from coalition_watch.series import infer_series, series_label
from coalition_watch.subscriptions import Subscriber

__all__ = [
    "Digest",
    "OperatorNotice",
    "limit_problems",
    "render_diff_json",
    "render_email",
    "render_slack",
    "subject_for",
    "template_name",
]

EMAIL_PASSAGES = 12
SLACK_PASSAGES = 4  # inline in the message; more go to a thread, one reply per theme
SLACK_THREAD_PASSAGES = 100  # a reader of every theme sees at most this many in the thread
DIGEST_PASSAGES_PER_ALERT = 3


@dataclass
class Digest:
    period: str  # e.g. "2026-11-23", or the digest DAG's key "daily:2026-11-23"
    alerts: list[Alert] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'23 November 2026': the period as a reader says it."""
        return long_date(self.period.rpartition(":")[2])


@dataclass(frozen=True)
class OperatorNotice:
    key: str
    subject: str
    text: str
    link: str | None = None


Renderable = Alert | Digest | OperatorNotice


def template_name(item: Renderable) -> str:
    if isinstance(item, Alert):
        return item.kind
    if isinstance(item, Digest):
        return "daily_digest"
    return "operator_alert"


def subject_for(item: Renderable) -> str:
    if isinstance(item, Alert):
        # Which meeting, when, and against what: the three things a reader scans for.
        ref = item.statement
        meeting = f"{series_label(ref.series)}, {long_date(ref.published)}"
        if item.kind == "revised_statement":
            head = f"Revised: {meeting}"
        else:
            head = f"New statement: {meeting}"
        if item.diff is not None:
            n = len(item.diff.substantive)
            since = (
                "last version"
                if item.basis == "revision"
                else (f"{long_date(item.previous.published)}" if item.previous else "last meeting")
            )
            head += f" ({n} change{'s' if n != 1 else ''} since {since})"
        return header_text(f"[coalition-watch] {head}: {ref.title}")
    if isinstance(item, Digest):
        n = len(item.alerts)
        return f"[coalition-watch] Daily digest, {item.label}: {n} statement{'s' if n != 1 else ''}"
    return header_text(f"[coalition-watch ops] {item.subject}")


def comparison_id_of(alert: Alert) -> int | None:
    """The stored comparison an alert reports ("comparison:12"), if it reports one."""
    kind, _, number = alert.key.partition(":")
    return int(number) if kind == "comparison" and number.isdigit() else None


def _reader_view(alert: Alert, themes: frozenset[str], max_passages: int) -> AlertView:
    comparison = comparison_id_of(alert)
    # A first statement has no comparison to open: its official page is the link.
    link = reader_link(comparison, themes) or (alert.link if comparison else alert.statement.url)
    return build_view(alert, max_passages=max_passages, preferred_themes=themes, link=link)


def _context(item: Renderable, subscriber: Any, max_passages: int) -> dict:
    themes = frozenset(getattr(subscriber, "themes", ()) or ())
    follows = ", ".join(sorted(map(theme_label, themes))) if themes else "every theme"
    if isinstance(item, Alert):
        return {"view": _reader_view(item, themes, max_passages), "follows": follows}
    if isinstance(item, Digest):
        per_alert = min(max_passages, DIGEST_PASSAGES_PER_ALERT)
        views = [_reader_view(a, themes, per_alert) for a in item.alerts]
        return {"views": views, "period": item.label, "follows": follows}
    return {"notice": item, "follows": ""}


def render_email(
    item: Renderable,
    subscriber: Any,
    *,
    message_id: str | None = None,
    from_email: str | None = None,
    max_passages: int = EMAIL_PASSAGES,
    template_dir: Path | str | None = None,
) -> EmailMessage:
    to = subscriber if isinstance(subscriber, str) else getattr(subscriber, "email", None)
    if not to:
        raise BadInput(f"subscriber {getattr(subscriber, 'id', subscriber)!r} has no email")
    context = _context(item, subscriber, max_passages)
    name = template_name(item)
    text = render_template(name, "txt", context, template_dir=template_dir)
    html = render_template(name, "html", context, template_dir=template_dir)
    return build_email(
        to=to,
        subject=subject_for(item),
        text=text,
        html=html,
        message_id=message_id,
        from_email=from_email,
    )


def render_slack(
    item: Renderable,
    subscriber: Any,
    *,
    max_passages: int = SLACK_PASSAGES,
    template_dir: Path | str | None = None,
) -> dict:
    """The chat.postMessage payload; passages beyond `max_passages` go to a thread.

    `template_dir` is accepted for symmetry with email: Slack messages are built from
    Block Kit models, not templates.
    """
    channel = subscriber if isinstance(subscriber, str) else getattr(subscriber, "slack", None)
    if not channel:
        raise BadInput(f"subscriber {getattr(subscriber, 'id', subscriber)!r} has no Slack channel")
    context = _context(item, subscriber, SLACK_THREAD_PASSAGES)
    if isinstance(item, Alert):
        heading = "New statement" if item.kind == "new_statement" else "Revised statement"
        payload = alert_payload(
            context["view"],
            heading=heading,
            follows=context["follows"],
            inline_passages=max_passages,
        )
    elif isinstance(item, Digest):
        payload = digest_payload(context["views"], period=item.label)
    else:
        payload = notice_payload(item.subject, item.text, item.key, item.link)
    return with_delivery_options(payload, channel)


PREVIEW_TEMPLATES = ("auto", "new_statement", "revised_statement", "daily_digest", "operator_alert")


EMAIL_PARTS = ("text", "html", "mime")


def render_diff_json(
    diff_json: dict,
    channel: str,
    template: str = "auto",
    themes: Iterable[str] = (),
    part: str = "mime",
) -> str:
    """The `coalition-watch render DIFF_JSON --channel email|slack` output for one diff.

    `template` previews any message kind on that diff: "auto" picks new or revised
    statement from the dates; a digest holds the one alert; an operator alert names it.
    `themes` are the reader's (theme ids; none: a reader of every theme). For email,
    `part` picks what to print: the text part under its headers, the HTML part (to open in
    a browser), or the whole MIME message as it would be sent.
    """
    if template not in PREVIEW_TEMPLATES:
        raise BadInput(
            f"--template must be one of {', '.join(PREVIEW_TEMPLATES)}, not {template!r}"
        )
    alert = alert_from_diff_json(diff_json)
    if template in ("new_statement", "revised_statement"):
        alert = replace(
            alert, kind=template, basis="series" if template == "new_statement" else "revision"
        )
    item: Renderable = alert
    if template == "daily_digest":
        item = Digest(period=alert.statement.published or "today", alerts=[alert])
    elif template == "operator_alert":
        item = OperatorNotice(
            key="render:preview",
            subject=f"preview of an operator alert about {alert.statement.title}",
            text=f"{len(alert.diff.substantive) if alert.diff else 0} substantive changes "
            "were found; this is how operators are told about incidents.",
            link=alert.statement.url,
        )
    reader = Subscriber(
        id="preview",
        email="desk@example.org",
        slack="#coalition-watch",
        themes=frozenset(themes),
    )
    if channel == "email":
        return _email_part(render_email(item, reader, message_id="render-preview"), part)
    if channel == "slack":
        return json.dumps(render_slack(item, reader), indent=2, ensure_ascii=False)
    raise BadInput(f"--channel must be 'email' or 'slack', not {channel!r}")


def alert_from_diff_json(data: Any) -> Alert:
    """An Alert for a `coalition-watch diff --json` document; BadInput names a wrong field."""
    if not isinstance(data, dict):
        raise BadInput("diff JSON: expected an object with 'old', 'new' and 'changes'")
    for side in ("old", "new"):
        part = data.get(side)
        if not isinstance(part, dict) or not isinstance(part.get("title"), str):
            raise BadInput(f"diff JSON: '{side}' must be an object with a 'title' string")
    changes = data.get("changes")
    if not isinstance(changes, list):
        raise BadInput("diff JSON: 'changes' must be a list")
    for i, change in enumerate(changes):
        if not isinstance(change, dict) or change.get("kind") not in (
            "added",
            "removed",
            "modified",
            "moved",
            "split",
            "merged",
        ):
            raise BadInput(f"diff JSON: changes[{i}].kind is missing or unknown")
        if change.get("significance") not in ("substantive", "cosmetic"):
            raise BadInput(f"diff JSON: changes[{i}].significance must be substantive|cosmetic")
    try:
        diff = diff_from_json(data)
    except TypeError as exc:
        raise BadInput(f"diff JSON: a change has a wrong field: {exc}") from None
    old, new = data["old"], data["new"]
    same_date = old.get("published") == new.get("published")
    refs = [
        StatementRef(
            title=part["title"],
            published=part.get("published"),
            url=part.get("url") or "https://example.org/statement",
            source=part.get("source") or "",  # the diff JSON names no source
            series=part.get("series") or infer_series(part["title"], ()),
        )
        for part in (new, old)
    ]
    themes = sorted({t for c in diff.substantive for t in c.themes})
    return Alert(
        kind="revised_statement" if same_date else "new_statement",
        key="render:preview",
        statement=refs[0],
        previous=refs[1],
        basis="revision" if same_date else "series",
        themes=themes,
        diff=diff,
    )


def _email_part(message, part: str) -> str:
    if part not in EMAIL_PARTS:
        raise BadInput(f"--part must be one of {', '.join(EMAIL_PARTS)}, not {part!r}")
    if part == "mime":
        return message.as_string()
    body = message.get_body(("plain",) if part == "text" else ("html",)).get_content()
    if part == "html":
        return body
    headers = "".join(
        f"{name}: {message[name]}\n" for name in ("From", "To", "Subject") if message[name]
    )
    return f"{headers}\n{body}"
