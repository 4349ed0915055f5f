"""What the Coalition said about X: ranked statements with a highlighted snippet.

    find(store, classifier, query, theme=..., series=..., since=...) -> [hit dict]

The store ranks versions (store/search.py); here each hit gets the paragraph that holds
most of the query's words, cut around the first of them, with every word whose stem
matches wrapped in <mark> (the rest HTML-escaped, so the UI can show it as is). With a
theme, only statements where such a paragraph is about that theme are kept.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from coalition_watch.classify import Classifier
from coalition_watch.store import Store
from coalition_watch.store.search import SearchHit, SearchIndex, stems, words

SNIPPET_CHARS = 240
MARK = re.compile(r"\w+", re.UNICODE)


def query_stems(query: str) -> set[str]:
    return {stem for word in words(query) for stem in stems(word)}


def matches_in(paragraph: str, wanted: set[str]) -> int:
    return sum(1 for word in words(paragraph) if stems(word) & wanted)


def snippet(paragraph: str, wanted: set[str], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `paragraph` around its first match, matches marked."""
    found = [m for m in MARK.finditer(paragraph) if stems(m.group()) & wanted]
    start = 0
    if found and len(paragraph) > width:
        start = max(0, found[0].start() - width // 3)
        start = paragraph.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(paragraph), start + width)
    if end < len(paragraph):
        end = paragraph.rfind(" ", start, end) if " " in paragraph[start:end] else end
    pieces, position = [], start
    for m in found:
        if m.start() < start or m.end() > end:
            continue
        pieces.append(html.escape(paragraph[position : m.start()]))
        pieces.append(f"<mark>{html.escape(m.group())}</mark>")
        position = m.end()
    pieces.append(html.escape(paragraph[position:end]))
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(paragraph) else "")


def best_paragraphs(paragraphs: Sequence[str], wanted: set[str]) -> list[str]:
    """The paragraphs holding query words, most matches first."""
    scored = [(matches_in(p, wanted), i, p) for i, p in enumerate(paragraphs)]
    return [p for n, _, p in sorted(scored, key=lambda s: (-s[0], s[1])) if n]


def find(
    store: Store,
    classifier: Classifier,
    query: str,
    *,
    theme: str | None = None,
    series: str | None = None,
    since: str | None = None,
    limit: int = 20,
) -> list[dict]:
    wanted = query_stems(query)
    index = SearchIndex(store)
    hits = index.search(query, series=series, since=since, limit=limit * 5 if theme else limit)
    results = []
    for hit in hits:
        paragraphs = best_paragraphs((hit.title, *hit.paragraphs), wanted)
        if theme:
            paragraphs = [p for p in paragraphs if _about(classifier, p, theme)]
            if not paragraphs:
                continue
        results.append(hit_json(hit, snippet(paragraphs[0], wanted) if paragraphs else ""))
        if len(results) == limit:
            break
    return results


def _about(classifier: Classifier, paragraph: str, theme: str) -> bool:
    return any(match.id == theme for match in classifier.classify(paragraph, None))


def hit_json(hit: SearchHit, snippet_html: str) -> dict:
    return {
        "statement_id": hit.statement_id,
        "title": hit.title,
        "published": hit.published,
        "source": hit.source,
        "series": hit.series,
        "url": hit.url,
        "version_id": hit.version_id,
        "snippet": snippet_html,
        "rank": round(hit.rank, 4),
    }
