"""The diff stage: what changed between two versions of a statement, and does it matter."""

from __future__ import annotations

from coalition_watch.diff.align import align, prepare
from coalition_watch.diff.changes import build_changes, is_paragraph_change
from coalition_watch.diff.equivalence import Equivalences, load_equivalences
from coalition_watch.diff.sentences import split_sentences
from coalition_watch.errors import BadInput
from coalition_watch.model import Diff, Document

__all__ = [
    "Equivalences",
    "diff_documents",
    "is_paragraph_change",
    "load_equivalences",
    "split_sentences",
]


def diff_documents(old: Document, new: Document, rules: Equivalences | None = None) -> Diff:
    """Compare two documents; `themes` of each change are left for the classifier."""
    for name, doc in (("old", old), ("new", new)):
        if not isinstance(doc, Document):
            raise BadInput(f"{name} document: expected a Document, got {type(doc).__name__}")
    eq = rules or load_equivalences()
    alignment = align(
        prepare(old.paragraphs, eq, old.published), prepare(new.paragraphs, eq, new.published)
    )
    return Diff(old, new, build_changes(alignment, eq, old.paragraphs, new.paragraphs))
