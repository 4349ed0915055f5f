"""Which changes matter most: a score and its reasons for every substantive change.

Runs after alignment, on the changes the diff found, with weights from
config/significance.yaml. What raises a change: being a whole sentence added or
removed; naming a place, person, organisation, number or date (more when the other
version never mentions it); words a desk officer reads first (attacks, children,
mission ...); a commitment verb or modal among the changed words, more when the
commitment got weaker or stronger (diff/tone.py); and the amount of new wording. A
change that only re-voices ("we" -> "they") or changes tense scores almost nothing:
it stays substantive (who speaks can matter), ranked last.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coalition_watch.config_files import load_config, read_mapping
from coalition_watch.diff.tone import ToneLexicon, load_tone_lexicon, words_of
from coalition_watch.errors import ConfigError
from coalition_watch.model import Change, Document

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Januar|Februar|März|Juni|Juli|Oktober|Dezember"
)
_DATE = rf"(?:\d{{1,2}}\.?\s+)?(?:{_MONTHS})(?:\s+\d{{1,2}}(?!\d))?(?:,?\s+\d{{4}})?"
_NUMBER = r"\d[\d.,/]*\d|\d"
# A capitalised word ("J." counts: "Antony J. Blinken" is one name), joined to the next
# one directly or through a linking word ("Government of Iraq").
_WORD_CAP = r"[A-Z](?:\.|[\w'’/-]*)"
_CAPITALISED = rf"{_WORD_CAP}(?:\s+(?:(?:of|the|and|for|de|du|des|al)\s+)?{_WORD_CAP})*"
_ACRONYM = r"\b[A-Z]{2,}[a-z]?\b"
_NAME_EN = re.compile(rf"{_DATE}|{_NUMBER}|{_CAPITALISED}")
# German capitalises every noun: only dates, numbers and acronyms are names there.
_NAME_DE = re.compile(rf"{_DATE}|{_NUMBER}|{_ACRONYM}")
_POSSESSIVE = re.compile(r"['’]s?$")
_CONTENT_WORD_LENGTH = 4  # shorter words are mostly grammar


@dataclass(frozen=True)
class SignificanceRules:
    weights: dict[str, float]
    caps: dict[str, float]
    common_names: frozenset[str]
    salient: dict[str, tuple[str, ...]]
    voice: dict[str, str]
    irregular_past: dict[str, str]


@dataclass
class _Side:
    """What one version of the statement says, to tell new names and words from known."""

    text: str  # casefolded
    words: frozenset[str]

    def mentions(self, name: str) -> bool:
        """The name as a whole: each of its words is a word of the text ("iraq" is not
        found in "iraqi"), and the words stand together."""
        return all(w in self.words for w in words_of(name)) and name in self.text


def rank_changes(
    changes: Sequence[Change],
    old: Document,
    new: Document,
    rules: SignificanceRules | None = None,
    tone: ToneLexicon | None = None,
) -> None:
    """Fill `score`, `reasons` and `tone` of each substantive change, in place."""
    rules = rules or load_significance()
    tone = tone or load_tone_lexicon()
    language = (new.language or old.language or "en").split("-")[0]
    sides = {"old": _side(old), "new": _side(new)}
    for change in changes:
        if change.significance != "substantive":
            continue
        shift = tone.shift(change)
        change.tone = shift.to_json() if shift else None
        change.score, change.reasons = _score(change, sides, rules, tone, language)


def _side(doc: Document) -> _Side:
    text = "\n".join(doc.paragraphs).casefold()
    return _Side(text, frozenset(words_of(text)))


def _names(text: str, rules: SignificanceRules, language: str) -> list[str]:
    pattern = _NAME_DE if language == "de" else _NAME_EN
    found = []
    for match in pattern.finditer(text):
        name = _POSSESSIVE.sub("", match.group().strip()).casefold()
        name = re.sub(r"^the\s+", "", name)
        if name and name not in rules.common_names:
            found.append(name)
    return found


def _score(
    change: Change,
    sides: dict[str, _Side],
    rules: SignificanceRules,
    tone: ToneLexicon,
    language: str,
) -> tuple[float, list[str]]:
    w, caps = rules.weights, rules.caps
    whole = change.kind in ("added", "removed")
    deleted = [change.old or ""] if change.kind == "removed" else list(change.deleted)
    inserted = [change.new or ""] if change.kind == "added" else list(change.inserted)

    if not whole:
        revoiced = _only_revoiced(deleted, inserted, rules)
        if revoiced:
            return w["revoicing_only"], [revoiced]

    score, reasons = 0.0, []
    if whole:
        score += w[f"sentence_{change.kind}"]
        reasons.append(f"whole sentence {change.kind}")

    # Names: an inserted name is new when the old version never mentions it, and so on.
    new_names, known_names = [], []
    for spans, other in ((inserted, sides["old"]), (deleted, sides["new"])):
        for name in dict.fromkeys(n for s in spans for n in _names(s, rules, language)):
            (known_names if other.mentions(name) else new_names).append(name)
    names_score = w["new_name"] * len(new_names) + w["known_name"] * len(known_names)
    names_score = min(caps["names"], names_score)
    if new_names:
        reasons.append("names not in the other version: " + ", ".join(new_names))
    if known_names:
        reasons.append("names changed: " + ", ".join(known_names))
    score += names_score

    changed_words = [x for s in deleted + inserted for x in words_of(s)]
    salient = _salient_terms(changed_words, rules.salient.get(language, ()))
    if salient:
        score += min(caps["salient"], w["salient_term"] * len(salient))
        reasons.append("salient: " + ", ".join(salient))

    if not whole:
        lemma = _lemma(rules)
        before = {lemma(t): t for s in deleted for t in tone.terms_in(words_of(s))}
        after = {lemma(t): t for s in inserted for t in tone.terms_in(words_of(s))}
        # "noted" -> "noting" is the same commitment: only a different word counts.
        commitment = [t for k, t in {**before, **after}.items() if (k in before) != (k in after)]
        if commitment:
            score += w["commitment"]
            reasons.append("commitment words changed: " + ", ".join(commitment))
        if change.tone:
            score += w["tone_shift"]
            words = _words_shown(change.tone["old"]) + " → " + _words_shown(change.tone["new"])
            reasons.append(f"tone {change.tone['shift']}: {words}")

    novel = known = 0
    for spans, other in ((inserted, sides["old"]), (deleted, sides["new"])):
        for word in (x for s in spans for x in words_of(s)):
            if len(word) >= _CONTENT_WORD_LENGTH:
                if word in other.words:
                    known += 1
                else:
                    novel += 1
    wording = min(caps["wording"], w["new_wording"] * novel + w["wording"] * known)
    if novel + known:
        score += wording
        reasons.append(f"wording: {novel} new word(s), {known} reworded")
    return round(score, 2), reasons


def _words_shown(words: list[str]) -> str:
    return " / ".join(words) if words else "(none)"


def _salient_terms(words: Iterable[str], stems: tuple[str, ...]) -> list[str]:
    """The first word found for each stem, in the order of the stems."""
    if not stems:
        return []
    first: dict[str, str] = {}
    matcher = _stem_matcher(stems)
    for word in words:
        match = matcher.match(word)
        if match and match.group() not in first:
            first[match.group()] = word
    return [first[s] for s in stems if s in first]


@cache
def _stem_matcher(stems: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all stems, longest first so that the most specific stem is named."""
    ordered = sorted(stems, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in ordered))


def _only_revoiced(deleted: list[str], inserted: list[str], rules: SignificanceRules) -> str | None:
    """A reason when the changed words differ only by person, tense or order; else None."""
    old_words = [x for s in deleted for x in words_of(s)]
    new_words = [x for s in inserted for x in words_of(s)]
    if not old_words or not new_words:
        return None
    voiced = [rules.voice.get(x, x) for x in old_words]
    if Counter(map(_lemma(rules), voiced)) != Counter(map(_lemma(rules), new_words)):
        return None
    kinds = []
    if voiced != old_words:
        swapped = zip(old_words, voiced, strict=True)
        pairs = dict.fromkeys(f"{a} → {b}" for a, b in swapped if a != b)
        kinds.append("re-voicing (" + ", ".join(pairs) + ")")
    if sorted(voiced) != sorted(new_words):
        kinds.append("tense")
    if not kinds:
        kinds.append("word order")
    return " and ".join(kinds) + " only"


def _lemma(rules: SignificanceRules):
    def lemma(word: str) -> str:
        word = rules.irregular_past.get(word, word)
        for ending in ("ied", "ies"):
            if word.endswith(ending) and len(word) > 4:
                return word[: -len(ending)] + "y"
        for ending in ("ing", "ed", "es", "s", "e", "d"):
            if word.endswith(ending) and len(word) > len(ending) + 2:
                word = word[: -len(ending)]
                break
        if len(word) > 3 and word[-1] == word[-2]:  # committ -> commit
            word = word[:-1]
        return word

    return lemma


# -- loading ------------------------------------------------------------------------------

_WEIGHTS = (
    "sentence_added",
    "sentence_removed",
    "new_name",
    "known_name",
    "salient_term",
    "commitment",
    "tone_shift",
    "new_wording",
    "wording",
    "revoicing_only",
)
_CAPS = ("names", "salient", "wording")
_KEYS = {"weights", "caps", "common_names", "salient_terms", "voice", "irregular_past"}


def load_significance(path: str | Path | None = None) -> SignificanceRules:
    """The rules from config/significance.yaml (the deployment's, else the packaged one)."""
    return load_config("significance.yaml", path, _read)


def _read(path: Path) -> SignificanceRules:
    name = str(path)
    data = read_mapping(path, _KEYS)
    weights = _numbers(name, data, "weights", _WEIGHTS)
    caps = _numbers(name, data, "caps", _CAPS)
    return SignificanceRules(
        weights=weights,
        caps=caps,
        common_names=frozenset(str(n).casefold() for n in data.get("common_names") or []),
        salient={
            lang: tuple(str(s).casefold() for s in stems)
            for lang, stems in (data.get("salient_terms") or {}).items()
        },
        voice=_words(name, data, "voice"),
        irregular_past=_words(name, data, "irregular_past"),
    )


def _numbers(name: str, data: dict, key: str, required: tuple[str, ...]) -> dict[str, float]:
    section = data.get(key)
    if not isinstance(section, dict):
        raise ConfigError(name, key, "expected a mapping")
    out = {}
    for field in required:
        value = section.get(field)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ConfigError(name, f"{key}.{field}", "expected a number >= 0")
        out[field] = float(value)
    unknown = set(section) - set(required)
    if unknown:
        raise ConfigError(name, key, f"unknown key(s): {', '.join(sorted(unknown))}")
    return out


def _words(name: str, data: dict, key: str) -> dict[str, str]:
    section = data.get(key) or {}
    if not isinstance(section, dict):
        raise ConfigError(name, key, "expected a mapping of word: word")
    return {str(a).casefold(): str(b).casefold() for a, b in section.items()}
