"""The taxonomy file: the packaged one loads, bad ones fail at load time with a clear error."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from coalition_watch.errors import ConfigError
from coalition_watch.settings import CONFIG_DIR_ENV
from coalition_watch.themes import load_themes

REQUIRED_IDS = {
    "iraq", "syria", "africa", "other_regions", "detainees", "humanitarian", "stabilization",
    "law_enforcement", "military", "communications", "counter_finance", "coalition",
}  # fmt: skip

GOOD_THEME = """
  - id: iraq
    label: Iraq
    description: Iraq.
    indicators:
      en: [Baghdad]
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "themes.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_packaged_taxonomy_has_every_required_theme_with_label_and_description():
    taxonomy = load_themes()
    assert set(taxonomy.ids) == REQUIRED_IDS
    for theme in taxonomy:
        assert theme.label and theme.description
        assert any(not i.claims and i.weight == 1.0 for i in theme.indicators)


def test_the_config_directory_overrides_the_packaged_file(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_DIR_ENV, str(write(tmp_path, "themes:" + GOOD_THEME).parent))
    assert load_themes().ids == ("iraq",)


def test_an_explicit_path_wins_over_the_config_directory(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path))
    (tmp_path / "themes.yaml").write_text("themes: [\n", encoding="utf-8")
    (tmp_path / "mine").mkdir()
    assert load_themes(write(tmp_path / "mine", "themes:" + GOOD_THEME)).ids == ("iraq",)


BAD_FILES = {
    "duplicate id": (
        "themes:" + GOOD_THEME + GOOD_THEME,
        "iraq",
        "duplicate theme id",
    ),
    "empty indicator list": (
        """
        themes:
          - id: syria
            label: Syria
            description: Syria.
            indicators:
              en: []
        """,
        "syria.indicators.en",
        "empty indicator list",
    ),
    "no indicators at all": (
        """
        themes:
          - id: syria
            label: Syria
            description: Syria.
        """,
        "syria",
        "'indicators' must map languages",
    ),
    "bad regex": (
        """
        themes:
          - id: africa
            label: Africa
            description: Africa.
            indicators:
              en: ["re:Sahel(", Mali]
        """,
        "africa.indicators.en",
        "bad regex in 're:Sahel('",
    ),
    "unknown field": (
        """
        themes:
          - id: military
            label: Military
            description: Military.
            keywords: [troops]
            indicators:
              en: [troops]
        """,
        "military",
        "unknown field(s): keywords",
    ),
    "unknown language": (
        """
        themes:
          - id: military
            label: Military
            description: Military.
            indicators:
              fr: [troupes]
        """,
        "military.indicators.fr",
        "unknown language",
    ),
    "unknown name reference": (
        """
        themes:
          - id: coalition
            label: Coalition
            description: Coalition.
            indicators:
              en: ["coalition against {ENEMY}"]
        """,
        "coalition.indicators.en",
        "unknown name {ENEMY}",
    ),
    "bad id": (
        """
        themes:
          - id: Law Enforcement
            label: Law
            description: Law.
            indicators:
              en: [police]
        """,
        "themes[1]",
        "bad id 'Law Enforcement'",
    ),
    "missing label": (
        """
        themes:
          - id: iraq
            description: Iraq.
            indicators:
              en: [Baghdad]
        """,
        "iraq",
        "'label' must be non-empty text",
    ),
    "indicator that matches nothing in particular": (
        """
        themes:
          - id: iraq
            label: Iraq
            description: Iraq.
            indicators:
              en: ["re:x*"]
        """,
        "iraq.indicators.en",
        "matches empty text",
    ),
    "unthemed not a list": (
        "unthemed: Islamic State\nthemes:" + GOOD_THEME,
        "unthemed",
        "expected a non-empty list of phrases",
    ),
    "unthemed blank phrase": (
        "unthemed: ['Islamic State of Iraq', ' ']\nthemes:" + GOOD_THEME,
        "unthemed",
        "empty or non-text phrase",
    ),
    "unthemed bad regex": (
        "unthemed: ['re:State (of']\nthemes:" + GOOD_THEME,
        "unthemed",
        "bad regex",
    ),
}


@pytest.mark.parametrize("body,key,problem", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_malformed_taxonomy_names_file_theme_and_problem(tmp_path, body, key, problem):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_themes(path)
    error = caught.value
    assert error.file == str(path)
    assert error.key == key
    assert problem in error.problem
    assert str(path) in str(error) and key in str(error)


def test_a_key_given_twice_in_one_mapping_is_refused_not_silently_dropped(tmp_path):
    path = write(
        tmp_path,
        """
        themes:
          - id: iraq
            label: Iraq
            description: Iraq.
            indicators:
              en: [Baghdad]
              en: [Erbil]
        """,
    )
    with pytest.raises(ConfigError, match="duplicate key 'en'"):
        load_themes(path)


def test_missing_file_and_invalid_yaml_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_themes(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_themes(write(tmp_path, "themes: [unclosed"))


class TestRequire:
    def test_known_ids_pass_through(self):
        taxonomy = load_themes()
        assert taxonomy.require(["iraq", "africa"], "subs.yaml", "alice.themes") == (
            "iraq",
            "africa",
        )

    def test_unknown_ids_name_the_file_the_place_and_the_ids(self):
        with pytest.raises(ConfigError) as caught:
            load_themes().require(["iraq", "irak", "finance"], "subs.yaml", "alice.themes")
        error = caught.value
        assert (error.file, error.key) == ("subs.yaml", "alice.themes")
        assert "'irak'" in error.problem and "'finance'" in error.problem
        assert "'iraq'" not in error.problem.split(";")[0]


MATCHES = {
    "German noun from an English-style stem": ("stabili*", "de", "die Stabilisierung", True),
    "British spelling": ("stabili*", "en", "stabilisation efforts", True),
    "American verb": ("stabilization", "en", "to stabilize", False),
    "ise/ize in a plain word": ("stabilization", "en", "Stabilisation", True),
    "plural ending": ("detainee", "en", "the detainees", True),
    "possessive": ("Iraq", "en", "Iraq's sovereignty", True),
    "German case ending": ("Irak", "de", "des Iraks", True),
    "no match inside a longer word": ("Mali", "en", "Somalia", False),
    "hyphen for space": ("counter messaging", "en", "counter-messaging", True),
    "joined compound": ("counter-messaging", "en", "countermessaging", True),
    "compound tail": ("*finanzierung", "de", "Terrorismusfinanzierung", True),
    "umlaut transliterated": ("Kämpfer", "de", "Kaempfer", True),
    "acronym is case-sensitive": ("IS", "any", "this is it", False),
    "acronym matches in capitals": ("IS", "any", "die IS-Kämpfer", True),
}


@pytest.mark.parametrize("indicator,language,text,expected", MATCHES.values(), ids=MATCHES.keys())
def test_indicators_match_inflection_case_and_hyphenation(
    tmp_path, indicator, language, text, expected
):
    body = f"""
    themes:
      - id: t
        label: T
        description: T.
        indicators:
          {language}: ["{indicator}"]
    """
    (compiled,) = load_themes(write(tmp_path, body)).get("t").indicators
    assert bool(compiled.pattern.search(text)) is expected


def test_the_same_file_is_compiled_once_and_a_changed_file_again(tmp_path):
    path = write(tmp_path, "themes:" + GOOD_THEME)
    first = load_themes(path)
    assert load_themes(path) is first
    path.write_text(path.read_text(encoding="utf-8").replace("Baghdad", "Bagdad"), "utf-8")
    changed = load_themes(path)
    assert changed is not first
    assert changed.get("iraq").indicators[0].text == "Bagdad"


class TestUnthemed:
    def test_the_group_s_names_say_nothing_of_iraq_or_syria(self):
        taxonomy = load_themes()
        for name in (
            "the Islamic State of Iraq and the Levant",
            "ISIS, the Islamic State in Iraq and Syria,",
            "al-Qa\u2019ida in Iraq",
            "des Islamischen Staates im Irak und in Syrien",
        ):
            blanked = taxonomy.without_unthemed(name)
            assert len(blanked) == len(name)  # evidence offsets still point into the text
            assert "Iraq" not in blanked and "Irak" not in blanked

    def test_a_place_outside_a_name_is_still_read(self):
        text = "The Islamic State of Iraq and the Levant still holds ground in Iraq."
        assert load_themes().without_unthemed(text).endswith("holds ground in Iraq.")

    def test_a_taxonomy_without_unthemed_leaves_text_alone(self, tmp_path):
        taxonomy = load_themes(write(tmp_path, "themes:" + GOOD_THEME))
        assert taxonomy.without_unthemed("Islamic State of Iraq") == "Islamic State of Iraq"
