"""The statement history app: series, versions, side-by-side diffs, the ledger, theme charts.

Built by `create_app()`; it never imports Airflow. The Airflow plugin mounts it with an
`AccessPolicy` built on Airflow's authorisation (statements for those who may read the DAGs,
the delivery ledger for those who may read connections); tests and scripts run it open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.params import Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from coalition_watch.labels import source_label, theme_label, theme_style
from coalition_watch.model import Diff, Document
from coalition_watch.series import series_label
from coalition_watch.store import history
from coalition_watch.store.repository import Store, open_store
from coalition_watch.ui.access import OPEN_ACCESS, Access, AccessPolicy
from coalition_watch.ui.chart import DEFAULT_THEMES, largest_themes, share_chart_svg, short_date
from coalition_watch.ui.colors import theme_colors
from coalition_watch.ui.feeds import feeds_router, shared_feeds_router
from coalition_watch.ui.highlight import Segment, mark_spans
from coalition_watch.ui.search import search_router
from coalition_watch.ui.shared import shared_router
from coalition_watch.ui.shares import ClassifyParagraphs, ShareCache, load_default_classifier

TEMPLATES = Path(__file__).parent / "templates"
MAX_ROW_ID = 2**63 - 1  # the largest integer key SQLite and PostgreSQL store
DiffDocuments = Callable[[Document, Document], Diff]


@dataclass(frozen=True)
class DiffRow:
    kind: str
    significance: str
    themes: list[str]
    old: list[Segment]
    new: list[Segment]
    old_paragraph: int | None
    new_paragraph: int | None
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    tone: dict | None = None
    label: str | None = None  # "encoding" for a change that was only encoding damage


def _by_significance(change: dict) -> tuple:
    """Substantive first, most significant first (diffs stored before ranking keep their
    document order: their scores are all 0 and the sort is stable)."""
    return (change["significance"] != "substantive", -(change.get("score") or 0.0))


def diff_rows(diff: dict, significance: str | None, theme: str | None) -> list[DiffRow]:
    """The changes of a diff JSON (the CLI contract) as table rows, optionally filtered,
    most significant first."""
    rows = []
    for change in sorted(diff.get("changes", []), key=_by_significance):
        if significance and change["significance"] != significance:
            continue
        if theme and theme not in change.get("themes", []):
            continue
        rows.append(
            DiffRow(
                kind=change["kind"],
                significance=change["significance"],
                themes=list(change.get("themes", [])),
                old=mark_spans(change.get("old"), change.get("deleted", [])),
                new=mark_spans(change.get("new"), change.get("inserted", [])),
                old_paragraph=change.get("old_paragraph"),
                new_paragraph=change.get("new_paragraph"),
                score=change.get("score") or 0.0,
                reasons=tuple(change.get("reasons") or ()),
                tone=change.get("tone"),
                label=change.get("label"),
            )
        )
    return rows


def load_default_differ() -> tuple[DiffDocuments | None, str | None]:
    try:
        from coalition_watch.diff import diff_documents
    except ImportError as exc:
        return None, f"the diff engine (coalition_watch.diff) is not installed ({exc})"
    return diff_documents, None


class _Services:
    """What the pages need, created on first use so importing the plugin touches no database."""

    def __init__(
        self,
        store: Store | Callable[[], Store] | None,
        classify: ClassifyParagraphs | None,
        differ: DiffDocuments | None,
    ):
        self._store_source = store
        self._store: Store | None = store if isinstance(store, Store) else None
        self._classify, self._differ = classify, differ
        self._classify_reason: str | None = None
        self._differ_reason: str | None = None
        self._shares: ShareCache | None = None
        self._loaded_defaults = False
        self._lock = threading.Lock()

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                source = self._store_source
                self._store = source() if callable(source) else open_store()
            return self._store

    def _defaults(self) -> None:
        with self._lock:
            if self._loaded_defaults:
                return
            if self._classify is None:
                self._classify, self._classify_reason = load_default_classifier()
            if self._differ is None:
                self._differ, self._differ_reason = load_default_differ()
            if self._classify is not None:
                self._shares = ShareCache(self._classify)
            self._loaded_defaults = True

    def shares(self) -> tuple[ShareCache | None, str | None]:
        self._defaults()
        return self._shares, self._classify_reason

    def classify(self) -> ClassifyParagraphs | None:
        self._defaults()
        return self._classify

    def differ(self) -> tuple[DiffDocuments | None, str | None]:
        self._defaults()
        return self._differ, self._differ_reason


def readable_time(value: datetime) -> str:
    """'2 Dec 2026, 01:41 UTC': a ledger time a person reads at a glance."""
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


def create_app(
    store: Store | Callable[[], Store] | None = None,
    *,
    classify_paragraphs: ClassifyParagraphs | None = None,
    diff_documents: DiffDocuments | None = None,
    dependencies: Sequence[Depends] = (),
    access: AccessPolicy = OPEN_ACCESS,
) -> FastAPI:
    """Build the app.

    store: a Store, a factory for one, or None for `open_store()` (COALITION_WATCH_DB_URL).
    classify_paragraphs / diff_documents: injected for tests; by default the project's
    classifier and diff engine, and pages explain when they are missing.
    dependencies: applied to every route, whatever its level.
    access: who may see each level (coalition_watch.ui.access); open by default.
    """
    services = _Services(store, classify_paragraphs, diff_documents)
    app = FastAPI(
        title="coalition-watch statements",
        dependencies=list(dependencies),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["series_label"] = series_label
    env.filters["short_date"] = short_date
    env.filters["when"] = readable_time
    env.filters.update(theme_label=theme_label, theme_style=theme_style, source_label=source_label)
    templates = Jinja2Templates(env=env)

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        def link(route: str, query: dict | None = None, **params: Any) -> str:
            path = request.url_for(route, **params).path
            pairs = {k: v for k, v in (query or {}).items() if v not in (None, "")}
            return path + ("?" + urlencode(pairs) if pairs else "")

        return templates.TemplateResponse(
            request, name, {"link": link, **context}, status_code=status_code
        )

    def not_found(what: str) -> HTTPException:
        return HTTPException(status_code=404, detail=f"{what} not found")

    def known_id(what: str, value: int) -> int:
        """A row id the database can hold; a larger one names nothing (and would overflow)."""
        if not 0 < value <= MAX_ROW_ID:
            raise not_found(f"{what} {value}")
        return value

    # The page a message links to: public, its signed token is the authorisation.
    app.include_router(shared_router(lambda: services.store, templates))
    app.include_router(shared_feeds_router(lambda: services.store))
    statements_level = access.require(Access.STATEMENTS)
    recipients_level = access.require(Access.RECIPIENTS)
    app.include_router(search_router(lambda: services.store, page, statements_level))
    app.include_router(feeds_router(lambda: services.store, statements_level))

    @app.get("/", response_class=HTMLResponse, name="index", dependencies=statements_level)
    def index(request: Request) -> HTMLResponse:
        return page(request, "index.html", series=history.series_overview(services.store))

    @app.get(
        "/statements/{statement_id}",
        response_class=HTMLResponse,
        name="statement",
        dependencies=statements_level,
    )
    def statement(
        request: Request, statement_id: int, sees_ledger: bool = Depends(access.sees_recipients)
    ) -> HTMLResponse:
        detail = history.statement_detail(services.store, known_id("statement", statement_id))
        if detail is None:
            raise not_found(f"statement {statement_id}")
        series_versions = history.latest_versions_of_series(services.store, detail.series)
        choices = {v.id: v for v in series_versions}
        for v in detail.versions:
            choices[v.id] = services.store.version(v.id)
        return page(
            request,
            "statement.html",
            st=detail,
            choices=sorted(choices.values(), key=lambda v: (v.published or "", v.id)),
            ledger_size=len(history.delivery_ledger(services.store, history.event_keys(detail))),
            sees_ledger=sees_ledger,
        )

    @app.get(
        "/statements/{statement_id}/ledger",
        response_class=HTMLResponse,
        name="ledger",
        dependencies=recipients_level,
    )
    def ledger(request: Request, statement_id: int) -> HTMLResponse:
        detail = history.statement_detail(services.store, known_id("statement", statement_id))
        if detail is None:
            raise not_found(f"statement {statement_id}")
        events = history.event_keys(detail)
        entries = history.delivery_ledger(services.store, events)
        return page(request, "ledger.html", st=detail, entries=entries, events=events)

    def render_diff(
        request: Request,
        diff: dict,
        old_id: int,
        new_id: int,
        comparison: history.ComparisonSummary | None,
        significance: str | None,
        theme: str | None,
    ) -> HTMLResponse:
        old, new = services.store.version(old_id), services.store.version(new_id)
        all_themes = sorted({th for c in diff.get("changes", []) for th in c.get("themes", [])})
        changes = diff.get("changes", [])
        return page(
            request,
            "diff.html",
            old=old,
            new=new,
            comparison=comparison,
            rows=diff_rows(diff, None if significance == "all" else significance, theme),
            colors=theme_colors(all_themes),
            themes=all_themes,
            significance=significance,
            theme=theme,
            baseline=diff.get("baseline"),
            counts={
                "substantive": sum(c["significance"] == "substantive" for c in changes),
                "cosmetic": sum(c["significance"] == "cosmetic" for c in changes),
            },
        )

    @app.get(
        "/comparisons/{comparison_id}",
        response_class=HTMLResponse,
        name="comparison",
        dependencies=statements_level,
    )
    def comparison(
        request: Request,
        comparison_id: int,
        # substantive by default: cosmetic changes are what a reader skips first
        significance: str = Query("substantive", pattern="^(substantive|cosmetic|all)$"),
        theme: str | None = None,
    ) -> HTMLResponse:
        summary = history.comparison_summary(services.store, known_id("comparison", comparison_id))
        if summary is None:
            raise not_found(f"comparison {comparison_id}")
        diff = services.store.comparison(comparison_id)["diff"]
        return render_diff(
            request, diff, summary.old_version_id, summary.new_version_id, summary,
            significance, theme,
        )  # fmt: skip

    @app.get("/compare", response_class=HTMLResponse, name="compare", dependencies=statements_level)
    def compare(
        request: Request,
        old: int,
        new: int,
        # substantive by default: cosmetic changes are what a reader skips first
        significance: str = Query("substantive", pattern="^(substantive|cosmetic|all)$"),
        theme: str | None = None,
    ) -> Response:
        if old == new:
            raise HTTPException(status_code=400, detail=f"old and new are both version {old}")
        for vid in (old, new):
            if history.find_version(services.store, known_id("version", vid)) is None:
                raise not_found(f"version {vid}")
        stored = history.comparison_for_pair(services.store, old, new)
        if stored is not None:
            url = request.url_for("comparison", comparison_id=stored).path
            # the default (substantive) needs no query string
            filters = {
                "significance": significance != "substantive" and significance,
                "theme": theme,
            }
            query = urlencode({k: v for k, v in filters.items() if v})
            return RedirectResponse(url + ("?" + query if query else ""), status_code=303)
        differ, reason = services.differ()
        if differ is None:
            return page(
                request,
                "message.html",
                status_code=503,
                heading="Cannot diff these versions here",
                text=f"No stored comparison of version {old} with version {new}, and {reason}. "
                "Stored comparisons are listed on each statement's page.",
            )
        result = differ(services.store.version(old).document, services.store.version(new).document)
        classify = services.classify()
        if classify is not None:  # the diff engine leaves themes to the classifier
            untagged = [c for c in result.changes if not c.themes and (c.new or c.old)]
            for change, themes in zip(
                untagged, classify([c.new or c.old or "" for c in untagged]), strict=True
            ):
                change.themes = themes
        return render_diff(request, result.to_json(), old, new, None, significance, theme)

    @app.get(
        "/series/{series}",
        response_class=HTMLResponse,
        name="series",
        dependencies=statements_level,
    )
    def series(
        request: Request, series: str, theme: Annotated[list[str] | None, Query()] = None
    ) -> HTMLResponse:
        overview = {s.series: s for s in history.series_overview(services.store)}
        if series not in overview:
            raise not_found(f"series {series!r}")
        cache, reason = services.shares()
        meetings = (
            cache.for_versions(history.latest_versions_of_series(services.store, series))
            if cache
            else []
        )
        ranked = largest_themes(meetings, count=len({t for m in meetings for t in m.shares}))
        chosen = [t for t in ranked if t in set(theme)] if theme else ranked[:DEFAULT_THEMES]
        chart = share_chart_svg(meetings, f"Theme shares in {series}", chosen) if meetings else None
        return page(
            request,
            "series.html",
            summary=overview[series],
            meetings=meetings,
            themes=chosen,
            all_themes=ranked,
            colors=theme_colors(ranked),
            chart=Markup(chart) if chart else None,  # built with every value escaped
            unavailable=reason,
        )

    @app.get("/series/{series}/themes.svg", name="series_chart", dependencies=statements_level)
    def series_chart(series: str, theme: Annotated[list[str] | None, Query()] = None) -> Response:
        cache, reason = services.shares()
        if cache is None:
            raise HTTPException(status_code=503, detail=reason)
        meetings = cache.for_versions(history.latest_versions_of_series(services.store, series))
        if not meetings:
            raise not_found(f"dated statements in series {series!r}")
        svg = share_chart_svg(meetings, f"Theme shares in {series}", theme or None)
        return Response(svg, media_type="image/svg+xml")

    return app
