"""U.S. Department of State (www.state.gov and its archive hosts).

Discovery from a WordPress press-release RSS feed (`dc:creator`, `content:encoded`,
preview `guid`s). The site may answer any client with an HTTP 200 "Technical
Difficulties" page: that is a failed fetch (bot wall), never a new version.
"""

from __future__ import annotations

from coalition_watch.fetch import PoliteClient
from coalition_watch.sources.base import (
    Item,
    Option,
    SourceAdapter,
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
        return self.select(self.rss_listing(client, self.source.urls["rss"]))
