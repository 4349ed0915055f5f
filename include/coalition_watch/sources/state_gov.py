"""U.S. Department of State (www.state.gov and its archive hosts).

Discovery from a WordPress press-release RSS feed (`dc:creator`, `content:encoded`,
preview `guid`s). The site may answer any client with an HTTP 200 "Technical
Difficulties" page: that is a failed fetch (bot wall), never a new version.
"""

from __future__ import annotations

from urllib.parse import urljoin

from coalition_watch.fetch import PoliteClient
from coalition_watch.sources.base import (
    Item,
    Option,
    SourceAdapter,
    canonical_url,
    child_text,
    plain,
    rfc822_to_iso,
    rss_items,
)


class StateGov(SourceAdapter):
    """state.gov: WordPress press-release RSS; article pages (bot wall detected)."""

    kind = "state_gov"
    extract_kind = "state_gov"
    url_names = {"rss": True}
    options = {
        "body_from": Option(
            str,
            "page",
            "read the body from the article page or content:encoded",
            ("page", "listing"),
        ),
    }

    def discover(self, client: PoliteClient) -> list[Item]:
        url = self.source.urls["rss"]
        _, root = self.get_feed(client, url)
        if root is None:
            return []
        found = []
        for entry in rss_items(url, root):
            title = plain(child_text(entry, "title"))
            summary = plain(child_text(entry, "description"))
            content = child_text(entry, "content:encoded")
            link = child_text(entry, "link")  # the guid is a preview URL: never use it
            if not link or not self.wanted(title, summary, plain(content)):
                continue
            categories = [c.text for c in entry.findall("category") if c.text]
            found.append(
                Item(
                    url=canonical_url(urljoin(url, link)),
                    title=title,
                    published=rfc822_to_iso(child_text(entry, "pubDate")),
                    language=self.source.language,
                    body_html=content,
                    summary=summary,
                    doc_type=categories[0] if categories else None,
                )
            )
        return self.select(found)
