"""U.S. Department of State (www.state.gov and its archive hosts such as 2021-2025.state.gov).

Articles carry the document type ("Media Note", "Joint Statement") and a date line
("February 6, 2019") above `div.entry-content`. Released texts are framed by "The text of
the following statement was released by …", "Begin Text:" and "End Text."; the frame is
noise in selectors.yaml so that the body is the statement itself. The "Technical
Difficulties" page served with HTTP 200 to non-browser clients is refused as a block page.
"""

from __future__ import annotations

from coalition_watch.extract.engine import read_page
from coalition_watch.extract.profiles import catalogue
from coalition_watch.model import Document

KIND = "state_gov"


def extract(html: str | bytes, *, where: str, url: str | None = None) -> Document:
    return read_page(html, catalogue().kinds[KIND], where).document(url=url)
