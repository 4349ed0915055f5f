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
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy

from coalition_watch.errors import ConfigError
from coalition_watch.theme_features import (
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
        self._names = list(raw["weights"])
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
        self._vocabulary = _Vocabulary(self._rows)

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
        known, pairs = self._known_pairs(text, words)
        rows.update(known)
        return rows, every + pairs

    def _known_pairs(self, text: str, words: list[str]) -> tuple[list[int], int]:
        """The rows of the word-pair features of `text` the model knows, and how many
        distinct pair features it has in all."""
        pairs = set(zip(words, words[1:], strict=False))
        if "_" in text:  # "a_b"+"c" and "a"+"b_c" are one feature: count the names
            named = {f"b:{a}_{b}" for a, b in pairs}
            return [self._rows[f] for f in named if f in self._rows], len(named)
        rows = [r for r in map(self._pair_rows.__getitem__, pairs) if r != self._padding]
        return rows, len(pairs)

    def probabilities(self, sentences: Sequence[str]) -> numpy.ndarray:
        """Per sentence (row) and theme (column), the model's probability: all the
        sentences at once, as `_sentence_rows` reads each.

        A sentence's features are the union of its distinct words' (the vocabulary table
        numbers every feature a word has, known to the model or not) and its word pairs;
        the union is taken for all the sentences together (sorted, duplicates dropped),
        and the known features' weights summed per sentence."""
        count = len(sentences)
        if not count:
            return numpy.zeros((0, len(self.themes)))
        table = self._vocabulary
        if len(table) + sum(map(len, sentences)) >= TABLE_SIZE:
            table.reset()  # never while numbering one batch's words
        words_of: list[int] = []  # distinct word ids, sentence after sentence
        words_per: list[int] = []
        pair_rows: list[int] = []  # known pair features, sentence after sentence, each
        pairs_per: list[int] = []  # ending with the padding row
        pair_counts = numpy.zeros(count)
        for sentence in sentences:
            words = list(map(self._normals.__getitem__, map(_GROUP, tokens(sentence))))
            ids = list(map(table.__getitem__, set(words)))
            words_of += ids
            words_per.append(len(ids))
            known, pair_counts[len(pairs_per)] = self._known_pairs(sentence, words)
            known.append(self._padding)
            pair_rows += known
            pairs_per.append(len(known))
        ids, sizes, flat = table.arrays()
        word_ids = numpy.array(words_of, dtype=numpy.int64)
        sizes_of = sizes[word_ids]
        # every (sentence, feature) of every distinct word, as one number each
        ends = numpy.cumsum(sizes_of)
        positions = numpy.repeat(ids[word_ids] - ends + sizes_of, sizes_of)
        positions += numpy.arange(positions.size)
        span = table.features + 1
        sentence_of = numpy.repeat(numpy.arange(count), words_per)
        keys = numpy.repeat(sentence_of, sizes_of) * span + flat[positions]
        # and the padding row once per sentence, so every sentence has a known row
        keys = numpy.concatenate([keys, numpy.arange(count) * span + self._padding])
        keys.sort()
        distinct = numpy.empty(keys.size, dtype=bool)
        distinct[0] = True
        numpy.not_equal(keys[1:], keys[:-1], out=distinct[1:])
        keys = keys[distinct]
        owners = keys // span
        features_of = keys - owners * span
        totals = numpy.bincount(owners, minlength=count) - 1 + pair_counts
        known = features_of <= self._padding
        owners, features_of = owners[known], features_of[known]
        starts = numpy.searchsorted(owners, numpy.arange(count))
        sums = numpy.add.reduceat(self._weights[features_of], starts, axis=0)
        pair_starts = numpy.cumsum(pairs_per) - pairs_per
        sums += numpy.add.reduceat(self._weights[pair_rows], pair_starts, axis=0)
        scales = numpy.zeros(count)
        numpy.divide(1.0, numpy.sqrt(totals), out=scales, where=totals > 0)
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
        """The words of `text` behind the theme's largest positive weights, each once.

        As `feature_words` quotes them: a feature's first word (or word pair) as written;
        worked out only for the features read, largest weight first (ties: the name
        sorting last first), until there are enough words."""
        column = self.themes.index(theme)
        rows, _ = self._sentence_rows(text)
        rows = numpy.fromiter(rows, dtype=numpy.int64, count=len(rows))
        weights = self._weights[rows, column]
        positive = weights > 0
        # largest weight first, and among equal weights the name sorting last first
        order = numpy.argsort(-weights[positive], kind="stable")
        ranked = weights[positive][order].tolist()
        ranked_rows = rows[positive][order].tolist()
        matches = tokens(text)
        words = list(map(self._normals.__getitem__, map(_GROUP, matches)))
        words_features = list(map(self._word_features.__getitem__, words))
        found: dict[str, str] = {}
        start = 0
        while start < len(ranked) and len(found) < MAX_EVIDENCE_WORDS:
            end = start + 1
            while end < len(ranked) and ranked[end] == ranked[start]:
                end += 1
            for feature in sorted((self._names[r] for r in ranked_rows[start:end]), reverse=True):
                word = _first_written(feature, text, matches, words, words_features)
                if word and is_content_word(word):
                    found.setdefault(word.casefold(), word)
                    if len(found) >= MAX_EVIDENCE_WORDS:
                        break
            start = end
        return tuple(found.values())


def _first_written(feature, text, matches, words, words_features) -> str | None:
    """What `feature_words(text)[feature]` is, for one feature of `text`."""
    if feature.startswith("b:"):
        for i in range(len(words) - 1):
            if f"b:{words[i]}_{words[i + 1]}" == feature:
                return text[matches[i].start() : matches[i + 1].end()]
    for m, features_of in zip(matches, words_features, strict=True):
        if feature in features_of:
            return m.group(0)
    return None


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


class _Vocabulary(dict):
    """Normal form -> word id, and per word id its features as numbers: a known
    feature's row, an unknown one a number past the padding row (the same number for the
    same feature), kept as flat arrays for `probabilities`, which empties it when it
    would grow past TABLE_SIZE words (never while numbering the words of a batch)."""

    def __init__(self, rows: dict[str, int]):
        super().__init__()
        self._known = rows
        self.reset()

    def reset(self) -> None:
        self.clear()
        # feature -> number: the known ones their rows, then the padding row's number
        self._numbers: dict[str, int] = {**self._known, "\x00padding": len(self._known)}
        self._starts: list[int] = []
        self._sizes: list[int] = []
        self._flat: list[int] = []
        self._arrays: tuple | None = None

    @property
    def features(self) -> int:
        """How many numbers are given (rows, padding and unknown features)."""
        return len(self._numbers)

    def __missing__(self, word: str) -> int:
        numbers = self._numbers
        found = [numbers.setdefault(f, len(numbers)) for f in word_features(word)]
        self._starts.append(len(self._flat))
        self._sizes.append(len(found))
        self._flat += found
        self._arrays = None
        value = self[word] = len(self._starts) - 1
        return value

    def arrays(self) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """(start, size) of each word's numbers in the flat array, and the flat array."""
        if self._arrays is None:
            self._arrays = (
                numpy.array(self._starts, dtype=numpy.int64),
                numpy.array(self._sizes, dtype=numpy.int64),
                numpy.array(self._flat, dtype=numpy.int64),
            )
        return self._arrays


@cache
def packaged_model() -> ThemeModel:
    """The shipped model, read once per process."""
    return ThemeModel.load(PACKAGED_MODEL)
