"""Slack messages built from slack_sdk's Block Kit models, which check types and limits.

A message is a chat.postMessage payload; when the reader's passages do not fit in one
message (more than `delivery.slack_passages`), the message keeps At a glance and one
line per theme, and the passages go into a thread, one reply per theme (a theme too
long for one reply takes several), each reply in an attachment with the theme's colour.
The replies wait under the payload's `thread` key; the transport posts them with the
parent's `thread_ts`.

Limits (api.slack.com/reference/block-kit): 50 blocks per message, 3000 characters in a
section's text, 150 in a header, 10 context elements. Statement text is untrusted: every
piece is mrkdwn-escaped before it is put into a block (see render/escape.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from slack_sdk.models.attachments import BlockAttachment
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from coalition_watch.render.escape import Mrkdwn, slack_escape, truncate_mrkdwn
from coalition_watch.render.view import AlertView, Passage, ThemeGroup

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 2000
MAX_TEXT = 40_000
FALLBACK_TEXT = 1000  # what the notification shows; the blocks carry the rest
PASSAGES_PER_REPLY = 20  # two blocks each (text, why), within 50 with the reply's heading
DIGEST_BLOCKS_PER_STATEMENT = 3  # divider, statement with At a glance, link
LEGEND = "*bold* inserted, ~struck~ deleted"


def passage_mrkdwn(passage: Passage) -> Mrkdwn:
    """Inserted words bold, deleted words struck through; the words themselves escaped."""
    parts = []
    for seg in passage.segments:
        text = slack_escape(seg.text)
        if seg.kind == "ins":
            parts.append(f"*{text}*")
        elif seg.kind == "del":
            parts.append(f"~{text}~")
        else:
            parts.append(text)
    return Mrkdwn("".join(parts))


def slack_link(url: str | None, label: str) -> str:
    """`<url|label>`: `|` would end the URL early, `<>&` must be entities."""
    safe = slack_escape(str(url or "")).replace("|", "%7C")
    return f"<{safe}|{slack_escape(label)}>"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate_mrkdwn(text, MAX_SECTION_TEXT)))


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(
        elements=[
            MarkdownTextObject(text=truncate_mrkdwn(t, MAX_CONTEXT_TEXT))
            for t in texts[:MAX_CONTEXT_ELEMENTS]
        ]
    )


def _header(text: str) -> HeaderBlock:
    if len(text) > MAX_HEADER_TEXT:
        text = text[: MAX_HEADER_TEXT - 1] + "…"
    return HeaderBlock(text=PlainTextObject(text=text, emoji=False))


def _payload(text: str, blocks: list[Block]) -> dict:
    """`text` is the notification (and what screen readers say); Slack parses it as mrkdwn."""
    return {
        "text": truncate_mrkdwn(slack_escape(text), FALLBACK_TEXT),
        "blocks": [b.to_dict() for b in blocks],  # to_dict() validates every block
    }


def _statement_blocks(view: AlertView, heading: str) -> list[Block]:
    ref = view.statement
    lines = [f"*{slack_link(ref.url, ref.title)}*"]
    meta = [f"Published {slack_escape(ref.published)}"] if ref.published else []
    meta += [f"Source: {slack_escape(view.source_label)}"] if view.source_label else []
    meta.append(slack_escape(view.meeting))
    lines.append(" · ".join(meta))
    if view.compared_with:
        lines.append(f"Compared with {slack_escape(view.compared_with)}")
    return [_header(heading), _section("\n".join(lines))]


def _glance_block(view: AlertView, follows: str) -> list[Block]:
    if not view.glance:
        return []
    title = "*At a glance*" + (
        f" · your themes: {slack_escape(follows)}" if view.reader_themes else ""
    )
    return [_section("\n".join([title, *_glance_lines(view)]))]


def _glance_lines(view: AlertView) -> list[str]:
    """'1. _added_ · *Military*: Ministers recalled that attacks…', one per line."""
    return [
        f"{i}. _{slack_escape(g.kind)}_ · *{slack_escape(g.badge.label)}*: {slack_escape(g.words)}"
        for i, g in enumerate(view.glance, 1)
    ]


def _counts_block(view: AlertView) -> list[Block]:
    if view.substantive:
        s = "s" if view.substantive != 1 else ""
        text = f"*{view.substantive}* substantive change{s}: {slack_escape(view.counts_line)}"
    elif view.summary:
        return []
    else:
        labels = ", ".join(view.theme_labels.values()) or "none found"
        text = f"Themes: {slack_escape(labels)}"
    if view.cosmetic:
        s = "s" if view.cosmetic != 1 else ""
        text += f"\n_Also {view.cosmetic} cosmetic edit{s} (punctuation, spelling, typography)"
        text += ", not listed._"
    return [_section(text)]


def _group_heading(group: ThemeGroup) -> str:
    return f"*{slack_escape(group.label)}* · {slack_escape(group.total_line)}"


def _passage_blocks(passage: Passage) -> list[Block]:
    blocks: list[Block] = [_section(f"• _{slack_escape(passage.kind)}_ {passage_mrkdwn(passage)}")]
    if passage.why:
        why = "; ".join(
            f"{slack_escape(w.label)}: *{slack_escape(', '.join(w.words))}*" for w in passage.why
        )
        blocks.append(_context(f"why: {why}"))
    return blocks


def _closing(view: AlertView, threaded: bool) -> ContextBlock:
    parts = []
    if view.hidden:
        parts.append(slack_escape(view.others_line) + ".")
    if threaded:
        parts.append("Every passage is in the thread, one reply per theme.")
    if view.substantive:
        parts.append(LEGEND)
    parts.append(slack_link(view.link, _link_label(view)))
    return _context(" · ".join(parts))


def _link_label(view: AlertView) -> str:
    return "See the full diff" if view.substantive else "Open the statement"


def _thread(view: AlertView, title: str = "") -> list[dict]:
    """The view's passages, one reply per theme; `title` names the statement (digests)."""
    lead = f"*{slack_escape(title)}*\n" if title else ""
    replies = []
    for group in view.groups:
        chunks = [
            group.passages[i : i + PASSAGES_PER_REPLY]
            for i in range(0, len(group.passages), PASSAGES_PER_REPLY)
        ]
        for n, chunk in enumerate(chunks, 1):
            part = f" (part {n} of {len(chunks)})" if len(chunks) > 1 else ""
            blocks: list[Block] = [_section(lead + _group_heading(group) + part)]
            for passage in chunk:
                blocks += _passage_blocks(passage)
            replies.append(
                _coloured(f"{group.label}: {group.total_line}{part}", blocks, group.badge.colour)
            )
    return replies


def _coloured(text: str, blocks: list[Block], colour: str) -> dict:
    """A message whose blocks sit in an attachment with the theme's colour bar: the one
    way Slack shows a colour, the theme's colour from themes.yaml as everywhere else."""
    attachment = BlockAttachment(blocks=blocks, color=colour, fallback=text)
    return {
        "text": truncate_mrkdwn(slack_escape(text), FALLBACK_TEXT),
        "attachments": [attachment.to_dict()],
    }


def message_blocks(message: dict) -> list[dict]:
    """Every block of a message, its attachments' included."""
    inner = [b for a in message.get("attachments", []) for b in a.get("blocks", [])]
    return [*message.get("blocks", []), *inner]


def _summary_blocks(view: AlertView) -> list[Block]:
    blocks: list[Block] = []
    for theme in view.summary:
        lines = [f"*{slack_escape(theme.badge.label)}* · weight {theme.weight}"]
        for p in theme.paragraphs:
            lines.append(
                f"¶{p.number} {slack_escape(p.text)}\n_why: {slack_escape(', '.join(p.why.words))}_"
            )
        if theme.more:
            lines.append(f"_… and {theme.more} more paragraph{'s' if theme.more != 1 else ''}_")
        blocks.append(_section("\n".join(lines)))
    return blocks


def alert_payload(view: AlertView, *, heading: str, follows: str, inline_passages: int) -> dict:
    """One alert for one reader; passages inline when they fit, else in a thread."""
    threaded = view.shown > inline_passages
    blocks = [
        *_statement_blocks(view, heading),
        *_glance_block(view, follows),
        *_counts_block(view),
    ]
    for group in view.groups:
        blocks.append(DividerBlock())
        if threaded:
            shown = len(group.passages)
            blocks.append(_section(_group_heading(group) + f" · {shown} in the thread"))
            continue
        blocks.append(_section(_group_heading(group)))
        for passage in group.passages:
            blocks += _passage_blocks(passage)
    if view.summary:
        blocks += [DividerBlock(), _section("*What it covers, theme by theme*")]
        blocks += _summary_blocks(view)[: MAX_BLOCKS - len(blocks) - 1]
    if view.quiet_themes:
        blocks.append(_context(f"No change in {slack_escape(', '.join(view.quiet_themes))}."))
    blocks.append(_closing(view, threaded))
    text = f"{heading}: {view.meeting}: {view.statement.title} ({view.counts_line})"
    payload = _payload(text, blocks)
    if threaded:
        payload["thread"] = _thread(view)
    return payload


def digest_payload(views: Iterable[AlertView], *, period: str) -> dict:
    """One message a day: each statement with its At a glance lines and its link; every
    passage of the reader's themes in the thread, one reply per statement and theme."""
    views = list(views)
    s = "s" if len(views) != 1 else ""
    blocks: list[Block] = [_header(f"Daily digest, {period}")]
    room = (MAX_BLOCKS - 2) // DIGEST_BLOCKS_PER_STATEMENT
    for view in views[:room]:
        line = f"*{slack_link(view.statement.url, view.headline)}*\n{slack_escape(view.meeting)}"
        if view.source_label:
            line += f" · Source: {slack_escape(view.source_label)}"
        line += f" · {slack_escape(view.counts_line)}"
        glance = _glance_lines(view)
        closing = (slack_escape(view.others_line) + ". ") if view.hidden else ""
        blocks += [
            DividerBlock(),
            _section("\n".join([line, *glance])),
            _context(closing + slack_link(view.link, _link_label(view))),
        ]
    if len(views) > room:
        blocks.append(_context(f"{len(views) - room} more statements: see the thread."))
    payload = _payload(f"Daily digest, {period}: {len(views)} statement{s}", blocks)
    replies = [reply for view in views for reply in _thread(view, title=view.headline)]
    replies += [
        _payload(
            view.headline, [_section(f"*{slack_escape(view.headline)}*"), *_summary_blocks(view)]
        )
        for view in views
        if view.summary
    ]
    if replies:
        payload["thread"] = replies
    return payload


def notice_payload(subject: str, text: str, key: str, link: str | None) -> dict:
    blocks: list[Block] = [
        _header("coalition-watch operator alert"),
        _section(f"*{slack_escape(subject)}*\n{slack_escape(text)}"),
    ]
    if link:
        blocks.append(_context(slack_link(link, "Open")))
    blocks.append(_context(f"Key `{slack_escape(key)}`: you will not be alerted again for it."))
    return _payload(f"coalition-watch operator alert: {subject}", blocks)


def with_delivery_options(payload: dict, channel: str) -> dict:
    # Bots' plain "@here" is never a mention unless link_names is set; say so explicitly.
    options = {"channel": channel, "link_names": False, "unfurl_links": False}
    payload.update(options)
    for reply in payload.get("thread", []):
        reply.update(options)
    return payload


def limit_problems(payload: dict) -> list[str]:
    """Every way `payload` (and its thread replies) breaks a Block Kit limit; empty when fine."""
    problems = _message_problems(payload, "")
    for i, reply in enumerate(payload.get("thread", [])):
        problems += _message_problems(reply, f"reply {i}: ")
    return problems


def _message_problems(payload: dict, where: str) -> list[str]:
    problems = []
    blocks = message_blocks(payload)
    if not payload.get("text"):
        problems.append(f"{where}no plain `text` fallback")
    if len(payload.get("text", "")) > MAX_TEXT:
        problems.append(f"{where}text has {len(payload['text'])} characters (max {MAX_TEXT})")
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{where}{len(blocks)} blocks (max {MAX_BLOCKS})")
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header" and len(block["text"]["text"]) > MAX_HEADER_TEXT:
            problems.append(f"{where}block {i}: header over {MAX_HEADER_TEXT} characters")
        if kind == "section":
            text = block.get("text", {}).get("text", "")
            if not text or len(text) > MAX_SECTION_TEXT:
                problems.append(f"{where}block {i}: section text has {len(text)} characters")
        if kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > MAX_CONTEXT_ELEMENTS:
                problems.append(f"{where}block {i}: {len(elements)} context elements")
            for element in elements:
                if len(element.get("text", "")) > MAX_CONTEXT_TEXT:
                    problems.append(f"{where}block {i}: context text over {MAX_CONTEXT_TEXT}")
    return problems
