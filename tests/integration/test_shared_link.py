"""A delivered message's signed link opens its comparison on the running UI, with no login.

The plugin's app is served the way Airflow's api-server serves it (its auth manager, the
plugin mounted under /coalition-watch) by a real uvicorn server on a local port. The
link is taken from an email delivered through the SMTP hook to a local SMTP server.
"""

from __future__ import annotations

import importlib.util
import re
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from coalition_watch.classify import Classifier
from coalition_watch.deliver import deliver_pending
from coalition_watch.deliver.transports import hook_transports
from coalition_watch.extract import extract_path
from coalition_watch.links import issue_feed_token, issue_token, reader_feed_link, shared_path
from coalition_watch.process import Processor
from coalition_watch.settings import LINK_SECRET_ENV as SECRET_ENV
from coalition_watch.store import open_store
from coalition_watch.subscriptions import Operators, Subscriber
from coalition_watch.themes import load_themes
from tests.kit.clock import FakeClock
from tests.kit.smtp_server import LocalSmtpServer, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "data" / "seeds"
SECRET = "test-only-link-secret-0123456789"
READER = Subscriber(
    id="mil-africa", email="mil-africa@example.org", themes=frozenset({"military", "africa"})
)


def get(url: str) -> tuple[int, str, str]:
    """Status, content type and body of a GET without any credentials."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (local server)
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Store, environment and a running api-server with the plugin; yields its base URL."""
    import uvicorn
    from airflow.api_fastapi.app import init_auth_manager
    from fastapi import FastAPI

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    store_url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'cw.db'}"
    env = {
        "AIRFLOW__API_AUTH__JWT_SECRET": "test-only-jwt-secret",
        "COALITION_WATCH_DB_URL": store_url,
        "COALITION_WATCH_LINK_BASE": f"{base}/coalition-watch",
        SECRET_ENV: SECRET,
    }
    mp = pytest.MonkeyPatch()
    for key, value in env.items():
        mp.setenv(key, value)
    open_store(store_url).migrate()
    spec = importlib.util.spec_from_file_location(
        "cw_plugin", ROOT / "plugins" / "coalition_watch_plugin.py"
    )
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    root = FastAPI()
    init_auth_manager(root)
    for entry in plugin.CoalitionWatchPlugin.fastapi_apps:
        root.mount(entry["url_prefix"], entry["app"])
    uv = uvicorn.Server(uvicorn.Config(root, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uv.started:
        assert time.monotonic() < deadline, "the UI server did not start"
        time.sleep(0.05)
    yield base, store_url
    uv.should_exit = True
    thread.join(timeout=10)
    mp.undo()


@pytest.fixture(scope="module")
def delivered(server, tmp_path_factory):
    """The seed meetings processed and the reader's email delivered; returns its text part."""
    base, store_url = server
    store = open_store(store_url)
    for path, url in zip(
        sorted(SEEDS.glob("00*_*.txt")),
        ("https://example.org/2020", "https://example.org/2021"),
        strict=True,
    ):
        store.record_version(
            source="aa-en", url=url, document=extract_path(path), series="small_group_ministerial"
        )
    Processor(store, Classifier(load_themes()), [READER], link_base=f"{base}/coalition-watch").run()
    mp = pytest.MonkeyPatch()
    mp.setenv("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow")))
    with LocalSmtpServer() as smtp:
        mp.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp.connection_json())
        report = deliver_pending(
            store, hook_transports(), clock=FakeClock(), sleep=lambda s: None, operators=Operators()
        )
        assert report.sent == 1
        (message,) = smtp.received_by(READER.email)
    mp.undo()
    return message.get_body(("plain",)).get_content()


def signed_link(text: str) -> str:
    (link,) = set(re.findall(r"http://127\.0\.0\.1:\d+/coalition-watch/shared/\S+", text))
    return link


def test_the_signed_link_opens_the_readers_comparison_without_credentials(delivered):
    status, kind, page = get(signed_link(delivered))
    assert status == 200 and kind.startswith("text/html")
    assert "At a glance" in page
    groups = re.findall(r'<h2 class="group"[^>]*><span class="pill theme"[^>]*>([^<]+)<', page)
    assert groups and set(groups) <= {"Military", "Africa"}
    assert "Show every theme" in page and "more changes in other themes" in page
    assert page.count('class="why"') == page.count('class="passage"') > 0


def test_the_same_token_lists_every_theme_on_request(delivered):
    status, _, page = get(signed_link(delivered) + "&themes=all")
    assert status == 200
    groups = set(re.findall(r'<h2 class="group"[^>]*><span class="pill theme"[^>]*>([^<]+)<', page))
    assert {"Military", "Africa", "Iraq"} <= groups


def test_a_tampered_token_gets_the_error_page(delivered):
    link = signed_link(delivered)
    flipped = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    status, kind, page = get(flipped)
    assert status == 403 and kind.startswith("text/html")
    assert "This link does not open anything" in page and "<html" in page


def test_a_token_for_another_comparison_opens_nothing(server, delivered):
    base, _ = server
    token = signed_link(delivered).split("token=", 1)[1]
    status, _, page = get(f"{base}/coalition-watch/shared/comparisons/999?token={token}")
    assert status == 403 and "another comparison" in page


def test_an_expired_token_gets_the_expiry_page(server, delivered):
    base, _ = server
    comparison = int(re.search(r"/comparisons/(\d+)", signed_link(delivered)).group(1))
    token = issue_token(
        comparison, ["military"], secret=SECRET, now=lambda: time.time() - 31 * 86_400
    )
    status, kind, page = get(base + "/coalition-watch" + shared_path(comparison, token))
    assert status == 410 and kind.startswith("text/html") and "This link has expired" in page


def test_operator_pages_still_need_an_airflow_login(server, delivered):
    base, _ = server
    comparison = re.search(r"/comparisons/(\d+)", signed_link(delivered)).group(1)
    for path in ("/", f"/comparisons/{comparison}", "/statements/1/ledger"):
        status, _, _ = get(f"{base}/coalition-watch{path}")
        assert status == 401, path


def test_a_signed_feed_address_serves_the_feed_and_its_entries_open(delivered):
    from lxml import etree

    status, kind, body = get(reader_feed_link("themes", "africa"))
    assert status == 200 and kind.startswith("application/atom+xml")
    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = etree.fromstring(body.encode())
    assert feed.findtext("a:title", namespaces=atom) == "coalition-watch: Africa"
    links = feed.xpath("a:entry/a:link/@href", namespaces=atom)  # rel defaults to alternate
    assert links and all("/coalition-watch/shared/comparisons/" in link for link in links)
    status, _, page = get(links[0])  # an entry opens without a login, on the feed's theme
    groups = set(re.findall(r'<h2 class="group"[^>]*><span class="pill theme"[^>]*>([^<]+)<', page))
    assert status == 200 and groups == {"Africa"}


def test_a_feed_token_opens_only_its_feed(server, delivered):
    base, _ = server
    token = issue_feed_token("themes", "africa", secret=SECRET)
    status, kind, text = get(f"{base}/coalition-watch/shared/feeds/themes/iraq.atom?token={token}")
    assert status == 403 and kind.startswith("text/plain") and "another feed" in text
    status, _, text = get(f"{base}/coalition-watch/shared/feeds/themes/africa.atom?token=x{token}")
    assert status == 403 and "not valid" in text
    status, _, _ = get(f"{base}/coalition-watch/feeds/themes/africa.atom")  # unsigned: operators
    assert status == 401
