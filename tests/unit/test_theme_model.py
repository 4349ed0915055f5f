"""The shipped theme model: loads, is small, and retraining from the repository reproduces it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from coalition_watch.errors import ConfigError
from coalition_watch.theme_features import feature_words, features
from coalition_watch.theme_model import PACKAGED_MODEL, ThemeModel, packaged_model
from coalition_watch.themes import load_themes

ROOT = Path(__file__).resolve().parents[2]


def test_packaged_model_loads_with_the_taxonomy_themes():
    model = packaged_model()
    assert set(model.themes) == set(load_themes().ids)
    assert 0 < model.threshold < 1 and 0 <= model.veto < model.threshold
    assert PACKAGED_MODEL.stat().st_size < 1024 * 1024  # small: read in milliseconds


def test_retraining_from_the_repository_reproduces_the_shipped_weights():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import train_classifier
    finally:
        sys.path.pop(0)
    shipped = json.loads(PACKAGED_MODEL.read_text(encoding="utf-8"))
    taxonomy = load_themes()
    assert tuple(shipped["themes"]) == taxonomy.ids
    fresh = train_classifier.fit(train_classifier.training_cases(), taxonomy, shipped["c"])
    assert fresh["intercepts"] == shipped["intercepts"]
    assert fresh["weights"] == shipped["weights"]
    assert shipped["trained_on"]["data_sha256"] == train_classifier._data_digest()


def test_votes_are_probabilities_and_evidence_is_words_of_the_text():
    model = packaged_model()
    text = "ISIS facilitators abuse hawalas and virtual assets to move money to Africa."
    votes = model.votes(text)
    assert [v.theme for v in votes[:1]] == ["counter_finance"]
    assert all(0 <= v.probability <= 1 for v in votes)
    assert votes[0].evidence and all(word in text for word in votes[0].evidence)


def test_feature_words_quote_the_text_as_written():
    text = "Terrorismusfinanzierung bleibt im Fokus"
    written = feature_words(text)
    assert set(written) >= set(features(text))
    assert written["c:finan"] == "Terrorismusfinanzierung"
    assert written["b:bleibt_im"] == "bleibt im"
    assert "w:im" not in written  # function words are no evidence on their own


@pytest.mark.parametrize(
    "content,problem",
    [("{not json", "cannot read the model"), ('{"format": 99}', "expected format 1")],
)
def test_a_broken_model_file_is_a_clear_error(tmp_path, content, problem):
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem):
        ThemeModel.load(path)


def test_a_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="model file not found"):
        ThemeModel.load(tmp_path / "missing.json")
