"""Any other ministry or embassy, driven by configuration: adding one is YAML, not code.

The listing is an RSS feed (`listing_format: rss`, e.g. a WordPress embassy's `/feed/`) or
an HTML page read with CSS selectors (`listing: {item, link, title, date}`). Article pages
go through the generic extractor, with `selectors` from the source if given, else the
profile for the host in coalition_watch/config/selectors.yaml. That profile's
`title_strip` patterns clean listing titles too ("... (25.06.19)" on diplomatie.gouv.fr).
Listing dates without a year ("30 Mar") are read relative to the day the listing was
served (coalition_watch.extract.dates.parse_date).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from coalition_watch.errors import PermanentFetchError
from coalition_watch.extract import extract_html
from coalition_watch.extract.dates import parse_date
from coalition_watch.extract.generic import profile_for
from coalition_watch.fetch import PoliteClient
from coalition_watch.model import Document
from coalition_watch.normalize import clean_display
from coalition_watch.sources.base import (
    Fetched,
    Item,
    Option,
    SourceAdapter,
    canonical_url,
    fetch_date,
)

LISTING_KEYS = {"item", "link", "title", "date"}


class Generic(SourceAdapter):
    """A site read through selectors in sources.yaml (co-host ministries, embassies)."""

    kind = "generic"
    url_names = {"listing": True}
    options = {
        "listing_format": Option(
            str, "html", "the listing is an HTML page or an RSS feed", ("html", "rss")
        ),
        "listing": Option(dict, None, "CSS selectors of the HTML listing: item, link, title, date"),
        "selectors": Option(dict, None, "article selectors for the generic extractor"),
    }

    def discover(self, client: PoliteClient) -> list[Item]:
        url = self.source.urls["listing"]
        if self.source.option("listing_format") == "rss":
            items = self.rss_listing(client, url)
        else:
            items = self._from_html(client, url)
        return self.select(self._clean_titles(items))

    def _clean_titles(self, items: list[Item]) -> list[Item]:
        """Titles through the article profile's `title_strip` (the source's selectors, else
        the profile for each item's host)."""
        selectors = self.source.option("selectors")
        shared = profile_for(None, selectors) if selectors is not None else None
        cleaned = []
        for item in items:
            profile = shared or profile_for(item.url)
            cleaned.append(dataclasses.replace(item, title=profile.clean_title(item.title)))
        return cleaned

    def listing_pages(self, client: PoliteClient) -> Iterator[list[Item]]:
        """An HTML listing page after page, following its rel="next" link (the archive's
        older pages); an RSS listing is one page."""
        if self.source.option("listing_format") == "rss":
            yield self.discover(client)
            return
        url: str | None = self.source.urls["listing"]
        seen: set[str] = set()
        while url and url not in seen:
            seen.add(url)
            items, url = self._html_page(client, url)
            yield self._clean_titles(items)

    def _from_html(self, client: PoliteClient, url: str) -> list[Item]:
        return self._html_page(client, url)[0]

    def _html_page(self, client: PoliteClient, url: str) -> tuple[list[Item], str | None]:
        """The coalition statements of one listing page, and the URL of the next page."""
        listing: dict[str, Any] = self.source.option("listing")
        response = self.get_page(client, url)
        if response.not_modified:
            return [], None
        served_on = fetch_date(response)
        soup = BeautifulSoup(response.text, "lxml")
        rows = soup.select(listing["item"])
        if not rows:
            raise PermanentFetchError(url, f"listing selector {listing['item']!r} matched nothing")
        found = []
        for row in rows:
            link = row.select_one(listing["link"])
            if link is None or not link.get("href"):
                continue
            title_el = row.select_one(listing["title"]) if listing.get("title") else link
            title = clean_display(title_el.get_text(" ")) if title_el else ""
            date_el = row.select_one(listing["date"]) if listing.get("date") else None
            row_text = clean_display(row.get_text(" "))
            if not self.wanted(title, row_text):
                continue
            found.append(
                Item(
                    url=canonical_url(urljoin(response.url, link["href"])),
                    title=title,
                    published=(
                        parse_date(date_el.get_text(" "), reference=served_on) if date_el else None
                    ),
                    language=self.source.language,
                )
            )
        following = soup.select_one('link[rel~="next"][href], a[rel~="next"][href]')
        return found, urljoin(response.url, following["href"]) if following else None

    def fetch_document(self, client: PoliteClient, item: Item) -> Fetched | None:
        response = self.get_page(client, item.url)
        if response.not_modified:
            return None
        return self.fetched(item, self.extract_stored(response.text, response.url), response)

    def extract_stored(self, raw: bytes | str, url: str) -> Document:
        if self.body_from_listing:
            return super().extract_stored(raw, url)
        return extract_html(raw, url=url, kind="generic", selectors=self.source.option("selectors"))
