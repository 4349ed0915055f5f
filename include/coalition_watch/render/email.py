"""Email messages: multipart/alternative (plain text first, HTML second), safe headers.

The Message-ID is derived from the outbox message id, so a re-sent message is
recognisably the same message (mail stores such as Gmail drop duplicates by it).
`From` is left to the sending connection unless given: the connection owns the
sender identity.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formatdate

from coalition_watch.render.escape import header_text

MESSAGE_ID_DOMAIN = "coalition-watch.invalid"


def build_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    message_id: str | None = None,
    from_email: str | None = None,
    when=None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = header_text(to, limit=320)
    msg["Subject"] = header_text(subject)
    if from_email:
        msg["From"] = header_text(from_email, limit=320)
    msg["Date"] = format_datetime(when) if when else formatdate(localtime=False)
    if message_id:
        msg["Message-ID"] = f"<{message_id}@{MESSAGE_ID_DOMAIN}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg
