"""The diff stage: what changed between two versions of a statement, and does it matter."""

from __future__ import annotations

from dataclasses import replace

from coalition_watch.diff.align import align, prepare
from coalition_watch.diff.changes import build_changes, is_paragraph_change
from coalition_watch.diff.damage import encoding_changes, relabel_damage_only
from coalition_watch.diff.equivalence import Equivalences, load_equivalences
from coalition_watch.diff.sentences import split_sentences
from coalition_watch.diff.significance import rank_changes
from coalition_watch.errors import BadInput
from coalition_watch.model import Diff, Document
from coalition_watch.repair import repair_all

__all__ = [
    "Equivalences",
    "diff_documents",
    "is_paragraph_change",
    "load_equivalences",
    "split_sentences",
]


def diff_documents(old: Document, new: Document, rules: Equivalences | None = None) -> Diff:
    """Compare two documents; `themes` of each change are left for the classifier.

    Encoding damage is repaired first (the Diff holds the repaired documents); what
    differed only by damage is one cosmetic change labelled "encoding". Substantive
    changes get a significance score, reasons and tone shift (`Diff.ranked`).
    """
    for name, doc in (("old", old), ("new", new)):
        if not isinstance(doc, Document):
            raise BadInput(f"{name} document: expected a Document, got {type(doc).__name__}")
    eq = rules or load_equivalences()
    fixed_old = replace(old, paragraphs=repair_all(old.paragraphs))
    fixed_new = replace(new, paragraphs=repair_all(new.paragraphs))
    alignment = align(
        prepare(fixed_old.paragraphs, eq, old.published),
        prepare(fixed_new.paragraphs, eq, new.published),
    )
    changes = build_changes(alignment, eq, fixed_old.paragraphs, fixed_new.paragraphs)
    relabel_damage_only(changes)
    changes += encoding_changes(old.paragraphs, new.paragraphs, fixed_old, fixed_new)
    rank_changes(changes, fixed_old, fixed_new)
    return Diff(fixed_old, fixed_new, changes)
