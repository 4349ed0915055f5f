"""From an alignment to the reader's list of changes.

One change per changed sentence, or per group for a split, a merge or a block of
sentences moved together. A paragraph split or merged is one more change whose `old`
and `new` hold whole paragraphs separated by a blank line: a layout change, cosmetic by
itself, while the wording changes inside it are reported sentence by sentence.
"""

from __future__ import annotations

from collections import defaultdict

from coalition_watch.diff.align import Alignment, Link, Sentence
from coalition_watch.diff.equivalence import Equivalences
from coalition_watch.diff.tokens import Token
from coalition_watch.diff.words import Text, diff_words
from coalition_watch.model import Change

# A paragraph contributes to another's layout change when it carries this share of it.
_PARAGRAPH_SHARE = 0.2
PARAGRAPH_SEPARATOR = "\n\n"


def build_changes(
    alignment: Alignment,
    eq: Equivalences,
    old_paragraphs: tuple[str, ...],
    new_paragraphs: tuple[str, ...],
) -> list[Change]:
    old, new = alignment.old, alignment.new
    ordered: list[tuple[tuple[float, int, int], Change]] = []
    for link, change in _link_changes(alignment, eq):
        ordered.append(((link.new[0], 1, link.old[0]), change))

    after = _new_position_of_removed(alignment)
    for i in alignment.removed:
        s = old[i]
        change = Change(
            "removed",
            _standalone_significance(s, eq),
            s.text.display,
            None,
            deleted=[s.text.display],
            old_paragraph=s.paragraphs[0],
        )
        ordered.append(((after[i], 2, i), change))
    for j in alignment.added:
        s = new[j]
        change = Change(
            "added",
            _standalone_significance(s, eq),
            None,
            s.text.display,
            inserted=[s.text.display],
            new_paragraph=s.paragraphs[0],
        )
        ordered.append(((j, 1, -1), change))

    first_sentence = {}
    for s in new:
        for p in s.paragraphs:
            first_sentence.setdefault(p, s.index)
    for kind, olds, news in _paragraph_regroupings(alignment):
        change = Change(
            kind,
            "cosmetic",
            PARAGRAPH_SEPARATOR.join(old_paragraphs[p] for p in olds),
            PARAGRAPH_SEPARATOR.join(new_paragraphs[p] for p in news),
            old_paragraph=olds[0],
            new_paragraph=news[0],
        )
        ordered.append(((first_sentence.get(news[0], 0), 0, olds[0]), change))
    ordered.sort(key=lambda pair: pair[0])
    return [change for _, change in ordered]


def _standalone_significance(sentence: Sentence, eq: Equivalences) -> str:
    """An added or removed sentence matters, unless it is page furniture."""
    return "cosmetic" if eq.is_furniture(sentence.text.display) else "substantive"


def is_paragraph_change(change: Change) -> bool:
    """A split or merge of whole paragraphs (layout), not of sentences."""
    return PARAGRAPH_SEPARATOR in (change.old or "") + (change.new or "")


def _link_changes(alignment: Alignment, eq: Equivalences) -> list[tuple[Link, Change]]:
    out: list[tuple[Link, Change]] = []
    for link in _group_moved_blocks(alignment.links, alignment):
        olds = [alignment.old[i] for i in link.old]
        news = [alignment.new[j] for j in link.new]
        if (
            len(olds) == len(news) == 1
            and not link.moved
            and olds[0].text.display == news[0].text.display
        ):
            continue  # unchanged: not a change at all
        before, after = _join(olds), _join(news)
        words = diff_words(before, after, eq)
        if link.moved:
            kind = "moved"
        elif len(olds) == 1 and len(news) > 1:
            kind = "split"
        elif len(olds) > 1 and len(news) == 1:
            kind = "merged"
        else:
            kind = "modified"
        significance = "substantive" if words.substantive else "cosmetic"
        out.append(
            (
                link,
                Change(
                    kind,
                    significance,
                    before.display,
                    after.display,
                    inserted=words.inserted,
                    deleted=words.deleted,
                    old_paragraph=olds[0].paragraphs[0],
                    new_paragraph=news[0].paragraphs[0],
                ),
            )
        )
    return out


def _group_moved_blocks(links: list[Link], alignment: Alignment) -> list[Link]:
    """Unchanged sentences moved together become one move."""
    grouped: list[Link] = []
    for link in links:
        prev = grouped[-1] if grouped else None
        if (
            prev is not None
            and link.moved
            and prev.moved
            and len(link.old) == len(link.new) == 1
            and link.old[0] == prev.old[-1] + 1
            and link.new[0] == prev.new[-1] + 1
            and _identical(alignment, link)
            and _identical(alignment, Link(prev.old[-1:], prev.new[-1:]))
        ):
            grouped[-1] = Link(prev.old + link.old, prev.new + link.new, moved=True)
        else:
            grouped.append(link)
    return grouped


def _identical(alignment: Alignment, link: Link) -> bool:
    return [alignment.old[i].key for i in link.old] == [alignment.new[j].key for j in link.new]


def _join(sentences: list[Sentence]) -> Text:
    """Sentences as one display text, token spans shifted to match."""
    if len(sentences) == 1:
        return sentences[0].text  # nothing to shift
    parts: list[str] = []
    tokens: list[Token] = []
    offset = 0
    for s in sentences:
        if parts:
            offset += 1
        parts.append(s.text.display)
        tokens.extend(
            Token(t.key, t.start + offset, t.end + offset, t.is_word, t.day) for t in s.text.tokens
        )
        offset += len(s.text.display)
    return Text(" ".join(parts), tuple(tokens))


def _new_position_of_removed(alignment: Alignment) -> dict[int, float]:
    """Where a removed sentence would have stood in the new document."""
    last_new_for_old: dict[int, int] = {}
    for link in alignment.links:
        if not link.moved:
            for i in link.old:
                last_new_for_old[i] = link.new[-1]
    where: dict[int, float] = {}
    current = -1
    for s in alignment.old:
        current = last_new_for_old.get(s.index, current)
        where[s.index] = current + 0.5
    return where


def _paragraph_regroupings(
    alignment: Alignment,
) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    """Old paragraphs whose sentences went to several new ones, and the reverse."""
    weight: dict[tuple[int, int], float] = defaultdict(float)
    for link in alignment.links:
        olds = {p for i in link.old for p in alignment.old[i].paragraphs}
        news = {q for j in link.new for q in alignment.new[j].paragraphs}
        size = sum(alignment.new[j].size for j in link.new)
        for p in olds:
            for q in news:
                weight[p, q] += size
    old_total: dict[int, float] = defaultdict(float)
    new_total: dict[int, float] = defaultdict(float)
    for (p, q), w in weight.items():
        old_total[p] += w
        new_total[q] += w
    edges = [
        (p, q)
        for (p, q), w in weight.items()
        if w >= _PARAGRAPH_SHARE * old_total[p] and w >= _PARAGRAPH_SHARE * new_total[q]
    ]
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p, q in edges:
        parent[find(("old", p))] = find(("new", q))
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for p, q in edges:
        olds, news = groups[find(("old", p))]
        olds.add(p)
        news.add(q)
    out = []
    for olds, news in groups.values():
        if len(olds) == 1 and len(news) == 1:
            continue
        kind = "split" if len(news) > len(olds) else "merged"
        out.append((kind, tuple(sorted(olds)), tuple(sorted(news))))
    return out
