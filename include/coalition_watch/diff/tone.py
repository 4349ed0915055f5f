"""Tone shifts: did a rewritten sentence's commitment get weaker or stronger?

A desk officer reads "will continue" becoming "may explore" as news even when every
other word stayed. The lexicon (config/tone.yaml) ranks diplomatic verbs, modals and
intensifiers on scales, in English and German. For a modified sentence, each scale with
one of its words among the changed words compares the firmest word of the old sentence
with the firmest of the new; the shift is `softened` when every moved scale went down,
`strengthened` when every one went up, and nothing when they disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from coalition_watch.config_files import load_config, read_yaml
from coalition_watch.errors import ConfigError
from coalition_watch.model import Change

_WORD = re.compile(r"\w+", re.UNICODE)
LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class Scale:
    name: str
    absent_counts: bool
    # first word -> (word sequence, level), longest sequences first
    by_first_word: dict[str, tuple[tuple[tuple[str, ...], int], ...]]


@dataclass(frozen=True)
class ToneShift:
    """`direction` is softened or strengthened; `old`/`new` the words that show it."""

    direction: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    scales: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "shift": self.direction,
            "old": list(self.old),
            "new": list(self.new),
            "scales": list(self.scales),
        }


@dataclass(frozen=True)
class _Hit:
    words: str
    level: int
    start: int  # word index in the sentence
    end: int


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


class ToneLexicon:
    def __init__(self, scales: tuple[Scale, ...]):
        self.scales = scales

    def _hits(self, words: list[str]) -> dict[str, list[_Hit]]:
        """Each scale's hits, less those inside a longer term of another scale
        ("may" inside "may explore" is not also the modal "may")."""
        found = {scale.name: _find(scale, words) for scale in self.scales}
        spans = [(h.start, h.end) for hits in found.values() for h in hits]
        return {
            name: [
                h
                for h in hits
                if not any(
                    a <= h.start and h.end <= b and b - a > h.end - h.start for a, b in spans
                )
            ]
            for name, hits in found.items()
        }

    def terms_in(self, words: list[str]) -> list[str]:
        """Lexicon terms found in `words`, each once, in order."""
        found = [h.words for scale in self.scales for h in _find(scale, words)]
        return list(dict.fromkeys(found))

    def shift(self, change: Change) -> ToneShift | None:
        """The tone shift of a substantive rewrite, or None."""
        if change.significance != "substantive" or change.old is None or change.new is None:
            return None
        if change.kind not in ("modified", "split", "merged"):
            return None
        old, new = words_of(change.old), words_of(change.new)
        deleted = set(w for span in change.deleted for w in words_of(span))
        inserted = set(w for span in change.inserted for w in words_of(span))
        down: list[tuple[str, _Hit | None, _Hit | None]] = []
        up: list[tuple[str, _Hit | None, _Hit | None]] = []
        old_by_scale, new_by_scale = self._hits(old), self._hits(new)
        for scale in self.scales:
            old_hits, new_hits = old_by_scale[scale.name], new_by_scale[scale.name]
            touched = any(set(h.words.split()) & deleted for h in old_hits) or any(
                set(h.words.split()) & inserted for h in new_hits
            )
            if not touched:
                continue
            if not scale.absent_counts and not (old_hits and new_hits):
                continue
            before = max(old_hits, key=lambda h: h.level, default=None)
            after = max(new_hits, key=lambda h: h.level, default=None)
            level_before = before.level if before else 0
            level_after = after.level if after else 0
            if level_after < level_before:
                down.append((scale.name, before, after))
            elif level_after > level_before:
                up.append((scale.name, before, after))
        if bool(down) == bool(up):
            return None  # nothing moved, or scales disagree: no honest single label
        moved, direction = (down, "softened") if down else (up, "strengthened")
        return ToneShift(
            direction,
            tuple(b.words for _, b, _ in moved if b),
            tuple(a.words for _, _, a in moved if a),
            tuple(name for name, _, _ in moved),
        )


def _find(scale: Scale, words: list[str]) -> list[_Hit]:
    """Non-overlapping occurrences of the scale's terms, longest first at each place."""
    hits: list[_Hit] = []
    i = 0
    while i < len(words):
        step = 1
        for term, level in scale.by_first_word.get(words[i], ()):
            if tuple(words[i : i + len(term)]) == term:
                hits.append(_Hit(" ".join(term), level, i, i + len(term)))
                step = len(term)
                break
        i += step
    return hits


def _english_forms(base: str) -> set[str]:
    """-s, -es, -d, -ed, -ing forms of an English verb (over-generation is harmless)."""
    forms = {base, base + "s", base + "es", base + "ed", base + "ing"}
    if base.endswith("e"):
        forms |= {base + "d", base[:-1] + "ing"}
    if base.endswith("y"):
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    return forms


def _build(name: str, data) -> ToneLexicon:
    if not isinstance(data, dict) or not isinstance(data.get("scales"), dict):
        raise ConfigError(name, "scales", "expected a mapping of scales")
    scales = []
    for scale_name, spec in data["scales"].items():
        where = f"scales.{scale_name}"
        if not isinstance(spec, dict):
            raise ConfigError(name, where, "expected a mapping")
        unknown = set(spec) - {"absent_counts", "inflect", *LANGUAGES}
        if unknown:
            raise ConfigError(name, where, f"unknown key(s): {', '.join(sorted(unknown))}")
        inflect = bool(spec.get("inflect", True))
        terms: dict[tuple[str, ...], int] = {}
        for language in LANGUAGES:
            for term, value in (spec.get(language) or {}).items():
                level, forms = _term_spec(name, f"{where}.{language}.{term}", value)
                first, *rest = str(term).casefold().split()
                spellings = {first} | set(forms)
                if inflect and language == "en":
                    spellings |= _english_forms(first)
                for spelling in spellings:
                    terms[(*spelling.casefold().split(), *rest)] = level
        if not terms:
            raise ConfigError(name, where, "lists no terms")
        grouped: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for sequence, level in terms.items():
            grouped.setdefault(sequence[0], []).append((sequence, level))
        by_first_word = {
            w: tuple(sorted(group, key=lambda item: -len(item[0]))) for w, group in grouped.items()
        }
        scales.append(Scale(scale_name, bool(spec.get("absent_counts")), by_first_word))
    return ToneLexicon(tuple(scales))


def _term_spec(name: str, where: str, value) -> tuple[int, list[str]]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, []
    if isinstance(value, dict) and isinstance(value.get("level"), int):
        forms = value.get("forms") or []
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            raise ConfigError(name, f"{where}.forms", "expected a list of words")
        return value["level"], [f.casefold() for f in forms]
    raise ConfigError(name, where, "expected a level (integer) or {level, forms}")


def load_tone_lexicon(path: str | Path | None = None) -> ToneLexicon:
    """The lexicon from config/tone.yaml (the deployment's, else the packaged one)."""
    return load_config("tone.yaml", path, _read)


def _read(path: Path) -> ToneLexicon:
    data = read_yaml(path)
    return _build(str(path), data)
