"""Text captures of article pages (like the seeds): the statement without the page around it.

A capture is blocks separated by blank lines. Blocks that are page furniture (welcome
lines, breadcrumb trails, URL lines, aggregator framing, icon names) are dropped; the
first footer block ("Keywords", "Overview …", "Externe Webseite …", "Ähnliche Beiträge",
"Kommentare …") ends the statement. Short blocks before the first prose paragraph are
the header: the title (the first heading in the body's language), date lines
("30.03.2021 - Press release", "June 4, 2020") and subtitles. Markdown left by the
capture (**bold**, [links](#), ~~struck abbreviation expansions~~) is unwrapped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from coalition_watch.errors import ExtractionError
from coalition_watch.extract.dates import parse_date
from coalition_watch.extract.language import guess_language
from coalition_watch.extract.profiles import catalogue
from coalition_watch.model import Document
from coalition_watch.normalize import clean_display, display_paragraphs, is_cut, unwrap_lines

_BLOCK_SPLIT = re.compile(r"\n[ \t\u00a0]*\n")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_MARKDOWN_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_META_LINE = re.compile(r"(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s*[-\u2013]\s*(?P<type>[^\d].{0,40})")
_URL_LINE = re.compile(r"(https?://)?(?P<rest>(www\.)?[a-z0-9.-]+\.[a-z]{2,}/\S*)", re.IGNORECASE)


@dataclass
class _Header:
    headings: list[str] = field(default_factory=list)
    published: str | None = None
    doc_type: str | None = None
    url: str | None = None


def _unmark(text: str) -> str:
    return _MARKDOWN_BOLD.sub(r"\2", _MARKDOWN_LINK.sub(r"\1", text))


def _blocks(text: str) -> list[str]:
    """Blocks with icon lines removed, breadcrumb trails dropped, lines unwrapped."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    rules = catalogue().text_capture
    blocks = []
    for raw in _BLOCK_SPLIT.split(text):
        lines = [line for line in raw.split("\n") if line.strip()]
        lines = [ln for ln in lines if not any(p.fullmatch(ln) for p in rules.noise_lines)]
        if not lines or any(p.fullmatch(lines[0].strip()) for p in rules.breadcrumb):
            continue
        block = unwrap_lines(_unmark("\n".join(line.strip() for line in lines)))
        if block:
            blocks.append(block)
    return blocks


def _is_prose(block: str) -> bool:
    """The statement starts at the first block that ends like a sentence."""
    return len(block.split()) >= 3 and not is_cut(block)


def _read_header_block(block: str, header: _Header) -> None:
    url = _URL_LINE.fullmatch(block)
    if url:
        header.url = header.url or f"https://{url['rest']}"
        return
    meta = _META_LINE.fullmatch(block)
    if meta:
        header.published = header.published or parse_date(meta["date"])
        header.doc_type = header.doc_type or clean_display(meta["type"])
        return
    if any(p.fullmatch(block) for p in catalogue().text_capture.noise):
        return
    date = parse_date(block) if len(block) <= 40 else None
    if date:
        header.published = header.published or date
        return
    header.headings.append(block)


def extract_text(text: str, *, where: str = "text capture") -> Document:
    """The statement in a text capture of a page, without the page's furniture."""
    if not isinstance(text, str) or not text.strip():
        raise ExtractionError(where, "empty text capture")
    rules = catalogue().text_capture
    header = _Header()
    body: list[str] = []
    for block in _blocks(text):
        if body and any(p.fullmatch(block) for p in rules.stop):
            break
        if any(p.fullmatch(block) for p in rules.frame):
            continue
        if not body and not _is_prose(block):
            if not any(p.fullmatch(block) for p in rules.stop):
                _read_header_block(block, header)
            continue
        if any(p.fullmatch(block) for p in rules.noise):
            continue
        body.append(block)
    paragraphs = display_paragraphs(body)
    if not paragraphs:
        raise ExtractionError(where, "no statement body: no prose paragraph in the text capture")
    language = guess_language(" ".join(paragraphs))
    title = next(
        (h for h in header.headings if guess_language(h) == language),
        header.headings[0] if header.headings else "",
    )
    return Document(
        title=clean_display(title),
        paragraphs=tuple(paragraphs),
        published=header.published,
        language=language,
        url=header.url,
        doc_type=header.doc_type,
    )
