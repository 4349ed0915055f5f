"""One identity per theme (label, colour, readable pill text) and labels for sources."""

from __future__ import annotations

import pytest

from coalition_watch.errors import ConfigError
from coalition_watch.labels import (
    AA_NORMAL_TEXT,
    OTHER_THEME,
    contrast_ratio,
    source_label,
    theme_style,
    theme_styles,
)
from coalition_watch.themes import load_themes, parse_taxonomy


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#1f5f99", "#1f5f99") == pytest.approx(1.0)


@pytest.mark.parametrize("theme_id", [*load_themes().ids, OTHER_THEME])
def test_every_theme_pill_meets_wcag_aa_contrast(theme_id):
    style = theme_style(theme_id)
    assert contrast_ratio(style.text_colour, style.colour) >= AA_NORMAL_TEXT


def test_every_packaged_theme_has_its_own_colour_and_its_label():
    taxonomy = load_themes()
    assert all(t.colour for t in taxonomy)
    colours = [t.colour for t in taxonomy]
    assert len(set(colours)) == len(colours)
    assert theme_styles()["law_enforcement"].label == "Law enforcement and justice"


def test_a_bad_colour_is_a_config_error_naming_the_theme():
    raw = {
        "themes": [
            {"id": "x", "label": "X", "colour": "blue", "description": "d", "indicators": ["a"]}
        ]
    }
    with pytest.raises(ConfigError, match="x.colour: expected '#rrggbb'"):
        parse_taxonomy(raw, "themes.yaml")


def test_sources_are_named_by_their_label():
    assert source_label("aa-en") == "Federal Foreign Office (EN)"
    assert source_label("no-such-source") == "no-such-source"
