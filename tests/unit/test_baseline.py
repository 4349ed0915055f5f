"""The previous meeting is chosen by a rule, one preference at a time, and says why."""

from __future__ import annotations

import email
import email.policy
import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from coalition_watch.baseline import choose_baseline
from coalition_watch.classify import Classifier
from coalition_watch.model import Document
from coalition_watch.process import Processor
from coalition_watch.store import StoredVersion
from coalition_watch.store import schema as t
from coalition_watch.themes import load_themes

SEED_PAIR = Path(__file__).parents[1] / "data" / "diff" / "seed_pair.yaml"
SEEDS = yaml.safe_load(SEED_PAIR.read_text(encoding="utf-8"))
AA = "https://www.auswaertiges-amt.de/en/newsroom/news/"
FR = "https://www.diplomatie.gouv.fr/en/news/"
BE = "https://diplomatie.belgium.be/en/"
COMMUNIQUE = "Joint Communiqué by Ministers of the Global Coalition to Defeat ISIS Small Group"
SUMMARY = "Fight against Daesh - Meeting of the Small Group of the Global Coalition"
_ids = itertools.count(1)


def version(url, *, title=COMMUNIQUE, words=100, language="en", published="2020-06-04"):
    doc = Document(title, ("word " * words,), published, language, url)
    vid = next(_ids)
    return StoredVersion(vid, vid, vid, "src", url, "small_group_ministerial", doc,
                         datetime.now(UTC), "ok")  # fmt: skip


NEW = version(AA + "2021", published="2021-03-30")


def chosen(*candidates):
    """The rule's choice, the same whatever order the store hands the candidates in."""
    picks = {
        choose_baseline(NEW, list(order)).version.url
        for order in itertools.permutations(candidates)
    }
    assert len(picks) == 1, picks
    return choose_baseline(NEW, list(candidates))


def test_same_language_is_required() -> None:
    german = version(AA + "de", language="de", words=300)
    french_summary = version(FR + "summary", title=SUMMARY, words=40)
    choice = chosen(german, french_summary)
    assert choice.version is french_summary
    assert "not the text(s) in de" in choice.reason
    assert choose_baseline(NEW, [german]) is None  # a diff across languages is useless


def test_same_publisher_first() -> None:
    own = version(AA + "2020", words=80)
    longer_elsewhere = version(BE + "2020", words=200)
    choice = chosen(own, longer_elsewhere)
    assert choice.version is own
    assert choice.reason.startswith(
        "compared with the Federal Foreign Office's text of 4 June 2020"
    )
    assert "same publisher" in choice.reason


def test_full_text_over_a_summary() -> None:
    summary = version(FR + "summary", title=SUMMARY, words=300)
    communique = version(BE + "2020", words=100)
    choice = chosen(summary, communique)
    assert choice.version is communique
    assert "full text rather than a summary" in choice.reason
    assert "the Belgian foreign ministry's text" in choice.reason


def test_longest_body_among_full_texts() -> None:
    short, long = version(BE + "short", words=50), version(FR + "long", words=90)
    choice = chosen(short, long)
    assert choice.version is long and "longest of 2 texts" in choice.reason


def test_ties_fall_to_the_address_never_to_arrival() -> None:
    a, b = version(FR + "a", words=60), version(BE + "b", words=60)
    choice = chosen(b, a)
    assert choice.version.url == min(a.url, b.url)
    assert "first by address of equals" in choice.reason


# -- in the pipeline: the stored comparison and its reason, and out-of-order backfills ------


@pytest.fixture(scope="module")
def classifier():
    return Classifier(load_themes())


def doc(key, **kw):
    data = SEEDS[key]
    return Document(kw.pop("title", data["title"]), tuple(kw.pop("paragraphs", data["paragraphs"])),
                    data["published"], "en", **kw)  # fmt: skip


def record(store, document, url, source):
    return store.record_version(
        source=source, url=url, document=document, series="small_group_ministerial"
    )[0]


def series_comparisons(store):
    with store.begin() as conn:
        rows = conn.execute(
            select(t.comparisons.c.id, t.comparisons.c.old_version_id,
                   t.comparisons.c.new_version_id, t.comparisons.c.baseline, t.comparisons.c.diff)
            .where(t.comparisons.c.basis == "series").order_by(t.comparisons.c.id)
        ).all()  # fmt: skip
    return rows


def test_a_late_full_text_re_links_the_newer_meeting_by_the_rule(store, classifier) -> None:
    run = Processor(store, classifier, []).run
    v2021 = record(store, doc("new"), AA + "2451466", "aa-en")
    summary = doc("old", title=SUMMARY, paragraphs=SEEDS["old"]["paragraphs"][:2])
    french = record(store, summary, FR + "04-06-20", "france-diplomatie")
    run("quiet")
    assert [(r.old_version_id, r.new_version_id) for r in series_comparisons(store)] == [
        (french.id, v2021.id)  # the only text of 4 June 2020 known so far
    ]
    v2020 = record(store, doc("old"), AA + "2347076", "aa-en")  # the backfill brings it
    run("quiet")
    last = series_comparisons(store)[-1]
    assert (last.old_version_id, last.new_version_id) == (v2020.id, v2021.id)
    assert last.baseline.startswith(
        "compared with the Federal Foreign Office's text of 4 June 2020"
    )
    diff = last.diff if isinstance(last.diff, dict) else json.loads(last.diff)
    assert diff["baseline"] == last.baseline  # the JSON says it too


def test_the_message_says_which_text_and_why(store, classifier) -> None:
    from coalition_watch.subscriptions import Subscriber

    run = Processor(store, classifier, [Subscriber(id="all", email="all@example.org")]).run
    record(store, doc("old"), AA + "2347076", "aa-en")
    run("quiet")
    record(store, doc("new"), AA + "2451466", "aa-en")
    run("normal")
    [row] = series_comparisons(store)
    with store.begin() as conn:
        [payload] = conn.execute(
            select(t.messages.c.payload).where(t.messages.c.event == f"comparison:{row.id}")
        ).scalars()
    mail = email.message_from_string(payload["mime"], policy=email.policy.default)
    text = " ".join(mail.get_body(preferencelist=("plain",)).get_content().split())
    assert row.baseline == "compared with the Federal Foreign Office's text of 4 June 2020"
    assert row.baseline in text


def test_a_version_still_damaged_after_repair_goes_to_operators_not_readers(
    store, classifier
) -> None:
    from coalition_watch.subscriptions import Subscriber

    run = Processor(store, classifier, [Subscriber(id="all", email="all@example.org")]).run
    damaged = list(SEEDS["old"]["paragraphs"])
    damaged[0] = damaged[0].replace("’", "\ufffd")
    version = record(store, doc("old", paragraphs=damaged), AA + "2347076", "aa-en")
    run("normal")
    with store.begin() as conn:
        events = [r[0] for r in conn.execute(select(t.messages.c.event))]
    assert f"operator:encoding-damage:{version.id}" in events
    assert not [e for e in events if not e.startswith("operator:")]


def test_a_recomputed_diff_keeps_the_reason_its_baseline_was_chosen(store) -> None:
    from coalition_watch.diff import diff_documents

    old = record(store, doc("old"), AA + "2347076", "aa-en")
    new = record(store, doc("new"), AA + "2451466", "aa-en")
    diff = diff_documents(doc("old"), doc("new"))
    diff.baseline = "compared with the Federal Foreign Office's text of 4 June 2020"
    cid, _ = store.save_comparison(old, new, "series", diff)
    store.replace_comparison(cid, diff_documents(doc("old"), doc("new")))  # e.g. `reprocess`
    stored = store.comparison(cid)
    assert stored["baseline"] == stored["diff"]["baseline"] == diff.baseline
