"""The cosmetic rules file: what it folds, and how it fails."""

from __future__ import annotations

import pytest

from coalition_watch.diff.equivalence import load_equivalences
from coalition_watch.errors import ConfigError


def _keys(text: str, published: str | None = None) -> list[str]:
    eq = load_equivalences()
    return [t.key for t in eq.tokens(text, published) if t.is_word]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Daesh/ISIS", "ISIL"),
        ("Da'esh", "the so-called Islamic State"[len("the so-called ") :]),
        ("UN (United Nations)", "United Nations"),
        ("~~NATO (North Atlantic Treaty Organization)~~", "NATO"),
        ("Iraqi Security Forces (ISF)", "ISF"),
        ("U.S.", "United States"),
        ("stabilisation programme", "stabilization program"),
        ("honoured endeavour", "honored endeavor"),
        ("Communiqué", "communique"),
        ("4 June 2020", "June 4, 2020"),
    ],
)
def test_equivalent_forms_share_keys(a: str, b: str) -> None:
    assert _keys(a) == _keys(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("is", "IS"), ("us", "US"), ("our", "or"), ("four", "for"), ("promise", "prize")],
)
def test_distinct_words_stay_distinct(a: str, b: str) -> None:
    assert _keys(a) != _keys(b)


def test_relative_day_knows_its_date() -> None:
    eq = load_equivalences()
    (token,) = eq.tokens("yesterday", "2021-03-31")
    assert token.day == "2021-03-30"


def test_numbering_is_stripped() -> None:
    eq = load_equivalences()
    assert eq.strip_numbering("12. The Ministers") == "The Ministers"
    assert eq.strip_numbering("(iv) The Ministers") == "The Ministers"
    assert eq.strip_numbering("2021 was a year") == "2021 was a year"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- a list\n", "expected a mapping at the top level"),
        ("names: {daesh: []}\n", "names: expected a non-empty list"),
        ("numbering_patterns: ['(']\n", r"numbering_patterns: '\('"),
        ("colours: {}\n", "colours: unknown key"),
        ("spelling: {suffixes: [{british: ise}]}\n", "spelling.suffixes: each entry needs"),
        ("names: [\n", "not valid YAML"),
    ],
)
def test_bad_rules_file_names_the_problem(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_equivalences(path)
    assert str(path) in str(info.value)


def test_missing_rules_file(tmp_path) -> None:
    with pytest.raises(ConfigError, match="absent.yaml: file not found"):
        load_equivalences(tmp_path / "absent.yaml")
