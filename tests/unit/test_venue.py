"""The venue of a meeting, read from its statement's opening: real communiqués first."""

from __future__ import annotations

from pathlib import Path

import pytest

from coalition_watch.extract import extract_path
from coalition_watch.venue import VIRTUAL, meeting_venue

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "replay" / "history" / "www.auswaertiges-amt.de" / "en" / "newsroom" / "news"


@pytest.mark.parametrize("seed", ["000_4eaa05a6e6643515.txt", "004_f913646eee8ea0e9.txt"])
def test_the_seed_meetings_were_virtual(seed):
    """Both real seed communiqués open with 'met virtually today'."""
    doc = extract_path(ROOT / "tests" / "data" / "seeds" / seed)
    assert meeting_venue(doc.title, doc.paragraphs) == VIRTUAL


@pytest.mark.parametrize(
    ("page", "venue"),
    [
        ("anti-isis-coalition-marrakech-2527608.html", "Marrakech"),
        ("anti-isis-coalition-new-york-2729061.html", "New York"),
        ("anti-isis-coalition-riyadh-2603417.html", "Riyadh"),
        ("anti-isis-coalition-washington-1864705.html", "Washington"),
    ],
)
def test_the_recorded_meetings_name_their_city(page, venue):
    doc = extract_path(HISTORY / page)
    assert meeting_venue(doc.title, doc.paragraphs) == venue


@pytest.mark.parametrize(
    ("opening", "venue"),
    [
        ("Die Außenministerinnen und Außenminister trafen sich heute in Rom.", "Rom"),
        ("Die Minister kamen per Videokonferenz zusammen.", VIRTUAL),
        ("The Ministers met today in The Hague to review progress.", None),  # "The" is no city
        ("The Coalition's work in Iraq and Syria continues.", None),
        ("Ministers meeting in Brussels, Belgium, welcomed the report.", "Brussels"),
        ("The Ministers met virtually; a meeting in Rome is planned.", VIRTUAL),
    ],
)
def test_openings_in_english_and_german(opening, venue):
    assert meeting_venue("Joint statement", [opening]) == venue


def test_a_place_named_later_in_the_statement_is_not_its_venue():
    later = ["Ministers reaffirmed their resolve.", "x", "y", "They met in Rome last year."]
    assert meeting_venue("Joint statement", later) is None
