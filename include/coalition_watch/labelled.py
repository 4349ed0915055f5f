"""Labelled sentences for training and evaluating the classifier, and their splits.

Three sets live in tests/data/classify/: the *tuning* set (en.yaml, de.yaml), written for
the project and seen while the indicators were written; the *held-out* set
(heldout_*.yaml), written from the theme descriptions alone; and the *real* set
(real/*.yaml), sentences of official statements with URLs, split into train, dev and test
by document (real/README.md). The split of a document group is a rule, `real_splits`, so a
test can check that nobody moved a document after seeing results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coalition_watch.config_files import read_yaml

SPLITS = ("train", "dev", "test")
# Groups are dealt out in this order after sorting them by the SHA-1 of their name.
SPLIT_PATTERN = ("train", "test", "dev", "train", "test")
HELD_OUT_PREFIX = "heldout_"


@dataclass(frozen=True)
class Labelled:
    language: str
    text: str
    themes: tuple[str, ...]
    document: str | None = None  # real set only: the document id
    split: str | None = None
    release: int | None = None  # real set only: the release the document came in


def written_set(directory: Path, held_out: bool = False) -> list[Labelled]:
    """The tuning set (held_out False) or the held-out set: written sentences."""
    cases = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith(HELD_OUT_PREFIX) != held_out:
            continue
        raw = _read(path)
        if not isinstance(raw, dict) or "sentences" not in raw:
            continue  # other fixtures live alongside (seed_bodies.yaml)
        cases += [
            Labelled(raw["language"], item["text"], tuple(item["themes"]))
            for item in raw["sentences"]
        ]
    return cases


def real_documents(directory: Path) -> list[dict]:
    """Documents of the real set, each with its language added."""
    documents = []
    for path in sorted((directory / "real").glob("*.yaml")):
        raw = _read(path)
        for doc in raw["documents"]:
            documents.append({**doc, "language": raw["language"]})
    return documents


def release_of(document: dict) -> int:
    """The release a document of the real set came in: the first release's documents carry
    no `added`, the second's carry `added` only, later ones `added` and `release`. A
    release evaluated before any model was trained on it is unseen material."""
    if "release" in document:
        return int(document["release"])
    return 2 if document.get("added") else 1


def real_set(
    directory: Path, splits: Iterable[str] = SPLITS, release: int | None = None
) -> list[Labelled]:
    """Sentences of the real set in the given splits (and of one release, if given)."""
    wanted = set(splits)
    unknown = wanted - set(SPLITS)
    if unknown:
        raise ValueError(f"unknown split(s) {sorted(unknown)}; use {', '.join(SPLITS)}")
    return [
        Labelled(
            doc["language"],
            s["text"],
            tuple(s["themes"]),
            doc["id"],
            doc["split"],
            release_of(doc),
        )  # fmt: skip
        for doc in real_documents(directory)
        if doc["split"] in wanted and release in (None, release_of(doc))
        for s in doc["sentences"]
    ]


def real_splits(documents: Iterable[dict]) -> dict[str, str]:
    """The split of each document group of one language, by the rule in real/README.md.

    The groups of the first release were dealt out in SPLIT_PATTERN order after sorting
    them by SHA-1; a group made only of documents added later (they carry `added`) takes
    the pattern entry its SHA-1 picks, so adding documents never moves another one.
    """
    documents = list(documents)
    dealt = sorted({d["group"] for d in documents if not d.get("added")}, key=_sha1)
    added = {d["group"] for d in documents} - set(dealt)  # groups made of added documents
    splits = {group: SPLIT_PATTERN[i % len(SPLIT_PATTERN)] for i, group in enumerate(dealt)}
    splits.update({g: SPLIT_PATTERN[int(_sha1(g), 16) % len(SPLIT_PATTERN)] for g in added})
    return splits


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _read(path: Path):
    return read_yaml(path)
