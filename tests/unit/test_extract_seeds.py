"""The two real communiqués: text captures and the Foreign Office pages that carry them."""

import pytest

from coalition_watch.extract import extract_html, extract_path, extract_text

SEED_2020 = "000_4eaa05a6e6643515.txt"
SEED_2021 = "004_f913646eee8ea0e9.txt"
PAGE_2020 = "www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition-small-group-2347076.html"
PAGE_2021 = "www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition-2451466.html"

BOILERPLATE = [
    "Welcome",
    "Breadcrumbs",
    "Keywords",
    "Overview",
    "Newsroom",
    "ic_school_black_18dp",
    "Pressemitteilungen vom",
    "Direktlink",
    "Externe Webseite",
    "Ähnliche Beiträge",
    "Kommentare",
    "Punkte",
    "Fight against IS",
    "Top of page",
    "Print page",
    "Related content",
    "©",
    "~~",
    "(United Nations)",
    "(North Atlantic Treaty Organization)",
]


def _assert_clean(paragraphs):
    text = "\n".join(paragraphs)
    for noise in BOILERPLATE:
        assert noise not in text, noise


def test_2020_seed_text_capture_gives_the_clean_communique(seeds):
    doc = extract_text((seeds / SEED_2020).read_text(encoding="utf-8"))
    assert (
        doc.title
        == "Joint Communique by Ministers of the Global Coalition to Defeat ISIS Small Group"
    )
    assert doc.published == "2020-06-04"
    assert doc.language == "en"
    assert len(doc.paragraphs) == 9
    assert doc.paragraphs[0].startswith("At the invitation of Italian Minister of Foreign Affairs")
    assert doc.paragraphs[-1].endswith("in Italy as soon as circumstances permit.")
    _assert_clean(doc.paragraphs)


def test_2021_seed_text_capture_collapses_abbreviations_and_rejoins_the_page_break(seeds):
    doc = extract_path(seeds / SEED_2021)
    assert (
        doc.title
        == "Joint Communiqué by Ministers of the Global Coalition to Defeat ISIS Small Group"
    )
    assert doc.published == "2021-03-30"
    assert doc.doc_type == "Press release"
    assert doc.url == "https://auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition/2451466"
    assert len(doc.paragraphs) == 7
    assert "relevant UN Security Council resolutions" in doc.paragraphs[0]
    assert "February 18 NATO Defence Ministerial" in doc.paragraphs[2]
    assert "expansion of NATO's non-combat" in doc.paragraphs[2]
    assert "The Coalition reaffirmed its willingness to further explore" in doc.paragraphs[4]
    _assert_clean(doc.paragraphs)


@pytest.mark.parametrize(
    ("page", "seed", "published"),
    [(PAGE_2020, SEED_2020, "2020-06-04"), (PAGE_2021, SEED_2021, "2021-03-30")],
)
def test_foreign_office_page_carries_the_seed_body_verbatim(pages, seeds, page, seed, published):
    html_doc = extract_html(
        (pages / page).read_bytes(), url="https://www.auswaertiges-amt.de/en/newsroom/news/x/1"
    )
    text_doc = extract_path(seeds / seed)
    assert html_doc.paragraphs == text_doc.paragraphs
    assert html_doc.title == (
        "Joint Communiqué by Ministers of the Global Coalition to Defeat ISIS Small Group"
    )
    assert html_doc.published == published
    assert html_doc.doc_type == "Press release"
    assert html_doc.language == "en"
    _assert_clean(html_doc.paragraphs)


def test_the_2020_page_keeps_its_curly_apostrophes_for_display(pages):
    doc = extract_path(pages / PAGE_2020)
    assert "the Coalition\u2019s sole purpose" in doc.paragraphs[0]
