"""UK government (www.gov.uk): Atom search feed for discovery, Content API for items.

An Atom entry links the page `/government/news/<slug>`; the same document as JSON is at
`/api/content/government/news/<slug>` with the body in `details.body`.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from coalition_watch.errors import PermanentFetchError
from coalition_watch.extract import extract_content_item
from coalition_watch.fetch import JSON_TYPES, PoliteClient
from coalition_watch.model import Document
from coalition_watch.sources.base import (
    NS,
    Fetched,
    Item,
    SourceAdapter,
    canonical_url,
    child_text,
    iso_to_date,
    plain,
)

API_PREFIX = "/api/content"


def content_api_url(page_url: str) -> str:
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}{API_PREFIX}{parts.path}"


class GovUk(SourceAdapter):
    """gov.uk: Atom search feed; documents from the JSON Content API."""

    kind = "gov_uk"
    extract_kind = "gov_uk"
    url_names = {"atom": True}
    options = {}

    def discover(self, client: PoliteClient) -> list[Item]:
        url = self.source.urls["atom"]
        _, root = self.get_feed(client, url)
        if root is None:
            return []
        if root.tag != f"{{{NS['atom']}}}feed":
            raise PermanentFetchError(url, f"not an Atom feed (root element <{root.tag}>)")
        found = []
        for entry in root.findall("atom:entry", NS):
            title = plain(child_text(entry, "atom:title"))
            summary = plain(child_text(entry, "atom:summary"))
            link = entry.find("atom:link[@rel='alternate']", NS)
            if link is None:
                link = entry.find("atom:link", NS)
            if link is None or not link.get("href") or not self.wanted(title, summary):
                continue
            found.append(
                Item(
                    url=canonical_url(urljoin(url, link.get("href"))),
                    title=title,
                    published=iso_to_date(child_text(entry, "atom:updated")),
                    language=self.source.language,
                    summary=summary,
                )
            )
        return self.select(found)

    def fetch_document(self, client: PoliteClient, item: Item) -> Fetched | None:
        api_url = content_api_url(item.url)
        response = client.get(api_url, allowed_hosts=self.source.allowed_hosts, accept=JSON_TYPES)
        if response.not_modified:
            return None
        return self.fetched(item, self.extract_stored(response.text, api_url), response)

    def extract_stored(self, raw: bytes | str, url: str) -> Document:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return extract_content_item(text, where=url)
