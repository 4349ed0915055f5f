"""Jinja2 environments over the template directory (a deployment can override any file).

Email templates are named `<template>.<format>.j2`: template is new_statement,
revised_statement, daily_digest or operator_alert; format is txt or html. Slack messages
are built from Block Kit models in code (render/slack.py), not from templates.
`templates/` in the deployment's COALITION_WATCH_CONFIG_DIR (or a directory passed
explicitly) is searched first, so a deployment overrides one file and inherits the rest.

Safety does not depend on template authors remembering a filter: HTML output is
autoescaped.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from coalition_watch.labels import theme_label
from coalition_watch.settings import current

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("txt", "html")


def template_dirs(override: Path | str | None = None) -> tuple[str, ...]:
    if override is None and (deployment := current().config_dir) is not None:
        override = deployment / "templates"
    dirs = [str(Path(override))] if override and Path(override).is_dir() else []
    return (*dirs, str(PACKAGE_TEMPLATES))


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
    env = jinja2.Environment(autoescape=fmt == "html", **options)
    env.filters["theme_label"] = theme_label
    return env


def render_template(
    template: str, fmt: str, context: dict, *, template_dir: Path | str | None = None
) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r}")
    env = _environment(template_dirs(template_dir), fmt)
    return env.get_template(f"{template}.{fmt}.j2").render(**context)
