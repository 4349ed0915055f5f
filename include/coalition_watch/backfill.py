"""Loading statements from outside a poll: backfills and saved files, on one code path.

A backfill request names what to load, optionally the series, and the alert mode:

* what: one statement URL, a source and a date range, a page (or folder) of the replay
  archive, or saved files (`coalition-watch ingest PATH...`);
* ``quiet``  store and diff only; nobody hears about it;
* ``digest`` one summary message per subscriber for the whole backfill;
* ``normal`` alerts as if the statements had just been published.

Two steps, which the backfill DAG runs as two tasks and `ingest` runs in one go:
`store_request` stores what the request names (known content is a no-op), then
`process_backfill` diffs and classifies it. The mode is stored on each ingested version,
so a regular processing run that picks a backfilled version up first still honours it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from coalition_watch.errors import BadInput
from coalition_watch.model import Document
from coalition_watch.series import infer_series
from coalition_watch.store import Store, StoredVersion

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from coalition_watch.process import Processor, ProcessReport

ALERT_MODES = ("quiet", "digest", "normal")
MAX_LISTING_PAGES = 100  # a date-range backfill never reads more listing pages than this
FILE_SOURCE = "file"  # source id of saved files whose URL has no host
REPLAY_SOURCE = "replay"  # source id of replay-archive pages, unless the request names one
# Stored with a saved file's raw body, so `reprocess` reads it again the same way.
FILE_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


_CHOICES = {"url": "a URL", "replay_file": "a replay page", "source_range": "a date range"}


@dataclass(frozen=True)
class BackfillRequest:
    alert_mode: str = "quiet"
    url: str | None = None
    source: str | None = None
    start: date | None = None
    end: date | None = None
    replay_file: str | None = None
    series: str | None = None  # None: inferred from each statement
    paths: tuple[str, ...] = ()  # saved files (`ingest`); `url` then names their publication

    @property
    def what(self) -> str:
        if self.paths:
            return "paths"
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

        mode = _checked_mode(text("alert_mode") or "quiet", "backfill parameter 'alert_mode'")
        url, source, replay_file = text("url"), text("source"), text("replay_file")
        start, end = day("start_date"), day("end_date")
        series = _checked_series(text("series"), known_series, "backfill parameter 'series'")

        chosen = [n for n, v in (("url", url), ("replay_file", replay_file)) if v]
        if start or end or (source and not chosen):
            chosen.append("source_range")
        if len(chosen) != 1:
            got = " and ".join(_CHOICES[c] for c in chosen) or "none of them"
            raise BadInput(
                "backfill: give exactly one of: a statement URL (url), a source with From and "
                "To dates (source, start_date, end_date), or a replay archive page "
                f"(replay_file); got {got}"
            )
        _check_source(source, known_sources, "backfill parameter 'source'")
        if url is not None:
            _check_http_url(url, "backfill parameter 'url'")
        if chosen == ["source_range"]:
            if source is None or start is None or end is None:
                raise BadInput("backfill: a date range needs 'source', 'start_date' and 'end_date'")
            if start > end:
                raise BadInput(f"backfill: start_date {start} is after end_date {end}")
        return cls(mode, url, source, start, end, replay_file, series)

    @classmethod
    def for_files(
        cls,
        paths: Sequence[str],
        *,
        mode: str = "quiet",
        source: str | None = None,
        url: str | None = None,
        series: str | None = None,
        known_sources: Iterable[str],
        known_series: Iterable[str] | None = None,
    ) -> BackfillRequest:
        """Validate `coalition-watch ingest` options; every error names the option."""
        if not paths:
            raise BadInput("ingest: give at least one PATH")
        _check_source(source, known_sources, "--source")
        if url is not None:
            _check_http_url(url, "--url")
            if len(paths) != 1:
                raise BadInput(f"--url: names one publication, but {len(paths)} paths were given")
        return cls(
            alert_mode=_checked_mode(mode, "--mode"),
            url=url,
            source=source,
            series=_checked_series(series, known_series, "--series"),
            paths=tuple(paths),
        )

    def to_json(self) -> dict:
        return {
            "alert_mode": self.alert_mode,
            "url": self.url,
            "source": self.source,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "replay_file": self.replay_file,
            "series": self.series,
            "paths": list(self.paths),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> BackfillRequest:
        """The request as `to_json` wrote it (the XCom between the DAG's tasks)."""
        start, end = data.get("start"), data.get("end")
        return cls(
            alert_mode=data["alert_mode"],
            url=data.get("url"),
            source=data.get("source"),
            start=date.fromisoformat(start) if start else None,
            end=date.fromisoformat(end) if end else None,
            replay_file=data.get("replay_file"),
            series=data.get("series"),
            paths=tuple(data.get("paths") or ()),
        )


def _checked_mode(mode: str, where: str) -> str:
    if mode not in ALERT_MODES:
        raise BadInput(f"{where}: {mode!r} is not one of {', '.join(ALERT_MODES)}")
    return mode


def _checked_series(series: str | None, known: Iterable[str] | None, where: str) -> str | None:
    if series in (None, "auto"):
        return None
    if known is not None and series not in set(known):
        raise BadInput(f"{where}: unknown series {series!r}")
    return series


def _check_source(source: str | None, known: Iterable[str], where: str) -> None:
    if source is not None and source not in set(known):
        raise BadInput(f"{where}: unknown source {source!r}")


def _check_http_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{where}: {url!r} is not an http(s) URL")


# -- storing ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loaded:
    """One document read from a file or the web, ready to store."""

    source: str
    url: str
    document: Document
    raw: bytes | None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def fetched(cls, source: str, url: str, fetched) -> Loaded:
        """A page read through the polling client (a sources.base.Fetched)."""
        return cls(
            source=source,
            url=url,
            document=fetched.document,
            raw=fetched.raw,
            content_type=fetched.content_type,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )


def store_loaded(
    store: Store, loaded: Loaded, *, series: str | None, alert_mode: str
) -> tuple[StoredVersion, bool]:
    """Store one loaded document with the request's mode; known content is a no-op."""
    raw_sha = store.put_blob(loaded.raw, loaded.content_type) if loaded.raw else None
    document = loaded.document
    return store.record_version(
        source=loaded.source,
        url=loaded.url,
        document=document,
        series=series or infer_series(document.title, document.paragraphs),
        raw_sha256=raw_sha,
        etag=loaded.etag,
        last_modified=loaded.last_modified,
        alert_mode=alert_mode,
    )


def store_request(store: Store, request: BackfillRequest) -> list[StoredVersion]:
    """Store what the request names; returns the versions that are new. The log says,
    statement by statement, what was loaded and whether it was new, with a running count."""
    stored = []
    count = 0
    for count, loaded in enumerate(_load(request), 1):
        version, created = store_loaded(
            store, loaded, series=request.series, alert_mode=request.alert_mode
        )
        if created:
            stored.append(version)
        doc = loaded.document
        log.info(
            "loaded %d: %s (%s, %s) %s: %s; %d new so far",
            count,
            _short(doc.title),
            doc.published or "no date",
            version.series,
            f"as version {version.id}" if created else f"already stored as version {version.id}",
            loaded.url,
            len(stored),
        )
    log.info("loaded %d statement(s), %d of them new", count, len(stored))
    return stored


def _short(title: str, limit: int = 80) -> str:
    return repr(title) if len(title) <= limit else repr(title[: limit - 1] + "…")


def _load(request: BackfillRequest) -> Iterable[Loaded]:
    """Every document the request names. Files are all read before anything is stored,
    so a bad file among good ones leaves the store untouched."""
    if request.paths:
        return load_files([Path(p) for p in request.paths], request.source, request.url)
    if request.replay_file:
        from coalition_watch.replay_archive import archive_pages

        pages = archive_pages(request.replay_file)
        return load_files(pages, request.source or REPLAY_SOURCE, None)
    if request.url:
        return [load_url(request.url, request.source)]
    assert request.source and request.start and request.end
    return load_range(request.source, request.start, request.end)


def load_files(paths: Sequence[Path], source: str | None, url: str | None) -> list[Loaded]:
    """Saved pages or text captures. A file's URL: `url`, else the one the replay archive
    recorded for it, else its own file: URI (so loading it again finds it)."""
    from coalition_watch.extract import extract_path
    from coalition_watch.replay_archive import recorded_row

    loaded = []
    for path in paths:
        row = recorded_row(path) or {}
        page_url = url or row.get("url")
        document = extract_path(path, url=page_url)
        page_url = page_url or path.resolve().as_uri()
        loaded.append(
            Loaded(
                source=source or urlsplit(page_url).hostname or FILE_SOURCE,
                url=page_url,
                document=document,
                raw=path.read_bytes(),
                content_type=row.get("content_type") or FILE_TYPES.get(path.suffix.lower()),
            )
        )
    return loaded


def load_url(url: str, source: str | None) -> Loaded:
    """One statement page, fetched politely."""
    from coalition_watch.poll import make_client
    from coalition_watch.sources.oneoff import fetch_url

    fetched = fetch_url(url, make_client())
    return Loaded.fetched(source or urlsplit(url).hostname or FILE_SOURCE, url, fetched)


def load_range(
    source_id: str, start: date, end: date, *, max_pages: int = MAX_LISTING_PAGES
) -> Iterable[Loaded]:
    """Every statement a source lists as published between two dates (inclusive).

    The listing is read page after page, newest first (the pagination or archive pages
    of the source's kind), until a page reaches back before `start` or the pages run
    out, through one polite client: the host's pace holds across pages and articles.
    """
    from coalition_watch.poll import make_client
    from coalition_watch.sources import adapter_for, load_sources

    source = next((s for s in load_sources() if s.id == source_id), None)
    if source is None:
        raise BadInput(f"backfill: unknown or disabled source {source_id!r}")
    adapter = adapter_for(source)
    client = make_client()
    if source.politeness:
        for host in source.allowed_hosts:
            client.set_host_politeness(host, source.politeness)
    first, last = start.isoformat(), end.isoformat()
    seen: set[str] = set()
    for number, page in enumerate(adapter.listing_pages(client), 1):
        dates = sorted(i.published[:10] for i in page if i.published)
        wanted = [
            i
            for i in page
            if i.url not in seen and i.published and first <= i.published[:10] <= last
        ]
        seen.update(i.url for i in page)
        log.info(
            "%s listing page %d: %d statement(s)%s, %d in %s..%s",
            source.id,
            number,
            len(page),
            f" from {dates[0]} to {dates[-1]}" if dates else "",
            len(wanted),
            first,
            last,
        )
        yield from _fetch_items(adapter, client, source.id, wanted)
        if dates and dates[0] < first:
            log.info(
                "%s: listing page %d reaches before %s: the range is covered",
                *(source.id, number, first),
            )
            return
        if number >= max_pages:
            log.warning(
                "%s: stopped after %d listing pages without reaching %s", source.id, number, first
            )
            return


def _fetch_items(adapter, client, source_id: str, items) -> Iterable[Loaded]:
    for item in items:
        fetched = adapter.fetch_document(client, item)
        if fetched is not None:
            yield Loaded.fetched(source_id, item.url, fetched)


# -- processing ---------------------------------------------------------------------------
@dataclass
class BackfillReport:
    """What one backfill did: the processing report, and the digests it queued."""

    process: ProcessReport
    digests: int = 0

    def to_json(self) -> dict:
        return {**self.process.to_json(), "digests": self.digests}


def process_backfill(
    processor: Processor, request: BackfillRequest, *, period_key: str
) -> BackfillReport:
    """Diff and classify what was stored; in digest mode, one summary per subscriber for
    the whole backfill (`period_key` names it, so a retried run sends it once)."""
    from coalition_watch.deliver import enqueue_digest

    report = BackfillReport(processor.run("normal"))  # each version carries its own mode
    if request.alert_mode == "digest":
        report.digests = enqueue_digest(
            processor.store, processor.subscribers, period_key=period_key
        )
    return report


def comparisons_touching(
    store: Store, comparison_ids: Sequence[int], version_ids: Iterable[int]
) -> list[dict]:
    """Of the comparisons a run created, those that involve one of `version_ids`:
    {id, kind, old, new, substantive} with old/new the compared version ids."""
    wanted = set(version_ids)
    rows = store.comparison_summaries(comparison_ids)
    return [row for row in rows if row["old"] in wanted or row["new"] in wanted]


def version_json(version: StoredVersion) -> dict:
    return {
        "id": version.id,
        "statement_id": version.statement_id,
        "source": version.source,
        "url": version.url,
        "series": version.series,
        "title": version.document.title,
        "published": version.published,
    }
