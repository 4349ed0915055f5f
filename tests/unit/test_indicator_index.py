"""The anchor index finds exactly the matches of running every indicator regex."""

from __future__ import annotations

from pathlib import Path

import yaml

from coalition_watch.indicator_index import (
    ALWAYS,
    IndicatorIndex,
    fold,
    phrase_anchors,
    required_literal,
)
from coalition_watch.themes import load_themes

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "classify"


def labelled_texts() -> list[str]:
    texts = []
    # Real wording only (the written sets add little and cost seconds): the real set and
    # the seed communiqués, whole paragraphs.
    for path in sorted((DATA / "real").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [s["text"] for doc in raw["documents"] for s in doc["sentences"]]
    for seed in sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt")):
        texts += [p for p in seed.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    # spellings the anchors must fold together
    texts += [
        "Kaempfer, Kämpfer and KÄMPFER; Aegypten; Da'esh, Daesh and DA’ESH; Strasse, Straße.",
        "stabilisation and stabilization; defence and defense; Terrorismusfinanzierung.",
        "Anti-IS-Koalition, Daesh/ISIS-K, U.S.-led, counter messaging, countermessaging.",
    ]
    return texts


def test_index_finds_the_same_matches_as_every_regex_one_by_one():
    # Both languages at once: every indicator of the taxonomy is in this index.
    languages = ("en", "de")
    taxonomy = load_themes()
    entries = [
        (theme.id, indicator, indicator.anchors)
        for theme in taxonomy
        for indicator in theme.applicable(languages)
    ]
    index = IndicatorIndex(entries)
    for text in labelled_texts():
        expected = [
            (theme_id, indicator.text, m.span())
            for theme_id, indicator, _ in entries
            for m in indicator.pattern.finditer(text)
        ]
        found = [(t, i.text, m.span()) for t, i, m in index.find(text)]
        assert found == expected, text


def test_most_indicators_have_an_anchor():
    indicators = [i for theme in load_themes() for i in theme.indicators]
    unanchored = [i.text for i in indicators if i.anchors is ALWAYS]
    assert len(unanchored) < 0.05 * len(indicators), unanchored


def test_fold_collapses_the_spellings_an_indicator_accepts():
    assert fold("Kämpfer") == fold("Kaempfer") == fold("KÄMPFER")
    assert fold("Straße") == fold("Strasse")
    assert fold("Da'esh") == fold("Da\u2019esh") == fold("Daesh")
    assert fold("stabilization") == fold("stabilisation")


def test_anchors_of_each_kind_of_indicator():
    names = {"DAESH": ["Daesh", "IS"]}
    assert phrase_anchors("Baghdad", "en", {}).prefixes == {"bag"}
    assert phrase_anchors("*finanzierung", "de", {}).substrings == {"finans"}
    assert phrase_anchors("{DAESH} fighters", "en", names).prefixes == {"das", "is"}
    assert phrase_anchors("re:Sahel(?:ian)?", "en", {}) is ALWAYS
    assert phrase_anchors("re:{DAESH}'s funds", "en", names).prefixes == {"das", "is"}
    assert phrase_anchors("U.S.-led", "en", {}).prefixes == {"u"}


def test_required_literal_reads_only_letters_every_match_needs():
    assert (
        required_literal("(?:International )?Coalition for the Sahel") == "Coalition for the Sahel"
    )
    assert required_literal(r"(?:NATO\s+)?Defen[cs]e\s+Ministerial(?:\s+Meeting)?") == "Ministerial"
    assert required_literal(r"lines?\s+of\s+effort") == "effort"
    # alternatives at the top level, or letters made optional, promise nothing
    assert required_literal("camps|prisons") == ""
    assert required_literal(r"(?:a|b)\w+") == ""
    assert required_literal("x?y*") == ""
