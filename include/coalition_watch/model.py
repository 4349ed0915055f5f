"""The values that travel between stages. Plain frozen dataclasses, JSON-friendly."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

ChangeKind = Literal["added", "removed", "modified", "moved", "split", "merged"]
Significance = Literal["substantive", "cosmetic"]


@dataclass(frozen=True)
class Document:
    """A statement as extracted from one page: the body only, as paragraphs of display text."""

    title: str
    paragraphs: tuple[str, ...]
    published: str | None = None  # ISO date (YYYY-MM-DD)
    language: str | None = None
    url: str | None = None
    doc_type: str | None = None  # "Press release", "Media Note", ...

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "published": self.published,
            "language": self.language,
            "paragraphs": list(self.paragraphs),
        }

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class ThemeMatch:
    """One theme found in a passage, with the words that justify it."""

    id: str
    score: float
    evidence: tuple[str, ...]

    def to_json(self) -> dict:
        return {"id": self.id, "score": round(self.score, 3), "evidence": list(self.evidence)}


@dataclass(frozen=True)
class ThemedParagraph:
    """A paragraph of a statement with the themes found in it (a first statement's summary)."""

    index: int  # 0-based position in the statement
    text: str
    themes: tuple[ThemeMatch, ...]

    def to_json(self) -> dict:
        return {
            "index": self.index,
            "text": self.text,
            "themes": [m.to_json() for m in self.themes],
        }


@dataclass
class Change:
    """One changed sentence (or group of sentences for split/merge) between two versions.

    `old`/`new` hold display text; `inserted`/`deleted` the changed word spans.
    `old_paragraph`/`new_paragraph` are 0-based paragraph indexes, for context.
    """

    kind: ChangeKind
    significance: Significance
    old: str | None
    new: str | None
    inserted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    old_paragraph: int | None = None
    new_paragraph: int | None = None
    evidence: dict[str, list[str]] = field(default_factory=dict)
    # How much it matters (diff/significance.py): higher first, with the reasons why.
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    # {"shift": "softened" | "strengthened", "old": [...], "new": [...]} (diff/tone.py)
    tone: dict | None = None
    # Why a cosmetic change is cosmetic when it is not plain presentation: "encoding".
    label: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Diff:
    """The comparison of two documents: the `coalition-watch diff --json` contract."""

    old: Document
    new: Document
    changes: list[Change]
    # Why `old` is the one compared with, when the pipeline chose it (coalition_watch.baseline).
    baseline: str | None = None

    def to_json(self) -> dict:
        data = {
            "old": {"title": self.old.title, "published": self.old.published},
            "new": {"title": self.new.title, "published": self.new.published},
            "changes": [c.to_json() for c in self.changes],
        }
        if self.baseline:
            data["baseline"] = self.baseline
        return data

    @property
    def substantive(self) -> list[Change]:
        return [c for c in self.changes if c.significance == "substantive"]

    @property
    def cosmetic(self) -> list[Change]:
        return [c for c in self.changes if c.significance == "cosmetic"]

    @property
    def ranked(self) -> list[Change]:
        """Substantive changes, most significant first; document order breaks ties."""
        return sorted(self.substantive, key=lambda c: -c.score)


AlertKind = Literal["new_statement", "revised_statement"]


@dataclass(frozen=True)
class StatementRef:
    """Enough about a stored statement version to name it in a message."""

    title: str
    published: str | None
    url: str
    source: str
    series: str
    language: str | None = None
    version_id: int | None = None


@dataclass
class Alert:
    """Something subscribers may be told about: a new statement or a revised one.

    `key` is stable across re-runs (e.g. "version:7" or "comparison:12") so that the
    outbox can render and send each alert once. `basis` says what `diff` compares
    against: the previous version of the same publication ("revision") or the previous
    statement of the series ("series", the last meeting). `themes` are the union of the
    substantive changes' themes (or of the whole statement when there is no diff).
    """

    kind: AlertKind
    key: str
    statement: StatementRef
    themes: list[str]
    previous: StatementRef | None = None
    basis: Literal["revision", "series"] | None = None
    diff: Diff | None = None
    link: str | None = None  # "see the full diff" page in the UI
    theme_evidence: dict[str, list[str]] = field(default_factory=dict)
    # The classified paragraphs, when there is no diff to show (the first of a series).
    paragraphs: list[ThemedParagraph] = field(default_factory=list)
