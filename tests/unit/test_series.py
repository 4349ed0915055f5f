"""Series inference from a statement's title and opening paragraph."""

from __future__ import annotations

import pytest

from coalition_watch.series import SERIES, infer_series


@pytest.mark.parametrize(
    ("title", "opening", "expected"),
    [
        (
            "Joint Communique by Ministers of the Global Coalition to Defeat ISIS Small Group",
            "",
            "small_group_ministerial",
        ),
        (
            "Gemeinsame Erklärung von Ministern der Small Group der internationalen "
            "Anti-IS-Koalition",
            "",
            "small_group_ministerial",
        ),
        (
            "Joint Statement",
            "At the invitation of the Secretary, the Foreign Ministers of the "
            "Global Coalition to Defeat Daesh/ISIS Small Group met virtually today.",
            "small_group_ministerial",
        ),
        (
            "Joint Statement of the Ministers of the Global Coalition to Defeat ISIS",
            "",
            "coalition_ministerial",
        ),
        (
            "D-ISIS Coalition Ministerial Meeting in Rome: Joint Communiqué",
            "",
            "coalition_ministerial",
        ),
        ("Global Coalition Small Group Political Directors Meeting", "", "political_directors"),
        (
            "Joint Statement of the Africa Focus Group of the Global Coalition Against Daesh",
            "",
            "africa_focus_group",
        ),
        (
            "Press statement",
            "The Political Directors of the Global Coalition met in Paris.",
            "political_directors",
        ),
        ("Weekly travel schedule", "The Secretary will travel to Ottawa.", "other"),
    ],
)
def test_infer_series(title: str, opening: str, expected: str) -> None:
    assert infer_series(title, [opening] if opening else []) == expected
    assert expected in SERIES


def test_later_paragraphs_do_not_decide() -> None:
    paragraphs = [
        "The Ministers of the Global Coalition met in Rome.",
        "They recalled the Africa Focus Group meeting held in November.",
    ]
    assert infer_series("Communiqué", paragraphs) == "coalition_ministerial"
