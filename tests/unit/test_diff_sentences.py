"""Sentence splitting on diplomatic prose."""

from __future__ import annotations

import pytest

from coalition_watch.diff import split_sentences


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("The Ministers met. They agreed.", ["The Ministers met.", "They agreed."]),
        (
            "U.S. Secretary of State Michael R. Pompeo spoke. The Ministers agreed.",
            ["U.S. Secretary of State Michael R. Pompeo spoke.", "The Ministers agreed."],
        ),
        (
            "Mr. Blinken and Dr. Smith met the U.N. Special Envoy under Resolution No. 2254.",
            ["Mr. Blinken and Dr. Smith met the U.N. Special Envoy under Resolution No. 2254."],
        ),
        (
            "They met in the U.S. The talks went well.",
            ["They met in the U.S.", "The talks went well."],
        ),
        ("1. The Ministers met in Rome.", ["1. The Ministers met in Rome."]),
        ("(a) The Ministers met. (b) They agreed.", ["(a) The Ministers met.", "(b) They agreed."]),
        (
            "The meeting was held on Jan. 21, 2021 in Baghdad. It ended at 5 p.m. on 30.03.2021.",
            [
                "The meeting was held on Jan. 21, 2021 in Baghdad.",
                "It ended at 5 p.m. on 30.03.2021.",
            ],
        ),
        (
            "The Ministers agreed to: strengthen cooperation; share information; and meet again.",
            ["The Ministers agreed to: strengthen cooperation; share information; and meet again."],
        ),
        (
            'He said "we will prevail." The Ministers agreed.',
            ['He said "we will prevail."', "The Ministers agreed."],
        ),
        ("Is this the end? No! It is not.", ["Is this the end?", "No!", "It is not."]),
        (
            "In accordance with Resolution 2254. 2021 will be decisive.",
            ["In accordance with Resolution 2254.", "2021 will be decisive."],
        ),
        ("", []),
    ],
)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_whitespace_is_tidied_but_wording_kept() -> None:
    assert split_sentences("  The  Ministers\nmet.\u00adThey ") == ["The Ministers met.They"]
