"""Presentation-only variants of one statement extract to the same normalised paragraphs."""

import pytest
import yaml

from coalition_watch.extract import extract_path
from coalition_watch.normalize import comparison_key


def _index(pages):
    return yaml.safe_load((pages / "INDEX.yaml").read_text(encoding="utf-8"))["variants"]


def _variant_files():
    from pathlib import Path

    pages = Path(__file__).resolve().parents[2] / "replay" / "pages"
    return sorted(_index(pages)["files"])


@pytest.mark.parametrize("variant", _variant_files())
def test_variant_extracts_to_the_same_normalised_paragraphs(pages, variant):
    base = extract_path(pages / _index(pages)["base"])
    doc = extract_path(pages / variant)
    assert [comparison_key(p) for p in doc.paragraphs] == [
        comparison_key(p) for p in base.paragraphs
    ]
    assert doc.title == base.title
    assert doc.published == base.published


@pytest.mark.parametrize(
    "variant",
    [v for v in _variant_files() if "curly" not in v and "numbered" not in v],
)
def test_variants_without_typographic_changes_give_identical_display_text(pages, variant):
    base = extract_path(pages / _index(pages)["base"])
    assert extract_path(pages / variant).paragraphs == base.paragraphs


def test_curly_variant_keeps_its_typography_for_display(pages):
    doc = extract_path(pages / "variants/anti-isis-coalition-2451466.curly-quotes-dashes.html")
    assert "Coalition\u2019s" in doc.text
