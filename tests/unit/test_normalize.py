import unicodedata

import pytest

from coalition_watch.normalize import (
    clean_display,
    collapse_abbreviations,
    comparison_key,
    display_paragraphs,
    fold,
    join_page_breaks,
    strip_numbering,
    unwrap_lines,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("relevant UN (United Nations) Security Council", "relevant UN Security Council"),
        ("the ~~NATO (North Atlantic Treaty Organization)~~ Defence", "the NATO Defence"),
        ("~~NATO (North Atlantic Treaty Organization)~~'s mission", "NATO's mission"),
        ("via INTERPOL (International Criminal Police Organization)", "via INTERPOL"),
        ("the EU (European Union) and", "the EU and"),
        ("ISIS (also known as Daesh) attacks", "ISIS (also known as Daesh) attacks"),
        ("COVID-19 (see annex) measures", "COVID-19 (see annex) measures"),
        ("the UN (Security Council) met", "the UN (Security Council) met"),
        ("a ~~struck~~ word", "a struck word"),
    ],
)
def test_abbreviation_expansions_collapse_to_the_short_form(text, expected):
    assert collapse_abbreviations(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. The Ministers met.", "The Ministers met."),
        ("12. The Ministers met.", "The Ministers met."),
        ("(a) the Ministers met.", "the Ministers met."),
        ("iv) the Ministers met.", "the Ministers met."),
        ("2.3. The Ministers met.", "The Ministers met."),
        ("U.S. Secretary of State", "U.S. Secretary of State"),
        ("2254 is a resolution.", "2254 is a resolution."),
        ("The Ministers met.", "The Ministers met."),
    ],
)
def test_strip_numbering_removes_only_leading_paragraph_numbers(text, expected):
    assert strip_numbering(text) == expected


def test_unwrap_lines_joins_hard_wraps_and_keeps_real_hyphens():
    assert unwrap_lines("the Coalition\n  remains well-\nknown and\r\nunited") == (
        "the Coalition remains well-known and united"
    )


def test_page_break_cut_paragraphs_are_rejoined_only_when_cut_mid_sentence():
    paragraphs = ["The Coalition reaffirmed its", "willingness to act.", "Next one.", "upper ok."]
    assert join_page_breaks(paragraphs) == [
        "The Coalition reaffirmed its willingness to act.",
        "Next one.",
        "upper ok.",
    ]
    assert join_page_breaks(["Iraq and Syria", "The Ministers met."]) == [
        "Iraq and Syria",
        "The Ministers met.",
    ]


def test_clean_display_removes_invisible_characters_and_composes_nfd():
    nfd = unicodedata.normalize("NFD", "Wilmès")
    assert clean_display(f"Sophie\u00a0{nfd}\u200b  and inter\u00adnational\ufeff") == (
        "Sophie Wilmès and international"
    )


def test_fold_makes_typography_compare_equal_but_display_keeps_it():
    curly = "the Coalition\u2019s \u201cnon\u2011combat\u201d mission \u2013 in Iraq"
    straight = 'The Coalition\'s "non-combat" mission - in Iraq'
    assert fold(curly) == fold(straight)
    assert display_paragraphs([curly]) == [curly]


def test_comparison_key_ignores_numbering_and_abbreviation_expansions():
    assert comparison_key("3. The UN (United Nations) Security Council met.") == comparison_key(
        "The UN Security Council met."
    )


def test_display_paragraphs_drops_empties_and_applies_every_step():
    assert display_paragraphs(["", "  The ~~UN (United Nations)~~\n reaffirmed its", "will."]) == [
        "The UN reaffirmed its will."
    ]
