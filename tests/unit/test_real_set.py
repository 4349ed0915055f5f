"""The real evaluation set: real sources, known themes, splits by document that nobody moved.

No test here asserts the classifier's figures on the test split: a target in a test would
invite tuning on it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from coalition_watch.extract import extract_path
from coalition_watch.labelled import SPLITS, real_documents, real_set, real_splits, release_of
from coalition_watch.themes import load_themes

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "classify"
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?\Z")
OFFICIAL = re.compile(
    r"https?://([\w-]+\.)*(theglobalcoalition\.org|state\.gov|usembassy\.gov|treasury\.gov|"
    r"stlouisfed\.org|gov\.uk|auswaertiges-amt\.de|diplo\.de|bundesregierung\.de|"
    r"diplomatie\.gouv\.fr|bundeswehr\.de|parliament\.uk|bundestag\.de|bmz\.de|bmvg\.de|"
    r"canada\.ca|international\.gc\.ca|dfat\.gov\.au|foreignminister\.gov\.au|"
    r"defence\.gov\.au|mfat\.govt\.nz|beehive\.govt\.nz|nato\.int|europa\.eu|esteri\.it|"
    r"admin\.ch|bmeia\.gv\.at|bmaa\.gv\.at|defense\.gov|defence\.gov\.uk|mod\.uk|"
    r"government\.nl|regjeringen\.no|um\.dk|diplomatie\.belgium\.be|exteriores\.gob\.es|"
    r"mofa\.go\.jp|mofa\.gov\.sa|mofa\.gov\.kw|mofaic\.gov\.ae|diplomatie\.ma|"
    r"mofa\.gov\.iq|gov\.krd|inherentresolve\.mil|centcom\.mil|"
    r"whitehouse\.gov|govinfo\.gov|federalregister\.gov|archives\.gov|ambafrance\.org|"
    r"ambafrance-de\.org|generalbundesanwalt\.de|bmi\.bund\.de|verfassungsschutz\.de|bka\.de)/"
)


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    return real_documents(DATA)


def test_set_has_enough_real_sentences_in_each_language(documents):
    counts = defaultdict(int)
    for doc in documents:
        counts[doc["language"]] += len(doc["sentences"])
    assert counts["en"] >= 200 and counts["de"] >= 100
    assert counts["en"] + counts["de"] >= 300


def test_every_document_names_an_official_source_a_date_and_labels_known_themes(documents):
    known = set(load_themes().ids)
    ids = [doc["id"] for doc in documents]
    assert len(set(ids)) == len(ids), "a document id appears twice"
    for doc in documents:
        assert OFFICIAL.match(doc["url"]), doc["url"]
        assert DATE.match(str(doc["date"])), doc["id"]
        assert doc["publisher"] and doc["title"], doc["id"]
        if len(str(doc["date"])) < 10:
            assert doc.get("date_note"), f"{doc['id']}: a partial date says where it came from"
        for item in doc["sentences"]:
            assert item["text"].strip(), doc["id"]
            assert set(item["themes"]) <= known, item
            assert len(item["themes"]) == len(set(item["themes"])) <= 3, item


def test_splits_are_by_document_group_and_follow_the_rule(documents):
    for language in ("en", "de"):
        docs = [d for d in documents if d["language"] == language]
        expected = real_splits(docs)
        for doc in docs:
            assert doc["split"] == expected[doc["group"]], doc["id"]
        assert {d["split"] for d in docs} == set(SPLITS)


def test_a_group_added_later_moves_no_other_document(documents):
    docs = [d for d in documents if d["language"] == "en"]
    before = real_splits(docs)
    later = [
        {"group": "new-statement", "added": "2026-12-02"},
        {"group": docs[0]["group"], "added": "2026-12-02"},  # another version of a page
    ]
    after = real_splits([*docs, *later])
    assert after.pop("new-statement") in SPLITS
    assert after == before


def test_a_release_after_the_first_is_marked_added(documents):
    for doc in documents:
        release = release_of(doc)
        assert release >= 1, doc["id"]
        assert (release > 1) == bool(doc.get("added")), doc["id"]
        if "release" in doc:
            assert isinstance(doc["release"], int) and doc["release"] >= 3, doc["id"]


def test_a_release_selects_its_own_documents_only(documents):
    first = real_set(DATA, SPLITS, release=1)
    assert first and {case.release for case in first} == {1}
    by_release = defaultdict(int)
    for doc in documents:
        by_release[release_of(doc)] += len(doc["sentences"])
    assert len(first) == by_release[1]
    assert sum(len(real_set(DATA, SPLITS, release=r)) for r in by_release) == len(real_set(DATA))


def test_no_test_sentence_appears_in_another_split():
    test = {case.text.casefold() for case in real_set(DATA, ["test"])}
    other = {case.text.casefold() for case in real_set(DATA, ["train", "dev"])}
    assert not test & other


def test_the_seed_communiques_are_not_in_the_set():
    # Their bodies, that is: a seed capture's page chrome teases other press releases.
    bodies = [extract_path(p).paragraphs for p in (ROOT / "tests/data/seeds").glob("*.txt")]
    seeds = " ".join(" ".join(paragraphs) for paragraphs in bodies)
    sentences = [case.text for case in real_set(DATA)]
    assert not [s for s in sentences if s in seeds]


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match="unknown split"):
        real_set(DATA, ["validation"])


def test_eval_script_reports_the_real_test_split_per_language_and_theme():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "eval_classify.py"), "--set", "real", "--json"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["set"] == "real" and figures["split"] == "test"
    expected = defaultdict(int)
    for case in real_set(DATA, ["test"]):
        expected[case.language] += 1
    assert figures["sentences"] == dict(expected)
    for language in ("en", "de"):
        themes = figures["per_language_theme"][language]
        assert set(themes) == set(load_themes().ids)
        assert {"precision", "recall", "f1", "support"} <= set(themes["iraq"])


def test_eval_script_reads_one_release_over_all_splits_without_the_targets():
    command = [sys.executable, str(ROOT / "scripts" / "eval_classify.py"), "--set", "real"]
    result = subprocess.run(
        [*command, "--release", "1", "--split", "all", "--json"],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["release"], figures["split"], figures["failures"]) == (1, "all", [])
    assert sum(figures["sentences"].values()) == len(real_set(DATA, SPLITS, release=1))
    missing = subprocess.run(
        [*command, "--release", "99"], capture_output=True, text=True, timeout=180
    )
    assert missing.returncode == 2 and "no labelled sentences" in missing.stderr
    assert "release 99" in missing.stderr and "Traceback" not in missing.stderr


def test_the_second_reading_covers_train_and_dev_sentences_only():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import eval_agreement
    finally:
        sys.path.pop(0)
    known = set(load_themes().ids)
    learnt = {(case.document, case.text) for case in real_set(DATA, ["train", "dev"])}
    reading = yaml.safe_load(eval_agreement.SECOND_READING.read_text(encoding="utf-8"))
    for item in reading["sentences"]:
        assert (item["document"], item["text"]) in learnt, item["text"]
        assert set(item["second_reader"]) <= known and len(item["second_reader"]) <= 3
    figures = eval_agreement.agreement()
    assert set(figures["micro_f1"]) == {"en", "de"}
    assert all(0 < f1 <= 1 for f1 in figures["micro_f1"].values())
