"""
### Daily digest

Every morning (07:00 in `COALITION_WATCH_TIMEZONE`, default Europe/Berlin) the alerts
collected for digest subscribers, and for backfills run in digest mode, are rendered into
one digest per subscriber and queued; delivery follows through the outbox asset. Running
it twice for one day queues nothing new.
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.sdk import Asset, CronTriggerTimetable, dag, task

from coalition_watch import jobs
from coalition_watch.assets import OUTBOX_URI
from coalition_watch.incidents import dag_defaults
from coalition_watch.settings import current

TIMEZONE = current().timezone
OUTBOX = Asset(name="coalition_watch_outbox", uri=OUTBOX_URI)


@dag(
    dag_id="coalition_watch_digest",
    description="Queue each digest subscriber's daily summary of the day's changes",
    schedule=CronTriggerTimetable("0 7 * * *", timezone=TIMEZONE),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),  # the timetable sets the local hour
    catchup=False,
    max_active_runs=1,
    default_args=dag_defaults(),
    tags=["coalition-watch", "delivery"],
    doc_md=__doc__,
)
def coalition_watch_digest():
    @task(task_id="queue_daily_digests", outlets=[OUTBOX])
    def queue_daily_digests(logical_date=None) -> int:
        return jobs.queue_daily_digest(logical_date)

    queue_daily_digests()


coalition_watch_digest()
