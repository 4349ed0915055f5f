"""Slack Block Kit payloads, kept within Slack's documented limits.

Limits (api.slack.com/reference/block-kit): 50 blocks per message, 3000 characters in a
section's text, 150 in a header, 10 context elements; `text` is truncated by Slack
after 40,000 characters, and we keep it far shorter because it is the notification.
When a message would not fit, passages are dropped from the end and a final context
block points to the full diff.
"""

from __future__ import annotations

import json

from coalition_watch.render.escape import slack_escape, truncate_mrkdwn

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 2000
MAX_TEXT = 40_000
FALLBACK_TEXT = 1000  # what the notification shows; the blocks carry the rest


def payload_from_template(rendered: str, *, channel: str, link: str | None) -> dict:
    """Parse a rendered Slack template and fit it to the limits."""
    try:
        payload = json.loads(rendered)
    except json.JSONDecodeError as exc:
        # Only a broken (overridden) template gets here: statement text is always escaped.
        raise ValueError(f"Slack template did not produce JSON: {exc}") from exc
    payload["channel"] = channel
    # Bots' plain "@here" is never a mention unless link_names is set; say so explicitly.
    payload["link_names"] = False
    payload["unfurl_links"] = False
    return fit_to_limits(payload, link=link)


def fit_to_limits(payload: dict, *, link: str | None) -> dict:
    blocks = [_fit_block(b) for b in payload.get("blocks", [])]
    if len(blocks) > MAX_BLOCKS:
        # Keep the closing context block (it holds the full-diff link), cut the middle.
        tail = [blocks[-1]] if blocks[-1].get("type") == "context" else []
        keep = MAX_BLOCKS - 1 - len(tail)
        dropped = len(blocks) - keep - len(tail)
        note = f"{dropped} more blocks not shown (Slack shows at most {MAX_BLOCKS})."
        if link and not tail:
            url = slack_escape(link).replace("|", "%7C")
            note += f" <{url}|See the full diff>"
        blocks = [
            *blocks[:keep],
            {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]},
            *tail,
        ]
    payload["blocks"] = blocks
    payload["text"] = truncate_mrkdwn(payload.get("text", ""), FALLBACK_TEXT)
    return payload


def _fit_block(block: dict) -> dict:
    kind = block.get("type")
    if kind == "header":
        text = block["text"]["text"]
        if len(text) > MAX_HEADER_TEXT:
            block["text"]["text"] = text[: MAX_HEADER_TEXT - 1] + "…"
    elif kind == "section" and "text" in block:
        block["text"]["text"] = truncate_mrkdwn(block["text"]["text"], MAX_SECTION_TEXT)
    elif kind == "context":
        elements = block["elements"][:MAX_CONTEXT_ELEMENTS]
        for element in elements:
            if "text" in element:
                element["text"] = truncate_mrkdwn(element["text"], MAX_CONTEXT_TEXT)
        block["elements"] = elements
    return block


def limit_problems(payload: dict) -> list[str]:
    """Every way `payload` breaks a documented Block Kit limit (empty when it fits)."""
    problems = []
    blocks = payload.get("blocks", [])
    if not payload.get("text"):
        problems.append("no plain `text` fallback")
    if len(payload.get("text", "")) > MAX_TEXT:
        problems.append(f"text has {len(payload['text'])} characters (max {MAX_TEXT})")
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks (max {MAX_BLOCKS})")
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header" and len(block["text"]["text"]) > MAX_HEADER_TEXT:
            problems.append(f"block {i}: header over {MAX_HEADER_TEXT} characters")
        if kind == "section":
            text = block.get("text", {}).get("text", "")
            if not text or len(text) > MAX_SECTION_TEXT:
                problems.append(f"block {i}: section text has {len(text)} characters")
        if kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > MAX_CONTEXT_ELEMENTS:
                problems.append(f"block {i}: {len(elements)} context elements")
            for element in elements:
                if len(element.get("text", "")) > MAX_CONTEXT_TEXT:
                    problems.append(f"block {i}: context text over {MAX_CONTEXT_TEXT}")
    return problems
