"""Read-only data out of the statements UI: Atom feeds per theme and per series, and a
JSON API (documented in the README). Same rows as `coalition-watch export`.

    GET /feeds/themes/{theme}.atom        substantive changes about a theme, newest first
    GET /feeds/series/{series}.atom       substantive changes of a series
    GET /api/changes?theme=&series=&since=  the same rows as JSON
    GET /api/statements                   every statement, by series
    GET /api/statements/{id}              one statement: publications, versions, comparisons
    GET /api/search?q=&theme=&series=&since=   ranked hits with highlighted snippets

Behind the same authorisation as the statements pages (Airflow's, in the plugin). A feed
reader cannot log in to Airflow, so each feed also has a signed address
(`coalition-watch feed-link`, coalition_watch.links) served without a login:

    GET /shared/feeds/themes/{theme}.atom?token=…
    GET /shared/feeds/series/{series}.atom?token=…

whose entries link to signed comparison pages, so a reader can open every change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.params import Depends
from fastapi.responses import PlainTextResponse, Response

from coalition_watch.links import LinkRejected, link_secret, read_feed_token, reader_links
from coalition_watch.store import history
from coalition_watch.store.repository import Store

ATOM = "application/atom+xml; charset=utf-8"


def _known(theme: str | None, series: str | None, since: str | None) -> None:
    from coalition_watch.series import SERIES
    from coalition_watch.themes import load_themes

    if theme and theme not in load_themes().ids:
        raise HTTPException(status_code=404, detail=f"unknown theme {theme!r}")
    if series and series not in SERIES:
        raise HTTPException(status_code=404, detail=f"unknown series {series!r}")
    if since:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise HTTPException(status_code=400, detail=f"since: {since!r} is not a date") from None


def _plain(value):
    """Dataclasses (with datetimes and tuples) as JSON-ready values."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _atom(
    request: Request,
    store: Store,
    theme: str | None,
    series: str | None,
    *,
    link_base: str | None,
    signed_entries: bool = False,
) -> Response:
    """The Atom feed of a theme or a series; with `signed_entries`, entries link to signed
    comparison pages a reader without an Airflow login can open."""
    from coalition_watch.export import change_rows, to_atom
    from coalition_watch.jobs import feed_identity

    _known(theme, series, None)
    rows = change_rows(store, theme=theme, series=series, link_base=link_base)
    if signed_entries:
        links = reader_links({r.comparison_id for r in rows}, [theme] if theme else [])
        rows = [dataclasses.replace(r, link=links.get(r.comparison_id, r.link)) for r in rows]
    body = to_atom(
        rows,
        **feed_identity(theme, series),
        self_link=str(request.url),
        alternate_link=None if signed_entries else str(request.url_for("index")),
    )
    return Response(body, media_type=ATOM)


def shared_feeds_router(store: Callable[[], Store]) -> APIRouter:
    """Public routes: the feeds on signed addresses. Include with no access dependencies."""
    router = APIRouter()

    def signed_feed(request: Request, kind: str, key: str, token: str) -> Response:
        secret = link_secret()
        if secret is None:
            return PlainTextResponse("Signed feed addresses are not enabled here.", 503)
        try:
            read_feed_token(token, kind, key, secret=secret)
        except LinkRejected as exc:
            return PlainTextResponse(f"{str(exc).capitalize()}.", 403)
        theme, series = (key, None) if kind == "themes" else (None, key)
        return _atom(request, store(), theme, series, link_base=None, signed_entries=True)

    @router.get("/shared/feeds/themes/{theme}.atom", name="shared_theme_feed")
    def shared_theme_feed(request: Request, theme: str, token: str = Query("", max_length=500)):
        return signed_feed(request, "themes", theme, token)

    @router.get("/shared/feeds/series/{series}.atom", name="shared_series_feed")
    def shared_series_feed(request: Request, series: str, token: str = Query("", max_length=500)):
        return signed_feed(request, "series", series, token)

    return router


def feeds_router(store: Callable[[], Store], dependencies: list[Depends]) -> APIRouter:
    from coalition_watch.export import change_rows
    from coalition_watch.settings import current

    router = APIRouter(dependencies=dependencies)
    link_base = current().link_base

    @router.get("/feeds/themes/{theme}.atom", name="theme_feed")
    def theme_feed(request: Request, theme: str) -> Response:
        return _atom(request, store(), theme, None, link_base=link_base)

    @router.get("/feeds/series/{series}.atom", name="series_feed")
    def series_feed(request: Request, series: str) -> Response:
        return _atom(request, store(), None, series, link_base=link_base)

    @router.get("/api/changes", name="api_changes")
    def api_changes(
        theme: str | None = Query(None, max_length=64),
        series: str | None = Query(None, max_length=64),
        since: str | None = Query(None, max_length=10),
    ) -> dict:
        _known(theme, series, since)
        rows = change_rows(store(), theme=theme, series=series, since=since, link_base=link_base)
        return {"changes": [row.to_json() for row in rows]}

    @router.get("/api/statements", name="api_statements")
    def api_statements() -> dict:
        return {"series": _plain(history.series_overview(store()))}

    @router.get("/api/statements/{statement_id}", name="api_statement")
    def api_statement(statement_id: int) -> dict:
        detail = history.statement_detail(store(), statement_id) if statement_id > 0 else None
        if detail is None:
            raise HTTPException(status_code=404, detail=f"statement {statement_id} not found")
        return _plain(detail)

    @router.get("/api/search", name="api_search")
    def api_search(
        q: str = Query(..., min_length=1, max_length=200),
        theme: str | None = Query(None, max_length=64),
        series: str | None = Query(None, max_length=64),
        since: str | None = Query(None, max_length=10),
    ) -> dict:
        from coalition_watch.search import find
        from coalition_watch.ui.search import taxonomy_and_classifier

        _known(theme, series, since)
        _, classifier = taxonomy_and_classifier()
        hits = find(store(), classifier, q, theme=theme, series=series, since=since)
        return {"hits": hits}

    return router
