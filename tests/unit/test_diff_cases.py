"""Golden cases for the diff: one per change kind and per cosmetic equivalence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coalition_watch.diff import diff_documents
from coalition_watch.model import Document

CASES = yaml.safe_load((Path(__file__).parents[1] / "data/diff/cases.yaml").read_text("utf-8"))


def _documents(case: dict) -> tuple[Document, Document]:
    published = case.get("published", [None, None])
    old = Document("Statement", tuple(case["old"]), published[0])
    new = Document("Statement", tuple(case["new"]), published[1])
    return old, new


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_case(name: str) -> None:
    case = CASES[name]
    diff = diff_documents(*_documents(case))
    if "changes" in case:
        assert [[c.kind, c.significance] for c in diff.changes] == case["changes"]
    if "substantive" in case:
        assert len(diff.substantive) == case["substantive"], [c.to_json() for c in diff.changes]
    if "inserted" in case or "deleted" in case:
        (change,) = diff.substantive
        assert change.inserted == case.get("inserted", [])
        assert change.deleted == case.get("deleted", [])


def test_changes_carry_paragraph_indexes_and_no_themes() -> None:
    old = Document("S", ("Intro paragraph here.", "The Ministers met in Rome."))
    new = Document("S", ("Intro paragraph here.", "The Ministers met in Paris."))
    (change,) = diff_documents(old, new).changes
    assert (change.old_paragraph, change.new_paragraph) == (1, 1)
    assert change.themes == []


def test_json_contract_keys() -> None:
    old = Document("S", ("The Ministers met in Rome.",), "2020-06-04")
    new = Document("S", ("The Ministers met in Paris.",), "2021-03-30")
    payload = diff_documents(old, new).to_json()
    assert payload["old"] == {"title": "S", "published": "2020-06-04"}
    change = payload["changes"][0]
    assert {"kind", "significance", "old", "new", "inserted", "deleted", "themes"} <= set(change)
    assert change["deleted"] == ["Rome"] and change["inserted"] == ["Paris"]


def test_rejects_what_is_not_a_document() -> None:
    from coalition_watch.errors import BadInput

    with pytest.raises(BadInput, match="old document"):
        diff_documents("text", Document("S", ()))  # type: ignore[arg-type]
