"""UK government (www.gov.uk): pages and Content API items.

A page keeps the body in `div.govspeak` and the first publication in the
`govuk:first-published-at` meta tag; the history banner "This was published under the …
government" is noise. A Content API item (`/api/content/<path>`) carries the same body as
HTML in `details.body`, the title, `first_published_at`, `document_type` and `locale`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bs4 import BeautifulSoup

from coalition_watch.errors import ExtractionError
from coalition_watch.extract.dates import parse_date
from coalition_watch.extract.engine import body_texts, clean_paragraphs, read_page
from coalition_watch.extract.language import declared_language
from coalition_watch.extract.profiles import catalogue
from coalition_watch.json_input import JsonInputError, parse_json
from coalition_watch.model import Document
from coalition_watch.normalize import clean_display

KIND = "gov_uk"


def extract(html: str | bytes, *, where: str, url: str | None = None) -> Document:
    page = read_page(html, catalogue().kinds[KIND], where)
    doc_type = page.doc_type.replace("_", " ").capitalize() if page.doc_type else None
    return page.document(url=url, doc_type=doc_type)


def extract_content_item(item: Mapping[str, Any] | str | bytes, *, where: str) -> Document:
    """A Content API JSON item (decoded or raw) as a Document."""
    if isinstance(item, str | bytes):
        try:
            item = parse_json(item)
        except JsonInputError as error:
            raise ExtractionError(where, f"not a gov.uk content item: {error}") from None
    if not isinstance(item, Mapping):
        raise ExtractionError(where, "not a gov.uk content item: expected a JSON object")
    details = item.get("details")
    body_html = details.get("body") if isinstance(details, Mapping) else None
    if not isinstance(body_html, str) or not body_html.strip():
        raise ExtractionError(where, "gov.uk content item has no details.body")
    fragment = BeautifulSoup(body_html, "lxml")
    profile = catalogue().kinds[KIND]
    paragraphs = clean_paragraphs(body_texts(fragment, profile), profile)
    if not paragraphs:
        raise ExtractionError(where, "gov.uk content item details.body holds no text")
    base_path = item.get("base_path")
    doc_type = item.get("document_type")
    return Document(
        title=clean_display(str(item.get("title") or "")),
        paragraphs=tuple(paragraphs),
        published=parse_date(str(item.get("first_published_at") or "")),
        language=declared_language(str(item.get("locale") or "")),
        url=f"https://www.gov.uk{base_path}" if isinstance(base_path, str) else None,
        doc_type=doc_type.replace("_", " ").capitalize() if isinstance(doc_type, str) else None,
    )
