"""The order in which a reader sees changes: by significance score, else document order.

The ranking (diff/significance.py) may give each change a `score`; when any change of a
diff has one, changes are shown highest first. Without scores they keep the order of
the document. Every message, the At a glance lines and the threads read this one order.
"""

from __future__ import annotations

from collections.abc import Sequence

from coalition_watch.model import Change


def change_score(change: Change) -> float | None:
    score = getattr(change, "score", None)
    return float(score) if isinstance(score, int | float) else None


def rank_changes(changes: Sequence[Change]) -> list[Change]:
    """Highest score first when scores exist (ties keep document order), else as given."""
    if not any(change_score(c) is not None for c in changes):
        return list(changes)
    return sorted(changes, key=lambda c: -(change_score(c) or 0.0))  # sorted() is stable
