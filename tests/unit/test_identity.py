"""One statement, several publications."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from coalition_watch.errors import BadInput
from coalition_watch.identity import SAME_STATEMENT_THRESHOLD, compare_publications, same_statement
from coalition_watch.model import Document

_DATA = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "diff" / "seed_pair.yaml").read_text(encoding="utf-8")
)
OLD, NEW = (
    Document(_DATA[k]["title"], tuple(_DATA[k]["paragraphs"]), _DATA[k]["published"], "en")
    for k in ("old", "new")
)


def _house_style(doc: Document) -> Document:
    paragraphs = tuple(
        f"{n}. " + p.replace("Daesh/ISIS", "Daesh").replace("ization", "isation")
        for n, p in enumerate(doc.paragraphs, 1)
    )
    return replace(doc, paragraphs=paragraphs, url="https://example.org/other-government")


def test_re_edit_by_another_publisher_is_the_same_statement() -> None:
    assert same_statement(NEW, _house_style(NEW)) >= 0.95


def test_consecutive_meetings_are_different_statements() -> None:
    score = same_statement(OLD, NEW)
    assert 0.3 < score < SAME_STATEMENT_THRESHOLD


def test_same_url_is_the_same_statement() -> None:
    a = replace(OLD, url="https://example.org/a")
    b = replace(NEW, url="https://example.org/a")
    assert same_statement(a, b) == 1.0


def test_translation_shares_names_and_numbers() -> None:
    german = Document(
        "Gemeinsames Kommuniqué",
        (
            "Auf Einladung des belgischen Außenministers Sophie Wilmès und des US-Außenministers "
            "Antony J. Blinken trafen sich die Außenminister der Small Group virtuell. "
            "Sie verwiesen auf die Resolution 2254 des UN-Sicherheitsrats, auf NATO und INTERPOL, "
            "und auf die Anschläge in Baghdad, Erbil und Al Asad.",
        ),
        NEW.published,
        "de",
    )
    assert same_statement(NEW, german) > same_statement(
        OLD, replace(german, published="2020-06-04")
    )


def test_variants_of_one_statement_are_listed_not_alerted() -> None:
    variants = compare_publications(NEW, _house_style(NEW))
    assert variants.same
    assert variants.substantive == []
    assert variants.changes  # the house-style differences are still visible


def test_different_statements_have_no_variants() -> None:
    variants = compare_publications(OLD, NEW)
    assert not variants.same and variants.changes == []


def test_rejects_non_documents() -> None:
    with pytest.raises(BadInput, match="second document"):
        same_statement(OLD, "text")  # type: ignore[arg-type]
