"""Presentation-only variants and other publishers' re-edits: nothing substantive."""

from __future__ import annotations

import difflib
import re
import textwrap
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from coalition_watch.diff import diff_documents
from coalition_watch.model import Document

SEED_PAIR = Path(__file__).parents[1] / "data" / "diff" / "seed_pair.yaml"
_DATA = yaml.safe_load(SEED_PAIR.read_text(encoding="utf-8"))
BASES = {
    k: Document(_DATA[k]["title"], tuple(_DATA[k]["paragraphs"]), _DATA[k]["published"])
    for k in ("old", "new")
}


def _each(paragraphs, edit):
    return tuple(edit(p) for p in paragraphs)


def curly_quotes(ps):
    def swap(p: str) -> str:
        p = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", p)
        return p.replace("'", "\u2019") if "'" in p else p.replace("\u2019", "'")

    return _each(ps, swap)


def hard_wrapped(ps):
    return _each(ps, lambda p: textwrap.fill(p, width=72))


def nfd(ps):
    return _each(ps, lambda p: unicodedata.normalize("NFD", p))


def invisible_characters(ps):
    def insert(p: str) -> str:
        p = re.sub(r"\b(\w{5})(\w{4,})", "\\1\u00ad\\2", p)  # soft hyphens in long words
        return p.replace(" the ", " the\u200b ")

    return _each(ps, insert)


def abbreviation_expansions(ps):
    def expand(p: str) -> str:
        p = re.sub(r"\bUN\b(?! \()", "UN (United Nations)", p)
        p = re.sub(r"\bNATO\b(?! \()", "NATO (North Atlantic Treaty Organization)", p)
        return p.replace("U.S.", "United States")

    return _each(ps, expand)


def page_break(ps):
    words = ps[2].split()
    cut = len(words) // 2
    return ps[:2] + (" ".join(words[:cut]), " ".join(words[cut:])) + ps[3:]


def page_boilerplate(ps):
    return ("Top of page", "Share", *ps, "Keywords", "Print this page")


def doubled_spaces(ps):
    return _each(ps, lambda p: p.replace(", ", ",  ").replace(". ", ".   "))


def _mojibake(text: str, rounds: int = 1) -> str:
    """UTF-8 bytes read as Windows-1252, `rounds` times (undecodable bytes kept as Latin-1)."""
    for _ in range(rounds):
        text = "".join(
            ch.encode("utf-8").decode("cp1252", errors="ignore") or ch.encode().decode("latin-1")
            for ch in text
        )
    return text


def mojibake_in_part_of_the_page(ps):
    """The first half of the page served as UTF-8 read as Windows-1252, the rest clean."""
    half = len(ps) // 2
    return _each(ps[:half], _mojibake) + ps[half:]


def mojibake_twice(ps):
    return _each(ps[:3], lambda p: _mojibake(p, 2)) + ps[3:]


def double_escaped_entities(ps):
    entities = {"\u2019": "&amp;rsquo;", "\u00e8": "&amp;egrave;", "\u00e9": "&amp;#233;"}
    return _each(ps, lambda p: "".join(entities.get(ch, ch) for ch in p))


def replacement_characters(ps):
    """Curly apostrophes and accented letters lost to U+FFFD in the first three paragraphs."""
    return _each(ps[:3], lambda p: re.sub("[\u2019\u00e8\u00e9]", "\ufffd", p)) + ps[3:]


VARIANTS: dict[str, Callable] = {
    f.__name__: f
    for f in (
        mojibake_in_part_of_the_page,
        mojibake_twice,
        double_escaped_entities,
        replacement_characters,
        curly_quotes,
        hard_wrapped,
        nfd,
        invisible_characters,
        abbreviation_expansions,
        page_break,
        page_boilerplate,
        doubled_spaces,
    )
}


def _line_diff_flags(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    lines_a = "\n".join(a).splitlines()
    lines_b = "\n".join(b).splitlines()
    return any(line[:1] in "+-?" for line in difflib.ndiff(lines_a, lines_b))


@pytest.mark.parametrize("base", sorted(BASES))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_presentation_variant_has_no_substantive_change(base: str, variant: str) -> None:
    doc = BASES[base]
    edited = Document(doc.title, VARIANTS[variant](doc.paragraphs), doc.published)
    diff = diff_documents(doc, edited)
    assert diff.substantive == [], [c.to_json() for c in diff.substantive]


def test_a_line_diff_flags_almost_every_variant() -> None:
    doc = BASES["old"]
    flagged = [
        name
        for name, make in VARIANTS.items()
        if _line_diff_flags(doc.paragraphs, make(doc.paragraphs))
    ]
    assert len(flagged) >= len(VARIANTS) - 1


def _republished(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """Another government's house style: ISIL, British spelling, numbered paragraphs."""

    def restyle(p: str) -> str:
        p = p.replace("Daesh/ISIS", "ISIL")
        for us, uk in (
            ("ization", "isation"),
            ("endeavor", "endeavour"),
            ("ized", "ised"),
            ("Defense", "Defence"),
            ("program", "programme"),
        ):
            p = p.replace(us, uk)
        return p

    return tuple(f"{n}. {restyle(p)}" for n, p in enumerate(paragraphs, 1))


@pytest.mark.parametrize("base", sorted(BASES))
def test_another_publishers_re_edit_is_cosmetic(base: str) -> None:
    doc = BASES[base]
    other = Document(doc.title, _republished(doc.paragraphs), doc.published)
    diff = diff_documents(doc, other)
    assert diff.substantive == []
    assert diff.cosmetic  # the restyled sentences are still listed, as cosmetic


def test_an_added_sentence_in_one_publication_is_exactly_reported() -> None:
    doc = BASES["old"]
    added = "The Ministers thanked the Kingdom of Belgium for its support."
    paragraphs = list(_republished(doc.paragraphs))
    paragraphs[4] = paragraphs[4] + " " + added
    diff = diff_documents(doc, Document(doc.title, tuple(paragraphs), doc.published))
    assert [(c.kind, c.new, c.inserted) for c in diff.substantive] == [("added", added, [added])]
