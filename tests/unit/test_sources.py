"""Source configuration and listing filters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import yaml

from coalition_watch.errors import ConfigError
from coalition_watch.extract.dates import parse_date
from coalition_watch.extract.profiles import build_profile
from coalition_watch.fetch import Response
from coalition_watch.sources import ADAPTERS, KeywordFilter, load_sources
from coalition_watch.sources.auswaertiges_amt import dotted_to_iso
from coalition_watch.sources.base import canonical_url, fetch_date


def write(tmp_path, sources):
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
    return path


GOOD = {
    "id": "esteri-it",
    "kind": "generic",
    "urls": {"listing": "https://www.esteri.it/x/"},
    "listing": {"item": "article", "link": "h2 a"},
}


def test_packaged_sources_cover_every_kind():
    sources = load_sources()
    assert {s.kind for s in sources} == set(ADAPTERS)
    aa = next(s for s in sources if s.id == "aa-en")
    assert "www.auswaertiges-amt.de" in aa.allowed_hosts
    assert aa.politeness.requests_per_minute == 10


def test_adding_a_ministry_is_configuration_only(tmp_path):
    [source] = load_sources(write(tmp_path, [GOOD]))
    assert source.kind == "generic" and source.allowed_hosts == ("www.esteri.it",)


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        ({"colour": "red"}, "sources[esteri-it].colour", "unknown key for kind generic"),
        ({"kind": "ftp"}, "sources[esteri-it].kind", "unknown kind 'ftp'"),
        ({"urls": {"feed": "https://www.esteri.it/"}}, "sources[esteri-it].urls.feed", "reads"),
        ({"urls": {"listing": "ftp://x/"}}, "sources[esteri-it].urls.listing", "not an http"),
        ({"allowed_hosts": ["other.it"]}, "sources[esteri-it].allowed_hosts", "must include"),
        ({"listing": {"item": "article"}}, "sources[esteri-it].listing", "needs `item` and"),
        ({"listing": {"item": "a[", "link": "a"}}, "sources[esteri-it].listing.item", "bad CSS"),
        ({"politeness": {"speed": 1}}, "sources[esteri-it].politeness", "unknown politeness"),
        ({"listing_format": "atom"}, "sources[esteri-it].listing_format", "one of html, rss"),
        ({"keywords": []}, "sources[esteri-it].keywords", "at least one keyword"),
    ],
)
def test_config_mistakes_name_the_file_and_key(tmp_path, change, key, problem):
    path = write(tmp_path, [{**GOOD, **change}])
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert error.value.file == str(path) and error.value.key == key
    assert problem in error.value.problem


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="duplicate id 'esteri-it'"):
        load_sources(write(tmp_path, [GOOD, GOOD]))


def test_missing_required_url_is_named(tmp_path):
    source = {"id": "uk", "kind": "gov_uk", "urls": {}}
    with pytest.raises(ConfigError, match="urls: expected a mapping"):
        load_sources(write(tmp_path, [source]))


@pytest.mark.parametrize(
    "text",
    [
        "Joint Communiqué of the Global Coalition to Defeat Daesh/ISIS",
        "Statement on Da’esh in Iraq",
        "Gemeinsame Erklärung der internationalen Anti‑IS‑Koalition",
        "Réunion de la Coalition internationale contre Daech",
        "Riunione della Coalizione globale contro Daesh",
        "Sanctions against ISIL affiliates",
    ],
)
def test_keyword_filter_finds_coalition_statements_in_four_languages(text):
    assert KeywordFilter().matches(text)


@pytest.mark.parametrize(
    "text",
    ["This is the minister's statement on Belarus", "Crisis in the Sahel", "Isisford news"],
)
def test_keyword_filter_skips_other_news(text):
    assert not KeywordFilter().matches(text)


def test_links_lose_session_ids_and_tracking():
    url = "https://www.auswaertiges-amt.de/sid_0123456789ABCDEF0123456789ABCDEF/DE/x.html#top"
    assert canonical_url(url) == "https://www.auswaertiges-amt.de/DE/x.html"
    assert canonical_url("https://www.diplomatie.gouv.fr/a?xtor=RSS-1") == (
        "https://www.diplomatie.gouv.fr/a"
    )
    tagged = "https://diplomatie.belgium.be/en/x?utm_source=mail&page=2&UTM_Campaign=n#top"
    assert canonical_url(tagged) == "https://diplomatie.belgium.be/en/x?page=2"


def test_filterlist_dates_are_day_first():
    assert dotted_to_iso("04.06.2020") == "2020-06-04"
    assert dotted_to_iso("June 4") is None


# Fetched on 7 April 2021: a year-less date is the latest such day not after it.
APRIL_7 = date(2021, 4, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 Mar", "2021-03-30"),  # earlier this year
        ("7 Apr", "2021-04-07"),  # the fetch day itself
        ("8 Apr", "2020-04-08"),  # tomorrow would be in the future: last year
        ("17 Dec", "2020-12-17"),
        ("Press release 30 Mar", "2021-03-30"),
        ("March 30", "2021-03-30"),
        ("1er avril", "2021-04-01"),
        ("29 Feb", "2020-02-29"),  # the latest leap year
        ("30 Mar 2019", "2019-03-30"),  # a full date keeps its year
        ("30 Feb", None),
        ("30 Marching bands", None),
        ("12 items", None),
    ],
)
def test_year_less_listing_dates_take_the_latest_year_not_in_the_future(text, expected):
    assert parse_date(text, reference=APRIL_7) == expected


def test_year_less_dates_are_no_dates_without_a_fetch_date():
    assert parse_date("30 Mar") is None
    assert parse_date("4 June 2020") == "2020-06-04"


def test_fetch_date_is_the_served_date_else_today():
    def served(headers):
        return Response(url="https://x/", requested_url="https://x/", status=200, headers=headers)

    assert fetch_date(served({"date": "Wed, 07 Apr 2021 23:30:00 -0200"})) == date(2021, 4, 8)
    today = datetime.now(UTC).date()
    assert fetch_date(served({"date": "yesterday"})) in (
        today,
        date.fromordinal(today.toordinal() + 1),
    )
    assert fetch_date(served({})) >= today


def test_title_strip_cuts_a_trailing_date_from_titles():
    profile = build_profile(
        "site", {"body": ["article"], "title_strip": [r"\s*\(\d{2}\.\d{2}\.\d{2}\)\s*$"]}
    )
    assert profile.clean_title("Syria - Statement (25.06.19)") == "Syria - Statement"
    assert profile.clean_title("Syria (25.06.19) - Statement") == "Syria (25.06.19) - Statement"


def test_a_bad_title_strip_pattern_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"site\.title_strip.*bad regex"):
        build_profile("site", {"body": ["article"], "title_strip": ["(unclosed"]})
    source = {**GOOD, "selectors": {"body": ["article"], "title_strip": [r"\s*\(\d+\)$"]}}
    [loaded] = load_sources(write(tmp_path, [source]))
    assert loaded.option("selectors")["title_strip"] == [r"\s*\(\d+\)$"]
