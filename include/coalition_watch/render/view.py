"""The view model every template reads: what changed, grouped by theme, with word marks.

Built from an Alert (or a digest of several) so that email text, email HTML and Slack
templates show the same facts. Inserted and deleted words are recomputed with a word
diff of the two sentences, so the marks sit where the words are; the Change's
`inserted`/`deleted` lists are the fallback when one side is missing.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coalition_watch.model import Alert, Change, Diff, Document, StatementRef
from coalition_watch.normalize import fold
from coalition_watch.series import series_label

OTHER_THEME = "other"
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same" | "ins" | "del"
    text: str


@dataclass
class Passage:
    kind: str
    themes: list[str]
    segments: list[Segment]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass
class ThemeGroup:
    theme: str
    label: str
    passages: list[Passage] = field(default_factory=list)


@dataclass
class AlertView:
    kind: str
    key: str
    statement: StatementRef
    previous: StatementRef | None
    basis: str | None
    compared_with: str | None
    counts: dict[str, int]
    substantive: int
    cosmetic: int
    groups: list[ThemeGroup]
    shown: int
    hidden: int
    link: str | None
    themes: list[str]
    theme_labels: dict[str, str]

    @property
    def meeting(self) -> str:
        """'Small Group ministerial, 30 March 2021': which meeting, in words."""
        return f"{series_label(self.statement.series)}, {long_date(self.statement.published)}"

    @property
    def headline(self) -> str:
        verb = "New statement" if self.kind == "new_statement" else "Revised statement"
        return f"{verb}: {self.statement.title}"

    @property
    def counts_line(self) -> str:
        if not self.counts:
            return "no substantive changes"
        return ", ".join(f"{n} {kind}" for kind, n in self.counts.items())


def long_date(iso: str | None) -> str:
    """'2021-03-30' -> '30 March 2021'; unknown dates say so."""
    if not iso:
        return "undated"
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def theme_label(theme: str) -> str:
    return "Other changes" if theme == OTHER_THEME else theme.replace("_", " ").capitalize()


def word_segments(change: Change) -> list[Segment]:
    """The sentence as shown: old and new merged, with deleted and inserted runs marked."""
    if change.old and change.new:
        old, new = _TOKENS.findall(change.old), _TOKENS.findall(change.new)
        # Compare folded words, so a curly quote or a dash alone is never marked as edited.
        matcher = difflib.SequenceMatcher(
            a=[fold(w) for w in old], b=[fold(w) for w in new], autojunk=False
        )
        segments: list[Segment] = []
        for op, a0, a1, b0, b1 in _coalesce(matcher.get_opcodes(), new):
            if op == "equal":
                segments.append(Segment("same", "".join(new[b0:b1])))
                continue
            if op in ("delete", "replace"):
                segments.extend(_marked("del", "".join(old[a0:a1])))
            if op in ("insert", "replace"):
                segments.extend(_marked("ins", "".join(new[b0:b1])))
        return _merge(segments)
    if change.new:
        return [Segment("ins", change.new)]
    if change.old:
        return [Segment("del", change.old)]
    words = [Segment("ins", w) for w in change.inserted] + [
        Segment("del", w) for w in change.deleted
    ]
    return words


def _coalesce(opcodes: list, new: list[str]) -> list:
    """Absorb a lone unchanged word between two edits, so the reader sees one phrase
    struck and one inserted instead of alternating single words."""
    out: list = []
    for i, (op, a0, a1, b0, b1) in enumerate(opcodes):
        short_equal = (
            op == "equal"
            and 0 < i < len(opcodes) - 1
            and sum(1 for tok in new[b0:b1] if not tok.isspace()) <= 1
        )
        if out and out[-1][0] != "equal" and (op != "equal" or short_equal):
            _, pa0, _, pb0, _ = out[-1]
            out[-1] = ("replace", pa0, a1, pb0, b1)
        elif short_equal:
            out.append(("replace", a0, a1, b0, b1))
        else:
            out.append((op, a0, a1, b0, b1))
    return out


def _marked(kind: str, text: str) -> list[Segment]:
    """Keep surrounding spaces outside a mark so that `*bold*`/`~strike~` stay valid."""
    stripped = text.strip()
    if not stripped:
        return [Segment("same", text)] if kind == "ins" else []
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    out = [Segment("same", lead)] if lead else []
    out.append(Segment(kind, stripped))
    if trail:
        out.append(Segment("same", trail))
    return out


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if merged and merged[-1].kind == seg.kind:
            merged[-1] = Segment(seg.kind, merged[-1].text + seg.text)
        else:
            merged.append(seg)
    # "del" then "ins" with no space between reads as one word: add one.
    out: list[Segment] = []
    for seg in merged:
        if out and out[-1].kind == "del" and seg.kind == "ins":
            out.append(Segment("same", " "))
        out.append(seg)
    return out


def build_view(
    alert: Alert,
    *,
    max_passages: int,
    preferred_themes: frozenset[str] | set[str] = frozenset(),
    theme_labels: dict[str, str] | None = None,
) -> AlertView:
    """The view of one alert: passages grouped by theme, the reader's themes first."""
    diff = alert.diff
    substantive = diff.substantive if diff else []
    cosmetic = len(diff.cosmetic) if diff else 0
    counts = Counter(c.kind for c in substantive)

    by_theme: dict[str, ThemeGroup] = {}
    for change in substantive:
        themes = [t for t in change.themes if t] or [OTHER_THEME]
        # A passage appears once, under the reader's first matching theme if any.
        home = next((t for t in themes if t in preferred_themes), themes[0])
        group = by_theme.setdefault(home, ThemeGroup(home, _label(home, theme_labels)))
        group.passages.append(change)  # type: ignore[arg-type]  (made a Passage if shown)

    def order(group: ThemeGroup) -> tuple:
        return (
            group.theme not in preferred_themes,
            group.theme == OTHER_THEME,
            -len(group.passages),
            group.theme,
        )

    groups = sorted(by_theme.values(), key=order)
    shown = 0
    kept: list[ThemeGroup] = []
    for group in groups:
        room = max_passages - shown
        if room <= 0:
            break
        # Word diffs only for the passages shown: a 500-change diff stays cheap.
        passages = [
            Passage(c.kind, [t for t in c.themes if t] or [OTHER_THEME], word_segments(c))
            for c in group.passages[:room]
        ]
        kept.append(ThemeGroup(group.theme, group.label, passages))
        shown += len(kept[-1].passages)

    return AlertView(
        kind=alert.kind,
        key=alert.key,
        statement=alert.statement,
        previous=alert.previous,
        basis=alert.basis,
        compared_with=_compared_with(alert),
        counts=dict(counts.most_common()),
        substantive=len(substantive),
        cosmetic=cosmetic,
        groups=kept,
        shown=shown,
        hidden=len(substantive) - shown,
        link=alert.link or alert.statement.url,
        themes=list(alert.themes),
        theme_labels={t: _label(t, theme_labels) for t in alert.themes},
    )


def _label(theme: str, labels: dict[str, str] | None) -> str:
    return (labels or {}).get(theme) or theme_label(theme)


def _compared_with(alert: Alert) -> str | None:
    prev = alert.previous
    if prev is None:
        return None
    when = f" ({prev.published})" if prev.published else ""
    if alert.basis == "revision":
        return f"the previous version of this page{when}"
    if alert.diff is not None and alert.diff.baseline:  # the rule's own words: who and why
        return f"the previous meeting's statement: {prev.title}, {alert.diff.baseline}"
    return f"the previous meeting's statement: {prev.title}{when}"


# -- JSON round trip, so that digest items can wait in the outbox --------------------------


def alert_to_json(alert: Alert) -> dict[str, Any]:
    return {
        "kind": alert.kind,
        "key": alert.key,
        "statement": _ref_json(alert.statement),
        "previous": _ref_json(alert.previous) if alert.previous else None,
        "themes": list(alert.themes),
        "basis": alert.basis,
        "link": alert.link,
        "diff": alert.diff.to_json() if alert.diff else None,
    }


def alert_from_json(data: dict[str, Any]) -> Alert:
    diff = None
    if data.get("diff"):
        d = data["diff"]
        diff = diff_from_json(d)
    return Alert(
        kind=data["kind"],
        key=data["key"],
        statement=StatementRef(**data["statement"]),
        previous=StatementRef(**data["previous"]) if data.get("previous") else None,
        themes=list(data.get("themes") or []),
        basis=data.get("basis"),
        diff=diff,
        link=data.get("link"),
    )


def diff_from_json(data: dict[str, Any]) -> Diff:
    """A Diff from the `coalition-watch diff --json` shape (documents without paragraphs)."""
    fields = set(Change.__dataclass_fields__)
    changes = [Change(**{k: v for k, v in c.items() if k in fields}) for c in data["changes"]]
    return Diff(
        old=Document(
            title=data["old"]["title"], paragraphs=(), published=data["old"].get("published")
        ),
        new=Document(
            title=data["new"]["title"], paragraphs=(), published=data["new"].get("published")
        ),
        changes=changes,
        baseline=data.get("baseline"),
    )


def _ref_json(ref: StatementRef) -> dict[str, Any]:
    return {
        "title": ref.title,
        "published": ref.published,
        "url": ref.url,
        "source": ref.source,
        "series": ref.series,
        "language": ref.language,
        "version_id": ref.version_id,
    }
