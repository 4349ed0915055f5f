"""Themes for a passage, with the words that justify them.

Two sources of evidence, both deterministic and explainable. The *indicators* of the
taxonomy: a theme needs one strong indicator or two different weak ones; spans claimed by
one theme (its `claims`) are hidden from the others, which is how context overrides a
keyword. The *theme model* (theme_model.py), a linear model learnt from real statements,
adds the themes real wording expresses without any listed indicator; its evidence is the
words of the passage that carried its decision. A theme either source gives is kept,
themes are ranked by score and capped at a few.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

import numpy

from coalition_watch.indicator_index import IndicatorIndex
from coalition_watch.model import Change, ThemeMatch
from coalition_watch.normalize import clean_display
from coalition_watch.theme_model import ThemeModel, packaged_model
from coalition_watch.themes import Indicator, Taxonomy

SENTENCE_MAX_THEMES = 3
PARAGRAPH_MAX_THEMES = 4
MAX_EVIDENCE = 6
# Below this many words (a changed fragment such as "urgent") the model has too little to
# read; the indicators alone decide, and the sentence around the change is classified too.
MODEL_MIN_WORDS = 5
RECENT_PASSAGES = 512  # passages whose themes a classifier remembers
RECENT_SENTENCES = 4096  # sentences whose model probabilities it remembers
_DEFAULT = object()
# A theme found only in the sentence or paragraph around a change ranks below one
# found in the changed words themselves.
SENTENCE_DISCOUNT = 0.8
PARAGRAPH_DISCOUNT = 0.5

# Length-preserving, so match offsets still point into the cleaned display text.
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032`"), "'"),
        **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"), '"'),
        **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"),
    }
)
# No split after initials and common abbreviations: "U.S. Secretary", "Mr. Blinken".
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b[A-Z]\.[A-Z]\.)(?<!\bMr\.)(?<!\bDr\.)(?<!\bNo\.)"
    r"\s+(?=[\"'(\[]?[A-ZÄÖÜ0-9])"
)
_WORD = re.compile(r"[a-zäöüß]+")
_GERMAN = frozenset(
    ("der", "die", "das", "und", "mit", "für", "nicht", "ist", "sind", "den", "dem", "des",
     "ein", "eine", "einer", "sich", "auf", "von", "zu", "im", "wir", "auch", "über", "bei",
     "nach", "wird", "werden")
)  # fmt: skip
_ENGLISH = frozenset(
    ("the", "and", "of", "to", "in", "is", "are", "for", "with", "on", "that", "this",
     "their", "its", "by", "from", "be", "which", "as", "we", "our", "will", "has", "have")
)  # fmt: skip


def guess_language(text: str) -> str | None:
    """'en' or 'de' by counting function words; None when the text gives no sign."""
    return _language_of(*_function_words(text))


def _function_words(text: str) -> tuple[int, int]:
    """(German, English) function words in `text`. Words never run across a space, so
    the counts of texts joined by spaces are the sums of theirs."""
    words = _WORD.findall(text.lower())
    return sum(map(_GERMAN.__contains__, words)), sum(map(_ENGLISH.__contains__, words))


def _language_of(german: int, english: int) -> str | None:
    if german == english:
        return None
    return "de" if german > english else "en"


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, split after . ! ? before a capital or digit."""
    return [s for s in _SENTENCE_END.split(clean_display(text)) if s]


def _typography(text: str) -> str:
    """`text.translate(_TYPOGRAPHY)`, by replacing only the characters present (many
    times faster: translate takes its slow path on any text with a curly quote)."""
    for char, plain in _TYPOGRAPHY_PAIRS:
        if char in text:
            text = text.replace(char, plain)
    return text


_TYPOGRAPHY_PAIRS = tuple((chr(code), plain) for code, plain in _TYPOGRAPHY.items())


@dataclass
class _Pending:
    """A passage between its indicator pass and the model's batched reading."""

    scored: list[tuple[float, int, ThemeMatch]]
    limit: int
    readings: dict[str | None, list[str]]
    # theme -> (probability, the sentence it is the model's best for); only the themes
    # the combination looks at: the indicator themes (no sentence: only their veto is
    # read) and the others at the model's threshold.
    votes: dict[str, tuple[float, str | None]] = field(default_factory=dict)


@dataclass
class _Hit:
    indicator: Indicator
    start: int
    end: int
    text: str


class Classifier:
    """Assigns themes from a `Taxonomy` to sentences, paragraphs and changes."""

    def __init__(self, taxonomy: Taxonomy, model: ThemeModel | None = _DEFAULT):  # type: ignore[assignment]
        """`model`: the theme model (default: the packaged one); None for indicators only."""
        self.taxonomy = taxonomy
        self.model = packaged_model() if model is _DEFAULT else model
        self._indexes: dict[tuple[str, ...], IndicatorIndex] = {}
        self._theme_ids = frozenset(taxonomy.ids)
        # A diff classifies the same sentences and paragraphs for several changes.
        self._recent: OrderedDict[tuple, list[ThemeMatch]] = OrderedDict()
        self._read: dict[str, numpy.ndarray] = {}  # sentence -> the model's probabilities

    def classify(
        self, text: str, language: str | None = None, max_themes: int | None = None
    ) -> list[ThemeMatch]:
        """Themes for one passage, best first. At most 3 for a sentence, 4 for a paragraph."""
        return self.classify_many([(text, language, max_themes)])[0]

    def classify_many(
        self, passages: Sequence[tuple[str, str | None, int | None]]
    ) -> list[list[ThemeMatch]]:
        """`classify` for each (text, language, max_themes), the model reading every
        sentence of every passage in one batch."""
        pending: dict[tuple, _Pending] = {}
        for key in passages:
            if key not in self._recent and key not in pending:
                prepared = self._prepare(*key)
                if prepared is not None:
                    pending[key] = prepared
        self._vote_all(list(pending.values()))
        results = []
        for key in passages:
            if key in pending:
                prepared = pending.pop(key)
                self._remember(
                    key, self._combined(prepared.scored, prepared.votes)[: prepared.limit]
                )
            elif key not in self._recent:
                self._remember(key, [])
            self._recent.move_to_end(key)
            results.append(list(self._recent[key]))
        return results

    def _remember(self, key: tuple, matches: list[ThemeMatch]) -> None:
        self._recent[key] = matches
        if len(self._recent) > RECENT_PASSAGES:
            self._recent.popitem(last=False)

    def _prepare(self, text: str, language: str | None, max_themes: int | None):
        """The indicator part of a passage, and the sentences the model is to read."""
        display = clean_display(text)
        if not display:
            return None
        if max_themes is None:
            several = len(split_sentences(display)) > 1
            max_themes = PARAGRAPH_MAX_THEMES if several else SENTENCE_MAX_THEMES
        display = self.taxonomy.without_unthemed(display)
        scored, claimed = self._score(display, language)
        return _Pending(scored, max_themes, self._readings(display, claimed))

    def classify_change(
        self, change: Change, old_paragraph: str | None, new_paragraph: str | None
    ) -> list[ThemeMatch]:
        """Themes for a change: its changed words first, then its sentence, then paragraph.

        A theme named in the changed words leads even when the paragraph is about
        something else; the sentence adds its themes after those; the paragraph is
        consulted only when neither the words nor the sentence name any theme.
        """
        return self.classify_changes([(change, old_paragraph, new_paragraph)])[0]

    def classify_changes(
        self, changes: Sequence[tuple[Change, str | None, str | None]]
    ) -> list[list[ThemeMatch]]:
        """`classify_change` for each (change, old paragraph, new paragraph): the words
        and sentences of all the changes in one batch, then the paragraphs still needed."""
        levels = []
        counted: dict[str, tuple[int, int]] = {}  # the paragraphs of a diff repeat

        def count(part: str) -> tuple[int, int]:
            found = counted.get(part)
            if found is None:
                found = counted[part] = _function_words(part)
            return found

        for change, old_paragraph, new_paragraph in changes:
            words = " … ".join([*change.deleted, *change.inserted])
            sentence = " ".join(s for s in (change.old, change.new) if s)
            paragraph = " ".join(p for p in (old_paragraph, new_paragraph) if p)
            # guess_language(" ".join([sentence, paragraph, words])), part by part
            parts = [change.old, change.new, old_paragraph, new_paragraph, words]
            german = english = 0
            for part in parts:
                if part:
                    g, e = count(part)
                    german, english = german + g, english + e
            language = _language_of(german, english)
            levels.append((words, sentence, paragraph, language))
        batch = self.classify_many(
            [
                (text, language, SENTENCE_MAX_THEMES)
                for words, sentence, _, language in levels
                for text in (words, sentence)
            ]
        )
        results: list[list[ThemeMatch]] = []
        for index in range(len(levels)):
            found: dict[str, ThemeMatch] = {}
            for level, discount in (
                (batch[2 * index], 1.0),
                (batch[2 * index + 1], SENTENCE_DISCOUNT),
            ):
                for match in level:
                    if match.id not in found:
                        found[match.id] = _discounted(match, discount)
            results.append(list(found.values()))
        # The paragraphs of the changes whose words and sentence name no theme, in one batch.
        unnamed = [index for index, result in enumerate(results) if not result]
        paragraphs = self.classify_many(
            [(levels[index][2], levels[index][3], SENTENCE_MAX_THEMES) for index in unnamed]
        )
        for index, matches in zip(unnamed, paragraphs, strict=True):
            results[index] = [_discounted(match, PARAGRAPH_DISCOUNT) for match in matches]
        return [result[:SENTENCE_MAX_THEMES] for result in results]

    def _score(
        self, display: str, language: str | None
    ) -> tuple[list[tuple[float, int, ThemeMatch]], list[tuple[str, int, int]]]:
        """Indicator themes, best first, and the spans claimed (owner, start, end)."""
        text = _typography(display)
        language = language or guess_language(text)
        languages = (language,) if language in ("en", "de") else ("en", "de")

        # Themes with hits only, in taxonomy order (the index's order).
        hits: dict[str, list[_Hit]] = {}
        for theme_id, indicator, start, end in self._index(languages).spans(text):
            found = hits.get(theme_id)
            if found is None:
                found = hits[theme_id] = []
            found.append(_Hit(indicator, start, end, text[start:end]))
        claimed = [
            (theme_id, h.start, h.end)
            for theme_id, hs in hits.items()
            for h in hs
            if h.indicator.claims
        ]
        results = []
        for theme_id, theme_hits in hits.items():
            kept = theme_hits
            if claimed:
                kept = [
                    h
                    for h in theme_hits
                    if h.indicator.claims
                    or not any(
                        owner != theme_id and h.start < end and start < h.end
                        for owner, start, end in claimed
                    )
                ]
            if len(kept) > 1:
                kept = _without_overlaps(kept)
            raw = _raw_score(kept)
            if raw < 1.0:
                continue
            first = min(h.start for h in kept)
            match = ThemeMatch(
                id=theme_id,
                score=1.0 - math.exp(-raw),
                evidence=_evidence(kept, display),
            )
            results.append((raw, first, match))
        results.sort(key=lambda r: (-r[0], r[1]))
        return results, claimed

    def _readings(
        self, display: str, claimed: list[tuple[str, int, int]]
    ) -> dict[str | None, list[str]]:
        """The sentences the model reads for a passage, per reader.

        Claims hold for the model too: a theme is judged on the passage without the
        spans other themes claimed ("Coalition for the Sahel" says nothing of the
        Coalition), so there is one reading per claiming theme, plus the plain one.
        """
        if self.model is None or not _has_words(display, MODEL_MIN_WORDS):
            return {}
        if not claimed:
            return {None: split_sentences(display)}
        owners = {owner for owner, _, _ in claimed}
        readings = {None: _masked(display, claimed, keep=None)}
        readings.update({owner: _masked(display, claimed, keep=owner) for owner in owners})
        return {reader: split_sentences(text) for reader, text in readings.items()}

    def _vote_all(self, pending: list[_Pending]) -> None:
        """Fill each passage's votes: per theme, its best sentence's probability, the
        model reading every distinct sentence of all the passages in one product.

        A theme reads the passage with every other theme's claims masked: the plain
        reading, or its own when it claims spans. Only the themes `_combined` looks at
        are kept, in the order the model ranks them on the reading's first sentence."""
        rows: dict[str, int] = {}
        for prepared in pending:
            for sentences in prepared.readings.values():
                for sentence in sentences:
                    rows.setdefault(sentence, len(rows))
        if not rows:
            return
        model = self.model
        # A diff's paragraphs repeat sentences its sentences batch read: read each once.
        read = self._read
        fresh = [sentence for sentence in rows if sentence not in read]
        if len(read) + len(fresh) > RECENT_SENTENCES:
            read.clear()
        if fresh:
            read.update(zip(fresh, model.probabilities(fresh), strict=True))
        probabilities = numpy.array([read[sentence] for sentence in rows])
        columns = [(c, t) for c, t in enumerate(model.themes) if t in self._theme_ids]
        # The plain readings of all the passages: best and first sentence, in one go.
        plain = [p for p in pending if p.readings.get(None)]
        if plain:
            gathered = [rows[s] for p in plain for s in p.readings[None]]
            starts = list(accumulate((len(p.readings[None]) for p in plain[:-1]), initial=0))
            maxima = numpy.maximum.reduceat(probabilities[gathered], starts, axis=0).tolist()
            firsts = probabilities[[gathered[i] for i in starts]].tolist()
        for index, prepared in enumerate(plain):
            self._keep_votes(
                prepared, None, columns, maxima[index], firsts[index], probabilities, rows
            )
        for prepared in pending:
            for reader, sentences in prepared.readings.items():
                if reader is not None and sentences:
                    block = probabilities[[rows[s] for s in sentences]]
                    self._keep_votes(
                        prepared,
                        reader,
                        columns,
                        block.max(axis=0).tolist(),
                        block[0].tolist(),
                        probabilities,
                        rows,
                    )

    def _keep_votes(
        self,
        prepared: _Pending,
        reader: str | None,
        columns: list[tuple[int, str]],
        maxima: list[float],
        first: list[float],
        probabilities: numpy.ndarray,
        rows: dict[str, int],
    ) -> None:
        """The votes of one reading of a passage (see `_vote_all`)."""
        owners = prepared.readings.keys()
        wanted = {match.id for _, _, match in prepared.scored}
        threshold = self.model.threshold
        if reader is None:
            mine = [(c, t) for c, t in columns if t not in owners]
        else:
            mine = [(c, t) for c, t in columns if t == reader]
        mine.sort(key=lambda column: -first[column[0]])
        sentences = prepared.readings[reader]
        for column, theme in mine:
            probability = maxima[column]
            if theme in wanted:
                prepared.votes[theme] = (probability, None)  # its veto needs no sentence
            elif probability >= threshold:
                # The first sentence with the best probability, as the model ranks them.
                best = sentences[
                    int(numpy.argmax(probabilities[[rows[s] for s in sentences], column]))
                ]
                prepared.votes[theme] = (probability, best)

    def _combined(
        self,
        scored: list[tuple[float, int, ThemeMatch]],
        votes: dict[str, tuple[float, str | None]],
    ) -> list[ThemeMatch]:
        """Indicator themes and model themes together, best first, evidence from both.

        An indicator theme stays, with its matched words and score, unless the model is
        confident it is wrong (below its veto probability); a theme the model alone gives
        needs its threshold and shows the words that carried the model's decision.
        """
        if not votes:
            return [match for _, _, match in scored]
        merged: list[tuple[float, ThemeMatch]] = []
        for _, _, match in scored:
            vote = votes.pop(match.id, None)
            if vote is None:
                merged.append((match.score, match))
                continue
            if vote[0] >= self.model.veto:
                merged.append((match.score, match))  # the matched words are the evidence
        for theme, (probability, sentence) in votes.items():
            if probability >= self.model.threshold:
                evidence = self.model.evidence(theme, sentence)
                if evidence:
                    merged.append((probability, ThemeMatch(theme, probability, evidence)))
        merged.sort(key=lambda pair: -pair[0])
        return [match for _, match in merged]

    def _index(self, languages: tuple[str, ...]) -> IndicatorIndex:
        """The taxonomy's index for a language set (see `indicator_index_for`)."""
        index = self._indexes.get(languages)
        if index is None:
            index = self._indexes[languages] = indicator_index_for(self.taxonomy, languages)
        return index


# Indexes built for the taxonomies in use, newest last: (taxonomy, {languages: index}).
# A process builds a Classifier per run, the taxonomy compiled once (themes.load_themes);
# the index of its indicators, and the word table it keeps, belong with the taxonomy.
_INDEXES: OrderedDict[int, tuple[Taxonomy, dict[tuple[str, ...], IndicatorIndex]]] = OrderedDict()
INDEXED_TAXONOMIES = 8


def indicator_index_for(taxonomy: Taxonomy, languages: tuple[str, ...]) -> IndicatorIndex:
    """The index of a taxonomy's indicators for a language set, built once per taxonomy
    object (a few milliseconds) and kept for the last few taxonomies used."""
    cached = _INDEXES.get(id(taxonomy))
    if cached is None or cached[0] is not taxonomy:
        cached = _INDEXES[id(taxonomy)] = (taxonomy, {})
        if len(_INDEXES) > INDEXED_TAXONOMIES:
            _INDEXES.popitem(last=False)
    _INDEXES.move_to_end(id(taxonomy))
    indexes = cached[1]
    index = indexes.get(languages)
    if index is None:
        index = indexes[languages] = IndicatorIndex(
            (theme.id, indicator, indicator.anchors)
            for theme in taxonomy
            for indicator in theme.applicable(languages)
        )
    return index


def _has_words(display: str, count: int) -> bool:
    """At least `count` words as `_WORD` reads them (a text's start has no more words
    than the text: read the start first)."""
    if len(_WORD.findall(display[:200].lower())) >= count:
        return True
    return len(_WORD.findall(display.lower())) >= count


def _masked(display: str, claimed: list[tuple[str, int, int]], keep: str | None) -> str:
    """`display` with the spans claimed by themes other than `keep` blanked out (the
    same object when there is nothing to blank)."""
    if all(owner == keep for owner, _, _ in claimed):
        return display
    chars = list(display)
    for owner, start, end in claimed:
        if owner != keep:
            chars[start:end] = " " * (end - start)
    return "".join(chars)


def _without_overlaps(hits: list[_Hit]) -> list[_Hit]:
    """Within one theme, keep the longest of overlapping hits (one span, one vote)."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if not any(hit.start < k.end and k.start < hit.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _raw_score(hits: list[_Hit]) -> float:
    """Each distinct indicator counts its weight once; repeats add a little, up to a cap."""
    by_indicator: dict[int, list[_Hit]] = {}
    for hit in hits:
        by_indicator.setdefault(id(hit.indicator), []).append(hit)
    total = 0.0
    for group in by_indicator.values():
        weight = group[0].indicator.weight
        total += weight + min(len(group) - 1, 3) * 0.1 * weight
    return total


def _evidence(hits: list[_Hit], display: str) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for hit in hits:
        words = display[hit.start : hit.end].strip(" -/'\u2019\u2018")
        seen.setdefault(words.casefold(), words)
    return tuple(seen.values())[:MAX_EVIDENCE]


def _discounted(match: ThemeMatch, factor: float) -> ThemeMatch:
    if factor == 1.0:
        return match
    return ThemeMatch(id=match.id, score=match.score * factor, evidence=match.evidence)
