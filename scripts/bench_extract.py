"""Extraction cost relative to a bare parse.

Builds a few hundred article pages in memory from the recorded fixtures in replay/pages
(each fixture repeated with its body lengthened or shortened and its markup ids varied),
then times, in the same run and on the same bytes, `BeautifulSoup(html, "lxml")` alone and
`coalition_watch.extract.extract_html`. Prints both and their ratio (target: <= 3x).

    python scripts/bench_extract.py [--pages 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from coalition_watch.errors import ExtractionError
from coalition_watch.extract import extract_html

PAGES = Path(__file__).resolve().parents[1] / "replay" / "pages"
_PARAGRAPH = re.compile(rb"(<p[ >].*?</p>)", re.S)


def fixture_pages() -> list[tuple[str, bytes]]:
    """(url, html) of every recorded HTML article that extracts (block pages left out)."""
    index = yaml.safe_load((PAGES / "INDEX.yaml").read_text(encoding="utf-8"))
    found = []
    for entry in index["pages"]:
        if not entry["file"].endswith(".html"):
            continue
        html = (PAGES / entry["file"]).read_bytes()
        try:
            extract_html(html, url=entry["url"])
        except ExtractionError:
            continue
        found.append((entry["url"], html))
    return found


def variant(html: bytes, number: int) -> bytes:
    """The page with its paragraphs repeated or trimmed and an id changed: same shape,
    different size and bytes, so nothing is measured on one cached input."""
    paragraphs = _PARAGRAPH.findall(html)
    if paragraphs and number % 3 == 1:
        last = paragraphs[-1]
        html = html.replace(last, last + b"\n" + b"\n".join(paragraphs[: number % 7 + 1]), 1)
    elif len(paragraphs) > 4 and number % 3 == 2:
        html = html.replace(paragraphs[-2], b"", 1)
    return html.replace(b"<body", f'<body data-variant="{number}"'.encode(), 1)


def one_round(pages) -> tuple[float, float]:
    """Seconds spent on bare parses and on extractions, page by page side by side, so a
    busy neighbour on a shared machine slows both sides alike."""
    bare = ours = 0.0
    clock = time.perf_counter
    for url, html in pages:
        start = clock()
        BeautifulSoup(html, "lxml")
        middle = clock()
        extract_html(html, url=url)
        bare, ours = bare + (middle - start), ours + (clock() - middle)
    return bare, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    base = fixture_pages()
    pages = [
        (url, variant(html, n)) for n in range(args.pages) for url, html in [base[n % len(base)]]
    ]
    megabytes = sum(len(html) for _, html in pages) / 1e6

    rounds = [one_round(pages) for _ in range(args.rounds)]
    ratios = sorted(ours / bare for bare, ours in rounds)
    bare, ours = min(r[0] for r in rounds), min(r[1] for r in rounds)
    print(f"pages: {len(pages)} ({len(base)} fixtures, {megabytes:.1f} MB), rounds: {args.rounds}")
    print(f"bare BeautifulSoup(html, 'lxml'): {bare:.3f} s ({bare / len(pages) * 1e3:.2f} ms/page)")
    print(f"extract_html:                     {ours:.3f} s ({ours / len(pages) * 1e3:.2f} ms/page)")
    print(
        f"ratio extract/parse: {ratios[len(ratios) // 2]:.2f}x median of {len(ratios)} rounds "
        f"(range {ratios[0]:.2f}-{ratios[-1]:.2f}; target <= 3x)"
    )


if __name__ == "__main__":
    main()
