"""
### Housekeeping

Daily at 03:30 UTC: drops raw page bodies older than `COALITION_WATCH_RAW_RETENTION_DAYS`
(default 365; the newest body of every page is always kept), prunes delivery-ledger
entries older than `COALITION_WATCH_LEDGER_RETENTION_DAYS` (default 400; queued messages
are never touched) and compacts the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.sdk import dag, task

from coalition_watch import jobs
from coalition_watch.incidents import dag_defaults


@dag(
    dag_id="coalition_watch_housekeeping",
    description="Prune old raw page bodies and delivery ledger rows",
    schedule="30 3 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=dag_defaults(),
    tags=["coalition-watch", "maintenance"],
    doc_md=__doc__,
)
def coalition_watch_housekeeping():
    @task(task_id="prune_and_vacuum")
    def prune_and_vacuum() -> dict:
        return jobs.housekeeping()  # retention from the settings

    prune_and_vacuum()


coalition_watch_housekeeping()
