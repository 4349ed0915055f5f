"""JSON a user hands the CLI (a diff to render, a gov.uk item to extract), parsed safely."""

from __future__ import annotations

import json
from typing import Any


class JsonInputError(ValueError):
    """Why a text is not usable JSON, in a few words."""


def parse_json(text: str | bytes) -> Any:
    """The decoded value; JsonInputError for text that is not JSON or nests too deeply for
    the parser (json recurses once per level: a file of 100,000 "[" exhausts the stack)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"invalid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise JsonInputError("JSON nested too deeply to read") from None
    except ValueError as exc:  # bytes in no Unicode encoding
        raise JsonInputError(f"invalid JSON ({exc})") from None
