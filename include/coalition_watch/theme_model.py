"""The linear theme model: what the indicators cannot list, learnt from real wording.

One logistic regression per theme over the features of theme_features.py, trained by
scripts/train_classifier.py on the real set's train split and the project's tuning
sentences, and shipped as a small JSON file (models/theme_model.json): per feature, its
weight for each theme where the weight matters. Prediction needs no scikit-learn, and
nothing is downloaded: a passage's score for a theme is the sum of the weights of its
features, and the features that added most are the evidence a reader sees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy

from coalition_watch.errors import ConfigError
from coalition_watch.theme_features import feature_words, features, is_content_word

PACKAGED_MODEL = Path(__file__).resolve().parent / "models" / "theme_model.json"
FORMAT = 1
MAX_EVIDENCE_WORDS = 3


@dataclass(frozen=True)
class ModelVote:
    theme: str
    probability: float
    text: str  # the passage the vote is about
    model: ThemeModel

    @property
    def evidence(self) -> tuple[str, ...]:
        """The words of the passage that carried the decision, largest share first."""
        return self.model.evidence(self.theme, self.text)


class ThemeModel:
    def __init__(self, raw: dict, source: str = "<memory>"):
        if raw.get("format") != FORMAT:
            raise ConfigError(
                source, "format", f"expected format {FORMAT}, got {raw.get('format')!r}"
            )
        self.source = source
        self.themes: tuple[str, ...] = tuple(raw["themes"])
        self.threshold: float = float(raw["threshold"])
        # An indicator theme the model rates below this probability is dropped.
        self.veto: float = float(raw.get("veto", 0.0))
        self.info: dict = raw.get("trained_on", {})
        self._intercepts = numpy.array(raw["intercepts"], dtype=numpy.float64)
        self._rows = {feature: row for row, feature in enumerate(raw["weights"])}
        # features x themes; the weights not shipped are zero
        self._weights = numpy.zeros((len(self._rows), len(self.themes)), dtype=numpy.float64)
        for row, entries in enumerate(raw["weights"].values()):
            for theme_index, weight in entries:
                self._weights[row, theme_index] = weight

    @classmethod
    def load(cls, path: Path | str = PACKAGED_MODEL) -> ThemeModel:
        path = Path(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(str(path), None, "model file not found") from None
        except (OSError, ValueError) as exc:
            raise ConfigError(str(path), None, f"cannot read the model: {exc}") from None
        return cls(raw, str(path))

    def _features(self, text: str) -> tuple[list[int], list[str], float]:
        feats = features(text)
        value = next(iter(feats.values()), 0.0)  # every feature has the same value
        known = [(self._rows[f], f) for f in feats if f in self._rows]
        return [row for row, _ in known], [f for _, f in known], value

    def votes(self, text: str) -> list[ModelVote]:
        """Every theme with its probability for `text`, best first."""
        rows, _, value = self._features(text)
        scores = self._intercepts + value * self._weights[rows].sum(axis=0)
        probabilities = 1.0 / (1.0 + numpy.exp(-scores))
        votes = [
            ModelVote(theme, float(p), text, self)
            for theme, p in zip(self.themes, probabilities, strict=True)
        ]
        votes.sort(key=lambda v: -v.probability)
        return votes

    def evidence(self, theme: str, text: str) -> tuple[str, ...]:
        """The words of `text` behind the theme's largest positive weights, each once."""
        column = self.themes.index(theme)
        rows, names, _ = self._features(text)
        weighted = sorted(
            ((self._weights[row, column], name) for row, name in zip(rows, names, strict=True)),
            reverse=True,
        )
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


@cache
def packaged_model() -> ThemeModel:
    """The shipped model, read once per process."""
    return ThemeModel.load(PACKAGED_MODEL)
