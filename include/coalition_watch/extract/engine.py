"""The shared machinery of the HTML adapters: parse once, refuse non-statement pages, find
the body with a Profile's selectors, read its paragraphs, drop noise.

Site modules call `read_page` and adjust what is specific to them (how a date line is
written, what frames a released text). The work is one lxml-backed parse plus a few
targeted selections, so extraction stays within a small multiple of a bare parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from coalition_watch.errors import ExtractionError
from coalition_watch.extract.dates import parse_date
from coalition_watch.extract.language import declared_language, guess_language
from coalition_watch.extract.profiles import Profile, catalogue
from coalition_watch.model import Document
from coalition_watch.normalize import clean_display, display_paragraphs, is_cut

_SNIFF_BYTES = 65536
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1_TAG = re.compile(r"<h1[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n\s*\n")


def sniff_text(html: str | bytes) -> str:
    """The start of a page as text, good enough for pattern checks (never for extraction)."""
    head = html[:_SNIFF_BYTES]
    return head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head


def detect_block_page(html: str | bytes) -> str | None:
    """Why this page is not a statement (bot wall, 'not found' served as 200), or None.

    Checks the <title> and first <h1> against the title patterns and the raw start of the
    page against the 'anywhere' patterns of selectors.yaml `block_pages`.
    """
    text = sniff_text(html)
    headings = []
    for pattern in (_TITLE_TAG, _H1_TAG):
        match = pattern.search(text)
        if match:
            headings.append(clean_display(_ANY_TAG.sub(" ", match.group(1))))
    for rule in catalogue().block_pages:
        if rule.where == "anywhere":
            if rule.pattern.search(text):
                return rule.reason
        elif any(rule.pattern.search(heading) for heading in headings):
            return rule.reason
    return None


def parse(html: str | bytes, where: str) -> BeautifulSoup:
    """One lxml parse; bytes are decoded by their declared charset (meta or BOM)."""
    if not html or not (html.strip() if isinstance(html, str) else html.strip()):
        raise ExtractionError(where, "empty page")
    reason = detect_block_page(html)
    if reason:
        raise ExtractionError(where, reason)
    return BeautifulSoup(html, "lxml")


def element_value(element: Tag | None) -> str:
    """A meta tag's content, a time's datetime, or else the element's text."""
    if element is None:
        return ""
    if element.name == "meta":
        return str(element.get("content") or "")
    if element.name == "time" and element.get("datetime"):
        return str(element["datetime"])
    return element.get_text(" ")


def first_value(profile: Profile, key: str, soup: BeautifulSoup) -> str:
    """The first non-empty value any selector of `key` yields."""
    head = soup.head
    for selector, in_head in zip(
        profile.compiled[key], profile.compiled["in_head"][key], strict=True
    ):
        scope = head if in_head and head is not None else soup
        for element in selector.select(scope, limit=3):
            value = clean_display(element_value(element))
            if value:
                return value
    return ""


def _outermost(elements: list[Tag], body: Tag) -> Iterable[Tag]:
    chosen = {id(e) for e in elements}
    for element in elements:
        parent = element.parent
        nested = False
        while parent is not None and parent is not body:
            if id(parent) in chosen:
                nested = True
                break
            parent = parent.parent
        if not nested:
            yield element


def body_texts(body: Tag, profile: Profile) -> list[str]:
    """Raw paragraph texts of the body: noise elements removed, <br> kept as line breaks."""
    if profile.compiled["drop_all"] is not None:
        for element in profile.compiled["drop_all"].select(body):
            if not element.decomposed:  # not already removed with an ancestor
                element.decompose()
    for br in body.find_all("br"):
        br.replace_with(NavigableString("\n"))
    blocks = list(_outermost(profile.compiled["blocks"].select(body), body))
    if blocks:
        return [block.get_text() for block in blocks]
    # A body of bare text and <br>s: blank lines separate paragraphs.
    return _BLANK_LINES.split(body.get_text())


def clean_paragraphs(texts: Iterable[str], profile: Profile) -> list[str]:
    """Display paragraphs with noise paragraphs dropped and the footer (stop) cut off."""
    kept: list[str] = []
    for paragraph in display_paragraphs(texts):
        if any(p.fullmatch(paragraph) for p in profile.stop):
            break
        if any(p.fullmatch(paragraph) for p in profile.noise):
            continue
        kept.append(paragraph)
    return kept


def split_header(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Leading paragraphs without terminal punctuation (a repeated title, a subtitle, a
    date line) are the page's header, not the statement: (header, body)."""
    for index, paragraph in enumerate(paragraphs):
        if not is_cut(paragraph):
            return paragraphs[:index], paragraphs[index:]
    return [], paragraphs


@dataclass
class Page:
    """What `read_page` found; site modules adjust fields before building the Document."""

    soup: BeautifulSoup
    title: str
    paragraphs: list[str]
    date_text: str
    doc_type: str | None
    language: str | None

    def document(self, *, url: str | None, doc_type: str | None = None) -> Document:
        """The statement as the rest of the pipeline sees it (`doc_type` overrides)."""
        return Document(
            title=self.title,
            paragraphs=tuple(self.paragraphs),
            published=published(self),
            language=self.language,
            url=url,
            doc_type=doc_type if doc_type is not None else self.doc_type,
        )


def read_page(html: str | bytes, profile: Profile, where: str) -> Page:
    soup = parse(html, where)
    body = profile.select_one("body", soup)
    if body is None:
        raise ExtractionError(
            where, f"no statement body: {profile.kind} selectors {list(profile.body)} match nothing"
        )
    header, paragraphs = split_header(clean_paragraphs(body_texts(body, profile), profile))
    if not paragraphs:
        raise ExtractionError(where, f"the {profile.kind} statement body holds no text")
    title = first_value(profile, "title", soup) or (header[0] if header else "")
    title = profile.clean_title(title)
    html_tag = soup.find("html")
    declared = declared_language(html_tag.get("lang") if isinstance(html_tag, Tag) else None)
    language = declared or profile.language or guess_language(" ".join(paragraphs))
    return Page(
        soup=soup,
        title=title,
        paragraphs=paragraphs,
        date_text=first_value(profile, "date", soup) or " ".join(header),
        doc_type=first_value(profile, "doc_type", soup) or None,
        language=language,
    )


def published(page: Page, *fallbacks: Any) -> str | None:
    """ISO date from the page's date text, else from the first fallback text that has one."""
    for text in (page.date_text, *fallbacks):
        found = parse_date(text) if isinstance(text, str) else None
        if found:
            return found
    return None
