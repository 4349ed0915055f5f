"""Jinja2 environments over the template directory (a deployment can override any file).

Templates are named `<template>.<format>.j2`: template is new_statement,
revised_statement, daily_digest or operator_alert; format is txt, html or slack.json.
`templates/` in the deployment's COALITION_WATCH_CONFIG_DIR (or a directory passed
explicitly) is searched first, so a deployment overrides one file and inherits the rest.

Safety does not depend on template authors remembering a filter: HTML output is
autoescaped, and every `{{ }}` in a Slack template is mrkdwn-escaped and JSON-escaped
by `finalize` unless our own code marked it as already-safe mrkdwn.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jinja2

from coalition_watch.render.escape import Mrkdwn, slack_escape
from coalition_watch.render.view import Passage, theme_label
from coalition_watch.settings import current

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("txt", "html", "slack.json")


def template_dirs(override: Path | str | None = None) -> tuple[str, ...]:
    if override is None and (deployment := current().config_dir) is not None:
        override = deployment / "templates"
    dirs = [str(Path(override))] if override and Path(override).is_dir() else []
    return (*dirs, str(PACKAGE_TEMPLATES))


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


def slack_url(url: str | None) -> Mrkdwn:
    """A URL inside `<url|label>`: `|` would end it early, `<>&` must be entities."""
    return Mrkdwn(slack_escape(str(url or "")).replace("|", "%7C"))


def _json_mrkdwn(value: object) -> str:
    text = value if isinstance(value, Mrkdwn) else slack_escape("" if value is None else value)
    return json.dumps(str(text), ensure_ascii=False)[1:-1]


@lru_cache(maxsize=16)
def _environment(dirs: tuple[str, ...], fmt: str) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(list(dirs))
    options: dict = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if fmt == "html":
        env = jinja2.Environment(autoescape=True, **options)
    elif fmt == "slack.json":
        env = jinja2.Environment(autoescape=False, finalize=_json_mrkdwn, **options)
    else:
        env = jinja2.Environment(autoescape=False, **options)
    env.filters["theme_label"] = theme_label
    env.filters["passage_mrkdwn"] = passage_mrkdwn
    env.filters["slack_url"] = slack_url
    return env


def render_template(
    template: str, fmt: str, context: dict, *, template_dir: Path | str | None = None
) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r}")
    env = _environment(template_dirs(template_dir), fmt)
    return env.get_template(f"{template}.{fmt}.j2").render(**context)
