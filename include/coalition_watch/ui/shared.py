"""The comparison a message links to, for its reader, without an Airflow login.

`GET /shared/comparisons/{id}?token=…` checks the signed token (coalition_watch.links):
it must be genuine, unexpired and for this comparison. The page shows what the message
showed, from the same view model: At a glance, the substantive changes of the reader's
themes grouped and ranked, why each is there, and a count of the rest, which one click
(`&themes=all`, same token) lists too. Nothing else of the UI is reachable from it: the
page links only to the official statements and to itself.

An expired, forged, altered or misdirected token gets an HTML page saying which, with
status 410 (expired) or 403 (anything else); a server without a link secret says so (503).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from coalition_watch.links import (
    LinkRejected,
    SharedComparison,
    link_days,
    link_secret,
    read_token,
)
from coalition_watch.model import Alert
from coalition_watch.render.view import AlertView, build_view, diff_from_json
from coalition_watch.store import history
from coalition_watch.store.repository import Store

ALL_THEMES = "all"
PAGE_PASSAGES = 500  # a reader of every theme: the page lists this many, then a count


def comparison_view(store: Store, granted: SharedComparison, every_theme: bool) -> AlertView | None:
    """The message's view of a stored comparison, for the themes the token grants."""
    summary = history.comparison_summary(store, granted.comparison_id)
    if summary is None:
        return None
    diff = diff_from_json(store.comparison(granted.comparison_id)["diff"])
    old, new = store.version(summary.old_version_id), store.version(summary.new_version_id)
    alert = Alert(
        kind="revised_statement" if summary.basis == "revision" else "new_statement",
        key=f"comparison:{summary.id}",
        statement=new.ref(),
        previous=old.ref(),
        basis="revision" if summary.basis == "revision" else "series",
        themes=sorted({t for c in diff.substantive for t in c.themes}),
        diff=diff,
    )
    themes = frozenset() if every_theme else frozenset(granted.themes)
    return build_view(alert, max_passages=PAGE_PASSAGES, preferred_themes=themes)


def shared_router(store: Callable[[], Store], templates: Jinja2Templates) -> APIRouter:
    """Public routes: include them in the app with no access dependencies."""
    router = APIRouter()

    def refusal(request: Request, status: int, heading: str, text: str) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "shared_error.html",
            {"heading": heading, "text": text, "days": link_days()},
            status_code=status,
        )

    @router.get("/shared/comparisons/{comparison_id}", response_class=HTMLResponse, name="shared")
    def shared(
        request: Request,
        comparison_id: int,
        token: str = Query("", max_length=2000),
        themes: str | None = Query(None, pattern=f"^{ALL_THEMES}$"),
    ) -> HTMLResponse:
        secret = link_secret()
        if secret is None:
            return refusal(
                request,
                503,
                "Shared links are not enabled here",
                "This server has no link secret configured, so it cannot check the link. "
                "The operators can set one (see docs/alerts.md).",
            )
        try:
            granted = read_token(token, comparison_id, secret=secret, max_age_days=link_days())
        except LinkRejected as exc:
            if exc.expired:
                return refusal(
                    request,
                    410,
                    "This link has expired",
                    "Links in coalition-watch messages open their comparison for a limited "
                    "time. The message itself still holds every passage; the statement "
                    "is on its official site.",
                )
            return refusal(
                request,
                403,
                "This link does not open anything",
                f"{str(exc).capitalize()}. Open the link from the message again, "
                "without changing it.",
            )
        view = comparison_view(store(), granted, every_theme=themes == ALL_THEMES)
        if view is None:
            return refusal(
                request,
                404,
                "This comparison is no longer here",
                "It was removed from the store since the message was sent.",
            )
        here = request.url_for("shared", comparison_id=comparison_id).path
        here += "?" + urlencode({"token": token})
        return templates.TemplateResponse(
            request,
            "shared_diff.html",
            {
                "view": view,
                "granted": granted,
                "every_theme": themes == ALL_THEMES,
                "here": here,
            },
        )

    return router
