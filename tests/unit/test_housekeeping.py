"""Retention drops what is no longer needed and never what the pipeline still relies on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from coalition_watch.model import Document
from coalition_watch.store import schema as t
from coalition_watch.store.housekeeping import housekeep, prune_ledger, prune_raw_bodies
from coalition_watch.store.repository import now

URL = "https://www.auswaertiges-amt.de/en/newsroom/news/x/1"


def version(store, text: str, raw: bytes, *, age_days: int):
    sha = store.put_blob(raw, "text/html")
    v, _ = store.record_version(
        source="aa-en",
        url=URL,
        document=Document("T", (text,), "2021-03-30", "en"),
        series="small_group_ministerial",
        raw_sha256=sha,
    )
    with store.begin() as conn:
        conn.execute(
            update(t.versions)
            .where(t.versions.c.id == v.id)
            .values(fetched_at=now() - timedelta(days=age_days))
        )
    return v, sha


def blobs(store) -> set[str]:
    with store.begin() as conn:
        return {r[0] for r in conn.execute(select(t.blobs.c.sha256))}


def test_old_raw_bodies_go_but_the_newest_of_each_page_stays(store):
    _, old_sha = version(store, "First text.", b"<html>first</html>", age_days=800)
    _, newest_sha = version(store, "Second text.", b"<html>second</html>", age_days=700)
    assert prune_raw_bodies(store, retention_days=365) == 1
    assert blobs(store) == {newest_sha}
    assert store.get_blob(newest_sha) == b"<html>second</html>"
    with store.begin() as conn:  # the versions themselves are history: kept
        assert conn.execute(select(func.count()).select_from(t.versions)).scalar() == 2
    assert old_sha not in blobs(store)


def test_recent_bodies_are_kept(store):
    version(store, "First text.", b"<html>first</html>", age_days=10)
    version(store, "Second text.", b"<html>second</html>", age_days=5)
    assert prune_raw_bodies(store, retention_days=365) == 0
    assert len(blobs(store)) == 2


def _message(store, mid: str, status: str, age_days: int) -> None:
    created = now() - timedelta(days=age_days)
    with store.begin() as conn:
        conn.execute(
            t.messages.insert().values(
                id=mid,
                event=f"version:{mid}",
                template="new_statement",
                channel="email",
                recipient="desk@example.org",
                subject="s",
                payload={},
                created_at=created,
            )
        )
        conn.execute(
            t.deliveries.insert().values(
                message_id=mid,
                recipient="desk@example.org",
                channel="email",
                status=status,
                attempts=1,
                updated_at=created,
            )
        )


def test_old_sent_messages_are_pruned_but_queued_ones_never(store):
    _message(store, "old-sent", "sent", 500)
    _message(store, "old-queued", "queued", 500)
    _message(store, "new-sent", "sent", 3)
    assert prune_ledger(store, retention_days=400) == 1
    with store.begin() as conn:
        left = {r[0] for r in conn.execute(select(t.messages.c.id))}
    assert left == {"old-queued", "new-sent"}


def test_housekeeping_reports_and_compacts(store):
    report = housekeep(store, raw_days=365, ledger_days=400).to_json()
    assert report == {"blobs_dropped": 0, "messages_dropped": 0, "vacuumed": True}
