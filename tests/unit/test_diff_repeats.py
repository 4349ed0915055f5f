"""Statements that repeat whole sentences: no sentence is unique and no word is rare, so the
alignment has to follow the identical sentences in order (and find the copies that moved)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from coalition_watch.diff import diff_documents, split_sentences
from coalition_watch.diff.align import identical_in_order
from coalition_watch.model import Document

SEED_PAIR = Path(__file__).parents[1] / "data" / "diff" / "seed_pair.yaml"


def _lcs_length(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        previous_diagonal = 0
        for j, y in enumerate(b, 1):
            previous_diagonal, row[j] = (
                row[j],
                previous_diagonal + 1 if x == y else max(row[j], row[j - 1]),
            )
    return row[-1]


@pytest.mark.parametrize("seed", range(40))
def test_identical_in_order_is_a_longest_common_subsequence(seed: int) -> None:
    rng = random.Random(seed)
    a = [rng.choice("abc") for _ in range(rng.randint(0, 30))]
    b = [rng.choice("abc") for _ in range(rng.randint(0, 30))]
    pairs = identical_in_order(a, b)
    assert all(a[i] == b[j] for i, j in pairs)
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in zip(pairs, pairs[1:], strict=False))
    assert len(pairs) == _lcs_length(a, b)


def test_identical_in_order_gives_up_on_texts_that_share_nothing() -> None:
    a = [f"old {k}" for k in range(2000)]
    b = [f"new {k}" for k in range(2000)]
    assert identical_in_order(a, b) == []


@pytest.fixture(scope="module")
def passage() -> list[str]:
    """The first paragraphs of the 2020 communiqué (real text), to be repeated."""
    data = yaml.safe_load(SEED_PAIR.read_text(encoding="utf-8"))
    return data["old"]["paragraphs"][:4]


def test_one_edit_and_one_removal_in_a_passage_repeated_forty_times(passage) -> None:
    old = [p for _ in range(40) for p in passage]
    new = list(old)
    new[61] = new[61].replace("Prime Minister Kadhimi", "Prime Minister al-Kadhimi's cabinet")
    last_sentence = new[110].rsplit(". ", 1)[1]
    new[110] = new[110][: -len(last_sentence) - 1]
    diff = diff_documents(Document("S", tuple(old)), Document("S", tuple(new)))
    assert [(c.kind, c.old_paragraph) for c in diff.substantive] == [
        ("modified", 61),
        ("removed", 110),
    ]
    assert "al-Kadhimi" in diff.substantive[0].new


def test_a_repeated_sentence_that_moved_is_a_move_not_a_removal(passage) -> None:
    old = [p for _ in range(30) for p in passage]
    first, *rest = split_sentences(old[40])
    new = list(old)
    new[40] = " ".join([*rest, first])
    diff = diff_documents(Document("S", tuple(old)), Document("S", tuple(new)))
    assert diff.substantive == []
    assert [c.kind for c in diff.changes] == ["moved"]
