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

from coalition_watch.labels import OTHER_THEME, source_label, theme_label, theme_style
from coalition_watch.model import (
    Alert,
    Change,
    Diff,
    Document,
    StatementRef,
    ThemedParagraph,
    ThemeMatch,
)
from coalition_watch.normalize import fold
from coalition_watch.series import series_label

_TOKENS = re.compile(r"\s+|[^\s]+")
GLANCE_LINES = 5
GLANCE_WORDS = 90  # characters of changed words on one At a glance line
SUMMARY_PARAGRAPHS = 3  # per theme, for the first statement of a series
RANK_REASONS = 2  # of a change's ranking reasons, the first ones are shown


@dataclass(frozen=True)
class Segment:
    kind: str  # "same" | "ins" | "del"
    text: str


@dataclass(frozen=True)
class Why:
    """Why a passage is under a theme: the words the classifier found for it."""

    theme: str
    label: str
    words: tuple[str, ...]

    @property
    def line(self) -> str:
        return f"{self.label}: {', '.join(self.words)}"


@dataclass
class Passage:
    kind: str
    themes: list[str]
    segments: list[Segment]
    why: list[Why] = field(default_factory=list)  # the passage's own theme first
    reasons: list[str] = field(default_factory=list)  # why it ranks where it does

    @property
    def ranked_line(self) -> str:
        return "; ".join(self.reasons[:RANK_REASONS])

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def why_line(self) -> str:
        return "; ".join(w.line for w in self.why)

    @property
    def changed_words(self) -> str:
        """The edit in a few words: '+inserted … −deleted', or the start of a new sentence."""
        inserted = [s.text for s in self.segments if s.kind == "ins"]
        deleted = [s.text for s in self.segments if s.kind == "del"]
        same = any(s.kind == "same" and s.text.strip() for s in self.segments)
        if not same and (inserted or deleted) and not (inserted and deleted):
            words = " ".join(inserted or deleted)  # a whole sentence added or removed
        else:
            words = (
                " ".join([f"+{w}" for w in inserted[:2]] + [f"\u2212{w}" for w in deleted[:2]])
                or self.text
            )
        return _shorten(words, GLANCE_WORDS)


@dataclass(frozen=True)
class ThemeBadge:
    id: str
    label: str
    colour: str
    text_colour: str


@dataclass
class ThemeGroup:
    theme: str
    label: str
    badge: ThemeBadge
    total: int = 0  # every substantive change carrying the theme, wherever it is listed
    elsewhere: int = 0  # of those, listed under another of the reader's themes
    passages: list[Passage] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # ranked, before word diffs

    @property
    def not_shown(self) -> int:
        return self.total - self.elsewhere - len(self.passages)

    @property
    def total_line(self) -> str:
        line = f"{self.total} change{'s' if self.total != 1 else ''}"
        if self.elsewhere:
            line += f", {self.elsewhere} of them listed under another theme"
        return line


@dataclass(frozen=True)
class GlanceLine:
    kind: str
    badge: ThemeBadge
    words: str


@dataclass(frozen=True)
class SummaryParagraph:
    number: int  # 1-based, as a reader counts paragraphs
    text: str
    why: Why


@dataclass
class SummaryTheme:
    """A theme of a first statement: its weight and the paragraphs that carry it."""

    badge: ThemeBadge
    weight: float
    paragraphs: list[SummaryParagraph]
    more: int  # further paragraphs with the theme, not listed


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
    hidden: int  # substantive changes not listed (other themes, or over the cap)
    link: str | None
    themes: list[str]
    theme_labels: dict[str, str]
    source_label: str = ""
    glance: list[GlanceLine] = field(default_factory=list)
    reader_themes: list[str] = field(default_factory=list)  # empty: the reader follows all
    other_themes: list[tuple[str, int]] = field(default_factory=list)  # (label, changes)
    quiet_themes: list[str] = field(default_factory=list)  # reader's themes without changes
    summary: list[SummaryTheme] = field(default_factory=list)

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

    @property
    def others_line(self) -> str:
        """'16 more changes in other themes (Iraq 9, The Coalition 7)', or ''."""
        if not self.hidden:
            return ""
        s = "s" if self.hidden != 1 else ""
        if not self.reader_themes:
            return f"{self.hidden} more change{s} not listed here"
        detail = ", ".join(f"{label} {n}" for label, n in self.other_themes[:4])
        return f"{self.hidden} more change{s} in other themes" + (f" ({detail})" if detail else "")


def long_date(iso: str | None) -> str:
    """'2021-03-30' -> '30 March 2021'; unknown dates say so."""
    if not iso:
        return "undated"
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


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


def badge(theme: str) -> ThemeBadge:
    style = theme_style(theme)
    return ThemeBadge(theme, style.label, style.colour, style.text_colour)


def _themes_of(change: Change) -> list[str]:
    return [t for t in change.themes if t] or [OTHER_THEME]


def _why(change: Change, home: str) -> list[Why]:
    themes = [home] + [t for t in _themes_of(change) if t != home]
    found = [
        Why(t, theme_label(t), tuple(change.evidence.get(t) or ()))
        for t in themes
        if t != OTHER_THEME
    ]
    return [w for w in found if w.words]


def _passage(change: Change, home: str) -> Passage:
    return Passage(
        change.kind,
        _themes_of(change),
        word_segments(change),
        _why(change, home),
        list(change.reasons),
    )


def build_view(
    alert: Alert,
    *,
    max_passages: int,
    preferred_themes: frozenset[str] | set[str] = frozenset(),
    link: str | None = None,
) -> AlertView:
    """The view of one alert for one reader.

    A reader who follows themes sees every change of those themes, ranked, grouped by
    theme, and a count of the rest; a reader of every theme sees the top `max_passages`.
    Each group states its real total: every change carrying the theme.
    """
    diff = alert.diff
    reader = frozenset(preferred_themes)
    substantive = diff.ranked if diff else []  # by significance score; ties: document order
    mine = [c for c in substantive if not reader or reader & set(_themes_of(c))]
    totals = Counter(t for c in substantive for t in _themes_of(c))

    groups: dict[str, ThemeGroup] = {}
    for change in mine:
        # A passage appears once: under its first theme the reader follows.
        home = next(t for t in _themes_of(change) if not reader or t in reader)
        if home not in groups:
            groups[home] = ThemeGroup(home, theme_label(home), badge(home), total=totals[home])
        groups[home].changes.append(change)
    for group in groups.values():
        homed = {id(c) for c in group.changes}
        group.elsewhere = sum(
            1 for c in mine if group.theme in _themes_of(c) and id(c) not in homed
        )
    # Groups in the order of their best-ranked change; "other" last.
    rank = {id(c): i for i, c in enumerate(substantive)}
    ordered = sorted(
        groups.values(), key=lambda g: (g.theme == OTHER_THEME, rank[id(g.changes[0])])
    )
    room = len(mine) if reader else max_passages  # the reader's own passages are never cut
    shown = 0
    kept: list[ThemeGroup] = []
    for group in ordered:
        take = group.changes[: max(0, room - shown)]
        if not take:
            break
        # Word diffs only for the passages shown: a 500-change diff stays cheap.
        group.passages = [_passage(c, group.theme) for c in take]
        shown += len(take)
        kept.append(group)

    homes = {id(c): g for g in kept for c in g.changes[: len(g.passages)]}
    passages = {id(c): p for g in kept for c, p in zip(g.changes, g.passages, strict=False)}
    glance = [
        GlanceLine(c.kind, homes[id(c)].badge, passages[id(c)].changed_words)
        for c in mine
        if id(c) in passages
    ][:GLANCE_LINES]
    summary = summarise(alert, reader) if diff is None else []
    if summary:  # a first statement: its leading themes, with the paragraph that leads each
        glance = [
            GlanceLine("new", t.badge, _shorten(t.paragraphs[0].text, GLANCE_WORDS))
            for t in summary[:GLANCE_LINES]
        ]
    others = Counter(
        _themes_of(c)[0] for c in substantive if reader and not reader & set(_themes_of(c))
    )
    return AlertView(
        kind=alert.kind,
        key=alert.key,
        statement=alert.statement,
        previous=alert.previous,
        basis=alert.basis,
        compared_with=_compared_with(alert),
        counts=dict(Counter(c.kind for c in substantive).most_common()),
        substantive=len(substantive),
        cosmetic=len(diff.cosmetic) if diff else 0,
        groups=kept,
        shown=shown,
        hidden=len(substantive) - shown,
        link=link or alert.link or alert.statement.url,
        themes=list(alert.themes),
        theme_labels={t: theme_label(t) for t in alert.themes},
        source_label=source_label(alert.statement.source),
        glance=glance,
        reader_themes=sorted(reader, key=theme_label),
        other_themes=[(theme_label(t), n) for t, n in others.most_common()],
        quiet_themes=[theme_label(t) for t in sorted(reader) if diff and t not in totals],
        summary=summary,
    )


def summarise(alert: Alert, reader: frozenset[str]) -> list[SummaryTheme]:
    """A first statement's themes, the reader's first, then by weight (the classifier's
    scores summed over the paragraphs), each with the paragraphs that weigh most for it."""
    weights: Counter[str] = Counter()
    carriers: dict[str, list[tuple[float, int, str, tuple[str, ...]]]] = {}
    for paragraph in alert.paragraphs:
        for match in paragraph.themes:
            weights[match.id] += match.score
            carriers.setdefault(match.id, []).append(
                (match.score, paragraph.index, paragraph.text, tuple(match.evidence))
            )
    order = sorted(weights, key=lambda t: (bool(reader) and t not in reader, -weights[t], t))
    summary = []
    for theme in order:
        best = sorted(carriers[theme], key=lambda item: (-item[0], item[1]))
        label = theme_label(theme)
        summary.append(
            SummaryTheme(
                badge=badge(theme),
                weight=round(weights[theme], 2),
                paragraphs=[
                    SummaryParagraph(index + 1, text, Why(theme, label, words))
                    for _, index, text, words in best[:SUMMARY_PARAGRAPHS]
                ],
                more=max(0, len(best) - SUMMARY_PARAGRAPHS),
            )
        )
    return summary


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "\u2026"


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
        "paragraphs": [p.to_json() for p in alert.paragraphs],
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
        paragraphs=[
            ThemedParagraph(
                p["index"],
                p["text"],
                tuple(ThemeMatch(m["id"], m["score"], tuple(m["evidence"])) for m in p["themes"]),
            )
            for p in data.get("paragraphs") or []
        ],
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
