"""Changes that are only encoding damage: cosmetic, labelled "encoding".

The diff compares repaired text (coalition_watch.repair), so mojibake and
double-escaped entities never look like new wording. Two things remain to say:
a paragraph that differed only by damage the repair undid is one cosmetic change, so
the reader sees why the page's bytes changed; and a sentence that differs only where a
replacement character `�` stands for a lost character is cosmetic too, since no repair
can bring the character back but no wording changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from coalition_watch.model import Change, Document
from coalition_watch.normalize import fold
from coalition_watch.repair import REPLACEMENT, matches_despite_damage

ENCODING = "encoding"


def relabel_damage_only(changes: Sequence[Change]) -> None:
    """A rewrite whose only difference is a `�` standing for lost characters is cosmetic."""
    for change in changes:
        if change.significance != "substantive" or change.old is None or change.new is None:
            continue
        if REPLACEMENT not in change.old + change.new:
            continue
        old, new = fold(change.old), fold(change.new)
        if matches_despite_damage(old, new) or matches_despite_damage(new, old):
            change.significance = "cosmetic"
            change.label = ENCODING


def encoding_changes(
    raw_old: Sequence[str], raw_new: Sequence[str], old: Document, new: Document
) -> list[Change]:
    """One cosmetic change per paragraph that only repair made equal to its counterpart."""
    old_at = {text: i for i, text in enumerate(old.paragraphs)}
    out = []
    for j, text in enumerate(new.paragraphs):
        i = old_at.get(text)
        if i is None or raw_old[i] == raw_new[j]:
            continue
        out.append(
            Change(
                "modified",
                "cosmetic",
                raw_old[i],
                raw_new[j],
                old_paragraph=i,
                new_paragraph=j,
                label=ENCODING,
            )
        )
    return out
