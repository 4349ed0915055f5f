"""Every source of the all-sources scenario: each series comparison uses the rule's baseline."""

from __future__ import annotations

from sqlalchemy import select

from coalition_watch.baseline import choose_baseline
from coalition_watch.classify import Classifier
from coalition_watch.poll import poll_source
from coalition_watch.process import Processor
from coalition_watch.store import schema as t
from coalition_watch.themes import load_themes
from tests.integration.test_poll import REPLAY, client, fast_sources
from tests.kit.replay_server import ReplayServer

AA_2020 = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition-small-group/2347076"
AA_2021 = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition/2451466"


def test_each_series_comparison_uses_the_baseline_the_rule_names(store) -> None:
    with ReplayServer(REPLAY, "all-sources", "initial") as server:
        http = client(store, server)
        for source in fast_sources():
            poll_source(store, source, http)
    Processor(store, Classifier(load_themes()), []).run("quiet")
    with store.begin() as conn:
        rows = conn.execute(select(t.comparisons).where(t.comparisons.c.basis == "series")).all()
    assert rows
    for row in rows:
        new = store.version(row.new_version_id)
        named = choose_baseline(new, store.series_neighbours(new, before=True))
        assert row.old_version_id == named.version.id
        assert row.baseline == named.reason
    [ffo_2021] = [r for r in rows if store.version(r.new_version_id).url == AA_2021]
    # Not the French ministry's four-paragraph summary of the same 2020 meeting.
    assert store.version(ffo_2021.old_version_id).url == AA_2020
    assert ffo_2021.substantive == 28
    assert ffo_2021.baseline.startswith(
        "compared with the Federal Foreign Office's text of 4 June 2020"
    )
