"""Operator alerts for failed tasks: once per incident, with a link to the task's log.

Airflow calls `on_task_failure` only after the last retry, so a flaky fetch that
recovers on retry never pages anyone. The outbox key makes a second call for the same
failed task instance a no-op.
"""

from __future__ import annotations

import logging
from datetime import timedelta

log = logging.getLogger(__name__)

DAG_OWNER = "coalition-watch"


def incident_key(dag_id: str, task_id: str, run_id: str, map_index: int | None = None) -> str:
    suffix = f"[{map_index}]" if map_index is not None and map_index >= 0 else ""
    return f"task-failure:{dag_id}.{task_id}{suffix}:{run_id}"


def on_task_failure(context) -> None:
    """`on_failure_callback` for every task: queue one operator alert and send it now."""
    from coalition_watch import jobs
    from coalition_watch.deliver import enqueue_operator_alert

    ti = context["ti"]
    exception = context.get("exception")
    key = incident_key(ti.dag_id, ti.task_id, ti.run_id, getattr(ti, "map_index", None))
    link = getattr(ti, "log_url", None)
    try:
        store = jobs.store_for()
        queued = enqueue_operator_alert(
            store,
            key=key,
            subject=f"coalition-watch: {ti.dag_id}.{ti.task_id} failed",
            text=f"Task {ti.task_id} of {ti.dag_id} (run {ti.run_id}) failed: {exception}",
            link=link,
        )
        if queued:
            jobs.deliver_messages()
    except Exception:  # an alerting failure must not hide the task's own failure
        log.exception("could not alert operators about %s", key)


def dag_defaults(retries: int = 2, retry_minutes: int = 2) -> dict:
    """default_args shared by every DAG: owner, retries, one alert per failed task."""
    return {
        "owner": DAG_OWNER,
        "retries": retries,
        "retry_delay": timedelta(minutes=retry_minutes),
        "retry_exponential_backoff": True,
        "on_failure_callback": on_task_failure,
    }
