"""The search page of the statements UI: a box in every page's header, ranked hits with
their highlighted snippets (coalition_watch.search does the finding)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache

from fastapi import APIRouter, Query, Request
from fastapi.params import Depends
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from coalition_watch.store.repository import Store

Page = Callable[..., HTMLResponse]


@cache
def taxonomy_and_classifier():
    from coalition_watch.classify import Classifier
    from coalition_watch.themes import load_themes

    taxonomy = load_themes()
    return taxonomy, Classifier(taxonomy)


def search_router(store: Callable[[], Store], page: Page, dependencies: list[Depends]) -> APIRouter:
    router = APIRouter(dependencies=dependencies)

    @router.get("/search", response_class=HTMLResponse, name="search")
    def search_page(
        request: Request,
        q: str = Query("", max_length=200),
        theme: str = Query("", max_length=64),
        series: str = Query("", max_length=64),
        since: str = Query("", max_length=10),
    ) -> HTMLResponse:
        from coalition_watch.search import find
        from coalition_watch.series import SERIES

        taxonomy, classifier = taxonomy_and_classifier()
        problems = []
        if theme and theme not in taxonomy.ids:
            problems.append(f"unknown theme {theme!r}")
        if series and series not in SERIES:
            problems.append(f"unknown series {series!r}")
        if since:
            try:
                date.fromisoformat(since)
            except ValueError:
                problems.append(f"{since!r} is not a date (YYYY-MM-DD)")
        hits = []
        if q.strip() and not problems:
            hits = find(
                store(),
                classifier,
                q,
                theme=theme or None,
                series=series or None,
                since=since or None,
            )
            for hit in hits:  # find() escaped the text and added only <mark>
                hit["snippet"] = Markup(hit["snippet"])
        return page(
            request,
            "search.html",
            status_code=400 if problems else 200,
            q=q,
            theme=theme,
            series=series,
            since=since,
            hits=hits,
            problems=problems,
            themes=taxonomy.ids,
            all_series=list(SERIES),
        )

    return router
