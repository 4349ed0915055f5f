"""Bad pages and files: a clear error naming the input and the reason."""

import pytest

from coalition_watch.errors import BadInput, ConfigError, ExtractionError
from coalition_watch.extract import detect_block_page, extract_html, extract_path, extract_text
from coalition_watch.extract.profiles import build_profile, load_catalogue

PAGE_2021 = "www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition-2451466.html"
URL = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition/2451466"


@pytest.mark.parametrize("body", ["", "   \n", b"", b"\n"])
def test_empty_page_is_an_extraction_error(body):
    with pytest.raises(ExtractionError, match="empty page"):
        extract_html(body, url=URL)


def test_truncated_html_without_a_body_names_the_url_and_the_selectors(pages):
    html = (pages / PAGE_2021).read_text(encoding="utf-8")
    truncated = html[: html.index("<body")]
    with pytest.raises(ExtractionError) as raised:
        extract_html(truncated, url=URL)
    assert raised.value.where == URL
    assert "no statement body" in raised.value.reason


def test_truncated_html_mid_body_keeps_what_arrived(pages):
    html = (pages / PAGE_2021).read_text(encoding="utf-8")
    cut = html[: html.index("In Syria, the Coalition")]
    doc = extract_html(cut, url=URL)
    assert 1 <= len(doc.paragraphs) < 7


def test_page_of_another_layout_matches_no_selector():
    html = "<html><body><div class='new-design'><p>Everything moved.</p></div></body></html>"
    with pytest.raises(ExtractionError, match="auswaertiges_amt selectors"):
        extract_html(html, url=URL)


def test_body_with_only_noise_is_an_extraction_error():
    html = '<html><body><div class="c-rte--default"><p>Top of page</p></div></body></html>'
    with pytest.raises(ExtractionError, match="holds no text"):
        extract_html(html, url=URL)


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<html><head><title>Just a moment...</title></head></html>", "Cloudflare"),
        ("<html><head><title>404 - Not Found</title></head></html>", "not found"),
        ("<html><body><h1>Seite nicht gefunden</h1></body></html>", "not found"),
        ("<html><title>Technical Difficulties</title></html>", "Technical Difficulties"),
    ],
)
def test_detect_block_page_names_the_reason(html, reason):
    assert reason in detect_block_page(html)
    assert reason in detect_block_page(html.encode())


def test_a_statement_mentioning_difficulties_is_not_a_block_page(pages):
    html = (pages / PAGE_2021).read_text(encoding="utf-8")
    assert detect_block_page(html.replace("Iraq's sovereignty", "technical difficulties")) is None


def test_unknown_kind_and_misused_selectors_are_bad_input():
    with pytest.raises(BadInput, match="unknown extractor kind 'nope'"):
        extract_html("<p>x</p>", kind="nope")
    with pytest.raises(BadInput, match="generic adapter"):
        extract_html("<p>x</p>", kind="state_gov", selectors={"body": ["main"]})


def test_extract_path_names_the_path_for_unreadable_files(tmp_path):
    missing = tmp_path / "missing.html"
    with pytest.raises(BadInput, match=f"{missing}: no such file"):
        extract_path(missing)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(BadInput, match=f"{empty}: file is empty"):
        extract_path(empty)
    binary = tmp_path / "page.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BadInput, match="binary file"):
        extract_path(binary)
    directory = tmp_path / "dir.html"
    directory.mkdir()
    with pytest.raises(BadInput, match="is a directory"):
        extract_path(directory)
    pdf = tmp_path / "x.pdf"
    with pytest.raises(BadInput, match=f"{pdf}: no such file"):  # missing is said first
        extract_path(pdf)
    pdf.write_text("%PDF-1.7 a statement, but not a kind this tool reads\n")
    with pytest.raises(BadInput, match="unsupported file type '.pdf'"):
        extract_path(pdf)


def test_json_that_is_not_a_content_item_is_an_extraction_error(tmp_path):
    for content, reason in [("{not json", "invalid JSON"), ("[]", "JSON object"), ("{}", "body")]:
        path = tmp_path / "item.json"
        path.write_text(content)
        with pytest.raises(ExtractionError, match=reason):
            extract_path(path)


def test_text_capture_without_prose_is_an_extraction_error():
    with pytest.raises(ExtractionError, match="no statement body"):
        extract_text("Welcome\n\nBreadcrumbs\n\nKeywords")
    with pytest.raises(ExtractionError, match="empty"):
        extract_text("")


def test_latin_1_text_capture_is_decoded(tmp_path):
    path = tmp_path / "capture.txt"
    path.write_bytes(
        "Erklärung der Außenminister\n\n04.06.2020 - Pressemitteilung\n\n"
        "Die Außenminister der Koalition bekräftigen heute ihre Entschlossenheit, den "
        "sogenannten Islamischen Staat dauerhaft zu besiegen.".encode("latin-1")
    )
    doc = extract_path(path)
    assert doc.title == "Erklärung der Außenminister"
    assert doc.published == "2020-06-04"
    assert doc.doc_type == "Pressemitteilung"
    assert doc.language == "de"


def test_generic_selectors_drive_extraction_and_are_checked():
    html = (
        "<html lang='fr'><body><div class='crumbs'>Accueil</div><h1 class='titre'>Déclaration</h1>"
        "<span class='date'>Publié le 4 juin 2020</span><section class='texte'>"
        "<p>Les ministres de la Coalition ont réaffirmé leur détermination.</p>"
        "<p class='partage'>Partager</p></section></body></html>"
    )
    selectors = {"title": ["h1.titre"], "date": [".date"], "body": ["section.texte"],
                 "drop": [".partage"]}  # fmt: skip
    doc = extract_html(html, selectors=selectors)
    assert (doc.title, doc.published, doc.language) == ("Déclaration", "2020-06-04", "fr")
    assert doc.paragraphs == ("Les ministres de la Coalition ont réaffirmé leur détermination.",)
    with pytest.raises(ConfigError, match="unknown key"):
        extract_html(html, selectors={"body": ["main"], "bdoy": ["x"]})
    with pytest.raises(ConfigError, match="bad CSS selector"):
        build_profile("x", {"body": ["div[[["]})
    with pytest.raises(ConfigError, match="at least one body selector"):
        build_profile("x", {"title": ["h1"]})


def test_selectors_file_with_a_bad_regex_fails_at_load(tmp_path):
    path = tmp_path / "selectors.yaml"
    path.write_text("kinds: {}\ngeneric: {}\ntext_capture:\n  noise: ['(unclosed']\n")
    with pytest.raises(ConfigError, match="bad regex"):
        load_catalogue(path)
    path.write_text("kinds: {}\ngeneric: {}\nextras: 1\n")
    with pytest.raises(ConfigError, match="unknown key"):
        load_catalogue(path)
