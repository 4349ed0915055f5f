"""The statement history web app (FastAPI, no Airflow import); the Airflow plugin mounts it."""

from coalition_watch.ui.app import create_app

__all__ = ["create_app"]
