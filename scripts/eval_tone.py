"""Precision and recall of tone labels (`softened` / `strengthened`).

On the written examples (tests/data/diff/tone_examples.yaml, English and German) and on
real pairs of official statements judged by hand (tests/data/real/tone_gold.yaml).

    .venv/bin/python scripts/eval_tone.py
"""

from __future__ import annotations

from pathlib import Path

import yaml

from coalition_watch.diff import diff_documents
from coalition_watch.model import Document

ROOT = Path(__file__).parents[1]


def _documents(path: Path) -> tuple[Document, Document]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(  # type: ignore[return-value]
        Document(data[k]["title"], tuple(data[k]["paragraphs"]), data[k]["published"], "en")
        for k in ("old", "new")
    )


def _score(found: dict[str, str], expected: dict[str, str]) -> tuple[int, int, int]:
    """(labels given, labels right, labels expected)."""
    right = sum(1 for k, v in found.items() if expected.get(k) == v)
    return len(found), right, len(expected)


def written_examples() -> tuple[int, int, int]:
    examples = yaml.safe_load((ROOT / "tests/data/diff/tone_examples.yaml").read_text("utf-8"))
    found, expected = {}, {}
    for i, ex in enumerate(examples):
        old = Document("t", (ex["old"],), None, ex["lang"])
        new = Document("t", (ex["new"],), None, ex["lang"])
        for change in diff_documents(old, new).substantive:
            if change.tone:
                found[str(i)] = change.tone["shift"]
        if ex["tone"] != "none":
            expected[str(i)] = ex["tone"]
    return _score(found, expected)


def real_pairs() -> tuple[int, int, int]:
    gold = yaml.safe_load((ROOT / "tests/data/real/tone_gold.yaml").read_text("utf-8"))
    given = right = wanted = 0
    for pair in gold["pairs"]:
        diff = diff_documents(*_documents(ROOT / pair["file"]))
        found = {c.new: c.tone["shift"] for c in diff.substantive if c.tone and c.new}
        expected = {}
        for shift in pair["shifts"]:
            [sentence] = [
                c.new for c in diff.substantive if (c.new or "").startswith(shift["start"])
            ]
            expected[sentence] = shift["tone"]
        g, r, w = _score(found, expected)
        given, right, wanted = given + g, right + r, wanted + w
        print(f"  {pair['file']}: {g} label(s), {r} right, {w} expected")
    return given, right, wanted


def _line(name: str, counts: tuple[int, int, int]) -> str:
    given, right, wanted = counts
    precision = right / given if given else float("nan")
    recall = right / wanted if wanted else float("nan")
    return (
        f"{name}: precision {precision:.2f} ({right}/{given})"
        f"   recall {recall:.2f} ({right}/{wanted})"
    )


def main() -> None:
    print(_line("written examples (EN + DE)", written_examples()))
    print("real official pairs:")
    print(_line("real official pairs", real_pairs()))


if __name__ == "__main__":
    main()
