import dataclasses
import json

import pytest

from coalition_watch.model import Change
from coalition_watch.render import (
    Digest,
    OperatorNotice,
    limit_problems,
    render_diff_json,
    render_slack,
)
from coalition_watch.render.slack import message_blocks
from coalition_watch.render.view import word_segments
from coalition_watch.subscriptions import Subscriber
from tests.kit.samples import MARCH_2021, many_changes, seed_alert

DESK = Subscriber(id="desk", slack="#iraq-desk", themes=frozenset({"iraq"}))
EVERY_THEME = Subscriber(id="all", slack="#everything")
HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U024BE7LH>",
    "<#C024BE7LR>",
    "<http://evil.example|click here>",
    "Tom & Jerry",
    "a < b > c",
]


def all_text(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)


def hostile_alert():
    changes = [
        Change(
            kind="added",
            significance="substantive",
            old=None,
            new=f"Ministers say {h}.",
            themes=["iraq"],
        )
        for h in HOSTILE
    ]
    changes.append(
        Change(
            kind="modified",
            significance="substantive",
            old="Calm words here.",
            new="Calm <!here> words here.",
            themes=["iraq"],
        )
    )
    alert = seed_alert(changes)
    title = 'Statement <!channel> "quoted" \\ back\nslash'
    return dataclasses.replace(alert, statement=dataclasses.replace(MARCH_2021, title=title))


def test_payload_has_channel_blocks_and_a_plain_text_fallback():
    payload = render_slack(seed_alert(), DESK)
    assert payload["channel"] == "#iraq-desk"
    assert payload["text"].startswith("New statement: Small Group ministerial, 30 March 2021:")
    assert payload["blocks"][0]["type"] == "header"
    assert payload["link_names"] is False
    assert limit_problems(payload) == []
    text = all_text(payload)
    assert "*military and civilian*" in text
    assert "~We welcome the establishment" in text
    assert "Also 1 cosmetic edit" in text


def test_mrkdwn_control_sequences_in_statement_text_are_neutralised():
    payload = render_slack(hostile_alert(), DESK, max_passages=20)
    text = all_text(payload)
    for seq in (
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U024BE7LH>",
        "<#C024BE7LR>",
        "<http://evil.example|",
        "Tom & Jerry",
        "a < b",
    ):
        assert seq not in text, seq
    assert "&lt;!channel&gt;" in text and "&lt;@U024BE7LH&gt;" in text
    assert "&lt;http://evil.example|click here&gt;" in text
    assert "Tom &amp; Jerry" in text and "a &lt; b &gt; c" in text
    assert "*&lt;!here&gt;*" in text  # an inserted control sequence is bold text, not a ping
    assert limit_problems(payload) == []
    # The only `<...|...>` links are the ones we build.
    links = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"][0]
    assert links.startswith("*<https://www.state.gov/")
    assert 'Statement &lt;!channel&gt; "quoted" \\ back' in payload["text"]


def test_the_fallback_text_is_escaped_too():
    payload = render_slack(hostile_alert(), DESK)
    assert "<!channel>" not in payload["text"]


@pytest.mark.parametrize("n", [1, 60, 500])
def test_many_changes_stay_within_block_kit_limits_threading_the_readers_passages(n):
    alert = seed_alert(many_changes(n, length=700))
    payload = render_slack(alert, DESK)
    assert limit_problems(payload) == []
    assert len(payload["blocks"]) <= 50
    iraq = -(-n // 6)  # every sixth change is an iraq one: the reader's, none dropped
    threaded = [b for r in payload.get("thread", []) for b in message_blocks(r) if "• _" in str(b)]
    inline = [b for b in payload["blocks"] if "• _" in str(b)]
    assert len(threaded) + len(inline) == iraq
    if n > 1:
        assert f"{n - iraq} more changes in other themes" in all_text(payload)
        assert alert.link in all_text(payload)


def test_a_reader_of_every_theme_gets_the_top_passages_threaded_and_a_count():
    alert = seed_alert(many_changes(500, length=300))
    payload = render_slack(alert, EVERY_THEME)
    assert limit_problems(payload) == []
    threaded = [b for r in payload["thread"] for b in message_blocks(r) if "• _" in str(b)]
    assert len(threaded) == 100
    assert "400 more changes not listed here" in all_text(payload)


def test_one_huge_passage_is_cut_inside_the_section_limit_without_breaking_entities():
    change = Change(
        kind="added",
        significance="substantive",
        old=None,
        new="Tom & Jerry " * 600,
        themes=["iraq"],
    )
    payload = render_slack(seed_alert([change]), DESK)
    assert limit_problems(payload) == []
    longest = max(len(b["text"]["text"]) for b in payload["blocks"] if b["type"] == "section")
    assert 2900 < longest <= 3000
    for block in payload["blocks"]:
        if block["type"] == "section":
            assert not block["text"]["text"].rstrip(" …").endswith(("&", "&amp", "&am"))


def test_a_digest_of_thirty_statements_fits_with_every_readers_passage_in_the_thread():
    digest = Digest(period="2026-11-23", alerts=[seed_alert(key=f"c:{i}") for i in range(30)])
    payload = render_slack(digest, DESK)
    assert len(payload["blocks"]) <= 50 and limit_problems(payload) == []
    assert "14 more statements: see the thread" in all_text(payload)
    # Each statement's iraq passages (4 of its 5 changes), none dropped.
    replies = payload["thread"]
    passages = [b for r in replies for b in message_blocks(r) if "• _" in str(b.get("text", ""))]
    assert len(replies) == 30 and len(passages) == 120


def test_operator_notice_and_cli_render():
    notice = OperatorNotice(key="k", subject="Delivery failed <!here>", text="channel_not_found")
    payload = render_slack(notice, "#ops")
    assert "<!here>" not in all_text(payload) and limit_problems(payload) == []
    out = json.loads(render_diff_json(seed_alert().diff.to_json(), "slack"))
    assert out["blocks"] and limit_problems(out) == []


def test_word_marks_follow_the_words_that_changed():
    change = seed_alert().diff.changes[3]
    marks = [(s.kind, s.text) for s in word_segments(change) if s.kind != "same"]
    assert ("ins", "military and civilian") in marks
