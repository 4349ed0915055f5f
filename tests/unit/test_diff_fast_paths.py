"""The tokeniser's shortcuts give what the plain way gives."""

from __future__ import annotations

import dataclasses

from coalition_watch.diff.equivalence import load_equivalences
from coalition_watch.diff.sentences import split_clean_sentences, split_sentences
from coalition_watch.diff.tokens import Token, new_token
from coalition_watch.normalize import clean_display


def test_new_token_is_the_token_the_constructor_makes() -> None:
    # guards the shortcut against a field added to Token and not to _new_token
    made = [Token("k", 1, 2, True), Token("=date:2021-03-30", 0, 14, True, "2021-03-30")]
    fast = [new_token("k", 1, 2, True), new_token("=date:2021-03-30", 0, 14, True, "2021-03-30")]
    assert fast == made
    assert [vars(t) for t in fast] == [vars(t) for t in made]
    assert [dataclasses.astuple(t) for t in fast] == [dataclasses.astuple(t) for t in made]
    assert len({*fast, *made}) == 2


def test_a_longer_phrase_is_found_only_where_its_beginning_matches() -> None:
    eq = load_equivalences()
    text = "Islamic State of Iraq and the Levant; the so-called Islamic State; the State"
    keys = [t.key for t in eq.tokens(text) if t.is_word]
    assert keys == ["=name:daesh", "=name:daesh", "the", "state"]


def test_plain_sentences_keep_their_tokens_without_the_date_and_bracket_passes() -> None:
    eq = load_equivalences()
    tokens = eq.tokens("Ministers met in Rome", "2021-03-30")
    assert [(t.key, t.start, t.end, t.is_word, t.day) for t in tokens] == [
        ("ministers", 0, 9, True, None),
        ("met", 10, 13, True, None),
        ("in", 14, 16, True, None),
        ("rome", 17, 21, True, None),
    ]


def test_splitting_clean_text_skips_only_the_cleaning() -> None:
    paragraph = "  The U.S. delegation met  Mr.\u00a0Smith. The Ministers agreed. It ended "
    assert split_clean_sentences(clean_display(paragraph)) == split_sentences(paragraph)
