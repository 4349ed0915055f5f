"""How far two readers agree on the real set's themes: the ceiling for the classifier.

tests/data/classify/agreement/second_reading.yaml holds a second, independent reading of
160 sentences of the real set's train and dev splits. This script matches each to its
first reading (same document, same text) and prints, per language, the micro-F1 of one
reading against the other, how many sentences got exactly the same themes, and per theme
how often a theme either reader gave was given by both.

    .venv/bin/python scripts/eval_agreement.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from coalition_watch.config_files import read_yaml
from coalition_watch.labelled import real_set

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "classify"
SECOND_READING = DATA / "agreement" / "second_reading.yaml"


def agreement(second_reading: Path = SECOND_READING) -> dict:
    first = {(case.document, case.text): case for case in real_set(DATA)}
    totals: Counter = Counter()
    themes: Counter = Counter()
    for item in read_yaml(second_reading)["sentences"]:
        case = first.get((item["document"], item["text"]))
        if case is None:
            raise SystemExit(
                f"{second_reading}: no sentence of document {item['document']!r} reads "
                f"{item['text'][:60]!r}"
            )
        one, two, language = set(case.themes), set(item["second_reader"]), case.language
        totals[language, "both"] += len(one & two)
        totals[language, "one only"] += len(one ^ two)
        totals[language, "same"] += one == two
        totals[language, "sentences"] += 1
        for theme in one | two:
            themes[theme, "either"] += 1
            themes[theme, "both"] += theme in one and theme in two
    languages = sorted({language for language, _ in totals}, reverse=True)
    return {
        "micro_f1": {
            lang: round(
                2 * totals[lang, "both"] / (2 * totals[lang, "both"] + totals[lang, "one only"]), 3
            )
            for lang in languages
        },
        "same_themes": {
            lang: [totals[lang, "same"], totals[lang, "sentences"]] for lang in languages
        },
        "per_theme": {
            theme: [themes[theme, "both"], themes[theme, "either"]]
            for theme in sorted({theme for theme, _ in themes})
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = agreement()
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    for language, f1 in figures["micro_f1"].items():
        same, n = figures["same_themes"][language]
        print(f"{language}: micro-F1 of one reading against the other {f1:.3f}", end="; ")
        print(f"same themes {same}/{n}")
    print("per theme, given by both / by either:")
    for theme, (both, either) in figures["per_theme"].items():
        print(f"  {theme:<16} {both:3d} / {either:3d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
