"""`coalition-watch reprocess`: the archive read again with today's code and rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from coalition_watch.config_files import PACKAGED_CONFIG
from coalition_watch.store import open_store
from coalition_watch.store import schema as t
from tests.conftest import SEED_2021

URL = "https://www.auswaertiges-amt.de/en/newsroom/news/anti-isis-coalition/2451466"
SPELLING = "Da'ish"  # not a spelling the packaged rules know


@pytest.fixture
def db_url(store_url, monkeypatch) -> str:
    monkeypatch.setenv("COALITION_WATCH_ALERT_HORIZON_DAYS", "none")  # alerts, not digests
    return store_url


@pytest.fixture
def rules(tmp_path, monkeypatch):
    """Switch to a deployment's equivalences.yaml that knows the new spelling."""

    def teach_spelling() -> None:
        config = tmp_path / "config"
        config.mkdir()
        data = yaml.safe_load((PACKAGED_CONFIG / "equivalences.yaml").read_text("utf-8"))
        data["names"]["daesh"].append(SPELLING)
        (config / "equivalences.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        monkeypatch.setenv("COALITION_WATCH_CONFIG_DIR", str(config))

    yield teach_spelling


def revised_capture(tmp_path: Path) -> Path:
    """The 2021 seed revised in place: one "Daesh/ISIS" respelt."""
    text = SEED_2021.read_text(encoding="utf-8")
    revised = tmp_path / "revised.txt"
    revised.write_text(text.replace("Daesh/ISIS", SPELLING, 1), encoding="utf-8")
    return revised


def outbox(url: str) -> tuple[int, int]:
    with open_store(url).begin() as conn:
        messages = conn.execute(select(func.count()).select_from(t.messages)).scalar()
        deliveries = conn.execute(select(func.count()).select_from(t.deliveries)).scalar()
    return messages, deliveries


def test_a_new_equivalence_rule_turns_a_stored_change_cosmetic_and_tells_nobody(
    db_url, run_cli, tmp_path, rules
):
    run_cli("ingest", SEED_2021, "--url", URL, "--mode", "normal")
    code, out, err = run_cli(
        "ingest", revised_capture(tmp_path), "--url", URL, "--mode", "normal", "--json"
    )
    assert code == 0, err
    (comparison,) = json.loads(out)["comparisons"]
    assert comparison["kind"] == "revision" and comparison["substantive"] == 1
    before = outbox(db_url)

    rules()
    code, out, err = run_cli("reprocess", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["queued_messages"] == 0
    assert report["versions_changed"] == []  # the text is the same; the rule changed
    (changed,) = report["comparisons_changed"]
    assert changed["id"] == comparison["id"]
    assert (changed["substantive_before"], changed["substantive_after"]) == (1, 0)
    stored = open_store(db_url).comparison(comparison["id"])
    assert stored["substantive"] == 0
    assert all(c["significance"] == "cosmetic" for c in stored["diff"]["changes"])
    assert outbox(db_url) == before  # nothing queued, so nothing can be delivered

    code, out, _ = run_cli("reprocess", "--json")  # again: nothing left to change
    assert json.loads(out)["comparisons_changed"] == []


def test_alert_queues_only_comparisons_with_new_substantive_changes(
    db_url, run_cli, tmp_path, rules, monkeypatch
):
    rules()  # the respelling is cosmetic from the start: no substantive change, no alert
    run_cli("ingest", SEED_2021, "--url", URL)
    run_cli("ingest", revised_capture(tmp_path), "--url", URL)
    monkeypatch.delenv("COALITION_WATCH_CONFIG_DIR")  # back to the packaged rules
    code, out, err = run_cli("reprocess", "--alert", "--json")
    assert code == 0, err
    report = json.loads(out)
    (changed,) = report["comparisons_changed"]
    assert changed["new_substantive"] == 1
    assert report["queued_messages"] > 0
    with open_store(db_url).begin() as conn:
        events = set(conn.execute(select(t.messages.c.event)).scalars())
    assert all(e.startswith(f"comparison:{changed['id']}:reprocessed:") for e in events)
    # The same finding again queues nothing more.
    assert json.loads(run_cli("reprocess", "--alert", "--json")[1])["queued_messages"] == 0


def test_versions_are_read_again_from_their_raw_bodies(db_url, run_cli):
    run_cli("ingest", SEED_2021, "--url", URL)
    store = open_store(db_url)
    version = store.latest_version_at(URL)
    with store.begin() as conn:  # as an older extractor might have left it
        conn.execute(
            t.versions.update()
            .where(t.versions.c.id == version.id)
            .values(paragraphs=["Page chrome that an old extractor kept."])
        )
    code, out, err = run_cli("reprocess", "--statement", version.statement_id, "--json")
    assert code == 0, err
    (changed,) = json.loads(out)["versions_changed"]
    assert changed["id"] == version.id and changed["paragraphs_before"] == 1
    assert store.version(version.id).document.paragraphs == version.document.paragraphs


def test_a_bad_date_is_refused_in_one_line(run_cli):
    code, _, err = run_cli("reprocess", "--since", "2021-13-01")
    assert code == 2 and "--since" in err and len(err.strip().splitlines()) == 1
