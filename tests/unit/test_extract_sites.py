"""Each site kind's adapter on its recorded pages."""

import pytest
import yaml

from coalition_watch.errors import ExtractionError
from coalition_watch.extract import detect_kind, extract_html, extract_path

STATE = "www.state.gov/joint-statement-political-directors-global-coalition-defeat-isis.html"
COALITION = "theglobalcoalition.org/en/political-directors-global-coalition-marrakech.html"
EMBASSY = "iq.usembassy.gov/joint-statement-political-directors-global-coalition-defeat-isis.html"
GOVUK_SLUG = "global-coalition-ministers-reaffirm-commitment-to-the-enduring-defeat-of-daesh"
ESTERI = (
    "www.esteri.it/en/sala_stampa/archivionotizie/comunicati/2021/06/"
    "joint-communique-ministers-global-coalition-defeat-daesh-isis.html"
)
FRAME = ["Begin Text", "End Text", "text of the following statement", "Office of the Spokesperson"]
NOISE = [
    "Share",
    "Tweet",
    "Back to Top",
    "Tags",
    "cookies",
    "Related",
    "Photo:",
    "Counterterrorism",
]


def _text(doc):
    return "\n".join(doc.paragraphs)


def test_index_maps_every_url_to_an_existing_file(pages):
    index = yaml.safe_load((pages / "INDEX.yaml").read_text(encoding="utf-8"))
    for entry in index["pages"]:
        assert (pages / entry["file"]).is_file(), entry["url"]
        assert entry["url"].startswith("https://")
    for name in index["variants"]["files"]:
        assert (pages / name).is_file(), name


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.auswaertiges-amt.de/en/newsroom/news/x/1", "auswaertiges_amt"),
        ("https://2021-2025.state.gov/some-statement/", "state_gov"),
        ("https://www.state.gov/releases/office-of-the-spokesperson/2025/01/x", "state_gov"),
        ("https://theglobalcoalition.org/?p=21779", "global_coalition"),
        ("https://www.gov.uk/government/news/x", "gov_uk"),
        ("https://www.esteri.it/en/sala_stampa/x/", "generic"),
        ("https://iq.usembassy.gov/x/", "generic"),
        ("https://www.diplomatie.gouv.fr/en/x/article/y", "generic"),
        ("https://diplomatie.belgium.be/en/x", "generic"),
        ("https://example.org/x", "generic"),
    ],
)
def test_kind_is_detected_from_the_url_host(url, kind):
    assert detect_kind(None, url) == kind


@pytest.mark.parametrize(
    ("page", "kind"),
    [(STATE, "state_gov"), (COALITION, "global_coalition"), (ESTERI, "generic")],
)
def test_kind_is_detected_from_markup_without_a_url(pages, page, kind):
    assert detect_kind((pages / page).read_bytes()) == kind


def test_state_gov_media_note_drops_the_release_frame_and_share_noise(pages):
    doc = extract_path(pages / STATE)
    assert (
        doc.title
        == "Joint Statement by the Political Directors of the Global Coalition to Defeat ISIS"
    )
    assert doc.published == "2022-05-11"
    assert doc.doc_type == "Media Note"
    assert doc.language == "en"
    assert len(doc.paragraphs) == 6
    assert doc.paragraphs[0].startswith("1. The Political Directors")
    for noise in FRAME + NOISE:
        assert noise not in _text(doc), noise


def test_coalition_wordpress_post_keeps_its_re_edited_wording(pages):
    doc = extract_path(pages / COALITION, url="https://theglobalcoalition.org/?p=21779")
    assert doc.title.endswith("Global Coalition Against Daesh")
    assert doc.published == "2022-05-12"
    assert doc.language == "en"
    assert len(doc.paragraphs) == 6
    assert "met yesterday in Marrakech" in doc.paragraphs[0]
    assert "stabilisation programmes" in doc.paragraphs[2]
    for noise in FRAME + NOISE + ["Political Directors of the Global Coalition in Marrakech."]:
        assert noise not in _text(doc), noise


def test_coalition_post_and_state_gov_text_align_paragraph_for_paragraph(pages):
    state = extract_path(pages / STATE)
    coalition = extract_path(pages / COALITION)
    assert len(state.paragraphs) == len(coalition.paragraphs)
    assert state.paragraphs[3] == coalition.paragraphs[3]  # the one paragraph left unedited


def test_embassy_repost_has_its_own_date_and_the_same_body_as_state_gov(pages):
    doc = extract_html(
        (pages / EMBASSY).read_bytes(),
        url="https://iq.usembassy.gov/joint-statement-political-directors-global-coalition-defeat-isis/",
    )
    assert doc.published == "2022-05-12"  # the repost date, a day after the dateline
    assert doc.paragraphs == extract_path(pages / STATE).paragraphs
    assert "official website" not in _text(doc)


def test_gov_uk_content_item_and_page_give_the_same_document(pages):
    item = extract_path(pages / f"www.gov.uk/api/content/government/news/{GOVUK_SLUG}.json")
    page = extract_path(pages / f"www.gov.uk/government/news/{GOVUK_SLUG}.html")
    assert item.paragraphs == page.paragraphs
    assert (
        item.title
        == page.title
        == ("Global Coalition ministers reaffirm commitment to the enduring defeat of Daesh")
    )
    assert item.published == page.published == "2021-06-28"
    assert item.doc_type == page.doc_type == "Press release"
    assert item.url == f"https://www.gov.uk/government/news/{GOVUK_SLUG}"
    assert len(item.paragraphs) == 6
    for noise in ["This was published under", "Further information", "Twitter", "Share"]:
        assert noise not in _text(page), noise


def test_esteri_windows_1252_page_is_decoded_by_its_meta_charset(pages):
    raw = (pages / ESTERI).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    doc = extract_html(raw, url="https://www.esteri.it/en/sala_stampa/x/")
    assert (
        doc.title
        == "Joint Communiqué by the Ministers of the Global Coalition to Defeat Daesh/ISIS"
    )
    assert doc.published == "2021-06-28"
    assert doc.doc_type == "Press release"
    assert "the Coalition\u2019s stabilization efforts" in doc.paragraphs[1]
    assert "\u201creturn, rehabilitation and reintegration\u201d" in doc.paragraphs[3]
    for noise in ["Publication date", "Tipology", "Tag:", "Browse section", "cookie", "Share"]:
        assert noise not in _text(doc), noise


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("www.state.gov/technical-difficulties.html", "Technical Difficulties"),
        ("www.esteri.it/radware-block.html", "Radware"),
        ("www.auswaertiges-amt.de/en/newsroom/news/page-not-found.html", "not found"),
    ],
)
def test_block_and_not_found_pages_are_refused_with_the_reason(pages, page, reason):
    with pytest.raises(ExtractionError) as raised:
        extract_path(pages / page)
    assert reason in raised.value.reason
    assert str(pages / page) in str(raised.value)


FRANCE = (
    "www.diplomatie.gouv.fr/en/french-foreign-policy/security-disarmament-and-non-proliferation/"
    "terrorism/news/article/"
    "fight-against-daesh-meeting-of-the-small-group-of-the-global-coalition-04-06-20.html"
)
BELGIUM = (
    "diplomatie.belgium.be/en/joint-communique-ministers-global-coalition-defeat-daesh-isis.html"
)


def test_france_page_loses_its_title_date_captions_and_cookie_banner(pages):
    doc = extract_html(
        (pages / FRANCE).read_bytes(), url="https://www.diplomatie.gouv.fr/en/x/article/y"
    )
    assert doc.title == "Fight against Daesh - Meeting of the Small Group of the Global Coalition"
    assert doc.published == "2020-06-04"
    assert len(doc.paragraphs) == 4
    assert doc.paragraphs[0].startswith("On 4 June 2020 the Minister for Europe")
    for noise in ["Image Diaporama", "©", "cookies", "See also", "Print", "Share", "Top of page"]:
        assert noise not in _text(doc), noise


def test_belgium_page_has_no_date_of_its_own_and_loses_last_updated(pages):
    doc = extract_html(
        (pages / BELGIUM).read_bytes(),
        url="https://diplomatie.belgium.be/en/joint-communique-ministers-global-coalition-defeat-daesh-isis",
    )
    assert (
        doc.title
        == "Joint communiqué by the Ministers of the Global Coalition to Defeat Daesh/ISIS"
    )
    # "Last updated on 31/03/2021" is a revision date, never the publication date
    assert doc.published is None
    assert doc.doc_type == "Press release"
    assert len(doc.paragraphs) == 4
    for noise in ["Last updated", "videoconference of the Coalition ministers", "©", "Share"]:
        assert noise not in _text(doc), noise
    assert "cookies" not in _text(doc)
