"""`coalition-watch fetch URL`: one page read and extracted through the same code path."""

from __future__ import annotations

import dataclasses
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


def fetch_url(url: str, client: PoliteClient | None = None) -> Fetched:
    """Fetch `url` politely (unconditionally) and extract it with the adapter for its host."""
    client = client or PoliteClient()
    host = (urlsplit(url).hostname or "").lower()
    response = client.get(url, accept=HTML_TYPES + JSON_TYPES, conditional=False)
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
