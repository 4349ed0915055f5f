"""The store behaves the same on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from coalition_watch.model import Change, Diff, Document
from coalition_watch.store import Store, open_store
from coalition_watch.store import schema as t
from tests.kit.fixtures import postgres, postgres_url  # noqa: F401 (fixtures)

URL = "https://www.state.gov/joint-communique-2020"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path) -> Store:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    s = open_store(url)
    s.migrate()
    yield s
    s.engine.dispose()


def doc(*paragraphs: str, published: str = "2020-06-04") -> Document:
    return Document("Joint Communique", paragraphs, published=published, language="en")


def record(store: Store, document: Document, url: str = URL):
    return store.record_version(source="state", url=url, document=document, series="small-group")


def count(store: Store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_migrate_is_repeatable(store):

    _, head = store.migrate()
    assert store.migrate() == (head, head)
    store.check_schema()


def test_same_content_is_stored_once_and_a_change_makes_a_new_version(store):
    first, new1 = record(store, doc("The Ministers met.", "They agreed."))
    again, new2 = record(store, doc("The  Ministers met.", "They agreed."))  # presentation only
    changed, new3 = record(store, doc("The Ministers met.", "They strongly agreed."))
    assert (new1, new2, new3) == (True, False, True)
    assert again.id == first.id
    assert changed.publication_id == first.publication_id and changed.id != first.id
    assert store.previous_revision(changed).id == first.id
    stored = store.version(changed.id).document.paragraphs
    assert stored == ("The Ministers met.", "They strongly agreed.")
    assert count(store, t.versions) == 2


def test_series_links_follow_publication_dates_not_arrival(store):
    v2022, _ = record(store, doc("Text of 2022.", published="2022-05-11"), url=URL + "/2022")
    v2020, _ = record(store, doc("Text of 2020.", published="2020-06-04"), url=URL + "/2020")
    v2021, _ = record(store, doc("Text of 2021.", published="2021-03-30"), url=URL + "/2021")
    assert store.previous_in_series(v2022).id == v2021.id
    assert store.previous_in_series(v2021).id == v2020.id
    assert store.previous_in_series(v2020) is None
    assert store.next_in_series(v2020).id == v2021.id


def test_comparison_is_saved_once_with_its_changes(store):
    old, _ = record(store, doc("Detainees remain a concern."))
    new, _ = record(store, doc("Detainees remain a grave concern."))
    diff = Diff(
        old=old.document,
        new=new.document,
        changes=[
            Change(
                kind="modified",
                significance="substantive",
                old="Detainees remain a concern.",
                new="Detainees remain a grave concern.",
                inserted=["grave"],
                themes=["detainees"],
            )
        ],
    )
    cid, created = store.save_comparison(old, new, "revision", diff)
    cid_again, created_again = store.save_comparison(old, new, "revision", diff)
    assert (created, created_again) == (True, False) and cid == cid_again
    saved = store.comparison(cid)
    assert saved["diff"]["changes"][0]["inserted"] == ["grave"]
    assert saved["substantive"] == 1 and saved["cosmetic"] == 0
    assert count(store, t.changes) == 1


def test_blobs_round_trip_and_deduplicate(store):
    body = "<html>Gemeinsame Erklärung</html>".encode()
    assert store.put_blob(body, "text/html") == store.put_blob(body, "text/html")
    assert store.get_blob(store.put_blob(body)) == body
    assert count(store, t.blobs) == 1


def test_concurrent_polls_of_one_page_store_one_version(store):
    """Several polls racing on the same new content: the constraints pick one winner."""
    record(store, doc("Earlier text."))  # the page is known; the race is on its new content
    threads = 6
    barrier = threading.Barrier(threads)
    document = doc("The Ministers met virtually.", "They reaffirmed their resolve.")

    def poll(_: int):
        barrier.wait()
        return record(store, document)

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(poll, range(threads)))
    assert sum(created for _, created in results) == 1
    assert len({v.id for v, _ in results}) == 1
    assert count(store, t.versions) == 2


def test_concurrent_first_polls_of_a_new_page_store_one_publication(store):
    threads = 6
    barrier = threading.Barrier(threads)
    document = doc("A statement nobody has seen before.")

    def poll(_: int):
        barrier.wait()
        return record(store, document, url=URL + "/new")

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(poll, range(threads)))
    assert sum(created for _, created in results) == 1
    assert count(store, t.publications) == 1 and count(store, t.statements) == 1
    assert count(store, t.versions) == 1
