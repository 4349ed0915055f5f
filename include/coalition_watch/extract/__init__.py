"""Statement extraction: a page (HTML, gov.uk Content API JSON or a text capture) in, a
`Document` of display paragraphs out.

    extract_html(html, url=..., kind=..., selectors=...)   one adapter per kind of site
    extract_text(text)                                      text captures like the seeds
    extract_path(path)                                      by suffix: .html/.htm, .txt, .json
    detect_block_page(html)                                 bot walls and 'not found' pages
    detect_kind(html, url)                                  which adapter reads a page

Site knowledge (selectors, noise patterns, block-page patterns) lives in selectors.yaml and
is checked at import. Failures raise `ExtractionError(where, reason)`; unreadable files
given to `extract_path` raise `BadInput` naming the path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from coalition_watch.errors import BadInput
from coalition_watch.extract import (
    auswaertiges_amt,
    generic,
    global_coalition,
    gov_uk,
    state_gov,
    text_capture,
)
from coalition_watch.extract.engine import detect_block_page, sniff_text
from coalition_watch.extract.profiles import catalogue
from coalition_watch.input_files import read_input_file
from coalition_watch.model import Document

__all__ = [
    "KINDS",
    "detect_block_page",
    "detect_kind",
    "extract_content_item",
    "extract_bytes",
    "extract_html",
    "extract_path",
    "extract_text",
]

Adapter = Callable[..., Document]

# Kind name -> adapter. "generic" reads co-host ministries and reposts from YAML selectors.
KINDS: dict[str, Adapter] = {
    auswaertiges_amt.KIND: auswaertiges_amt.extract,
    state_gov.KIND: state_gov.extract,
    global_coalition.KIND: global_coalition.extract,
    gov_uk.KIND: gov_uk.extract,
    generic.KIND: generic.extract,
}

extract_content_item = gov_uk.extract_content_item


def detect_kind(html: str | bytes | None = None, url: str | None = None) -> str:
    """The adapter kind for a page: by URL host first, then by markup markers, else generic."""
    host = (urlsplit(url).hostname or "") if url else ""
    if host:
        for kind, profile in catalogue().kinds.items():
            if profile.matches_host(host):
                return kind
        if any(p.matches_host(host) for p in catalogue().generic.values()):
            return generic.KIND
    if html:
        text = sniff_text(html)
        for kind, profile in catalogue().kinds.items():
            if any(marker in text for marker in profile.markers):
                return kind
    return generic.KIND


def extract_html(
    html: str | bytes,
    *,
    url: str | None = None,
    kind: str | None = None,
    selectors: Mapping[str, Any] | None = None,
) -> Document:
    """The statement in an HTML page. `kind` None detects it from the URL host or markup;
    `selectors` (a mapping shaped like a selectors.yaml kind) drives the generic adapter."""
    where = url or "html page"
    if selectors is not None:
        kind = kind or generic.KIND
        if kind != generic.KIND:
            raise BadInput(f"selectors are for the generic adapter, not kind {kind!r}")
        return generic.extract(html, where=where, url=url, selectors=selectors)
    kind = kind or detect_kind(html, url)
    adapter = KINDS.get(kind)
    if adapter is None:
        raise BadInput(f"unknown extractor kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    return adapter(html, where=where, url=url)


def extract_text(text: str) -> Document:
    """The statement in a text capture of a page, without the page's boilerplate."""
    return text_capture.extract_text(text)


_HTML_SUFFIXES = {".html", ".htm"}


def extract_path(path: Path | str, *, url: str | None = None) -> Document:
    """Extract a file by suffix: .html/.htm (HTML page), .txt (text capture), .json (gov.uk
    Content API item). `url`, when known, picks the HTML adapter by host."""
    path = Path(path)
    suffix = path.suffix.lower()
    data = read_input_file(path)  # missing, too large, empty or binary: said first
    if suffix not in (*_HTML_SUFFIXES, ".txt", ".json"):
        shown = suffix or "(none)"
        raise BadInput(f"{path}: unsupported file type {shown!r}; use .html, .txt or .json")
    where = str(path)
    if suffix in _HTML_SUFFIXES:
        return KINDS[detect_kind(data, url)](data, where=where, url=url)
    text = _decode_text(data, path)
    if suffix == ".json":
        return gov_uk.extract_content_item(text, where=where)
    return text_capture.extract_text(text, where=where)


def extract_bytes(data: bytes, *, content_type: str | None, url: str | None) -> Document:
    """A stored body whose reader is not known (a saved file, a one-off URL): by its
    content type, else by its first bytes (markup, a JSON item, else a text capture)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    head = data.lstrip()[:1]
    where = url or "stored body"
    if kind.endswith("json") or (not kind and head == b"{"):
        return gov_uk.extract_content_item(data.decode("utf-8-sig"), where=where)
    if kind in ("text/html", "application/xhtml+xml") or (not kind and head == b"<"):
        return KINDS[detect_kind(data, url)](data, where=where, url=url)
    return text_capture.extract_text(_decode_text(data, Path(where)), where=where)


def _decode_text(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BadInput(f"{path}: not text in any encoding this tool can read")
    return str(best)
