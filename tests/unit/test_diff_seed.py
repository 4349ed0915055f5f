"""The 2020 and 2021 Small Group communiqués: what a desk officer must see."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coalition_watch.diff import diff_documents, is_paragraph_change
from coalition_watch.diff.align import prepare
from coalition_watch.diff.equivalence import load_equivalences
from coalition_watch.model import Document

SEED_PAIR = Path(__file__).parents[1] / "data" / "diff" / "seed_pair.yaml"


def seed_pair() -> tuple[Document, Document]:
    data = yaml.safe_load(SEED_PAIR.read_text(encoding="utf-8"))
    old, new = (
        Document(data[k]["title"], tuple(data[k]["paragraphs"]), data[k]["published"], "en")
        for k in ("old", "new")
    )
    return old, new


@pytest.fixture(scope="module")
def diff():
    return diff_documents(*seed_pair())


def _sentence_changes(diff):
    return [c for c in diff.changes if not is_paragraph_change(c)]


def test_third_paragraph_split_in_two(diff) -> None:
    splits = [c for c in diff.changes if is_paragraph_change(c) and c.kind == "split"]
    assert any(c.old_paragraph == 2 and c.new.count("\n\n") == 1 for c in splits)
    old, new = seed_pair()
    split = next(c for c in splits if c.old_paragraph == 2)
    assert split.old == old.paragraphs[2]
    assert split.new == new.paragraphs[1] + "\n\n" + new.paragraphs[2]


def test_two_paragraphs_merged(diff) -> None:
    old, new = seed_pair()
    merges = [c for c in diff.changes if is_paragraph_change(c) and c.kind == "merged"]
    assert [(c.old, c.new) for c in merges] == [
        (old.paragraphs[6] + "\n\n" + old.paragraphs[7], new.paragraphs[6])
    ]


def test_sentence_split_reports_the_words(diff) -> None:
    (split,) = [c for c in _sentence_changes(diff) if c.kind == "split"]
    assert split.old.startswith("We will continue our close cooperation")
    assert split.significance == "substantive"
    assert "adapt" in " ".join(split.deleted)
    assert any("remain essential" in span for span in split.inserted)


def test_unchanged_sentences_are_not_reported(diff) -> None:
    eq = load_equivalences()
    old, new = seed_pair()
    old_texts = {s.text.display for s in prepare(old.paragraphs, eq)}
    unchanged = {s.text.display for s in prepare(new.paragraphs, eq)} & old_texts
    assert unchanged  # the pair does share sentences word for word
    reported = {c.old for c in diff.changes} | {c.new for c in diff.changes}
    assert not unchanged & reported


@pytest.mark.parametrize(
    ("deleted", "inserted"),
    [
        ("Luigi Di Maio", "Sophie Wilmès"),
        ("February 6, 2019", "June 4, 2020"),
        ("problem", "challenge"),
        ("confirmed", "reaffirmed"),
    ],
)
def test_real_changes_are_substantive_with_their_words(diff, deleted, inserted) -> None:
    assert any(
        c.significance == "substantive"
        and any(deleted in d for d in c.deleted)
        and any(inserted in i for i in c.inserted)
        for c in diff.changes
    )


def test_added_and_removed_sentences(diff) -> None:
    added = [c.new for c in diff.changes if c.kind == "added"]
    removed = [c.old for c in diff.changes if c.kind == "removed"]
    assert any("2021 Pledge Drive for Stabilization" in s for s in added)
    assert any("Prime Minister Kadhimi" in s for s in removed)


def test_abbreviation_markup_is_cosmetic(diff) -> None:
    syria = [c for c in diff.changes if c.new and c.new.startswith("In Syria")]
    assert [c.significance for c in syria] == ["cosmetic"]
    assert not any("United Nations" in span for c in diff.substantive for span in c.inserted)


def test_page_break_cut_is_joined_back(diff) -> None:
    assert not any(c.new and c.new.rstrip().endswith("reaffirmed its") for c in diff.changes)
    assert not any(c.new and c.new.startswith("willingness") for c in diff.changes)
