"""Benchmark the diff: accuracy on generated pairs with known truth, speed against difflib.

Pairs are made from the two seed communiqués (tests/data/diff/seed_pair.yaml) by
controlled edits. Substantive edits (a word replaced, a sentence added or removed) are the
ground truth; cosmetic edits (naming convention, British spelling, curly quotes, doubled
spaces, numbering, a sentence moved, a paragraph split) are mixed in and must not be
reported as substantive. Every timing is measured in this run, side by side with
difflib.SequenceMatcher over the words of the same two texts.

    .venv/bin/python scripts/bench_diff.py [--pairs 300] [--seed 7] [--sizes 2000,...,50000]
                                           [--long-pairs 20] [--before]
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import math
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml

from coalition_watch.diff import diff_documents, load_equivalences, split_sentences
from coalition_watch.diff.significance import rank_changes
from coalition_watch.model import Change, Document
from coalition_watch.normalize import fold
from coalition_watch.repair import repair, repair_all

SEED_PAIR = Path(__file__).parents[1] / "tests" / "data" / "diff" / "seed_pair.yaml"
NEW_SENTENCES = [
    "The Ministers condemned the attack on the Baghdad market in the strongest terms.",
    "The Coalition will convene a meeting of experts on detention facilities in Rome.",
    "Ministers welcomed the repatriation of women and children from camps in northeast Syria.",
    "The Ministers called for renewed support to the Iraqi Security Forces in Anbar.",
    "The Coalition expressed its gratitude to the Government of Kuwait for hosting the talks.",
    "Ministers agreed to expand the counter-messaging cell to cover online recruitment.",
    "The Ministers stressed that humanitarian access must be guaranteed throughout Syria.",
    "The Coalition pledged additional funds for demining in liberated areas of Mosul.",
    "Ministers noted with alarm the rise of attacks against civilians in Mozambique.",
    "The Ministers agreed to review the Coalition's priorities at their next meeting.",
]
REPLACEMENTS = ["urgent", "renewed", "limited", "regional", "decisive", "temporary", "broad"]
# Words whose replacement would be a naming-convention edit, not a substantive one.
_PROTECTED = {"Daesh", "ISIS", "Coalition", "Coalition's", "Ministers"}
# The module itself: the package's name `align` is the function of that name.
align_module = importlib.import_module("coalition_watch.diff.align")


@dataclass
class Pair:
    old: Document
    new: Document
    truth: list[str]  # sentences (old text for edits/removals, new text for additions)


def _sentences(doc: Document) -> list[list[str]]:
    """Sentences per paragraph, a paragraph cut by a page break joined back first."""
    joined: list[str] = []
    for p in doc.paragraphs:
        if joined and not joined[-1].rstrip().endswith((".", "!", "?")):
            joined[-1] = f"{joined[-1]} {p}"
        else:
            joined.append(p)
    return [split_sentences(p) for p in joined]


_NUMBERED = "\x00numbered"


def _join(paragraphs: list[list[str]]) -> tuple[str, ...]:
    out = []
    for p in paragraphs:
        if p and p[0] == _NUMBERED:
            out.append(f"{len(out) + 1}. " + " ".join(p[1:]))
        elif p:
            out.append(" ".join(p))
    return tuple(out)


def make_pair(base: Document, rng: random.Random) -> Pair:
    paras = [list(p) for p in _sentences(base)]
    touched: set[tuple[int, int]] = set()
    truth: list[str] = []

    def pick() -> tuple[int, int]:
        while True:
            p = rng.randrange(len(paras))
            if paras[p]:
                s = rng.randrange(len(paras[p]))
                if (p, s) not in touched:
                    return p, s

    for _ in range(rng.randint(1, 4)):
        edit = rng.choice(["replace", "replace", "add", "remove"])
        if edit == "add":
            p = rng.randrange(len(paras))
            sentence = rng.choice([s for s in NEW_SENTENCES if s not in truth])
            at = rng.randint(0, len(paras[p]))
            paras[p].insert(at, sentence)
            touched = {(q, s + (q == p and s >= at)) for q, s in touched} | {(p, at)}
            truth.append(sentence)
            continue
        p, s = pick()
        sentence = paras[p][s]
        if edit == "remove" and len(paras[p]) > 1:
            del paras[p][s]
            touched = {(q, t - (q == p and t > s)) for q, t in touched}
            truth.append(sentence)
            continue
        words = sentence.split()
        slots = [
            i for i, w in enumerate(words) if w.isalpha() and len(w) > 4 and w not in _PROTECTED
        ]
        if not slots:
            continue
        i = rng.choice(slots)
        words[i] = rng.choice([w for w in REPLACEMENTS if w != words[i]])
        paras[p][s] = " ".join(words)
        touched.add((p, s))
        truth.append(sentence)

    for _ in range(rng.randint(2, 4)):
        _cosmetic(paras, rng, touched)
    return Pair(base, Document(base.title, _join(paras), base.published), truth)


def _cosmetic(paras: list[list[str]], rng: random.Random, touched: set) -> None:
    kind = rng.choice(["naming", "spelling", "quotes", "spaces", "numbering", "move", "split"])
    if kind == "move":
        p = rng.randrange(len(paras))
        candidates = [
            s
            for s in range(len(paras[p]))
            if (p, s) not in touched and paras[p][s] != _NUMBERED  # the number stays in front
        ]
        if len(candidates) > 1 and not any(q == p for q, _ in touched):
            s = rng.choice(candidates)
            sentence = paras[p].pop(s)
            paras[p].append(sentence)
        return
    if kind == "split":
        p = rng.randrange(len(paras))
        if len(paras[p]) > 2 and not touched:
            cut = rng.randrange(1, len(paras[p]))
            paras.insert(p + 1, paras[p][cut:])
            del paras[p][cut:]
        return
    for p, sentences in enumerate(paras):
        for s, sentence in enumerate(sentences):
            if kind == "naming":
                sentence = sentence.replace("Daesh/ISIS", rng.choice(["ISIL", "Daesh", "ISIS"]))
            elif kind == "spelling":
                sentence = sentence.replace("ization", "isation").replace("endeavor", "endeavour")
            elif kind == "quotes":
                sentence = sentence.replace("'", "\u2019")
            elif kind == "spaces":
                sentence = sentence.replace(", ", ",  ")
            paras[p][s] = sentence
    if kind == "numbering":
        # number the paragraphs as they will be published: a later move keeps it in front
        paras[:] = [[_NUMBERED, *p] if p and p[0] != _NUMBERED else p for p in paras]


def _hits(change: Change, truth: str) -> bool:
    return truth in (change.old or "") or truth in (change.new or "")


def _folded(text: str) -> str:
    return fold(text)


# CPU time of the steps that run inside `diff_documents` after alignment (significance,
# tone) and before it (encoding repair), summed over `score`'s pairs.
_TRUST_STEPS = {"seconds": 0.0}


def _trust_steps_time(pair: Pair, diff) -> float:
    """Repair (cold) and ranking of one pair, timed again on their own."""
    repair.cache_clear()
    start = time.process_time()
    repair_all(pair.old.paragraphs)
    repair_all(pair.new.paragraphs)
    rank_changes(diff.changes, diff.old, diff.new)
    return time.process_time() - start


def score(pairs: list[Pair]) -> tuple[float, float, float, float, int, int]:
    predicted = correct = relevant = found = 0
    ours = base = 0.0
    rules = load_equivalences()
    for pair in pairs:
        rules.forget()  # time each pair cold: no word or sentence remembered from the last
        repair.cache_clear()
        start = time.process_time()
        diff = diff_documents(pair.old, pair.new)
        ours += time.process_time() - start
        start = time.process_time()
        difflib.SequenceMatcher(None, pair.old.text.split(), pair.new.text.split()).get_opcodes()
        base += time.process_time() - start

        _TRUST_STEPS["seconds"] += _trust_steps_time(pair, diff)
        truth = [_folded(t) for t in pair.truth]
        changes = [
            Change(c.kind, c.significance, _folded(c.old or ""), _folded(c.new or ""))
            for c in diff.substantive
        ]
        predicted += len(changes)
        correct += sum(any(_hits(c, t) for t in truth) for c in changes)
        relevant += len(truth)
        found += sum(any(_hits(c, t) for c in changes) for t in truth)
    return correct / max(predicted, 1), found / max(relevant, 1), ours, base, predicted, relevant


# Words swapped in, one per copy, to make a "reworded" copy of a seed sentence.
REWORDINGS = ["firmly", "jointly", "fully", "steadily", "closely", "further", "again"]
SHAPES = ("unique", "reworded", "repeated")
SIZES = (2_000, 5_000, 10_000, 20_000, 50_000)
_REPEATED_PASSAGE = 4  # paragraphs (15 sentences) of the 2020 communique


def long_statement(base: list[Document], words: int, rng: random.Random, shape: str) -> Document:
    """A statement of about `words` words made of copies of the seed paragraphs.

    unique:   every copied sentence made distinct ("... in session 3 of round 12.")
    reworded: every copy has one word of each sentence replaced, so copies are near twins
    repeated: the copies are verbatim, as in a statement that repeats whole passages
    Reworded and repeated copies cycle through the first paragraphs only, so that every
    word is common to many sentences and none is rare enough to anchor an alignment.
    """
    source = [p for doc in base for p in doc.paragraphs]
    if shape != "unique":
        source = source[:_REPEATED_PASSAGE]  # a short passage over and over: every word common
    paragraphs: list[str] = []
    total = copy = 0
    while total < words:
        for p in source:
            sentences = split_sentences(p)
            if shape == "unique":
                sentences = [
                    s[:-1] + f" in session {copy} of round {len(paragraphs)}." for s in sentences
                ]
            elif shape == "reworded" and copy:
                sentences = [_reword(s, rng) for s in sentences]
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            total += len(paragraph.split())
            if total >= words:
                break
        copy += 1
    return Document("Long statement", tuple(paragraphs))


def _reword(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    slots = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 3 and w not in _PROTECTED]
    if slots:
        words.insert(rng.choice(slots), rng.choice(REWORDINGS))
    return " ".join(words)


def _diff_time(pair: Pair) -> float:
    """Best of five cold diffs, in CPU seconds: on a machine shared with other work,
    waiting for a core would otherwise count as the diff's time."""
    best = float("inf")
    for _ in range(5):
        load_equivalences().forget()
        repair.cache_clear()  # encoding repair starts cold too
        start = time.process_time()
        diff_documents(pair.old, pair.new)
        best = min(best, time.process_time() - start)
    return best


def _difflib_time(pair: Pair, runs: int) -> float:
    """Best of `runs` for difflib over the words (slow on long texts: run once there)."""
    old_words, new_words = pair.old.text.split(), pair.new.text.split()
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        difflib.SequenceMatcher(None, old_words, new_words).get_opcodes()
        best = min(best, time.process_time() - start)
    return best


@contextmanager
def alignment_before_repeats(active: bool) -> Iterator[None]:
    """The alignment as it was before it followed identical sentences in order.

    Only for this benchmark's side-by-side "before" figures: large gaps go straight to
    the fuzzy anchors, and sentences left alone are paired through rare words only.
    """
    if not active:
        yield
        return
    saved = align_module._cut_by_identical, align_module._identical_moves
    align_module._cut_by_identical = partial(align_module._align_gap, exact_tried=True)
    align_module._identical_moves = lambda old, new: []
    try:
        yield
    finally:
        align_module._cut_by_identical, align_module._identical_moves = saved


def _exponent(rows: list[tuple[int, float]]) -> float:
    """Slope of log(time) against log(words), least squares over every size measured."""
    xs = [math.log(words) for words, _ in rows]
    ys = [math.log(max(seconds, 1e-6)) for _, seconds in rows]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def growth(base: list[Document], rng: random.Random, sizes: tuple[int, ...], before: bool) -> None:
    """Time per size and shape against difflib, and how time grows with the length."""
    print(
        "\nGrowth (one edited pair per size, CPU time, best of 5 runs;"
        " difflib best of 5, once from 20k words):"
    )
    for shape in SHAPES:
        ours_rows, base_rows, before_rows = [], [], []
        for words in sizes:
            pair = make_pair(long_statement(base, words, rng, shape), rng)
            runs = 5 if words < 20_000 else 1
            ours, base_time = _diff_time(pair), _difflib_time(pair, runs)
            actual = len(pair.old.text.split())
            ours_rows.append((actual, ours))
            base_rows.append((actual, base_time))
            line = (
                f"  {shape:>8} {actual:>6} words: diff {ours * 1000:8.1f} ms   difflib words "
                f"{base_time * 1000:8.1f} ms   ratio {ours / base_time:5.2f}x"
            )
            if before:
                with alignment_before_repeats(True):
                    old_time = _diff_time(pair)
                before_rows.append((actual, old_time))
                line += f"   before: {old_time * 1000:8.1f} ms, {old_time / base_time:5.2f}x"
            print(line, flush=True)
        line = (
            f"  {shape:>8} growth exponent: diff {_exponent(ours_rows):.2f}, "
            f"difflib {_exponent(base_rows):.2f}"
        )
        if before:
            line += f", before {_exponent(before_rows):.2f}"
        print(line + " (1 linear, 2 quadratic)")


def long_accuracy(
    base: list[Document], rng: random.Random, pairs: int, words: int, before: bool
) -> None:
    """Precision and recall per shape on long statements, where repeats mislead alignment."""
    print(f"\nAccuracy on long statements ({pairs} pairs of about {words} words per shape):")
    for shape in SHAPES:
        made = [make_pair(long_statement(base, words, rng, shape), rng) for _ in range(pairs)]
        for label in ("before", "after") if before else ("after",):
            with alignment_before_repeats(label == "before"):
                precision, recall, _, _, reported, edits = score(made)
            print(
                f"  {shape:>8} {label:>6}: precision {precision:.3f}   recall {recall:.3f}   "
                f"{reported} substantive changes reported for {edits} edits",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sizes",
        type=lambda text: tuple(int(n) for n in text.split(",")),
        default=SIZES,
        help="statement sizes in words for the growth table, comma-separated",
    )
    parser.add_argument("--long-pairs", type=int, default=20, help="pairs per shape, 5k words")
    parser.add_argument(
        "--before",
        action="store_true",
        help="also time and score the alignment as it was before it followed repeated sentences",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    data = yaml.safe_load(SEED_PAIR.read_text(encoding="utf-8"))
    bases = [
        Document(data[k]["title"], tuple(data[k]["paragraphs"]), data[k]["published"])
        for k in ("old", "new")
    ]
    pairs = [make_pair(rng.choice(bases), rng) for _ in range(args.pairs)]
    _TRUST_STEPS["seconds"] = 0.0
    precision, recall, ours, base, _, _ = score(pairs)
    trust = _TRUST_STEPS["seconds"]
    print(f"{len(pairs)} generated pairs, {sum(len(p.truth) for p in pairs)} substantive edits")
    print(
        "  (the diff includes encoding repair, significance ranking and tone, always on: "
        f"{trust / len(pairs) * 1000:.2f} ms per pair timed alone, {trust / ours:.0%} of the diff)"
    )
    print(f"  precision {precision:.3f}   recall {recall:.3f}")
    print(
        f"  time per pair: diff {ours / len(pairs) * 1000:.2f} ms, difflib.SequenceMatcher "
        f"(words) {base / len(pairs) * 1000:.2f} ms, ratio {ours / base:.2f}x"
    )
    growth(bases, rng, args.sizes, args.before)
    long_accuracy(bases, rng, args.long_pairs, 5_000, args.before)


if __name__ == "__main__":
    main()
