"""What every source adapter shares: its configuration, its items, and the registry of kinds.

An adapter reads one *kind* of site (not one URL). It declares the URL names and the
option keys it accepts; `load_sources` rejects anything else. Two methods:

    discover(client) -> list[Item]        the listing, filtered to Coalition statements
    fetch_document(client, item) -> Fetched | None   None when the page is unchanged (304)
"""

from __future__ import annotations

import dataclasses
import email.utils
import html as html_lib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from coalition_watch.errors import FetchError, PermanentFetchError
from coalition_watch.extract import detect_block_page, extract_html
from coalition_watch.fetch import FEED_TYPES, HTML_TYPES, PoliteClient, Politeness, Response
from coalition_watch.model import Document
from coalition_watch.source_entries import LIMIT_DEFAULTS, RECHECK_HOURS
from coalition_watch.sources.keywords import KeywordFilter


@dataclass(frozen=True)
class Option:
    """A kind-specific key: its type, default and what it does (shown in docs and errors)."""

    type: type | tuple[type, ...]
    default: Any
    doc: str
    choices: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class SourceConfig:
    """One configured source, validated. `options` holds the kind's own keys."""

    id: str
    kind: str
    enabled: bool
    language: str | None
    urls: dict[str, str]
    allowed_hosts: tuple[str, ...]
    keywords: KeywordFilter
    politeness: Politeness | None = None
    options: dict[str, Any] = field(default_factory=dict)
    max_items: int = LIMIT_DEFAULTS["max_items"]
    # Revisions made in place: the newest `recheck_limit` publications are watched, each
    # re-read at most once every `recheck_hours`, at most `recheck_budget` per poll, so the
    # re-reads spread over the polls instead of all coming every poll.
    recheck_limit: int = LIMIT_DEFAULTS["recheck_limit"]
    recheck_budget: int = LIMIT_DEFAULTS["recheck_budget"]
    recheck_hours: float = RECHECK_HOURS
    label: str | None = None  # what people read ("Federal Foreign Office (EN)")

    def option(self, name: str) -> Any:
        return self.options[name]


@dataclass(frozen=True)
class Item:
    """One statement found on a listing, before its page is read."""

    url: str
    title: str
    published: str | None = None  # ISO date
    language: str | None = None
    body_html: str | None = None  # the whole body, when the listing carries it
    summary: str | None = None
    doc_type: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A statement read from a source: the extracted document and what it came from."""

    document: Document
    raw: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_url: str  # the URL whose validators these are (page, or API item)


@dataclass
class ScreenCount:
    """Listing entries the keyword filter looked at, and how many it kept."""

    found: int = 0
    kept: int = 0


ADAPTERS: dict[str, type[SourceAdapter]] = {}


class SourceAdapter:
    """Base of the adapters. Subclasses set `kind`, `url_names` and `options`."""

    kind: ClassVar[str]
    #: URL names this kind reads; the required ones must all be present
    url_names: ClassVar[dict[str, bool]] = {}
    options: ClassVar[dict[str, Option]] = {}
    #: the extraction adapter (coalition_watch.extract kind) for article pages
    extract_kind: ClassVar[str] = "generic"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "kind", None):
            if cls.kind in ADAPTERS:
                raise TypeError(f"source kind {cls.kind!r} registered twice")
            ADAPTERS[cls.kind] = cls

    def __init__(self, source: SourceConfig):
        self.source = source
        self.screened = ScreenCount()

    # -- the two operations ---------------------------------------------------------------
    def discover(self, client: PoliteClient) -> list[Item]:
        raise NotImplementedError

    def listing_pages(self, client: PoliteClient) -> Iterator[list[Item]]:
        """The listing page after page, newest first, reaching further back than a poll
        reads (date-range backfills). Kinds whose sites paginate override it; otherwise
        the one listing there is."""
        yield self.discover(client)

    def fetch_document(self, client: PoliteClient, item: Item) -> Fetched | None:
        """The item's page through the kind's extractor (or its listing body)."""
        if item.body_html and self.body_from_listing:
            return self.document_from_listing(item)
        response = self.get_page(client, item.url)
        if response.not_modified:
            return None
        document = extract_html(response.text, url=response.url, kind=self.extract_kind)
        return self.fetched(item, document, response)

    def extract_stored(self, raw: bytes | str, url: str) -> Document:
        """A stored raw body read again as `fetch_document` reads it (`reprocess`)."""
        if self.body_from_listing:
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            return self._listing_page_document(text, "", url)
        return extract_html(raw, url=url, kind=self.extract_kind)

    # -- helpers for subclasses -----------------------------------------------------------
    @property
    def body_from_listing(self) -> bool:
        return self.source.options.get("body_from") == "listing"

    @property
    def rechecks_pages(self) -> bool:
        """Whether known publications are re-read from their pages to catch revisions."""
        return not self.body_from_listing

    def wanted(self, *texts: str | None) -> bool:
        """Whether a listing entry is a Coalition statement; counted for `sources check`."""
        keep = self.source.keywords.matches(*texts)
        self.screened.found += 1
        self.screened.kept += keep
        return keep

    def get_page(self, client: PoliteClient, url: str) -> Response:
        response = client.get(url, allowed_hosts=self.source.allowed_hosts, accept=HTML_TYPES)
        if not response.not_modified and (reason := detect_block_page(response.text)):
            raise PermanentFetchError(url, reason)
        return response

    def get_feed(self, client: PoliteClient, url: str) -> tuple[Response, etree._Element | None]:
        """A feed and its parsed root (None when unchanged). Bot walls and HTML are errors."""
        response = client.get(
            url, allowed_hosts=self.source.allowed_hosts, accept=FEED_TYPES + HTML_TYPES
        )
        if response.not_modified:
            return response, None
        if response.content_type in HTML_TYPES:
            reason = detect_block_page(response.text) or "an HTML page where a feed was expected"
            raise PermanentFetchError(url, reason)
        return response, parse_xml(url, response.body)

    def rss_listing(
        self, client: PoliteClient, url: str, *, body_in_description: bool = False
    ) -> list[Item]:
        """The coalition statements an RSS 2.0 feed lists, filtered on title, teaser and
        body before any page is fetched. The whole body comes from `content:encoded`, or
        from `description` where a site puts it there (`body_in_description`)."""
        _, root = self.get_feed(client, url)
        if root is None:
            return []
        language = (child_text(root, "channel/language") or self.source.language or "")[:2]
        found = []
        for entry in rss_items(url, root):
            title = plain(child_text(entry, "title"))
            description = child_text(entry, "description")
            content = child_text(entry, "content:encoded")
            link = child_text(entry, "link")  # never the guid: some are preview URLs
            if not link or not self.wanted(title, plain(description), plain(content)):
                continue
            categories = [c.text for c in entry.findall("category") if c.text]
            found.append(
                Item(
                    url=canonical_url(urljoin(url, link)),
                    title=title,
                    # SPIP and other RSS 1.0 habits date items with dc:date (ISO) only
                    published=rfc822_to_iso(child_text(entry, "pubDate"))
                    or iso_to_date(child_text(entry, "dc:date")),
                    language=language or None,
                    body_html=description if body_in_description else content,
                    summary=plain(description) or None,
                    doc_type=categories[0] if categories else None,
                )
            )
        return found

    def fetched(self, item: Item, document: Document, response: Response) -> Fetched:
        document = dataclasses.replace(
            document,
            url=item.url,
            title=document.title or item.title,
            published=document.published or item.published,
            language=document.language or item.language or self.source.language,
            doc_type=document.doc_type or item.doc_type,
        )
        return Fetched(
            document=document,
            raw=response.body,
            content_type=response.headers.get("content-type"),
            etag=response.etag,
            last_modified=response.last_modified,
            fetched_url=response.requested_url,
        )

    def document_from_listing(self, item: Item) -> Fetched:
        """A document from the body HTML a listing carries (RSS CDATA, WordPress REST)."""
        document = self._listing_page_document(item.body_html or "", item.title, item.url)
        raw = (item.body_html or "").encode("utf-8")
        return Fetched(
            document=dataclasses.replace(
                document,
                url=item.url,
                title=item.title or document.title,
                published=item.published,
                language=item.language or self.source.language,
                doc_type=item.doc_type,
            ),
            raw=raw,
            content_type="text/html; charset=utf-8",
            etag=None,
            last_modified=None,
            fetched_url=item.url,
        )

    @staticmethod
    def _listing_page_document(body_html: str, title: str, url: str) -> Document:
        page = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><article>"
            f"<h1>{html_lib.escape(title)}</h1>"
            f"<div class='listing-body'>{body_html}</div></article></body></html>"
        )
        return extract_html(
            page, url=url, selectors={"title": ["h1"], "body": ["div.listing-body"]}
        )

    def select(self, items: list[Item]) -> list[Item]:
        """Keep the first `max_items` distinct URLs."""
        seen: set[str] = set()
        kept = []
        for item in items:
            if item.url not in seen:
                seen.add(item.url)
                kept.append(item)
        return kept[: self.source.max_items]


# -- feed parsing, shared by RSS and Atom kinds -------------------------------------------
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def parse_xml(url: str, body: bytes) -> etree._Element:
    try:
        return etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise PermanentFetchError(url, f"feed is not well-formed XML ({exc.msg})") from exc


def rss_items(url: str, root: etree._Element) -> list[etree._Element]:
    if root.tag != "rss" or root.find("channel") is None:
        raise PermanentFetchError(url, f"not an RSS 2.0 feed (root element <{root.tag}>)")
    return root.findall("channel/item")


def child_text(element: etree._Element, path: str) -> str | None:
    found = element.find(path, NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def rfc822_to_iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None


def fetch_date(response: Response) -> date:
    """The day a response was served: its HTTP `Date` header, else today (UTC). Listings
    that print dates without a year are read relative to it."""
    value = response.headers.get("date")
    if value:
        try:
            served = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            served = None
        if served is not None:
            return (served.astimezone(UTC) if served.tzinfo else served).date()
    return datetime.now(UTC).date()


def iso_to_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def plain(html_fragment: str | None) -> str:
    """Markup and entities out of a title or summary."""
    if not html_fragment:
        return ""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html_fragment))).strip()


_SESSION_ID = re.compile(r"/sid_[0-9A-Fa-f]{32}")


def canonical_url(url: str) -> str:
    """Tracking and session noise out of a link: fragments, `sid_` paths, `xtor=` tags."""
    parts = urlsplit(url.strip())
    path = _SESSION_ID.sub("", parts.path)
    query = "&".join(
        p for p in parts.query.split("&") if p and not p.lower().startswith(("xtor=", "utm_"))
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, query, ""))


__all__ = [
    "ADAPTERS",
    "FetchError",
    "Fetched",
    "Item",
    "Option",
    "SourceAdapter",
    "SourceConfig",
]
