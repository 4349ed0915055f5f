"""Airflow plugin: the statement history pages inside the Airflow UI, behind Airflow's login.

Airflow 3 mounts plugin FastAPI apps outside its own authentication, so the app is built with
Airflow's `get_user` as an app-wide dependency: every page answers 401/403 without a valid
Airflow session cookie or Bearer token. The app itself (coalition_watch.ui) knows nothing of
Airflow and reads the project store named by COALITION_WATCH_DB_URL on first request.
"""

from __future__ import annotations

from airflow.api_fastapi.core_api.security import get_user
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends

from coalition_watch.ui import create_app

URL_PREFIX = "/coalition-watch"

app = create_app(dependencies=[Depends(get_user)])


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
