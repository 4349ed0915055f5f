"""Airflow plugin: the statement history pages inside the Airflow UI, under Airflow's authorisation.

Airflow 3 mounts plugin FastAPI apps outside its own authentication, so the app is built with an
access policy that asks Airflow's auth manager, on every request, what the caller may see:
- statements, diffs and charts: whoever may read the pipeline's DAGs (the viewer role and up);
- the delivery ledger, which names every recipient: whoever may read connections (op, admin),
  the same people who can already see the channels' credentials and addresses.
No valid session cookie or Bearer token: 401; a valid one without the permission: 403.
One route is public: /coalition-watch/shared/comparisons/{id}?token=..., the page a message
links to, where the signed token itself is the authorisation (coalition_watch.links).
The app itself (coalition_watch.ui) knows nothing of Airflow and reads the project store named
by COALITION_WATCH_DB_URL on first request.
"""

from __future__ import annotations

from collections.abc import Callable

from airflow.api_fastapi.app import get_auth_manager
from airflow.api_fastapi.auth.managers.base_auth_manager import BaseAuthManager
from airflow.api_fastapi.auth.managers.models.resource_details import ConnectionDetails, DagDetails
from airflow.api_fastapi.core_api.security import GetUserDep
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, HTTPException

from coalition_watch.ui import create_app
from coalition_watch.ui.access import AccessPolicy

URL_PREFIX = "/coalition-watch"
STATEMENTS_DAG = "coalition_watch_process"  # the DAG that writes statements and comparisons

Check = Callable[[BaseAuthManager, object], bool]


def allowed_when(check: Check) -> Depends:
    """A dependency admitting an authenticated user for whom Airflow's auth manager says yes."""

    def authorise(user: GetUserDep) -> None:
        if not check(get_auth_manager(), user):
            raise HTTPException(status_code=403, detail="Forbidden")

    return Depends(authorise)


def may_read_statements(auth: BaseAuthManager, user) -> bool:
    return auth.is_authorized_dag(method="GET", details=DagDetails(id=STATEMENTS_DAG), user=user)


def may_read_recipients(auth: BaseAuthManager, user) -> bool:
    return auth.is_authorized_connection(method="GET", details=ConnectionDetails(), user=user)


def sees_recipients(user: GetUserDep) -> bool:
    return may_read_recipients(get_auth_manager(), user)


AIRFLOW_ACCESS = AccessPolicy(
    statements=[allowed_when(may_read_statements)],
    recipients=[allowed_when(may_read_recipients)],
    sees_recipients=sees_recipients,
)

app = create_app(access=AIRFLOW_ACCESS)


class CoalitionWatchPlugin(AirflowPlugin):
    name = "coalition_watch"
    fastapi_apps = [
        {"app": app, "url_prefix": URL_PREFIX, "name": "coalition-watch statements"},
    ]
    # A "Statements" entry in the Browse menu; the UI shows the app in a frame at /plugin/...
    external_views = [
        {
            "name": "Statements",
            "href": URL_PREFIX.strip("/") + "/",
            "destination": "nav",
            "category": "browse",
            "url_route": URL_PREFIX.strip("/"),
        }
    ]
