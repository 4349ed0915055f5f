"""The replay archive: recorded official pages, where they live and where they came from.

Every folder of the archive that holds pages may carry an INDEX.yaml listing
`pages: [{url, file, ...}]`, with `file` relative to that folder. A backfill loads pages
from the archive by a path relative to its root (the `COALITION_WATCH_REPLAY_ROOT`
setting), and stores each under the real URL it was recorded from.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from coalition_watch.config_files import read_yaml
from coalition_watch.errors import BadInput
from coalition_watch.settings import REPLAY_ROOT_ENV, replay_root

PAGE_SUFFIXES = (".html", ".htm", ".txt", ".json")


def archive_root() -> Path:
    """The archive's folder; refused clearly where this installation has none."""
    root = replay_root()
    if root is None:
        raise BadInput(
            "backfill parameter 'replay_file': this installation has no replay archive "
            f"(set {REPLAY_ROOT_ENV} to a folder holding replay/)"
        )
    if not root.is_dir():
        raise BadInput(f"{REPLAY_ROOT_ENV}: {str(root)!r} is not a folder")
    return root


def archive_pages(relative: str, root: Path | None = None) -> list[Path]:
    """The page (or every page of a folder) at `relative` inside the archive.

    A path leading outside the archive is refused, so a backfill form cannot read
    arbitrary files of the worker.
    """
    root = (root or archive_root()).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise BadInput(f"backfill parameter 'replay_file': {relative!r} is outside the archive")
    if path.is_dir():
        pages = sorted(p for p in path.rglob("*") if p.suffix in PAGE_SUFFIXES)
        if not pages:
            raise BadInput(f"backfill parameter 'replay_file': no pages under {relative!r}")
        return pages
    if not path.is_file():
        raise BadInput(f"backfill parameter 'replay_file': {relative!r} not found in {root}")
    return [path]


@cache
def index_rows(folder: Path) -> tuple[dict, ...]:
    """The rows of `folder`/INDEX.yaml ({url, file, ...}); none when there is no index.

    A row list under `pages:` is the format; a mapping URL -> file (or -> spec) is read too.
    """
    index = folder / "INDEX.yaml"
    if not index.is_file():
        return ()
    data = read_yaml(index) or {}
    rows = data.get("pages", data) if isinstance(data, dict) else data
    if isinstance(rows, dict):
        rows = [
            {"url": url, **(spec if isinstance(spec, dict) else {"file": spec})}
            for url, spec in rows.items()
        ]
    return tuple(rows)


@cache
def _index(folder: Path) -> dict[Path, dict]:
    return {(folder / row["file"]).resolve(): row for row in index_rows(folder)}


def recorded_row(path: Path) -> dict | None:
    """The INDEX.yaml row describing `path` in the nearest index above it, if any."""
    path = Path(path).resolve()
    for folder in path.parents:
        found = _index(folder).get(path)
        if found:
            return found
        if (folder / "scenarios").is_dir():  # the archive's root: stop looking
            break
    return None


def url_of(path: Path) -> str | None:
    """The URL recorded for `path`, if an index knows it."""
    row = recorded_row(path)
    return row["url"] if row else None
