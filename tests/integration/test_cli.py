"""The CLI contract on the seeds, and every bad input: exit 2, one line, no traceback."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, SEED_2020, SEED_2021

THEME_IDS = {
    "iraq",
    "syria",
    "africa",
    "other_regions",
    "detainees",
    "humanitarian",
    "stabilization",
    "law_enforcement",
    "military",
    "communications",
    "counter_finance",
    "coalition",
}


def test_extract_json_gives_the_body_without_boilerplate(run_cli):
    code, out, err = run_cli("extract", SEED_2021, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["published"] == "2021-03-30"
    assert doc["paragraphs"][0].startswith("At the invitation of Belgian")
    text = "\n".join(doc["paragraphs"])
    for noise in ("Breadcrumbs", "Keywords", "Overview", "Welcome", "Fight against IS"):
        assert noise not in text


def test_diff_json_follows_the_contract(run_cli):
    code, out, err = run_cli("diff", SEED_2020, SEED_2021, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"old", "new", "changes"}
    assert data["new"]["published"] == "2021-03-30"
    kinds = {c["kind"] for c in data["changes"]}
    assert {"added", "modified"} <= kinds
    for change in data["changes"]:
        assert set(change) >= {"kind", "significance", "old", "new", "inserted", "deleted"}
        assert "themes" in change
        assert set(change["themes"]) <= THEME_IDS


def test_diff_without_json_is_readable_text(run_cli):
    code, out, _ = run_cli("diff", SEED_2020, SEED_2021, "--color", "never")
    assert code == 0
    assert "substantive" in out and "\033[" not in out


def test_classify_tags_paragraphs_with_evidence(run_cli):
    code, out, _ = run_cli("classify", SEED_2020, "--json")
    assert code == 0
    paragraphs = json.loads(out)["paragraphs"]
    assert all(p["themes"] for p in paragraphs)
    syria = [p for p in paragraphs if p["text"].startswith("In Syria")][0]
    assert "syria" in [t["id"] for t in syria["themes"]]
    assert all(t["evidence"] for p in paragraphs for t in p["themes"])


def test_themes_lists_the_taxonomy(run_cli):
    code, out, _ = run_cli("themes", "--json")
    assert code == 0
    assert {t["id"] for t in json.loads(out)} >= THEME_IDS


TEMPLATES = ["auto", "new_statement", "revised_statement", "daily_digest", "operator_alert"]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("channel", ["email", "slack"])
def test_render_prints_each_message_for_the_seed_diff(run_cli, tmp_path, channel, template):
    _, out, _ = run_cli("diff", SEED_2020, SEED_2021, "--json")
    diff_file = tmp_path / "diff.json"
    diff_file.write_text(out)
    code, rendered, err = run_cli(
        "render", diff_file, "--channel", channel, "--template", template, "--part", "mime"
    )
    assert code == 0, err
    if channel == "email":
        assert "Subject:" in rendered and "multipart/alternative" in rendered
        subject = next(line for line in rendered.splitlines() if line.startswith("Subject:"))
        expected = {"daily_digest": "digest", "operator_alert": "ops"}.get(template, "30 March")
        assert expected in subject
    else:
        payload = json.loads(rendered)
        assert payload["blocks"] and payload["text"]


def test_render_previews_an_email_part_readably(run_cli, tmp_path):
    _, out, _ = run_cli("diff", SEED_2020, SEED_2021, "--json")
    diff_file = tmp_path / "diff.json"
    diff_file.write_text(out)
    code, text, _ = run_cli("render", diff_file, "--channel", "email")  # default: text part
    assert code == 0
    headers, _, body = text.partition("\n\n")
    assert "Subject: [coalition-watch]" in headers and "AT A GLANCE" in body
    assert "Kadhimi" in text and "Content-Transfer-Encoding" not in text
    assert "added · Iraq" in text and "=C2=B7" not in text  # decoded, not quoted-printable
    code, page, _ = run_cli("render", diff_file, "--channel", "email", "--part", "html")
    assert code == 0 and page.lstrip().lower().startswith("<!doctype html") and "Kadhimi" in page


def _bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    return {
        "missing file": (["extract", tmp_path / "nope.txt"], "nope.txt"),
        "empty file": (["extract", empty], "empty.txt"),
        "binary file": (["classify", binary], "blob.html"),
        "missing diff side": (["diff", SEED_2020, tmp_path / "gone.html"], "gone.html"),
        "unparseable JSON": (["render", broken, "--channel", "email"], "broken.json"),
        "unknown channel": (["render", broken, "--channel", "fax"], "fax"),
        "unknown command": (["frobnicate"], "frobnicate"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "empty file",
        "binary file",
        "missing diff side",
        "unparseable JSON",
        "unknown channel",
        "unknown command",
    ],
)
def test_bad_input_exits_2_with_one_clear_line(run_cli, tmp_path, case):
    args, named = _bad_inputs(tmp_path)[case]
    code, out, err = run_cli(*args)
    assert code == 2
    assert named in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_every_command_has_help():
    from coalition_watch.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert command.description, name


def test_fetch_reads_one_page_through_the_polling_code_path(run_cli, monkeypatch):
    from coalition_watch.settings import REPLAY_URL_ENV
    from tests.kit.replay_server import ReplayServer

    url = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition/2451466"
    with ReplayServer(ROOT / "replay", "demo", "2021") as server:
        monkeypatch.setenv(REPLAY_URL_ENV, server.url)
        code, out, err = run_cli("fetch", url, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["published"] == "2021-03-30"
    assert doc["paragraphs"][0].startswith("At the invitation of Belgian")


def test_fetch_of_a_missing_page_is_a_clear_error(run_cli, monkeypatch):
    from coalition_watch.settings import REPLAY_URL_ENV
    from tests.kit.replay_server import ReplayServer

    url = "https://www.auswaertiges-amt.de/en/newsroom/news/no-such-statement/1"
    with ReplayServer(ROOT / "replay", "demo", "2021") as server:
        monkeypatch.setenv(REPLAY_URL_ENV, server.url)
        code, _, err = run_cli("fetch", url)
    assert code == 2
    assert url in err and "404" in err and "Traceback" not in err
