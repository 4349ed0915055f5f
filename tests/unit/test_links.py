"""Signed comparison links and feed addresses: what a token grants, and every way one is
refused."""

from __future__ import annotations

import pytest

from coalition_watch.errors import ConfigError
from coalition_watch.links import (
    LinkRejected,
    issue_feed_token,
    issue_token,
    link_days,
    link_secret,
    read_feed_token,
    read_token,
    reader_feed_link,
    reader_link,
)
from coalition_watch.settings import LINK_BASE_ENV
from coalition_watch.settings import LINK_DAYS_ENV as DAYS_ENV
from coalition_watch.settings import LINK_SECRET_ENV as SECRET_ENV

SECRET = "unit-test-secret-0123456789"
DAY = 86_400


def test_a_token_grants_its_comparison_and_the_readers_themes():
    token = issue_token(7, ["military", "africa", "military"], secret=SECRET)
    granted = read_token(token, 7, secret=SECRET)
    assert granted.comparison_id == 7 and granted.themes == ("africa", "military")


@pytest.mark.parametrize(
    ("token_of", "read_as", "secret", "message"),
    [
        (7, 8, SECRET, "another comparison"),
        (7, 7, "another-secret-0123456789", "not valid"),
    ],
)
def test_a_token_opens_nothing_else(token_of, read_as, secret, message):
    token = issue_token(token_of, [], secret=SECRET)
    with pytest.raises(LinkRejected, match=message) as caught:
        read_token(token, read_as, secret=secret)
    assert not caught.value.expired


def test_an_altered_or_cut_token_is_refused():
    token = issue_token(7, ["iraq"], secret=SECRET)
    for bad in (token[:-1], token.replace(".", "x", 1), "", "not-a-token"):
        with pytest.raises(LinkRejected, match="not valid"):
            read_token(bad, 7, secret=SECRET)


def test_a_token_expires_after_its_days():
    issued = 1_800_000_000.0
    token = issue_token(7, [], secret=SECRET, now=lambda: issued)
    read_token(token, 7, secret=SECRET, max_age_days=30, now=lambda: issued + 29 * DAY)
    with pytest.raises(LinkRejected, match="expired") as caught:
        read_token(token, 7, secret=SECRET, max_age_days=30, now=lambda: issued + 31 * DAY)
    assert caught.value.expired


def test_the_secret_comes_from_the_environment_and_must_be_long_enough(monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    assert link_secret() == SECRET
    monkeypatch.setenv(SECRET_ENV, "short")
    with pytest.raises(ConfigError, match="16\\+ characters"):
        link_secret()


def test_the_secret_may_be_an_airflow_variable(monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.setenv("AIRFLOW_VAR_COALITION_WATCH_LINK_SECRET", SECRET)
    assert link_secret() == SECRET


def test_or_the_password_of_an_airflow_connection(monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.delenv("AIRFLOW_VAR_COALITION_WATCH_LINK_SECRET", raising=False)
    monkeypatch.setenv(
        "AIRFLOW_CONN_COALITION_WATCH_LINKS", f'{{"conn_type": "generic", "password": "{SECRET}"}}'
    )
    assert link_secret() == SECRET
    monkeypatch.delenv("AIRFLOW_CONN_COALITION_WATCH_LINKS")
    assert link_secret() is None


def test_link_days_are_checked(monkeypatch):
    monkeypatch.setenv(DAYS_ENV, "0")
    with pytest.raises(ConfigError, match="COALITION_WATCH_LINK_DAYS: expected at least 1 day"):
        link_days()
    monkeypatch.setenv(DAYS_ENV, "7")
    assert link_days() == 7


def test_a_reader_link_needs_a_base_a_secret_and_a_comparison(monkeypatch):
    monkeypatch.setenv(LINK_BASE_ENV, "https://watch.example.org/coalition-watch/")
    monkeypatch.setenv(SECRET_ENV, SECRET)
    link = reader_link(3, ["africa"])
    assert link.startswith("https://watch.example.org/coalition-watch/shared/comparisons/3?token=")
    assert read_token(link.split("token=")[1], 3, secret=SECRET).themes == ("africa",)
    assert reader_link(None, ["africa"]) is None
    monkeypatch.delenv(LINK_BASE_ENV)
    assert reader_link(3, ["africa"]) is None


def test_a_feed_token_opens_its_feed_and_no_other():
    token = issue_feed_token("themes", "africa", secret=SECRET)
    read_feed_token(token, "themes", "africa", secret=SECRET)  # passes
    for kind, key in (("themes", "iraq"), ("series", "africa")):
        with pytest.raises(LinkRejected, match="another feed"):
            read_feed_token(token, kind, key, secret=SECRET)
    with pytest.raises(LinkRejected, match="not valid"):
        read_feed_token(token, "themes", "africa", secret="another-secret-0123456789")
    with pytest.raises(LinkRejected, match="not valid"):
        read_feed_token(token[:-4], "themes", "africa", secret=SECRET)


def test_a_comparison_token_is_no_feed_token_nor_the_reverse():
    feed = issue_feed_token("themes", "africa", secret=SECRET)
    with pytest.raises(LinkRejected):
        read_token(feed, 1, secret=SECRET)
    with pytest.raises(LinkRejected):
        read_feed_token(
            issue_token(1, ["africa"], secret=SECRET), "themes", "africa", secret=SECRET
        )


def test_a_feed_link_needs_a_base_and_a_secret(monkeypatch):
    monkeypatch.setenv(LINK_BASE_ENV, "https://watch.example.org/coalition-watch")
    monkeypatch.setenv(SECRET_ENV, SECRET)
    link = reader_feed_link("series", "small_group_ministerial")
    prefix = "https://watch.example.org/coalition-watch/shared/feeds/series/"
    assert link.startswith(prefix + "small_group_ministerial.atom?token=")
    read_feed_token(link.split("token=")[1], "series", "small_group_ministerial", secret=SECRET)
    monkeypatch.delenv(SECRET_ENV)
    assert reader_feed_link("series", "small_group_ministerial") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--theme", "atlantis"], "feed-link: --theme: unknown theme 'atlantis'"),
        (["--series", "tea_party"], "feed-link: --series: unknown series 'tea_party'"),
        (["--theme", "africa"], "feeds cannot be signed here"),
        ([], "one of the arguments --theme --series is required"),
    ],
)
def test_feed_link_mistakes_are_one_line_and_exit_2(run_cli, monkeypatch, args, message):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    code, out, err = run_cli("feed-link", *args)
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_feed_link_prints_the_signed_address(run_cli, monkeypatch):
    monkeypatch.setenv(LINK_BASE_ENV, "https://watch.example.org/coalition-watch")
    monkeypatch.setenv(SECRET_ENV, SECRET)
    code, out, _ = run_cli("feed-link", "--theme", "africa")
    assert code == 0
    read_feed_token(out.strip().split("token=")[1], "themes", "africa", secret=SECRET)
