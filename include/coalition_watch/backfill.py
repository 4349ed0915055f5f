"""Loading past meetings on request, without spamming anyone.

A backfill request names what to load (one statement URL, or a source and a date range,
or a file of the replay archive), optionally the series, and the alert mode:

* ``quiet``  store and diff only; nobody hears about it;
* ``digest`` one summary message per subscriber for the whole backfill;
* ``normal`` alerts as if the statements had just been published.

The mode is stored on each ingested version, so a regular processing run that happens
to pick a backfilled version up first still honours it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from coalition_watch.errors import BadInput

ALERT_MODES = ("quiet", "digest", "normal")


@dataclass(frozen=True)
class BackfillRequest:
    alert_mode: str = "quiet"
    url: str | None = None
    source: str | None = None
    start: date | None = None
    end: date | None = None
    replay_file: str | None = None
    series: str | None = None  # None: inferred from each statement

    @property
    def what(self) -> str:
        if self.url:
            return "url"
        return "replay_file" if self.replay_file else "source_range"

    @classmethod
    def from_params(
        cls,
        params: Mapping,
        *,
        known_sources: Iterable[str],
        known_series: Iterable[str] | None = None,
    ) -> BackfillRequest:
        """Validate the Params form (or CLI options); every error names the field."""

        def text(name: str) -> str | None:
            value = params.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                return None
            if not isinstance(value, str):
                raise BadInput(f"backfill parameter {name!r}: expected text, got {value!r}")
            return value.strip()

        def day(name: str) -> date | None:
            value = text(name)
            try:
                return date.fromisoformat(value) if value else None
            except ValueError:
                problem = f"{value!r} is not a date (YYYY-MM-DD)"
                raise BadInput(f"backfill parameter {name!r}: {problem}") from None

        mode = text("alert_mode") or "quiet"
        if mode not in ALERT_MODES:
            raise BadInput(f"backfill parameter 'alert_mode': {mode!r} is not one of {ALERT_MODES}")
        url, source, replay_file = text("url"), text("source"), text("replay_file")
        start, end = day("start_date"), day("end_date")
        series = text("series")
        if series in (None, "auto"):
            series = None
        elif known_series is not None and series not in set(known_series):
            raise BadInput(f"backfill parameter 'series': unknown series {series!r}")

        chosen = [n for n, v in (("url", url), ("replay_file", replay_file)) if v]
        if (start or end) and not chosen:
            chosen.append("source_range")
        if len(chosen) != 1:
            raise BadInput(
                "backfill: give exactly one of 'url', 'replay_file', or 'source' with "
                f"'start_date' and 'end_date' (got: {', '.join(chosen) or 'none'})"
            )
        sources = set(known_sources)
        if source is not None and source not in sources:
            raise BadInput(f"backfill parameter 'source': unknown source {source!r}")
        if url is not None:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise BadInput(f"backfill parameter 'url': {url!r} is not an http(s) URL")
        if chosen == ["source_range"]:
            if source is None or start is None or end is None:
                raise BadInput("backfill: a date range needs 'source', 'start_date' and 'end_date'")
            if start > end:
                raise BadInput(f"backfill: start_date {start} is after end_date {end}")
        return cls(mode, url, source, start, end, replay_file, series)


def resolve_replay_file(root: Path, relative: str) -> Path:
    """A file inside the replay archive; anything outside it is refused."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise BadInput(f"backfill parameter 'replay_file': {relative!r} is outside the archive")
    if not path.is_file():
        raise BadInput(f"backfill parameter 'replay_file': {relative!r} not found in {root}")
    return path
