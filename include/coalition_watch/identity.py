"""One statement, several publications.

The same communiqué appears on several governments' sites, re-edited to each house style
(ISIS or Daesh, "defence" or "defense", numbered paragraphs or not), and sometimes in
translation. `same_statement` scores whether two documents are one statement;
`compare_publications` reports how two publications of one statement differ, as
variants: a publication differing from another is never a change of the statement.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from coalition_watch.diff import diff_documents
from coalition_watch.diff.align import align, prepare
from coalition_watch.diff.equivalence import Equivalences, load_equivalences
from coalition_watch.diff.words import matched_tokens
from coalition_watch.errors import BadInput
from coalition_watch.model import Change, Document
from coalition_watch.normalize import clean_display

# Two documents scoring at least this are publications of one statement. Re-edits by
# another publisher score above 0.9; consecutive meetings' communiqués, which reuse
# much wording, score around 0.6 (0.63 for the 2020 and 2021 Small Group seeds).
SAME_STATEMENT_THRESHOLD = 0.8

# Words a translation keeps: numbers, acronyms, names written with capitals mid-sentence.
_NEUTRAL = re.compile(r"\b(?:\d[\d.,/-]*\d|\d|[A-Z]{2,}[a-z]?|(?<=[a-z,] )[A-Z][a-z]+)")


@dataclass(frozen=True)
class Variants:
    """How two publications compare: are they one statement, and where do they differ."""

    score: float
    same: bool
    changes: list[Change]

    @property
    def substantive(self) -> list[Change]:
        return [c for c in self.changes if c.significance == "substantive"]


def same_statement(a: Document, b: Document, rules: Equivalences | None = None) -> float:
    """0..1: how likely `a` and `b` are publications of one statement."""
    for name, doc in (("first", a), ("second", b)):
        if not isinstance(doc, Document):
            raise BadInput(f"{name} document: expected a Document, got {type(doc).__name__}")
    if a.url and a.url == b.url:
        return 1.0  # a revision of one page is the same statement by definition
    if a.language and b.language and a.language.split("-")[0] != b.language.split("-")[0]:
        return _across_languages(a, b)
    return _shared_wording(a, b, rules or load_equivalences())


def _shared_wording(a: Document, b: Document, eq: Equivalences) -> float:
    """Share of both documents' words found, in order, in aligned sentences."""
    old, new = prepare(a.paragraphs, eq, a.published), prepare(b.paragraphs, eq, b.published)
    total = sum(s.size for s in old) + sum(s.size for s in new)
    if not total:
        return 0.0
    shared = 0
    for link in align(old, new).links:
        keys_a = [k for i in link.old for k in old[i].keys]
        keys_b = [k for j in link.new for k in new[j].keys]
        shared += 2 * matched_tokens(keys_a, keys_b)
    return shared / total


def _across_languages(a: Document, b: Document) -> float:
    """Without translating: overlap of numbers, acronyms and names, gated by the date."""
    marks_a, marks_b = _neutral_marks(a), _neutral_marks(b)
    total = sum(marks_a.values()) + sum(marks_b.values())
    if not total:
        return 0.0
    overlap = 2 * sum((marks_a & marks_b).values()) / total
    if a.published and b.published and a.published[:10] != b.published[:10]:
        overlap *= 0.5  # translations are published the same day, or should say so
    return overlap


def _neutral_marks(doc: Document) -> Counter:
    text = clean_display(doc.text)
    return Counter(m.group() for m in _NEUTRAL.finditer(text))


def compare_publications(a: Document, b: Document, rules: Equivalences | None = None) -> Variants:
    """Score two publications and, when they are one statement, list their variants."""
    eq = rules or load_equivalences()
    score = same_statement(a, b, eq)
    same = score >= SAME_STATEMENT_THRESHOLD
    changes = diff_documents(a, b, eq).changes if same else []
    return Variants(score, same, changes)
