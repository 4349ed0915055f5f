"""`coalition-watch fetch URL`: one page read and extracted through the same code path."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from urllib.parse import urlsplit

from coalition_watch.errors import PermanentFetchError
from coalition_watch.extract import (
    detect_block_page,
    detect_kind,
    extract_content_item,
    extract_html,
)
from coalition_watch.fetch import HTML_TYPES, JSON_TYPES, PoliteClient
from coalition_watch.sources.base import Fetched


def url_host(url: str) -> str:
    """The host a URL names, lower-cased; a URL Python cannot parse is a PermanentFetchError."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError as exc:  # e.g. "http://[::1": an unclosed IPv6 address
        raise PermanentFetchError(url, f"not a valid URL: {exc}") from None


def fetch_url(
    url: str, client: PoliteClient | None = None, *, allowed_hosts: Iterable[str] | None = None
) -> Fetched:
    """Fetch `url` politely (unconditionally) and extract it with the adapter for its host.

    Redirects stay on `allowed_hosts` as a poll's do (default: the URL's own host), so what
    this shows is what a poll would store."""
    client = client or PoliteClient()
    host = url_host(url)
    allowed = list(allowed_hosts) if allowed_hosts else [host]
    response = client.get(
        url, allowed_hosts=allowed, accept=HTML_TYPES + JSON_TYPES, conditional=False
    )
    if response.content_type in JSON_TYPES:
        document = extract_content_item(response.text, where=url)
    else:
        if reason := detect_block_page(response.text):
            raise PermanentFetchError(url, reason)
        document = extract_html(response.text, url=response.url, kind=detect_kind(url=url))
    if not host:
        raise PermanentFetchError(url, "no host")
    return Fetched(
        document=dataclasses.replace(document, url=document.url or response.url),
        raw=response.body,
        content_type=response.headers.get("content-type"),
        etag=response.etag,
        last_modified=response.last_modified,
        fetched_url=url,
    )
