"""Layout-break detection: is a new extraction the statement, or a redesigned page?

When a site changes its markup, selectors match nothing or only a fragment, and a naive
diff would tell users that the statement was deleted. `assess` compares a new extraction
with the previous version of the same page and says whether to quarantine it (hold it
back from diffing and alerting, and tell operators once that the layout probably changed).

A version is suspect when the extraction found no body at all, or when more than
`max_loss` (60% by default) of the previous body's words are gone. Words are compared as
a multiset of folded tokens, so reordering, re-wrapping and typography never count as
loss. A genuine wholesale rewrite also trips the check; operators release it by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from coalition_watch.normalize import comparison_key

DEFAULT_MAX_LOSS = 0.6
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class LayoutVerdict:
    """`suspect` True means quarantine; `lost` is the share of previous words gone (0..1)."""

    suspect: bool
    lost: float
    reason: str | None = None


def _words(paragraphs: Sequence[str]) -> Counter[str]:
    return Counter(w for p in paragraphs for w in _WORD.findall(comparison_key(p)))


def body_loss(previous: Sequence[str], new: Sequence[str]) -> float:
    """Share of the previous body's words (with multiplicity) that the new body lacks."""
    before = _words(previous)
    total = sum(before.values())
    if not total:
        return 0.0
    kept = sum((before & _words(new)).values())
    return 1 - kept / total


def assess(
    previous: Sequence[str] | None,
    new: Sequence[str] | None,
    *,
    max_loss: float = DEFAULT_MAX_LOSS,
) -> LayoutVerdict:
    """Decide whether `new` paragraphs (None: the extraction failed to find a body) look like
    a layout break relative to `previous` (None: first version, nothing to compare)."""
    if not 0 < max_loss <= 1:
        raise ValueError(f"max_loss must be in (0, 1], got {max_loss}")
    if not new or not any(p.strip() for p in new):
        return LayoutVerdict(True, 1.0, "selectors matched no statement body")
    if not previous:
        return LayoutVerdict(False, 0.0)
    lost = body_loss(previous, new)
    if lost > max_loss:
        return LayoutVerdict(
            True,
            lost,
            f"{lost:.0%} of the previous body is gone (limit {max_loss:.0%}); "
            "the page layout probably changed",
        )
    return LayoutVerdict(False, lost)
