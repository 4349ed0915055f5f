"""WordPress sites, first of all the Coalition's own (theglobalcoalition.org).

Discovery from the REST listing (`/wp-json/wp/v2/posts`: `link`, `date`, `title.rendered`,
`content.rendered`) or, failing that, the RSS feed (`content:encoded`). The listing carries
the whole body, so by default the body is read from it; `body_from: page` reads the article.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urljoin

from coalition_watch.errors import PermanentFetchError
from coalition_watch.fetch import JSON_TYPES, PoliteClient
from coalition_watch.sources.base import (
    Item,
    Option,
    SourceAdapter,
    canonical_url,
    iso_to_date,
    plain,
)


class WordPress(SourceAdapter):
    """A WordPress site: REST posts listing or RSS feed; body from the listing or page."""

    kind = "wordpress"
    url_names = {"rest": False, "rss": False}
    options = {
        "body_from": Option(
            str,
            "listing",
            "read the body from the listing or from the article page",
            ("page", "listing"),
        ),
        "extract_kind": Option(
            str, "global_coalition", "extraction adapter for article pages (body_from: page)"
        ),
    }

    @property
    def extract_kind(self) -> str:  # type: ignore[override]
        return self.source.option("extract_kind")

    def discover(self, client: PoliteClient) -> list[Item]:
        if url := self.source.urls.get("rest"):
            return self.select(self._from_rest(client, url))
        return self.select(self.rss_listing(client, self.source.urls["rss"]))

    def listing_pages(self, client: PoliteClient) -> Iterator[list[Item]]:
        """REST listings page by page (`page=N`, as many as X-WP-TotalPages says)."""
        url = self.source.urls.get("rest")
        if not url:
            yield self.discover(client)
            return
        page = 1
        while True:
            page_url = url if page == 1 else f"{url}{'&' if '?' in url else '?'}page={page}"
            items, pages = self._rest_page(client, page_url)
            yield items
            page += 1
            if page > pages:
                return

    def _from_rest(self, client: PoliteClient, url: str) -> list[Item]:
        return self._rest_page(client, url)[0]

    def _rest_page(self, client: PoliteClient, url: str) -> tuple[list[Item], int]:
        """One page of posts, filtered, and how many pages the listing has."""
        response = client.get(url, allowed_hosts=self.source.allowed_hosts, accept=JSON_TYPES)
        if response.not_modified:
            return [], 0
        header = response.headers.get("x-wp-totalpages", "1")
        pages = int(header) if header.strip().isdigit() else 1
        try:
            posts = json.loads(response.text)
            if not isinstance(posts, list):
                raise TypeError("expected a JSON list of posts")
            rows = [
                (
                    p["link"],
                    p["title"]["rendered"],
                    p.get("date"),
                    p["content"]["rendered"],
                    (p.get("excerpt") or {}).get("rendered"),
                )
                for p in posts
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise PermanentFetchError(url, f"not a WordPress posts listing ({exc})") from exc
        found = []
        for link, title_html, date, content, excerpt in rows:
            title = plain(title_html)
            # Every post on the Coalition's site mentions Daesh somewhere in its body:
            # title and excerpt say whether it is a statement.
            if not self.wanted(title, plain(excerpt)):
                continue
            found.append(
                Item(
                    url=canonical_url(urljoin(url, link)),
                    title=title,
                    published=iso_to_date(date),
                    language=self.source.language,
                    body_html=content,
                )
            )
        return found, pages
