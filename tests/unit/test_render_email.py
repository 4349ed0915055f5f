import dataclasses
from email import message_from_string
from email import policy as email_policy

import pytest

from coalition_watch.errors import BadInput
from coalition_watch.model import Change
from coalition_watch.render import Digest, OperatorNotice, render_diff_json, render_email
from coalition_watch.subscriptions import Subscriber
from tests.kit.samples import MARCH_2021, many_changes, seed_alert

DESK = Subscriber(id="desk", email="desk@example.org", themes=frozenset({"africa"}))
IRAQ_DESK = Subscriber(id="iraq", email="iraq@example.org", themes=frozenset({"iraq"}))
EVERY_THEME = Subscriber(id="all", email="all@example.org")


def parts(msg):
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def test_an_alert_is_multipart_text_then_html_with_a_stable_message_id():
    msg = render_email(seed_alert(), DESK, message_id="m1")
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Message-ID"] == "<m1@coalition-watch.invalid>"
    assert msg["To"] == "desk@example.org"
    subject = msg["Subject"]
    # the meeting, its date and what it is compared with, then the title
    assert subject.startswith("[coalition-watch] New statement: Small Group ministerial, 30 March")
    assert "since 4 June 2020" in subject and subject.endswith("Small Group")
    assert "(5 changes since" in msg["Subject"]


def test_a_reader_of_every_theme_sees_every_group_with_its_total():
    text, html = parts(render_email(seed_alert(), EVERY_THEME))
    assert text.index("== Iraq: 4 changes, 1 of them listed under another theme ==") < text.index(
        "== Africa: 1 change =="
    )
    # The change tagged iraq+military is listed once, not under both themes.
    assert text.count("[+military and civilian+]") == 1  # (At a glance quotes the words)
    assert "[+military and civilian+]" in text
    assert "[-We welcome the establishment" in text
    assert "Also 1 cosmetic edit" in text and "atrocities" not in text
    assert "Compared with the previous meeting's statement" in text
    assert "2021-03-30" in text and MARCH_2021.url in text
    assert '<span style="background-color:#d7f2dc' in html
    assert "text-decoration:line-through" in html
    assert "<style" not in html  # inline styles only


def test_html_autoescapes_statement_text():
    change = Change(
        kind="added",
        significance="substantive",
        old=None,
        new='<script>alert("x")</script> & <img src=x onerror=alert(1)>',
        themes=["iraq"],
    )
    alert = seed_alert([change])
    alert = dataclasses.replace(
        alert, statement=dataclasses.replace(MARCH_2021, title="<b>Bold</b> & co")
    )
    _, html = parts(render_email(alert, IRAQ_DESK))
    assert "<script>" not in html and "<img" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html


@pytest.mark.parametrize(
    "title",
    [
        "Communique\r\nBcc: victim@example.org",
        "Communique\nContent-Type: text/html\n\n<h1>spoof</h1>",
        "Communique\u2028X-Injected: 1",
    ],
)
def test_a_title_cannot_inject_email_headers(title):
    alert = dataclasses.replace(
        seed_alert(), statement=dataclasses.replace(MARCH_2021, title=title)
    )
    wire = render_email(alert, DESK, message_id="m1").as_string()
    parsed = message_from_string(wire, policy=email_policy.default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert parsed.get_content_type() == "multipart/alternative"
    assert "\n" not in parsed["Subject"] and "Communique" in parsed["Subject"]


def test_long_alerts_show_a_reader_of_every_theme_the_top_passages_then_a_link():
    alert = seed_alert(many_changes(500))
    msg = render_email(alert, EVERY_THEME, max_passages=12)
    text, html = parts(msg)
    assert text.count("* [") == 12
    assert "488 more changes not listed here: see the full diff at " + alert.link in text
    assert (
        html.count('text-transform:uppercase;color:#4a5563;">added</span><br>')
        + html.count('text-transform:uppercase;color:#4a5563;">modified</span><br>')
        == 12
    )
    assert len(msg.as_bytes()) < 100_000


def test_a_reader_of_some_themes_gets_every_passage_of_them_however_many():
    alert = seed_alert(many_changes(120))  # 20 africa changes among 120
    text, _ = parts(render_email(alert, DESK, max_passages=12))
    assert text.count("* [") == 20
    assert "== Africa: 20 changes ==" in text
    assert "100 more changes in other themes" in text


def test_digest_and_operator_templates_render():
    digest = Digest(period="2026-11-23", alerts=[seed_alert(), seed_alert(key="comparison:2")])
    text, html = parts(render_email(digest, DESK))
    assert "Daily digest, 23 November 2026: 2 statements" in text
    assert html.count("See the full diff") == 2
    notice = OperatorNotice(
        key="source-down:state_gov",
        subject="state.gov is down",
        text="5 failures <since> 09:00",
        link="http://localhost:8080/",
    )
    msg = render_email(notice, "ops@example.org")
    text, html = parts(msg)
    assert msg["Subject"] == "[coalition-watch ops] state.gov is down"
    assert "5 failures <since> 09:00" in text and "&lt;since&gt;" in html


def test_a_deployment_can_override_one_template(tmp_path, monkeypatch):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "new_statement.txt.j2").write_text(
        "Custom: {{ view.statement.title }}\n"
    )
    monkeypatch.setenv("COALITION_WATCH_CONFIG_DIR", str(tmp_path))
    text, html = parts(render_email(seed_alert(), DESK))
    assert text.startswith("Custom: Joint Communique")
    assert "See the full diff" in html  # the HTML template still comes from the package


def test_render_diff_json_prints_a_full_mime_message():
    diff = seed_alert().diff.to_json()
    out = render_diff_json(diff, "email")
    parsed = message_from_string(out, policy=email_policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert "military and civilian" in parsed.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "expected an object"),
        ({"old": {}, "new": {"title": "x"}, "changes": []}, "'old' must be an object"),
        ({"old": {"title": "a"}, "new": {"title": "b"}, "changes": {}}, "'changes' must be a list"),
        ({"old": {"title": "a"}, "new": {"title": "b"}, "changes": [{"kind": "x"}]}, "changes[0]"),
    ],
)
def test_render_diff_json_rejects_bad_input_naming_the_field(data, problem):
    with pytest.raises(BadInput, match=problem.replace("[", r"\[").replace("]", r"\]")):
        render_diff_json(data, "email")
    with pytest.raises(BadInput, match="--channel"):
        render_diff_json(seed_alert().diff.to_json(), "fax")
