"""German Federal Foreign Office (auswaertiges-amt.de), English and German sites.

Discovery from the press RSS feed (whose `description` carries the whole body as HTML in
CDATA) and/or the JSON "filterlist" (`{"items":[{"headline","date":"dd.mm.yyyy","text",
"name","link"}],"itemsTotal":N}`, site-relative links, paged by limit/offset).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urljoin

from coalition_watch.errors import PermanentFetchError
from coalition_watch.fetch import JSON_TYPES, PoliteClient
from coalition_watch.sources.base import (
    Item,
    Option,
    SourceAdapter,
    canonical_url,
    plain,
)

_DOTTED_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})")


def dotted_to_iso(value: str | None) -> str | None:
    match = _DOTTED_DATE.match(value or "")
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


class AuswaertigesAmt(SourceAdapter):
    """auswaertiges-amt.de: press RSS feed and JSON filterlist; article pages."""

    kind = "auswaertiges_amt"
    extract_kind = "auswaertiges_amt"
    url_names = {"rss": False, "filterlist": False}
    options = {
        "body_from": Option(
            str, "page", "read the body from the article page or from the feed", ("page", "listing")
        ),
        "filterlist_pages": Option(int, 1, "how many filterlist pages (limit/offset) to read"),
        "filterlist_limit": Option(int, 20, "items per filterlist page"),
    }

    def discover(self, client: PoliteClient) -> list[Item]:
        items: list[Item] = []
        if url := self.source.urls.get("rss"):
            items += self.rss_listing(client, url, body_in_description=True)
        if url := self.source.urls.get("filterlist"):
            items += self._from_filterlist(client, url)
        return self.select(items)

    def listing_pages(self, client: PoliteClient) -> Iterator[list[Item]]:
        """The filterlist (the press archive) page by page, as far back as it goes; the
        RSS feed, which holds only recent items, comes first."""
        if url := self.source.urls.get("rss"):
            yield self.rss_listing(client, url, body_in_description=True)
        if url := self.source.urls.get("filterlist"):
            offset = 0
            while True:
                items, total = self._filterlist_page(client, url, offset)
                yield items
                offset += self.source.option("filterlist_limit")
                if offset >= total:
                    return

    def _from_filterlist(self, client: PoliteClient, url: str) -> list[Item]:
        found = []
        limit = self.source.option("filterlist_limit")
        for page in range(self.source.option("filterlist_pages")):
            items, total = self._filterlist_page(client, url, page * limit)
            found += items
            if (page + 1) * limit >= total:
                break
        return found

    def _filterlist_page(self, client: PoliteClient, url: str, offset: int):
        """The coalition statements of one filterlist page, and the list's total size."""
        limit = self.source.option("filterlist_limit")
        sep = "&" if "?" in url else "?"
        page_url = f"{url}{sep}limit={limit}&offset={offset}"
        response = client.get(page_url, allowed_hosts=self.source.allowed_hosts, accept=JSON_TYPES)
        if response.not_modified:
            return [], 0
        try:
            data = json.loads(response.text)
            rows = data["items"]
            total = int(data.get("itemsTotal", 0))
        except (ValueError, KeyError, TypeError) as exc:
            raise PermanentFetchError(page_url, f"not a filterlist JSON ({exc})") from exc
        found = []
        for row in rows:
            title, teaser = plain(row.get("headline")), plain(row.get("text"))
            if not row.get("link") or not self.wanted(title, teaser):
                continue
            found.append(
                Item(
                    url=canonical_url(urljoin(url, row["link"])),
                    title=title,
                    published=dotted_to_iso(row.get("date")),
                    language=self.source.language,
                    summary=teaser,
                    doc_type=row.get("name"),
                )
            )
        return found, total
