"""Processing: which comparison a new version gets, and who hears about it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from coalition_watch.classify import Classifier
from coalition_watch.model import Document
from coalition_watch.process import Processor, is_stale
from coalition_watch.store import schema as t
from coalition_watch.subscriptions import Subscriber
from coalition_watch.themes import load_themes

MEETING_1 = Document(
    title="Joint Communiqué by Ministers of the Global Coalition to Defeat ISIS Small Group",
    paragraphs=(
        "The Ministers met in Rome to reaffirm their resolve to defeat Daesh/ISIS.",
        "The Ministers welcomed the progress of stabilization in liberated areas of Iraq.",
        "The Ministers noted with concern the threat in West Africa and the Sahel.",
    ),
    published="2021-06-28",
    language="en",
)
MEETING_2 = replace(
    MEETING_1,
    paragraphs=(
        "The Ministers met in Marrakech to reaffirm their resolve to defeat Daesh/ISIS.",
        "The Ministers welcomed the progress of stabilization in liberated areas of Iraq.",
        "The Ministers noted with concern the threat in West Africa and the Sahel.",
        "The Ministers condemned the attack on the Ghuwayran detention facility in Syria.",
    ),
    published="2022-05-11",
)
EVERYONE = Subscriber(id="all", email="all@example.org")
AFRICA = Subscriber(id="africa", email="africa@example.org", themes=frozenset({"africa"}))


@pytest.fixture(scope="module")
def classifier():
    return Classifier(load_themes())


def processor(store, classifier, *subscribers, horizon=None):
    return Processor(store, classifier, subscribers, horizon_days=horizon)


def record(store, doc, *, url, source="aa-en", **kw):
    return store.record_version(
        source=source, url=url, document=doc, series="small_group_ministerial", **kw
    )[0]


def comparisons(store) -> list[tuple[str, int, int]]:
    with store.begin() as conn:
        rows = conn.execute(
            select(
                t.comparisons.c.basis,
                t.comparisons.c.old_version_id,
                t.comparisons.c.new_version_id,
            ).order_by(t.comparisons.c.id)
        ).all()
    return [tuple(r) for r in rows]


def queued_for(store) -> list[str]:
    with store.begin() as conn:
        return sorted(
            r[0]
            for r in conn.execute(
                select(t.deliveries.c.recipient).where(t.deliveries.c.channel == "email")
            )
        )


def test_first_statement_alerts_without_a_diff(store, classifier):
    v1 = record(store, MEETING_1, url="https://a.example/1")
    report = processor(store, classifier, EVERYONE).run()
    assert report.alerts == [f"version:{v1.id}"]
    assert comparisons(store) == []
    assert queued_for(store) == ["all@example.org"]


def test_next_meeting_is_compared_with_the_last_and_routed_by_changed_themes(store, classifier):
    v1 = record(store, MEETING_1, url="https://a.example/1")
    processor(store, classifier).run()
    v2 = record(store, MEETING_2, url="https://a.example/2")
    report = processor(store, classifier, EVERYONE, AFRICA).run()
    assert comparisons(store) == [("series", v1.id, v2.id)]
    assert report.alerts == ["comparison:1"]
    # Rome -> Marrakech and the Ghuwayran attack are not about Africa: the Africa desk waits
    assert queued_for(store) == ["all@example.org"]


def test_a_revision_is_compared_with_the_previous_version_of_the_page(store, classifier):
    v1 = record(store, MEETING_1, url="https://a.example/1")
    processor(store, classifier).run()
    revised = replace(
        MEETING_1,
        paragraphs=MEETING_1.paragraphs
        + ("The Ministers welcomed new pledges to the Africa Focus Group.",),
    )
    v2 = record(store, revised, url="https://a.example/1")
    report = processor(store, classifier, EVERYONE, AFRICA).run()
    assert comparisons(store) == [("revision", v1.id, v2.id)]
    assert report.alerts == ["comparison:1"]
    assert queued_for(store) == ["africa@example.org", "all@example.org"]


def test_a_cosmetic_revision_alerts_nobody(store, classifier):
    record(store, MEETING_1, url="https://a.example/1")
    processor(store, classifier).run()
    curly = replace(
        MEETING_1,
        paragraphs=tuple(p.replace("Daesh/ISIS", "ISIL") + "  " for p in MEETING_1.paragraphs),
    )
    record(store, curly, url="https://a.example/1")
    report = processor(store, classifier, EVERYONE).run()
    assert report.alerts == []
    assert queued_for(store) == []


def test_a_repost_elsewhere_is_a_variant_of_the_same_statement_and_never_alerts(store, classifier):
    v1 = record(store, MEETING_1, url="https://a.example/1")
    processor(store, classifier).run()
    repost = replace(MEETING_1, published="2021-06-29")  # an embassy, a day later
    v2 = record(store, repost, url="https://embassy.example/1", source="us-embassy")
    report = processor(store, classifier, EVERYONE).run()
    assert report.variants == 1 and report.alerts == []
    assert comparisons(store) == [("variant", v1.id, v2.id)]
    with store.begin() as conn:
        assert conn.execute(select(func.count()).select_from(t.statements)).scalar() == 1


def test_an_older_meeting_arriving_late_relinks_the_newer_one_quietly(store, classifier):
    v2 = record(store, MEETING_2, url="https://a.example/2")
    processor(store, classifier).run()
    v1 = record(store, MEETING_1, url="https://a.example/1")
    report = processor(store, classifier, EVERYONE).run()
    assert ("series", v1.id, v2.id) in comparisons(store)
    assert report.alerts == []  # history, not news


def test_statements_older_than_the_horizon_go_to_the_digest(store, classifier):
    record(store, MEETING_1, url="https://a.example/1")
    report = processor(store, classifier, EVERYONE, horizon=30).run()
    assert report.queued == 0
    assert queued_for(store) == []
    with store.begin() as conn:
        held = conn.execute(
            select(func.count()).where(t.messages.c.template == "digest_item")
        ).scalar()
    assert held == 1


def test_a_backfill_mode_stored_on_the_version_wins_over_the_run(store, classifier):
    record(store, MEETING_1, url="https://a.example/1", alert_mode="quiet")
    report = processor(store, classifier, EVERYONE).run("normal")
    assert report.processed == 1 and report.alerts == []


def test_is_stale_needs_a_date_and_a_horizon(store):
    v = record(store, MEETING_1, url="https://a.example/1")
    assert is_stale(v, 30)
    assert not is_stale(v, None)
    assert not is_stale(replace(v, document=replace(v.document, published=None)), 30)


def test_an_unknown_mode_is_refused(store, classifier):
    with pytest.raises(ValueError, match="loud"):
        processor(store, classifier).run("loud")


@pytest.mark.parametrize(
    ("value", "days"), [(None, 30), ("7", 7), ("none", None), ("", None), ("NONE", None)]
)
def test_the_alert_horizon_comes_from_the_environment(monkeypatch, value, days):
    from coalition_watch import settings

    if value is None:
        monkeypatch.delenv(settings.HORIZON_ENV, raising=False)
    else:
        monkeypatch.setenv(settings.HORIZON_ENV, value)
    assert settings.current().alert_horizon_days == days


def test_a_bad_alert_horizon_is_a_clear_error(monkeypatch):
    from coalition_watch import settings
    from coalition_watch.errors import ConfigError

    monkeypatch.setenv(settings.HORIZON_ENV, "a month")
    with pytest.raises(ConfigError, match="COALITION_WATCH_ALERT_HORIZON_DAYS.*a month"):
        settings.current()


def test_a_version_that_cannot_be_processed_holds_up_nothing_and_alerts_operators_once(
    store, classifier, monkeypatch
):
    import coalition_watch.process as process

    record(store, MEETING_1, url="https://a.example/1")
    processor(store, classifier).run()
    bad = record(store, MEETING_2, url="https://a.example/2")
    good = record(store, replace(MEETING_1, published="2023-06-08"), url="https://a.example/3")
    real_diff = process.diff_documents

    def diff_or_fail(old, new):
        if new.url == bad.url:
            raise RuntimeError("the diff engine met something new")
        return real_diff(old, new)

    monkeypatch.setattr(process, "diff_documents", diff_or_fail)
    first = processor(store, classifier).run()
    again = processor(store, classifier).run()
    assert first.failed == [bad.id] and again.failed == [bad.id]
    assert first.processed == 1  # the good one went through
    assert good.id not in again.failed
    with store.begin() as conn:
        alerts = conn.execute(
            select(func.count()).where(t.messages.c.event == f"operator:process-failure:{bad.id}")
        ).scalar()
    assert alerts == 2  # one email and one Slack message to the operators, not one per run
    monkeypatch.setattr(process, "diff_documents", real_diff)
    assert processor(store, classifier).run().processed == 1  # fixed: it goes through
