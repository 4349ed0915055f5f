"""Encoding damage is repaired before comparison and display, and labelled when it was all."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coalition_watch.diff import diff_documents
from coalition_watch.model import Document
from coalition_watch.repair import damaged_paragraphs, looks_damaged, repair

SEED_PAIR = Path(__file__).parents[1] / "data" / "diff" / "seed_pair.yaml"
NEW = yaml.safe_load(SEED_PAIR.read_text(encoding="utf-8"))["new"]
CLEAN = Document(NEW["title"], tuple(NEW["paragraphs"]), NEW["published"], "en")


def cp1252(text: str) -> str:
    return text.encode("utf-8").decode("cp1252")


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("Sophie WilmÃ¨s and the Coalitionâ€™s role", "Sophie Wilmès and the Coalition’s role"),
        (cp1252(cp1252("Iraq’s sovereignty")), "Iraq’s sovereignty"),  # read wrongly twice
        ("Iraq&amp;rsquo;s sovereignty", "Iraq’s sovereignty"),
        ("Communiqu&eacute; of 4 June", "Communiqué of 4 June"),
    ],
)
def test_repair_undoes_the_damage(damaged: str, clean: str) -> None:
    assert repair(damaged) == clean


def test_clean_text_is_left_exactly_as_published() -> None:
    for paragraph in CLEAN.paragraphs:  # curly quotes, accents, "~~" markup and all
        assert repair(paragraph) == paragraph
    assert damaged_paragraphs(CLEAN.paragraphs) == []


def test_damage_only_is_one_cosmetic_change_labelled_encoding() -> None:
    paragraphs = list(CLEAN.paragraphs)
    paragraphs[0] = cp1252(paragraphs[0])
    damaged = Document(CLEAN.title, tuple(paragraphs), CLEAN.published, "en")
    diff = diff_documents(CLEAN, damaged)
    assert diff.substantive == []
    labelled = [(c.label, c.new_paragraph) for c in diff.cosmetic if c.label]
    assert labelled == [("encoding", 0)]
    assert diff.new.paragraphs == CLEAN.paragraphs  # what readers are shown is repaired


def test_a_lost_character_is_cosmetic_encoding_and_flagged() -> None:
    paragraphs = list(CLEAN.paragraphs)
    paragraphs[0] = paragraphs[0].replace("è", "\ufffd")
    damaged = Document(CLEAN.title, tuple(paragraphs), CLEAN.published, "en")
    diff = diff_documents(CLEAN, damaged)
    assert diff.substantive == []
    assert "encoding" in {c.label for c in diff.cosmetic}
    assert damaged_paragraphs(damaged.paragraphs) == [0]  # operators are told, see process
    assert looks_damaged("WilmÃ¨s") is False  # repairable damage is not flagged


def test_a_real_change_inside_a_damaged_paragraph_stays_substantive() -> None:
    paragraphs = list(CLEAN.paragraphs)
    paragraphs[0] = cp1252(paragraphs[0].replace("Sophie Wilmès", "Alexander De Croo"))
    edited = Document(CLEAN.title, tuple(paragraphs), CLEAN.published, "en")
    (change,) = diff_documents(CLEAN, edited).substantive
    assert change.deleted == ["Sophie Wilmès"] and change.inserted == ["Alexander De Croo"]
