"""The seed communiqués (June 2020 → March 2021) rendered for a reader of Military and Africa.

What such a desk officer must get: At a glance on top, their two themes first with the
themes' real totals, every one of their passages (email) or all of them in a thread
(Slack), and why each passage is under its theme.
"""

from __future__ import annotations

import json
import re

import pytest

from coalition_watch.cli import main as cli
from coalition_watch.diff import diff_documents
from coalition_watch.extract import extract_path
from coalition_watch.labels import theme_style
from coalition_watch.model import Alert
from coalition_watch.process import classify_diff
from coalition_watch.render import alert_from_diff_json, limit_problems, render_email, render_slack
from coalition_watch.render.slack import message_blocks
from coalition_watch.subscriptions import Subscriber

READER = Subscriber(
    id="mil-africa",
    email="mil-africa@example.org",
    slack="#mil-africa",
    themes=frozenset({"military", "africa"}),
)


@pytest.fixture(scope="module")
def seed_diff_json(seeds) -> dict:
    from coalition_watch.classify import Classifier
    from coalition_watch.themes import load_themes

    old, new = (extract_path(p) for p in sorted(seeds.glob("00*_*.txt")))
    diff = diff_documents(old, new)
    classify_diff(diff, Classifier(load_themes()))
    return diff.to_json()


@pytest.fixture(scope="module")
def alert(seed_diff_json) -> Alert:
    return alert_from_diff_json(seed_diff_json)


def reader_changes(alert: Alert) -> list:
    return [c for c in alert.diff.substantive if {"military", "africa"} & set(c.themes)]


def total(alert: Alert, theme: str) -> int:
    return sum(theme in c.themes for c in alert.diff.substantive)


def test_the_seed_diff_has_military_and_africa_changes_among_others(alert):
    assert total(alert, "military") >= 3 and total(alert, "africa") >= 2
    assert len(reader_changes(alert)) < len(alert.diff.substantive)


def test_email_text_glance_first_then_the_readers_groups_with_totals_and_why(alert):
    text = render_email(alert, READER).get_body(("plain",)).get_content()
    glance = text.index("AT A GLANCE")
    groups = [m.group(1) for m in re.finditer(r"^== (\w[\w ]*?): \d+ change", text, re.M)]
    assert groups and set(groups) == {"Military", "Africa"}
    assert glance < text.index("== ") and glance < text.index("Substantive changes:")
    lines = re.findall(r"^\d\. (\w+) · (\w[\w ]*): \S", text[glance:], re.M)
    assert len(lines) == 5 and {theme for _, theme in lines} <= {"Military", "Africa"}
    for theme in ("military", "africa"):
        assert re.search(rf"^== {theme.capitalize()}: {total(alert, theme)} change", text, re.M)
    for change in reader_changes(alert):
        words = (change.new or change.old).split()[-4:]  # the end of each sentence is shown
        assert " ".join(words) in text.replace("+]", "").replace("-]", "")
    assert text.count("  why: ") == len(reader_changes(alert))
    others = len(alert.diff.substantive) - len(reader_changes(alert))
    assert f"{others} more changes in other themes" in text


def test_email_html_glance_first_then_the_readers_groups_with_totals_and_why(alert):
    html = render_email(alert, READER).get_body(("html",)).get_content()
    glance = html.index("At a glance")
    assert glance < html.index("substantive change")
    for theme, label in (("military", "Military"), ("africa", "Africa")):
        assert f">{label}</span> <span" in html  # the group's pill, then its total
        assert f"{total(alert, theme)} change" in html
    assert html.count("why: ") == len(reader_changes(alert))
    assert html.count("<del ") + html.count("background-color:#d7f2dc") > 0
    for change in reader_changes(alert):
        tail = (change.new or change.old).split()[-1]
        assert tail.replace("'", "&#39;") in html


def test_slack_glance_first_and_every_readers_passage_in_the_thread(alert):
    payload = render_slack(alert, READER)
    assert limit_problems(payload) == []
    blocks = payload["blocks"]
    glance = next(i for i, b in enumerate(blocks) if "*At a glance*" in json.dumps(b))
    first_group = next(i for i, b in enumerate(blocks) if "in the thread" in json.dumps(b))
    assert glance < first_group
    replies = payload["thread"]
    headings = [message_blocks(r)[0]["text"]["text"] for r in replies]
    colours = {r["attachments"][0]["color"] for r in replies}
    assert colours == {theme_style("military").colour, theme_style("africa").colour}
    assert {h.split("*")[1] for h in headings} == {"Military", "Africa"}
    for heading in headings:
        theme = heading.split("*")[1].lower()
        assert f"{total(alert, theme)} change" in heading
    threaded = [
        b
        for r in replies
        for b in message_blocks(r)
        if b["type"] == "section" and b["text"]["text"].startswith("• _")
    ]
    assert len(threaded) == len(reader_changes(alert))
    whys = [b for r in replies for b in message_blocks(r) if b["type"] == "context"]
    assert len(whys) == len(reader_changes(alert))
    assert all(w["elements"][0]["text"].startswith("why: ") for w in whys)


def test_cli_render_takes_the_readers_themes(tmp_path, capsys, seed_diff_json):
    path = tmp_path / "diff.json"
    path.write_text(json.dumps(seed_diff_json))
    assert cli(["render", str(path), "--channel", "email", "--themes", "military,africa"]) == 0
    out = capsys.readouterr().out
    assert "AT A GLANCE (your themes: Africa, Military)" in out
    assert cli(["render", str(path), "--channel", "slack"]) == 0
    assert json.loads(capsys.readouterr().out)["blocks"]
    assert cli(["render", str(path), "--channel", "email", "--themes", "militry"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown theme 'militry'" in err


def test_the_first_statement_of_a_series_gets_a_summary_of_its_themes(seeds, tmp_path):
    """No previous meeting: its themes, ranked by weight, with the paragraphs carrying them."""
    from coalition_watch.classify import Classifier
    from coalition_watch.render.view import alert_from_json, alert_to_json
    from coalition_watch.store import open_store
    from coalition_watch.themes import load_themes

    store = open_store(f"sqlite:///{tmp_path / 'cw.db'}")
    store.migrate()
    first = extract_path(sorted(seeds.glob("00*_*.txt"))[0])
    version = store.record_version(
        source="aa-en", url="https://example.org/2020", document=first, series="small_group"
    )[0]
    from coalition_watch.process import alert_themes

    themes, evidence, paragraphs = alert_themes(None, version, Classifier(load_themes()))
    assert paragraphs and all(p.themes for p in paragraphs)
    alert = Alert(
        kind="new_statement",
        key=f"version:{version.id}",
        statement=alert_from_diff_json(
            {"old": {"title": "x"}, "new": {"title": first.title}, "changes": []}
        ).statement,
        themes=themes,
        paragraphs=paragraphs,
    )
    alert = alert_from_json(alert_to_json(alert))  # as a digest item keeps it
    text = render_email(alert, READER).get_body(("plain",)).get_content()
    assert text.index("AT A GLANCE") < text.index("What it covers")
    summary = text[text.index("What it covers") :]
    headings = re.findall(r"^== ([\w ]+) \(weight ([\d.]+)\) ==", summary, re.M)
    labels = [label for label, _ in headings]
    assert set(labels[:2]) == {"Military", "Africa"}  # the reader's themes first
    others = [float(w) for label, w in headings[2:]]
    assert others == sorted(others, reverse=True)  # then by weight
    assert summary.count("* ¶") >= len(headings) and "  why: " in summary
    html = render_email(alert, READER).get_body(("html",)).get_content()
    assert "What it covers, theme by theme" in html and "weight" in html
    payload = render_slack(alert, Subscriber(id="s", slack="#s", themes=READER.themes))
    assert limit_problems(payload) == [] and "What it covers" in json.dumps(payload)
