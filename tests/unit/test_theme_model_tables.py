"""The model's word tables read a sentence exactly as `features` and `feature_words` do."""

from __future__ import annotations

from pathlib import Path

import numpy

from coalition_watch.labelled import real_set, written_set
from coalition_watch.theme_features import feature_words, features, is_content_word
from coalition_watch.theme_model import MAX_EVIDENCE_WORDS, packaged_model

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "classify"
ODD = [
    "snake_case words_here and a_b c, a b_c",  # underscores: one pair name, two pairs
    "Da\u2019esh\u2019s and Da'esh's; ISIS' funds; 2019 2019 2019.",
    "",
    "the and of",  # function words only
]


def _sentences() -> list[str]:
    return [c.text for c in real_set(DATA)[::3] + written_set(DATA)[::3]] + ODD


def _reference_evidence(model, theme: str, text: str) -> tuple[str, ...]:
    """The evidence as the model first computed it, from `features` and `feature_words`."""
    column = model.themes.index(theme)
    names = [f for f in features(text) if f in model._rows]
    weighted = sorted(((model._weights[model._rows[f], column], f) for f in names), reverse=True)
    written = feature_words(text)
    words: dict[str, str] = {}
    for weight, feature in weighted:
        if weight <= 0:
            break
        word = written.get(feature)
        if word and is_content_word(word):
            words.setdefault(word.casefold(), word)
            if len(words) >= MAX_EVIDENCE_WORDS:
                break
    return tuple(words.values())


def test_sentence_rows_are_the_known_features_and_count_them_all():
    model = packaged_model()
    for text in _sentences():
        rows, count = model._sentence_rows(text)
        feats = features(text)
        assert rows == {model._rows[f] for f in feats if f in model._rows}, text
        assert count == len(feats), text


def test_probabilities_are_the_logistic_of_the_scaled_weight_sums():
    model = packaged_model()
    sentences = _sentences()
    for text, row in zip(sentences, model.probabilities(sentences), strict=True):
        feats = features(text)
        score = model._intercepts.copy()
        for feature, value in feats.items():
            if feature in model._rows:
                score += value * model._weights[model._rows[feature]]
        assert numpy.allclose(row, 1.0 / (1.0 + numpy.exp(-score)), rtol=0, atol=1e-12), text


def test_evidence_is_what_feature_words_quote():
    model = packaged_model()
    for text in _sentences():
        for theme in model.themes:
            assert model.evidence(theme, text) == _reference_evidence(model, theme, text), text


def test_one_batch_reads_as_each_sentence_alone():
    model = packaged_model()
    sentences = _sentences()
    alone = numpy.vstack([model.probabilities([s]) for s in sentences])
    assert numpy.allclose(model.probabilities(sentences), alone, rtol=0, atol=1e-12)
