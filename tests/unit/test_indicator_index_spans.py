"""The index's spans, its word table and its letter checks find exactly what running
every indicator regex finds."""

from __future__ import annotations

import pytest

from coalition_watch.classify import indicator_index_for
from coalition_watch.indicator_index import (
    _ONE_WORD,
    IndicatorIndex,
    _first_word,
    _reads_one_word,
    requirements,
)
from coalition_watch.themes import load_themes, parse_taxonomy
from tests.unit.test_indicator_index import labelled_texts

# Texts where shortcuts could go wrong: case-insensitive letters str.lower does not give
# (dotless i, long s, dotted capital I), phrases written joined or across hyphens, words
# inside words, apostrophes of every kind, and the same word again and again.
TRICKY = [
    "foreıgn terrorist fıghters, ſyria and İraq; FOREIGN TERRORIST FIGHTERS in İdlib.",
    "countermessaging, counter-messaging and counter - messaging; co-chairs, cochaired.",
    "Da\u2019esh\u2019s fighters, Da'esh's funds, ISIS' money, ISIL`s assets, IS-K.",
    "Coalition Coalition Coalition forces; Coalition-forces; the Coalition's forces.",
    "in custody, incustody, in-custody, in  custody; international custody.",
    "Internationale Koalition für den Sahel; internationalen Koalition fur den Sahel.",
]


def _every_regex(index: IndicatorIndex, text: str) -> list[tuple[str, str, tuple[int, int]]]:
    return [
        (theme_id, indicator.text, m.span())
        for theme_id, indicator, _ in index._entries
        for m in indicator.pattern.finditer(text)
    ]


# test_indicator_index checks every labelled text with both languages (through `find`,
# which reads `spans`); here a share of them, one language at a time, is enough.
@pytest.mark.parametrize("languages,share", [(("en", "de"), 0), (("en",), 3), (("de",), 3)])
def test_spans_are_the_matches_of_every_regex_one_by_one(languages, share):
    index = indicator_index_for(load_themes(), languages)
    for text in (labelled_texts()[::share] if share else []) + TRICKY:
        expected = _every_regex(index, text)
        found = [(t, i.text, (start, end)) for t, i, start, end in index.spans(text)]
        assert found == expected, text
        # and again, now that the word table knows every word of the text
        found = [(t, i.text, (start, end)) for t, i, start, end in index.spans(text)]
        assert found == expected, text


def test_the_index_is_built_once_per_taxonomy_and_language_set():
    taxonomy = load_themes()
    assert indicator_index_for(taxonomy, ("en",)) is indicator_index_for(taxonomy, ("en",))
    assert indicator_index_for(taxonomy, ("en",)) is not indicator_index_for(taxonomy, ("de",))
    raw = {"themes": [{"id": "x", "label": "X", "description": "d", "indicators": {"en": ["a"]}}]}
    other = parse_taxonomy(raw, "<test>")
    assert indicator_index_for(other, ("en",)) is not indicator_index_for(taxonomy, ("en",))


def test_requirements_are_letters_every_match_contains():
    taxonomy = load_themes()
    texts = labelled_texts()[::4] + TRICKY
    for theme in taxonomy:
        for indicator in theme.indicators:
            clauses = requirements(indicator.pattern.pattern)
            for text in texts:
                lowered = text.lower()
                for m in indicator.pattern.finditer(text):
                    if any(c in m.group(0) for c in "\u0131\u017f\u0130"):
                        continue  # never checked against such text (see _CASE_TRAPS)
                    for clause in clauses:
                        assert any(letters in m.group(0).lower() for letters in clause), (
                            indicator.text,
                            m.group(0),
                            clause,
                        )
                        assert any(letters in lowered for letters in clause)


def test_requirements_read_conservatively():
    assert requirements("(?:International )?Coalition for the Sahel") == (
        ("coalition for the sahel",),
    )
    assert requirements(r"\b(?:camps?|prisons?)\s+in\s+Syria") == (("camp", "prison"), ("syria",))
    assert requirements("Koalition für den Sahel") == (("koalition f",), ("r den sahel",))
    assert requirements(r"(?:a|bcd)\w+") == ()  # "a" is too short to check: nothing
    assert requirements("(?=abcd)x") == ()  # a lookahead consumes nothing
    assert requirements("(?:abcd)?x") == ()
    assert requirements("camps|prisons") == (("camps", "prisons"),)


def test_one_word_indicators_are_told_apart():
    kinds = {
        indicator.text: _reads_one_word(indicator.pattern.pattern)
        for theme in load_themes()
        for indicator in theme.indicators
    }
    assert kinds["Baghdad"] and kinds["Iraqi*"] and kinds["KRG"]
    assert not kinds["in custody"]  # a phrase reads the space or hyphen between its words
    assert not any(kinds[t] for t in kinds if t.startswith("re:"))
    assert not any(_reads_one_word(p) for p in (r"\bIraq", "a.b", r"a\sb", "(?=a)", "[a-z]"))
    patterns = {i.text: i.pattern for theme in load_themes() for i in theme.indicators}
    # a phrase of one-word parts: the letters its first word needs
    assert _first_word(patterns["foreign terrorist fighters"]) == ("foreign",)
    assert _first_word(patterns["Baghdad"]) == _ONE_WORD
    assert all(_first_word(p) == () for text, p in patterns.items() if text.startswith("re:"))
