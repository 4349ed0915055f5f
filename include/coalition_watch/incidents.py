"""Operator alerts for failing tasks: one when a task starts failing, one when it recovers.

Airflow calls `on_task_failure` only after the last retry, so a flaky fetch that
recovers on retry never pages anyone. A task that then keeps failing run after run is
one incident (`store.incidents`, keyed by DAG, task and mapped instance, never by run):
the operators hear when it starts, with a link to the log, and again when a later run of
the same task succeeds. Source outages and layout breaks follow the same rule (health.py,
poll.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

log = logging.getLogger(__name__)

DAG_OWNER = "coalition-watch"


def task_key(dag_id: str, task_id: str, map_label: str | int | None = None) -> str:
    """The incident a task instance belongs to, whatever its run: `task:dag.task[label]`."""
    suffix = "" if map_label in (None, -1, "") else f"[{map_label}]"
    return f"task:{dag_id}.{task_id}{suffix}"


def _key_of(ti) -> str:
    # A mapped instance is named by its rendered label (the source id), which stays the
    # same when the list it was mapped over grows; its position would not.
    label = getattr(ti, "rendered_map_index", None) or getattr(ti, "map_index", None)
    return task_key(ti.dag_id, ti.task_id, label)


def on_task_failure(context) -> None:
    """`on_failure_callback` for every task: alert the operators if this starts an incident."""
    from coalition_watch import jobs
    from coalition_watch.deliver import enqueue_operator_alert
    from coalition_watch.store.incidents import report_failure

    ti = context["ti"]
    key = _key_of(ti)
    exception = context.get("exception")
    try:
        store = jobs.store_for()
        incident, opened = report_failure(store, key, _describe(exception))
        if not opened:
            log.info(
                "%s failed again (%d failures since %s); operators were told when it started",
                key,
                incident.failures,
                f"{incident.opened_at:%Y-%m-%d %H:%M} UTC",
            )
            return
        queued = enqueue_operator_alert(
            store,
            key=f"{key}:failing:{incident.opened_at.isoformat()}",
            subject=f"coalition-watch: {ti.dag_id}.{ti.task_id} is failing",
            text=(
                f"Task {ti.task_id} of {ti.dag_id} (run {ti.run_id}) failed after its retries: "
                f"{_describe(exception)}. You will hear again when it succeeds, not on every "
                "failed run."
            ),
            link=getattr(ti, "log_url", None),
        )
        if queued:
            jobs.deliver_messages()
    except Exception:  # an alerting failure must not hide the task's own failure
        log.exception("could not alert operators about %s", key)


def on_task_success(context) -> None:
    """`on_success_callback` for every task: alert the operators if this ends an incident."""
    from coalition_watch import jobs
    from coalition_watch.deliver import enqueue_operator_alert
    from coalition_watch.store.incidents import report_success

    ti = context["ti"]
    key = _key_of(ti)
    try:
        store = jobs.store_for()
        closed = report_success(store, key)
        if closed is None:
            return
        queued = enqueue_operator_alert(
            store,
            key=f"{key}:recovered:{closed.opened_at.isoformat()}",
            subject=f"coalition-watch: {ti.dag_id}.{ti.task_id} recovered",
            text=(
                f"Task {ti.task_id} of {ti.dag_id} succeeded again (run {ti.run_id}) after "
                f"{closed.failures} failed run(s) since {closed.opened_at:%Y-%m-%d %H:%M} UTC. "
                f"Last error: {closed.last_error}."
            ),
            link=getattr(ti, "log_url", None),
        )
        if queued:
            jobs.deliver_messages()
    except Exception:  # a task that worked must not be failed by its alerting
        log.exception("could not tell operators that %s recovered", key)


def _describe(exception: BaseException | str | None) -> str:
    if exception is None:
        return "no error recorded"
    if isinstance(exception, BaseException):
        return f"{type(exception).__name__}: {exception}"
    return str(exception)


def dag_defaults(retries: int = 2, retry_minutes: int = 2) -> dict:
    """default_args shared by every DAG: owner, retries, one alert per incident each way."""
    return {
        "owner": DAG_OWNER,
        "retries": retries,
        "retry_delay": timedelta(minutes=retry_minutes),
        "retry_exponential_backoff": True,
        "on_failure_callback": on_task_failure,
        "on_success_callback": on_task_success,
    }
