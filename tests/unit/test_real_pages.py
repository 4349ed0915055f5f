"""Real captures of an official page: encoding damage in part of a revision (tests/data/real)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from coalition_watch.diff import diff_documents
from coalition_watch.model import Document

REAL = Path(__file__).parents[1] / "data" / "real"
_BLOCKS = ["p", "li", "h2", "h3", "tr"]


def fema(version: str) -> Document:
    """The body blocks of a capture of FEMA's Hurricane Maria page, as served.

    Only line breaks and runs of spaces are collapsed here; a no-break space stays, as
    the extractor repairs text before it tidies whitespace.
    """
    path = REAL / f"fema-hurricane-maria.{version}.html"
    main = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").select_one("#block-system-main")
    blocks = []
    for element in main.find_all(_BLOCKS):
        if element.find(_BLOCKS):
            continue  # the innermost block carries the text
        text = re.sub(r"[ \t\r\n]+", " ", element.get_text(" ")).strip(" \t\r\n")
        if text:
            blocks.append(text)
    return Document("Hurricane Maria | FEMA.gov", tuple(blocks), None, "en")


@pytest.fixture(scope="module")
def diff():
    return diff_documents(fema("f2d5d701"), fema("fc74d750"))


def test_the_later_capture_really_is_damaged_in_part() -> None:
    damaged = [p for p in fema("fc74d750").paragraphs if re.search("Ã|Â", p)]
    clean = fema("f2d5d701").paragraphs
    assert damaged and not any(re.search("Ã|Â", p) for p in clean)
    assert len(damaged) < len(fema("fc74d750").paragraphs) / 2  # part of the page only


def test_damage_is_cosmetic_and_labelled_and_real_updates_stay(diff) -> None:
    shown = " ".join((c.old or "") + (c.new or "") for c in diff.substantive)
    assert not re.search("Ã|Â", shown)  # no substantive change is damage, none shows it
    assert sum(c.label == "encoding" for c in diff.cosmetic) >= 30
    # The figures FEMA updated between 3 and 5 October 2017 are all reported.
    for deleted, inserted in [("October 3, 2017", "October 5, 2017"), ("94", "92")]:
        assert any(deleted in c.deleted and inserted in c.inserted for c in diff.substantive)
    assert len(diff.substantive) == 9


def test_the_most_significant_first(diff) -> None:
    top = diff.ranked[0]
    assert top.kind == "removed" and top.old.startswith("18 states supporting 62 requests")
    assert diff.ranked[-1].score <= 2  # a lone number ("11") ranks last
