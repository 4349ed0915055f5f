"""Benchmark classification: its share of the diff time, and against the old matcher.

Builds a 20,000-word statement from real wording (the seed communiqués and every
labelled sentence in tests/data/classify/, no sentence twice: past 15,000 words each is
said again "at meeting N"), and a revision of it with
a word changed, a sentence removed or a sentence added every ten sentences. Measured in
this run, side by side, best of --repeat:

1. the diff of the two versions, and the classification of its changes, as the
   pipeline does it (`classify_diff`, a fresh classifier each time), the two taking
   turns; the ratio classification / diff is the figure docs/themes.md reports (target
   < 0.1). Also the first classification of a process, its index and word tables
   still to build;
2. processing a new statement as `jobs.process_versions` does (load the taxonomy twice,
   build the classifier, diff against the previous meeting, classify the changes, pick the
   alert themes), for the seed pair and for the 20,000-word pair, with today's classifier
   (anchor index, taxonomy compiled once, theme model) and with the previous one, kept here
   only for the comparison: every indicator regex run one by one over every passage, the
   taxonomy compiled on every load, no model.

    .venv/bin/python scripts/bench_classify.py [--words 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

from coalition_watch.classify import _INDEXES, Classifier
from coalition_watch.config_files import read_yaml
from coalition_watch.diff import diff_documents, split_sentences
from coalition_watch.extract import extract_path
from coalition_watch.labelled import real_set, written_set
from coalition_watch.model import Diff, Document
from coalition_watch.process import classify_diff
from coalition_watch.theme_model import ThemeModel
from coalition_watch.themes import default_path, load_themes, parse_taxonomy

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "classify"
SEEDS = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))
SENTENCES_PER_PARAGRAPH = 4
REPLACEMENTS = ["urgent", "renewed", "limited", "regional", "decisive", "temporary"]


class _EveryRegex:
    """The previous matcher: all of a language set's indicators, one regex after another."""

    def __init__(self, entries):
        self.entries = [(theme_id, indicator) for theme_id, indicator, _ in entries]

    def find(self, text):
        return [(t, i, m) for t, i in self.entries for m in i.pattern.finditer(text)]

    def spans(self, text):
        return [(t, i, m.start(), m.end()) for t, i, m in self.find(text)]


class PreviousClassifier(Classifier):
    """The classifier before the anchor index and the theme model (benchmark only)."""

    def __init__(self, taxonomy):
        super().__init__(taxonomy, model=None)

    def _index(self, languages):
        return _EveryRegex(
            (theme.id, indicator, None)
            for theme in self.taxonomy
            for indicator in theme.applicable(languages)
        )


def previous_load():
    """The previous load_themes: read and compile the file on every call."""
    path = default_path()
    return parse_taxonomy(read_yaml(path), str(path))


def statement(words: int) -> Document:
    """Unique real sentences, in paragraphs of four, until `words` words."""
    sentences: list[str] = []
    seen: set[str] = set()
    for seed in SEEDS:
        for paragraph in extract_path(seed).paragraphs:
            sentences += split_sentences(paragraph)
    sentences += [c.text for c in real_set(DATA) + written_set(DATA) + written_set(DATA, True)]
    unique = [s for s in sentences if not (s in seen or seen.add(s))]
    chosen, count, round_ = [], 0, 0
    while count < words:
        # Past the real sentences (about 15,000 words), go round again, each sentence
        # made unique by the meeting it is said at.
        for sentence in unique:
            if round_:
                sentence = f"At meeting {round_}, {sentence[0].lower()}{sentence[1:]}"
            chosen.append(sentence)
            count += len(sentence.split())
            if count >= words:
                break
        round_ += 1
    paragraphs = [
        " ".join(chosen[i : i + SENTENCES_PER_PARAGRAPH])
        for i in range(0, len(chosen), SENTENCES_PER_PARAGRAPH)
    ]
    return Document("Benchmark statement", tuple(paragraphs), "2024-01-01", "en")


def revised(base: Document, rng: random.Random) -> Document:
    """Every tenth sentence: a word replaced, the sentence removed, or one added."""
    paragraphs = []
    counter = 0
    for paragraph in base.paragraphs:
        out = []
        for sentence in split_sentences(paragraph):
            counter += 1
            if counter % 10:
                out.append(sentence)
                continue
            action = rng.choice(("replace", "remove", "add"))
            if action == "replace":
                words = sentence.split()
                words[rng.randrange(len(words))] = rng.choice(REPLACEMENTS)
                out.append(" ".join(words))
            elif action == "add":
                out += [sentence, "The Ministers agreed to review these efforts next year."]
        paragraphs.append(" ".join(out) or paragraph)
    return Document(base.title, tuple(paragraphs), "2024-06-01", "en")


def side_by_side(repeat: int, *runs: Callable[[], object]) -> list[float]:
    """The best time of each run, the runs taking turns `repeat` times."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, kept in zip(runs, times, strict=True):
            start = time.perf_counter()
            run()
            kept.append(time.perf_counter() - start)
    return [min(kept) for kept in times]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def process_new_statement(
    old: Document, new: Document, load: Callable, make: Callable[..., Classifier]
) -> Diff:
    """What process_versions does for a new statement of a series."""
    load()  # subscribers() checks theme ids
    classifier = make(load())
    diff = diff_documents(old, new)
    classify_diff(diff, classifier)
    for change in diff.substantive:
        _ = change.themes  # alert_themes reads them
    return diff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    old = statement(args.words)
    new = revised(old, random.Random(args.seed))
    words = sum(len(p.split()) for p in old.paragraphs)
    diff = diff_documents(old, new)

    # The first statement a process classifies: the indicator index and the word tables
    # (of the index and of the model) still to build.
    _INDEXES.clear()
    cold_model = ThemeModel.load()
    start = time.perf_counter()
    classify_diff(diff, Classifier(load_themes(), model=cold_model))
    t_cold = time.perf_counter() - start
    # Then, taking turns so that a change in the machine's load hits both alike: the diff,
    # and the classification with a fresh classifier each time, as each process run
    # builds one (its remembered passages empty).
    t_diff, t_classify = side_by_side(
        args.repeat,
        lambda: diff_documents(old, new),
        lambda: classify_diff(diff, Classifier(load_themes())),
    )
    print(
        f"statement of {words} words, {len(old.paragraphs)} paragraphs, {len(diff.changes)} changes"
    )
    print(f"  diff            {t_diff:8.3f} s")
    print(f"  classification  {t_classify:8.3f} s   (first of a process: {t_cold:.3f} s)")
    t_previous = best_of(
        args.repeat, lambda: classify_diff(diff, PreviousClassifier(previous_load()))
    )
    print(f"  classification / diff = {t_classify / t_diff:.3f}   (target < 0.1)")
    print(f"  previous classifier: {t_previous:.3f} s, {t_previous / t_diff:.3f} of the diff")
    print()

    seed_old, seed_new = (extract_path(p) for p in SEEDS[:2])
    print("processing a new statement (load taxonomy twice, classifier, diff, classify):")
    for label, (a, b) in (("seed pair", (seed_old, seed_new)), (f"{words} words", (old, new))):
        t_prev = best_of(
            args.repeat,
            lambda a=a, b=b: process_new_statement(a, b, previous_load, PreviousClassifier),
        )
        t_now = best_of(
            args.repeat, lambda a=a, b=b: process_new_statement(a, b, load_themes, Classifier)
        )
        print(
            f"  {label:<12} previous {t_prev:7.3f} s   now {t_now:7.3f} s   "
            f"{t_prev / t_now:5.1f}x faster   (target >= 3x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
