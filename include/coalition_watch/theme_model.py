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
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy

from coalition_watch.errors import ConfigError
from coalition_watch.theme_features import (
    feature_words,
    features,
    is_content_word,
    normal,
    tokens,
    word_features,
)

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
        # features x themes; the weights not shipped are zero. One more row, all zeros,
        # that every sentence's row list ends with, so a sentence with no known feature
        # still sums to zeros in the batched product.
        self._padding = len(self._rows)
        self._weights = numpy.zeros((len(self._rows) + 1, len(self.themes)), dtype=numpy.float64)
        for row, entries in enumerate(raw["weights"].values()):
            for theme_index, weight in entries:
                self._weights[row, theme_index] = weight
        # A statement repeats its words: per word, what the model needs of it is worked
        # out once (see _sentence_rows).
        self._normals = _Table(normal)
        self._word_rows = _Table(
            lambda word: frozenset(self._rows[f] for f in word_features(word) if f in self._rows)
        )
        self._word_features = _Table(lambda word: frozenset(word_features(word)))
        self._pair_rows = _Table(
            lambda pair: self._rows.get(f"b:{pair[0]}_{pair[1]}", self._padding)
        )

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

    def _sentence_rows(self, text: str) -> tuple[set[int], int]:
        """The rows of `text`'s known features, and how many features it has in all
        (known or not: the unit-length scaling counts them all), as `features` reads it.

        Per word as written, its normal form, and per normal form its rows and features,
        are looked up once per process (tables of the vocabulary; a statement repeats its
        words); a sentence is then a few set unions."""
        words = list(map(self._normals.__getitem__, map(_GROUP, tokens(text))))
        distinct = set(words)
        rows = set().union(*map(self._word_rows.__getitem__, distinct))
        every = len(set().union(*map(self._word_features.__getitem__, distinct)))
        pairs = set(zip(words, words[1:], strict=False))
        if "_" in text:  # "a_b"+"c" and "a"+"b_c" are one feature: count the names
            pairs = {f"b:{a}_{b}" for a, b in pairs}
            rows.update(self._rows[f] for f in pairs if f in self._rows)
        else:
            rows.update(map(self._pair_rows.__getitem__, pairs))
            rows.discard(self._padding)
        return rows, every + len(pairs)

    def probabilities(self, sentences: Sequence[str]) -> numpy.ndarray:
        """Per sentence (row) and theme (column), the model's probability: all the
        sentences in one gather-and-sum over the weight matrix."""
        if not sentences:
            return numpy.zeros((0, len(self.themes)))
        gathered: list[int] = []
        starts: list[int] = []
        scales = numpy.zeros(len(sentences))
        for index, sentence in enumerate(sentences):
            rows, count = self._sentence_rows(sentence)
            starts.append(len(gathered))
            gathered.extend(rows)
            gathered.append(self._padding)
            if count:
                scales[index] = 1.0 / math.sqrt(count)
        sums = numpy.add.reduceat(self._weights[gathered], starts, axis=0)
        scores = self._intercepts + scales[:, None] * sums
        return 1.0 / (1.0 + numpy.exp(-scores))

    def votes(self, text: str) -> list[ModelVote]:
        """Every theme with its probability for `text`, best first."""
        return self.votes_of(text, self.probabilities([text])[0])

    def votes_of(self, text: str, probabilities: numpy.ndarray) -> list[ModelVote]:
        """One row of `probabilities` as votes, best first."""
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


_GROUP = operator.methodcaller("group")
TABLE_SIZE = 1 << 16


class _Table(dict):
    """key -> make(key), each worked out once; emptied when it grows past TABLE_SIZE."""

    def __init__(self, make: Callable):
        super().__init__()
        self._make = make

    def __missing__(self, key):
        if len(self) >= TABLE_SIZE:
            self.clear()
        value = self[key] = self._make(key)
        return value


@cache
def packaged_model() -> ThemeModel:
    """The shipped model, read once per process."""
    return ThemeModel.load(PACKAGED_MODEL)
