"""Ranking and tone on the seed pair and on written examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coalition_watch.diff import diff_documents
from coalition_watch.model import Document
from tests.unit.test_diff_seed import seed_pair

TONE_EXAMPLES = Path(__file__).parents[1] / "data" / "diff" / "tone_examples.yaml"


@pytest.fixture(scope="module")
def ranked():
    return diff_documents(*seed_pair()).ranked


def _text(change) -> str:
    return change.new or change.old or ""


@pytest.mark.parametrize(
    "needle",
    [
        "grave violations of children's rights",  # the new children's-rights paragraph
        "double suicide attacks in Baghdad",
        "incremental expansion",  # NATO mission expansion
        "attacks against Coalition forces",
        "East Africa",
        "presented by Prime Minister Kadhimi",  # the thanks, removed
    ],
)
def test_top_eight_hold_what_matters(ranked, needle) -> None:
    assert any(needle in _text(c) for c in ranked[:8]), [_text(c)[:60] for c in ranked[:8]]


def test_a_voice_only_change_ranks_in_the_bottom_quarter(ranked) -> None:
    [voice] = [c for c in ranked if "Together they remain firmly united" in _text(c)]
    assert voice.significance == "substantive"
    assert ranked.index(voice) >= len(ranked) * 3 // 4
    assert voice.reasons == ["re-voicing (we → they, our → their) only"]


def test_every_substantive_change_has_a_score_and_reasons(ranked) -> None:
    assert all(c.score > 0 and c.reasons for c in ranked)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


def test_re_voicing_stays_substantive_because_it_can_move_a_commitment() -> None:
    """Why re-voicing is ranked last rather than made cosmetic: "we commit" in a joint
    communiqué binds the signatories; "they commit" in a ministry's own text reports
    others' commitment. The desk officer should still be able to see it."""
    old = Document("t", ("We commit to repatriate our nationals from the camps.",), None, "en")
    new = Document("t", ("They commit to repatriate their nationals from the camps.",), None, "en")
    [change] = diff_documents(old, new).substantive
    assert change.score < 1 and "re-voicing" in change.reasons[0]


def test_tense_only_ranks_lowest() -> None:
    old = Document("t", ("The Ministers welcome the decision and remain committed.",), None, "en")
    new = Document(
        "t", ("The Ministers welcomed the decision and remained committed.",), None, "en"
    )
    [change] = diff_documents(old, new).substantive
    assert change.reasons == ["tense only"]


def test_tone_labels_on_the_seed_pair(ranked) -> None:
    tones = {_text(c)[:40]: c.tone["shift"] for c in ranked if c.tone}
    assert tones == {
        "While the COVID-19 global crisis has had": "softened",  # committed -> welcomed
        "The Ministers reiterated their unwaverin": "strengthened",
        "The Global Coalition to Defeat Daesh/ISI": "strengthened",  # will continue to sustain
        "The Ministers further recognized that th": "strengthened",  # recognized -> stressed
    }


def test_tone_on_written_examples_in_english_and_german() -> None:
    examples = yaml.safe_load(TONE_EXAMPLES.read_text(encoding="utf-8"))
    wrong = []
    for ex in examples:
        old = Document("t", (ex["old"],), None, ex["lang"])
        new = Document("t", (ex["new"],), None, ex["lang"])
        [change] = diff_documents(old, new).substantive
        got = change.tone["shift"] if change.tone else "none"
        if got != ex["tone"]:
            wrong.append((ex["old"], ex["tone"], got))
    assert not wrong
    assert {ex["lang"] for ex in examples} == {"en", "de"}


def test_a_softened_change_names_its_words() -> None:
    old = Document("t", ("The Coalition will continue to support Iraq.",), None, "en")
    new = Document("t", ("The Coalition may explore support for Iraq.",), None, "en")
    [change] = diff_documents(old, new).substantive
    assert change.tone == {
        "shift": "softened", "old": ["will continue"], "new": ["may explore"],
        "scales": ["commitment"],
    }  # fmt: skip
    assert any(r.startswith("tone softened: will continue → may explore") for r in change.reasons)
