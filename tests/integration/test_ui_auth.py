"""The Airflow plugin mounts the statements app under Airflow's own authentication and
authorisation: real JWTs from the auth manager, one per role, against the mounted app."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coalition_watch.model import Document
from coalition_watch.store import open_store

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_FILE = ROOT / "plugins" / "coalition_watch_plugin.py"


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory):
    """Airflow itself is configured by tests/conftest.py; add a JWT secret and a store."""
    store_url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'coalition_watch.db'}"
    env = {"AIRFLOW__API_AUTH__JWT_SECRET": "test-only-secret", "COALITION_WATCH_DB_URL": store_url}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    store = open_store(store_url)
    store.migrate()
    store.record_version(
        source="state",
        url="https://example.org/communique",
        document=Document("Communique", ("The Ministers met.",), published="2021-03-30"),
        series="small-group",
    )
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def plugin(airflow_env):
    spec = importlib.util.spec_from_file_location("coalition_watch_plugin", PLUGIN_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def api_server(plugin):
    """The plugin's app mounted the way Airflow's api-server mounts fastapi_apps."""
    from airflow.api_fastapi.app import init_auth_manager

    root = FastAPI()
    init_auth_manager(root)
    for entry in plugin.CoalitionWatchPlugin.fastapi_apps:
        root.mount(entry["url_prefix"], entry["app"])
    return TestClient(root)


@pytest.fixture(scope="module")
def tokens(api_server):
    """A signed Airflow token per role of the simple auth manager, and one with no role."""
    from airflow import settings
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from airflow.models.revoked_token import RevokedToken

    # Token validation consults the revocation list in the metadata DB; that table suffices.
    RevokedToken.__table__.create(settings.engine, checkfirst=True)
    manager = get_auth_manager()
    return {
        role: manager.generate_jwt(SimpleAuthManagerUser(username=f"u-{role}", role=role))
        for role in (None, "viewer", "user", "op", "admin")
    }


@pytest.fixture(scope="module")
def token(tokens):
    return tokens["admin"]


PAGES = ["/coalition-watch/", "/coalition-watch/statements/1", "/coalition-watch/series/x"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_requests_are_rejected(api_server, path):
    assert api_server.get(path).status_code == 401


def test_a_forged_token_is_rejected(api_server):
    r = api_server.get("/coalition-watch/", headers={"Authorization": "Bearer not-a-jwt"})
    assert r.status_code == 403


def test_a_valid_airflow_token_or_session_cookie_gets_the_page(api_server, token):
    by_header = api_server.get("/coalition-watch/", headers={"Authorization": f"Bearer {token}"})
    assert by_header.status_code == 200 and "Statements by series" in by_header.text
    browser = TestClient(api_server.app, cookies={"_token": token})  # the UI's session cookie
    by_cookie = browser.get("/coalition-watch/")
    assert by_cookie.status_code == 200
    assert 'href="/coalition-watch/"' in by_cookie.text  # links keep the mount prefix


STATEMENT_PAGES = [
    "/coalition-watch/",
    "/coalition-watch/statements/1",
    "/coalition-watch/series/small-group",
]
LEDGER = "/coalition-watch/statements/1/ledger"
# What each role may see: statements from viewer up, the ledger (recipients' addresses) only
# for the roles Airflow lets read connections.
EXPECTED = {
    None: {"statements": 403, "ledger": 403},
    "viewer": {"statements": 200, "ledger": 403},
    "user": {"statements": 200, "ledger": 403},
    "op": {"statements": 200, "ledger": 200},
    "admin": {"statements": 200, "ledger": 200},
}


@pytest.mark.parametrize("role", list(EXPECTED), ids=lambda r: r or "no-role")
def test_each_role_sees_what_airflow_authorises(api_server, tokens, role):
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    statements = {api_server.get(p, headers=headers).status_code for p in STATEMENT_PAGES}
    assert statements == {EXPECTED[role]["statements"]}
    ledger = api_server.get(LEDGER, headers=headers)
    assert ledger.status_code == EXPECTED[role]["ledger"]
    if statements == {200}:  # the statement page links the ledger only for those it admits
        page = api_server.get("/coalition-watch/statements/1", headers=headers).text
        assert ("delivery ledger" in page) == (ledger.status_code == 200)
    if ledger.status_code == 200:
        assert "Delivery ledger" in ledger.text
    else:
        assert "Delivery ledger" not in ledger.text


def test_an_id_beyond_what_the_database_holds_is_not_found(api_server, token):
    headers = {"Authorization": f"Bearer {token}"}
    for path in (
        "/coalition-watch/statements/99999999999999999999",
        "/coalition-watch/statements/99999999999999999999/ledger",
        "/coalition-watch/comparisons/-1",
        "/coalition-watch/compare?old=1&new=99999999999999999999",
    ):
        assert api_server.get(path, headers=headers).status_code == 404, path


def test_the_plugin_declares_a_menu_entry_for_its_app(plugin):
    (view,) = plugin.CoalitionWatchPlugin.external_views
    (app,) = plugin.CoalitionWatchPlugin.fastapi_apps
    assert view["href"].rstrip("/") == app["url_prefix"].strip("/")
    assert view["destination"] == "nav" and view["category"] == "browse"
