"""Benchmark the diff: accuracy on generated pairs with known truth, speed against difflib.

Pairs are made from the two seed communiqués (tests/data/diff/seed_pair.yaml) by
controlled edits. Substantive edits (a word replaced, a sentence added or removed) are the
ground truth; cosmetic edits (naming convention, British spelling, curly quotes, doubled
spaces, numbering, a sentence moved, a paragraph split) are mixed in and must not be
reported as substantive. Every timing is measured in this run, side by side with
difflib.SequenceMatcher over the words of the same two texts.

    .venv/bin/python scripts/bench_diff.py [--pairs 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import difflib
import random
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from coalition_watch.diff import diff_documents, load_equivalences, split_sentences
from coalition_watch.model import Change, Document
from coalition_watch.normalize import fold

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
        candidates = [s for s in range(len(paras[p])) if (p, s) not in touched]
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


def score(pairs: list[Pair]) -> tuple[float, float, float, float]:
    predicted = correct = relevant = found = 0
    ours = base = 0.0
    rules = load_equivalences()
    for pair in pairs:
        rules.forget()  # time each pair cold: no word or sentence remembered from the last
        start = time.perf_counter()
        diff = diff_documents(pair.old, pair.new)
        ours += time.perf_counter() - start
        start = time.perf_counter()
        difflib.SequenceMatcher(None, pair.old.text.split(), pair.new.text.split()).get_opcodes()
        base += time.perf_counter() - start

        truth = [_folded(t) for t in pair.truth]
        changes = [
            Change(c.kind, c.significance, _folded(c.old or ""), _folded(c.new or ""))
            for c in diff.substantive
        ]
        predicted += len(changes)
        correct += sum(any(_hits(c, t) for t in truth) for c in changes)
        relevant += len(truth)
        found += sum(any(_hits(c, t) for c in changes) for t in truth)
    return correct / max(predicted, 1), found / max(relevant, 1), ours, base


def long_statement(base: list[Document], words: int, rng: random.Random) -> Document:
    """A statement of about `words` words: seed paragraphs, each copy made distinct."""
    source = [p for doc in base for p in doc.paragraphs]
    paragraphs: list[str] = []
    total = copy = 0
    while total < words:
        for p in source:
            distinct = " ".join(
                s[:-1] + f" in session {copy} of round {len(paragraphs)}."
                for s in split_sentences(p)
            )
            paragraphs.append(distinct)
            total += len(distinct.split())
            if total >= words:
                break
        copy += 1
    return Document("Long statement", tuple(paragraphs))


def growth(base: list[Document], rng: random.Random) -> None:
    rows = []
    for words in (2_000, 20_000):
        old = long_statement(base, words, rng)
        pair = make_pair(old, rng)
        runs = 3
        start = time.perf_counter()
        for _ in range(runs):
            load_equivalences().forget()
            diff_documents(pair.old, pair.new)
        ours = (time.perf_counter() - start) / runs
        start = time.perf_counter()
        for _ in range(runs):
            difflib.SequenceMatcher(
                None, pair.old.text.split(), pair.new.text.split()
            ).get_opcodes()
        base_time = (time.perf_counter() - start) / runs
        rows.append((words, len(old.text.split()), ours, base_time))
    print("\nGrowth (one pair each, mean of 3 runs):")
    for _, actual, ours, base_time in rows:
        print(
            f"  {actual:>6} words: diff {ours * 1000:8.1f} ms   difflib words "
            f"{base_time * 1000:8.1f} ms   ratio {ours / base_time:5.2f}x"
        )
    (_, w1, t1, b1), (_, w2, t2, b2) = rows
    print(
        f"  x{w2 / w1:.1f} words -> diff time x{t2 / t1:.1f}, difflib time x{b2 / b1:.1f}"
        f" (linear x{w2 / w1:.0f}, quadratic x{(w2 / w1) ** 2:.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    data = yaml.safe_load(SEED_PAIR.read_text(encoding="utf-8"))
    bases = [
        Document(data[k]["title"], tuple(data[k]["paragraphs"]), data[k]["published"])
        for k in ("old", "new")
    ]
    pairs = [make_pair(rng.choice(bases), rng) for _ in range(args.pairs)]
    precision, recall, ours, base = score(pairs)
    print(f"{len(pairs)} generated pairs, {sum(len(p.truth) for p in pairs)} substantive edits")
    print("  (the diff includes encoding repair, significance ranking and tone: always on)")
    print(f"  precision {precision:.3f}   recall {recall:.3f}")
    print(
        f"  time per pair: diff {ours / len(pairs) * 1000:.2f} ms, difflib.SequenceMatcher "
        f"(words) {base / len(pairs) * 1000:.2f} ms, ratio {ours / base:.2f}x"
    )
    growth(bases, rng)


if __name__ == "__main__":
    main()
