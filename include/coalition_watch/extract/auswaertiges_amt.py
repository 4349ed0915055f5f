"""German Federal Foreign Office (auswaertiges-amt.de), English and German article pages.

The meta line under the title reads "04.06.2020 - Press release" (or "- Pressemitteilung");
it carries both the date and the document type. Abbreviations are `<abbr title>` markup,
whose text is the short form only, so the expansion never reaches the paragraphs.
"""

from __future__ import annotations

from coalition_watch.extract.engine import read_page
from coalition_watch.extract.profiles import catalogue
from coalition_watch.model import Document

KIND = "auswaertiges_amt"


def split_meta(meta: str) -> tuple[str, str | None]:
    """ "04.06.2020 - Press release" -> ("04.06.2020", "Press release")."""
    date_part, _, doc_type = meta.partition(" - ")
    return date_part.strip(), (doc_type.strip() or None)


def extract(html: str | bytes, *, where: str, url: str | None = None) -> Document:
    page = read_page(html, catalogue().kinds[KIND], where)
    _, doc_type = split_meta(page.date_text)
    return page.document(url=url, doc_type=doc_type)
