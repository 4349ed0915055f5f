"""The recorded archive (`replay/`): where it is, and which real URL a file was recorded from.

Every folder of the archive that holds pages may carry an INDEX.yaml listing
`pages: [{url, file, ...}]`, with `file` relative to that folder. The backfill reads it to
store a recorded page under its real URL; the development kit's replay server serves it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

# Where the archive sits in a source checkout (an installed package has none beside it).
CHECKOUT_ARCHIVE = Path(__file__).resolve().parents[2] / "replay"


@cache
def index_rows(folder: Path) -> tuple[dict, ...]:
    """The rows of `folder`/INDEX.yaml ({url, file, ...}); none when there is no index.

    A row list under `pages:` is the format; a mapping URL -> file (or -> spec) is read too.
    """
    index = folder / "INDEX.yaml"
    if not index.is_file():
        return ()
    data = yaml.safe_load(index.read_text(encoding="utf-8")) or {}
    rows = data.get("pages", data) if isinstance(data, dict) else data
    if isinstance(rows, dict):
        rows = [
            {"url": url, **(spec if isinstance(spec, dict) else {"file": spec})}
            for url, spec in rows.items()
        ]
    return tuple(rows)


@cache
def _index(folder: Path) -> dict[Path, str]:
    return {(folder / row["file"]).resolve(): row["url"] for row in index_rows(folder)}


def url_of(path: Path) -> str | None:
    """The URL recorded for `path` in the nearest INDEX.yaml above it, if any."""
    path = Path(path).resolve()
    for folder in path.parents:
        found = _index(folder).get(path)
        if found:
            return found
        if (folder / "scenarios").is_dir():  # the archive's root: stop looking
            break
    return None
