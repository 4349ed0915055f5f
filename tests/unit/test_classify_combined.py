"""Indicators and theme model together: what each contributes, and the evidence shown.

The combiner is tested with small hand-made models (invented weights, so each rule is
visible); the shipped model with the seed communiqués and the real set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coalition_watch.classify import PARAGRAPH_MAX_THEMES, Classifier
from coalition_watch.diff import diff_documents
from coalition_watch.extract import extract_path
from coalition_watch.labelled import real_set
from coalition_watch.process import classify_diff
from coalition_watch.theme_features import features
from coalition_watch.theme_model import ThemeModel
from coalition_watch.themes import load_themes

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))


def model(weights: dict[str, dict[str, float]], threshold=0.5, veto=0.0) -> ThemeModel:
    """A model whose features are given as {feature: {theme: weight}}; intercepts -3."""
    themes = load_themes().ids
    return ThemeModel(
        {
            "format": 1,
            "themes": list(themes),
            "threshold": threshold,
            "veto": veto,
            "intercepts": [-3.0] * len(themes),
            "weights": {
                f: [[themes.index(t), w] for t, w in by_theme.items()]
                for f, by_theme in weights.items()
            },
        }
    )


def classify(m: ThemeModel | None, text: str, language: str = "en"):
    return Classifier(load_themes(), model=m).classify(text, language)


def test_model_adds_a_theme_with_the_words_that_carried_it():
    text = "Partners will cut off the group's access to money transferred through couriers."
    m = model({"w:couriers": {"counter_finance": 60.0}, "w:money": {"counter_finance": 20.0}})

    assert "counter_finance" not in {x.id for x in classify(None, text)}
    (match,) = [x for x in classify(m, text) if x.id == "counter_finance"]
    assert match.evidence[0] == "couriers" and set(match.evidence) <= {"couriers", "money"}
    assert match.score >= 0.5


def test_below_the_threshold_the_model_adds_nothing():
    text = "Partners will cut off the group's access to money transferred through couriers."
    m = model({"w:couriers": {"counter_finance": 60.0}}, threshold=0.999)
    assert "counter_finance" not in {x.id for x in classify(m, text)}


def test_indicator_theme_keeps_its_matched_words_and_score():
    text = "The Ministers discussed stabilization in liberated areas of Mosul."
    plain = {x.id: x for x in classify(None, text)}
    m = model({"w:discussed": {"stabilization": 30.0}})
    combined = {x.id: x for x in classify(m, text)}
    assert combined["stabilization"] == plain["stabilization"]


def test_model_vetoes_an_indicator_theme_it_is_confident_is_wrong():
    text = "The Ministers discussed stabilization in liberated areas of Mosul."
    # stabilization's probability stays at sigmoid(-3) ~ 0.05, under the veto
    m = model({"w:mosul": {"iraq": 40.0}}, veto=0.1)
    ids = {x.id for x in classify(m, text)}
    assert "stabilization" not in ids and "iraq" in ids


def test_claims_hold_for_the_model_too():
    text = "We coordinate closely with the International Coalition for the Sahel on this."
    m = model({"w:coalition": {"coalition": 60.0}, "w:sahel": {"africa": 60.0}})
    assert {x.id for x in classify(m, text)} == {"africa"}


def test_the_group_s_name_gives_neither_indicators_nor_model_a_place():
    text = "Partners exposed how the Islamic State of Iraq and the Levant moves its money."
    m = model({"w:iraq": {"iraq": 60.0}, "w:levant": {"syria": 60.0}})
    ids = {x.id for x in classify(m, text)}
    assert "iraq" not in ids and "syria" not in ids
    assert "iraq" in {x.id for x in classify(m, text.replace("moves", "moves in Iraq"))}


def test_a_short_fragment_is_left_to_the_indicators():
    m = model({"w:urgent": {"humanitarian": 90.0}})
    assert classify(m, "urgent needs") == classify(None, "urgent needs")


def test_without_a_model_the_classifier_is_the_indicators_alone():
    text = "Ministers discussed the growing threat in the Sahel and in Mozambique."
    assert [x.id for x in classify(None, text)] == ["africa"]


def test_every_theme_comes_with_words_of_the_passage():
    classifier = Classifier(load_themes())
    passages = [case.text for case in real_set(ROOT / "tests" / "data" / "classify")]
    passages += [p for seed in SEEDS for p in extract_path(seed).paragraphs]
    for passage in passages:
        for match in classifier.classify(passage):
            assert match.evidence, (passage, match)
            assert all(words in passage for words in match.evidence), (passage, match)


@pytest.fixture(scope="module")
def seed_diff():
    old, new = (extract_path(p) for p in SEEDS[:2])
    diff = diff_documents(old, new)
    classify_diff(diff, Classifier(load_themes()))
    return old, new, diff


def test_seed_pair_areas_where_the_coalition_is_not_active_are_military_or_stabilization(
    seed_diff,
):
    _, _, diff = seed_diff
    passages = [
        change
        for change in diff.changes
        if "not active" in " ".join([change.old or "", change.new or "", *change.inserted])
    ]
    assert passages
    for change in passages:
        assert {"military", "stabilization"} & set(change.themes), change
        assert all(change.evidence[t] for t in change.themes)


def test_seed_pair_no_paragraph_carries_more_than_four_themes(seed_diff):
    old, new, _ = seed_diff
    classifier = Classifier(load_themes())
    for document in (old, new):
        for paragraph in document.paragraphs:
            assert len(classifier.classify(paragraph, document.language)) <= PARAGRAPH_MAX_THEMES


def test_the_same_passage_is_classified_once_per_classifier(monkeypatch):
    classifier = Classifier(load_themes())
    calls = []
    monkeypatch.setattr(
        "coalition_watch.classify.Classifier._prepare",
        lambda self, *args: calls.append(args),
    )
    classifier.classify("The Coalition met in Rome.")
    classifier.classify("The Coalition met in Rome.")
    assert len(calls) == 1


def test_a_batch_gives_each_passage_what_it_gets_alone():
    passages = [
        ("Die Bundesregierung hat deutsche Kinder aus Lagern in Nordostsyrien zurückgeholt.", "de"),
        ("The Coalition for the Sahel met the Coalition's Finance Group in Rome.", "en"),
        ("Ministers discussed humanitarian aid for displaced families in Iraq.", None),
        ("", None),
    ]
    batched = Classifier(load_themes()).classify_many([(t, lang, None) for t, lang in passages])
    alone = [Classifier(load_themes()).classify(t, lang) for t, lang in passages]
    assert batched == alone
    assert any(batched)


def test_features_are_scaled_to_unit_length():
    values = features("The Coalition met in Rome to discuss stabilization.").values()
    assert abs(sum(v * v for v in values) - 1.0) < 1e-9
