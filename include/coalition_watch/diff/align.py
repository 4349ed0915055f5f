"""Align the sentences of two documents: unchanged, rewritten, split, merged, moved.

The work is kept close to linear in the length of the documents:

1. Sentences whose comparison key is unique in both documents and identical are anchors;
   the longest increasing run of them (patience diff) fixes the common order, and the
   other identical pairs are moves.
2. Between two anchors, a small dynamic programme pairs the remaining sentences one to
   one, one to several (split) or several to one (merge), scoring each pairing by the
   words the two sides share in order. A gap of more than a few sentences is first cut
   by the identical sentences it keeps in order (a Myers diff over sentence keys,
   bounded by the number of differences: what finds the way through a statement that
   repeats whole sentences and so has no unique anchor), then, if still large, by fuzzy
   anchors found through an inverted index.
3. Sentences still alone are matched across gaps: identical ones first (moved), then
   moved and rewritten ones through the same inverted index.

Paragraph splits and merges are then read off the sentence links.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from coalition_watch.diff.equivalence import Equivalences
from coalition_watch.diff.sentences import split_clean_sentences, split_sentences
from coalition_watch.diff.tokens import Token
from coalition_watch.diff.words import Text, matched_tokens
from coalition_watch.normalize import clean_display

# A pairing must share at least this fraction of its words (Dice) to count as a rewrite.
PAIR_THRESHOLD = 0.5
# A rewrite that also moved across an anchor needs more evidence.
MOVE_THRESHOLD = 0.6
# Gaps larger than this many cells are cut by fuzzy anchors before the programme runs.
_MAX_CELLS = 4000
# Gaps larger than this are first cut by their identical sentences: where sentences
# repeat, every pairing passes the programme's cheap bound and each cell costs in full.
_EXACT_CELLS = 64
# The in-order pass over identical sentences gives up past this many differences
# (plus one per ten sentences): beyond that the texts differ too much for it to pay.
_MAX_DIFFERENCES = 64
# Containment counts only from this many shared words, and weighs a little less than Dice.
_MIN_CONTAINED = 5
_CONTAINMENT_WEIGHT = 0.9
# Pairing shapes tried by the programme: (old sentences, new sentences).
_SHAPES = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1))
_TERMINAL = tuple(".!?:;\"'\u201d\u2019)")


@dataclass
class Sentence:
    """One sentence of a document with where it sits and what it compares as."""

    index: int
    text: Text
    paragraphs: tuple[int, ...]  # every paragraph the sentence touches, first is home
    keys: list[str]  # content keys, in order
    key: str  # the whole sentence as one comparison key
    bag: Counter = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Link:
    """Old sentences matched with new ones (1:1, 1:n or n:1)."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    moved: bool = False


@dataclass
class Alignment:
    old: list[Sentence]
    new: list[Sentence]
    links: list[Link]
    removed: list[int]
    added: list[int]


def prepare(
    paragraphs: tuple[str, ...] | list[str], eq: Equivalences, published: str | None = None
) -> list[Sentence]:
    """Sentences of a document; a sentence cut by a page break is joined back together."""
    pieces: list[tuple[str, tuple[int, ...]]] = []
    for p, paragraph in enumerate(paragraphs):
        cleaned = clean_display(paragraph)
        text = eq.strip_numbering(cleaned)
        if not text:
            continue
        # what is left after a number is removed may need cleaning again
        parts = split_clean_sentences(text) if text == cleaned else split_sentences(text)
        if pieces and parts and _continues(pieces[-1][0], parts[0]):
            head, where = pieces.pop()
            parts[0] = f"{head} {parts[0]}"
            if len(parts) == 1:
                pieces.append((parts[0], (*where, p)))
                continue
            pieces.append((parts[0], (*where, p)))
            parts = parts[1:]
        pieces.extend((part, (p,)) for part in parts)
    sentences = []
    for text, where in pieces:
        tokens = tuple(eq.tokens(text, published))
        shown = Text(text, tokens)
        keys = [t.key for t in shown.content(eq)]
        if not keys:
            continue  # a stray bullet or number carries nothing to compare
        sentences.append(
            Sentence(len(sentences), shown, where, keys, " ".join(keys), Counter(keys))
        )
    return sentences


def _continues(previous: str, following: str) -> bool:
    """The previous paragraph stopped mid-sentence (a page break, a hard wrap)."""
    if previous.rstrip().endswith(_TERMINAL):
        return False
    return following[:1].islower() or len(previous.split()) >= 8


def align(old: list[Sentence], new: list[Sentence]) -> Alignment:
    links: list[Link] = []
    anchors, moves = _exact_anchors(old, new)
    links.extend(moves)
    taken_old = {i for link in moves for i in link.old} | {i for i, _ in anchors}
    taken_new = {j for link in moves for j in link.new} | {j for _, j in anchors}
    links.extend(Link((i,), (j,)) for i, j in anchors)

    bounds = [(-1, -1), *anchors, (len(old), len(new))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:], strict=False):
        gap_old = [s for s in old[i0 + 1 : i1] if s.index not in taken_old]
        gap_new = [s for s in new[j0 + 1 : j1] if s.index not in taken_new]
        for link in _align_gap(gap_old, gap_new):
            links.append(link)
            taken_old.update(link.old)
            taken_new.update(link.new)

    for link in _cross_gap_moves(old, new, taken_old, taken_new):
        links.append(link)
        taken_old.update(link.old)
        taken_new.update(link.new)

    links.sort(key=lambda link: (link.new[0], link.old[0]))
    removed = [s.index for s in old if s.index not in taken_old]
    added = [s.index for s in new if s.index not in taken_new]
    return Alignment(old, new, links, removed, added)


def _exact_anchors(
    old: list[Sentence], new: list[Sentence]
) -> tuple[list[tuple[int, int]], list[Link]]:
    """Unique identical sentences: those in common order are anchors, the rest moved."""
    old_count = Counter(s.key for s in old)
    new_where: dict[str, list[int]] = defaultdict(list)
    for s in new:
        new_where[s.key].append(s.index)
    pairs = [
        (s.index, new_where[s.key][0])
        for s in old
        if old_count[s.key] == 1 and len(new_where.get(s.key, ())) == 1
    ]
    in_order = set(_longest_increasing(pairs))
    anchors = [pair for pair in pairs if pair in in_order]
    moves = [Link((i,), (j,), moved=True) for i, j in pairs if (i, j) not in in_order]
    return anchors, moves


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of pairs (sorted by old) whose new indexes increase."""
    tails: list[int] = []  # smallest new index ending a run of each length
    tail_at: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
        back[k] = tail_at[pos - 1] if pos else -1
    run = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        run.append(pairs[k])
        k = back[k]
    return run[::-1]


def similarity(a: list[Sentence], b: list[Sentence]) -> float:
    """How alike two groups of sentences read, 0..1.

    Dice over the words shared in order; for one sentence against one, a short sentence
    found almost whole inside a longer rewrite also counts (containment), so that an
    expanded sentence is still recognised as the same sentence.
    """
    size_a = sum(s.size for s in a)
    size_b = sum(s.size for s in b)
    bag_a, bag_b = _bag(a), _bag(b)
    bound = sum((bag_a & bag_b).values())
    single = len(a) == len(b) == 1
    best_possible = 2 * bound / (size_a + size_b)
    if single and bound >= _MIN_CONTAINED:
        best_possible = max(best_possible, _CONTAINMENT_WEIGHT * bound / min(size_a, size_b))
    if best_possible < PAIR_THRESHOLD:
        return 0.0  # even a perfect order could not reach the threshold
    shared = matched_tokens([k for s in a for k in s.keys], [k for s in b for k in s.keys])
    score = 2 * shared / (size_a + size_b)
    if single and shared >= _MIN_CONTAINED:
        score = max(score, _CONTAINMENT_WEIGHT * shared / min(size_a, size_b))
    return score


def _bag(sentences: list[Sentence]) -> Counter:
    if len(sentences) == 1:
        return sentences[0].bag
    bag: Counter = Counter()
    for s in sentences:
        bag.update(s.bag)
    return bag


def _similarity_gain(a: list[Sentence], b: list[Sentence]) -> float:
    """Score of pairing these sentences: above-threshold similarity times their size."""
    sim = similarity(a, b)
    if sim < PAIR_THRESHOLD:
        return 0.0
    return (sim - PAIR_THRESHOLD + 0.01) * (sum(s.size for s in a) + sum(s.size for s in b))


def _align_gap(
    old: list[Sentence], new: list[Sentence], *, exact_tried: bool = False
) -> list[Link]:
    if not old or not new:
        return []
    if not exact_tried and len(old) * len(new) > _EXACT_CELLS:
        return _cut_by_identical(old, new)
    if len(old) * len(new) > _MAX_CELLS:
        return _cut_large_gap(old, new)
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, move = -1.0, None
            if i and score[i - 1][j] > best:
                best, move = score[i - 1][j], (1, 0)
            if j and score[i][j - 1] > best:
                best, move = score[i][j - 1], (0, 1)
            for da, db in _SHAPES:
                if da <= i and db <= j:
                    gain = _similarity_gain(old[i - da : i], new[j - db : j])
                    if gain > 0 and score[i - da][j - db] + gain > best:
                        best, move = score[i - da][j - db] + gain, (da, db)
            score[i][j], step[i][j] = best, move
    links = []
    i, j = n, m
    while i or j:
        da, db = step[i][j]
        if da and db:
            links.append(
                Link(
                    tuple(s.index for s in old[i - da : i]), tuple(s.index for s in new[j - db : j])
                )
            )
        i, j = i - da, j - db
    return links[::-1]


def _cut_by_identical(old: list[Sentence], new: list[Sentence]) -> list[Link]:
    """Keep the identical sentences of a large gap that stay in order; align between them."""
    chosen = identical_in_order([s.key for s in old], [s.key for s in new])
    if not chosen:
        return _align_gap(old, new, exact_tried=True)
    links = [Link((old[oi].index,), (new[ni].index,)) for oi, ni in chosen]
    bounds = [(-1, -1), *chosen, (len(old), len(new))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:], strict=False):
        links.extend(_align_gap(old[i0 + 1 : i1], new[j0 + 1 : j1], exact_tried=True))
    return links


def identical_in_order(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Positions of a longest common subsequence of `a` and `b` (Myers' O(ND) diff).

    Work grows with the length times the number of differences D, so it is near linear
    for a revision of a long text; when D passes the budget the texts are too different
    for the pass to pay and nothing is returned.
    """
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    x_end, y_end = len(a) - tail, len(b) - tail
    middle = _myers(a[head:x_end], b[head:y_end], _MAX_DIFFERENCES + (len(a) + len(b)) // 10)
    if middle is None:
        return []
    return (
        [(k, k) for k in range(head)]
        + [(head + i, head + j) for i, j in middle]
        + [(x_end + k, y_end + k) for k in range(tail)]
    )


def _myers(a: list[str], b: list[str], max_d: int) -> list[tuple[int, int]] | None:
    n, m = len(a), len(b)
    if not n or not m:
        return []
    max_d = min(max_d, n + m)
    offset = max_d + 1
    furthest = [0] * (2 * max_d + 3)  # furthest x reached on each diagonal k = x - y
    trace: list[list[int]] = []
    for d in range(max_d + 1):
        trace.append(furthest[:])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1]):
                x = furthest[offset + k + 1]  # down: an insertion
            else:
                x = furthest[offset + k - 1] + 1  # right: a deletion
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            furthest[offset + k] = x
            if x >= n and y >= m:
                return _myers_path(trace, offset, n, m)
    return None


def _myers_path(trace: list[list[int]], offset: int, x: int, y: int) -> list[tuple[int, int]]:
    """Walk the saved frontiers back from the end, collecting the diagonal (equal) steps."""
    pairs: list[tuple[int, int]] = []
    for d in range(len(trace) - 1, -1, -1):
        furthest = trace[d]
        k = x - y
        if k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1]):
            prev_k = k + 1
        else:
            prev_k = k - 1
        prev_x = furthest[offset + prev_k]
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            x, y = x - 1, y - 1
            pairs.append((x, y))
        x, y = prev_x, prev_y
    return pairs[::-1]


def _cut_large_gap(old: list[Sentence], new: list[Sentence]) -> list[Link]:
    """Find confident one-to-one pairs through rare words, keep those in order, recurse."""
    best = _best_partners(old, new, MOVE_THRESHOLD)
    pairs = sorted((oi, ni) for oi, (ni, _) in best.items())
    chosen = _longest_increasing(pairs)
    if not chosen:
        return []  # nothing in common worth the quadratic programme
    links = [Link((old[oi].index,), (new[ni].index,)) for oi, ni in chosen]
    bounds = [(-1, -1), *chosen, (len(old), len(new))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:], strict=False):
        links.extend(_align_gap(old[i0 + 1 : i1], new[j0 + 1 : j1], exact_tried=True))
    return links


def _best_partners(
    old: list[Sentence], new: list[Sentence], threshold: float
) -> dict[int, tuple[int, float]]:
    """For each old sentence (position in `old`), its most similar new one (position)."""
    index: dict[str, list[int]] = defaultdict(list)
    for pos, s in enumerate(new):
        for key in s.bag:
            index[key].append(pos)
    # words common to many sentences ("the", "Coalition") say little about identity
    rare_limit = max(3, len(new) // 20)
    best: dict[int, tuple[int, float]] = {}
    for opos, s in enumerate(old):
        votes: Counter = Counter()
        for key in s.bag:
            hits = index.get(key, ())
            if len(hits) <= rare_limit:
                votes.update(hits)
        for npos, _ in votes.most_common(3):
            other = new[npos]
            dice = similarity([s], [other])
            if dice >= threshold and dice > best.get(opos, (None, 0.0))[1]:
                best[opos] = (npos, dice)
    # keep only mutual best pairs, so one new sentence is not claimed twice
    claimed: dict[int, tuple[int, float]] = {}
    for opos, (npos, dice) in best.items():
        if npos not in claimed or claimed[npos][1] < dice:
            claimed[npos] = (opos, dice)
    return {opos: (npos, dice) for npos, (opos, dice) in claimed.items()}


def _cross_gap_moves(
    old: list[Sentence], new: list[Sentence], taken_old: set[int], taken_new: set[int]
) -> list[Link]:
    """Pair sentences still alone across anchors: moved, possibly rewritten, split or merged."""
    identical = _identical_moves(
        [s for s in old if s.index not in taken_old], [s for s in new if s.index not in taken_new]
    )
    moved_old = {i for link in identical for i in link.old}
    moved_new = {j for link in identical for j in link.new}
    rest_old = [s for s in old if s.index not in taken_old and s.index not in moved_old]
    rest_new = [s for s in new if s.index not in taken_new and s.index not in moved_new]
    if not rest_old or not rest_new:
        return identical
    candidates: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = []
    for one, many, partners, flip in (
        (rest_old, new, _candidates(rest_old, rest_new), False),
        (rest_new, old, _candidates(rest_new, rest_old), True),
    ):
        free = {s.index for s in (rest_old if flip else rest_new)}
        for pos, others in partners.items():
            s = one[pos]
            for j in others:
                for group in ((j,), (j - 1, j), (j, j + 1)):
                    if not all(k in free for k in group) or (flip and len(group) == 1):
                        continue
                    sents = [many[k] for k in group]
                    a, b = (sents, [s]) if flip else ([s], sents)
                    if similarity(a, b) < MOVE_THRESHOLD:
                        continue
                    gain = _similarity_gain(a, b)
                    ids_a = tuple(x.index for x in a)
                    ids_b = tuple(x.index for x in b)
                    candidates.append((gain, ids_a, ids_b))
    candidates.sort(key=lambda c: -c[0])
    links: list[Link] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, ids_old, ids_new in candidates:
        if used_old.intersection(ids_old) or used_new.intersection(ids_new):
            continue
        used_old.update(ids_old)
        used_new.update(ids_new)
        links.append(Link(ids_old, ids_new, moved=len(ids_old) == len(ids_new) == 1))
    return identical + links


def _identical_moves(old: list[Sentence], new: list[Sentence]) -> list[Link]:
    """Sentences left alone on both sides with the same key: copies that moved."""
    waiting: dict[str, list[int]] = defaultdict(list)
    for s in reversed(new):
        waiting[s.key].append(s.index)
    links = []
    for s in old:
        if waiting.get(s.key):
            links.append(Link((s.index,), (waiting[s.key].pop(),), moved=True))
    return links


def _candidates(one: list[Sentence], other: list[Sentence]) -> dict[int, list[int]]:
    """For each sentence of `one` (position), document indexes of likely partners."""
    index: dict[str, list[int]] = defaultdict(list)
    for pos, s in enumerate(other):
        for key in s.bag:
            index[key].append(pos)
    rare_limit = max(3, len(other) // 20)
    out: dict[int, list[int]] = {}
    for pos, s in enumerate(one):
        votes: Counter = Counter()
        for key in s.bag:
            hits = index.get(key, ())
            if len(hits) <= rare_limit:
                votes.update(hits)
        if votes:
            out[pos] = [other[p].index for p, _ in votes.most_common(3)]
    return out


def content_tokens(sentences: list[Sentence]) -> list[Token]:
    return [t for s in sentences for t in s.text.tokens if t.is_word]
