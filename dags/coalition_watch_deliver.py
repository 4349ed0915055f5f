"""
### Deliver queued messages

Sends what the outbox holds by email and Slack through Airflow's provider hooks, on the
connections `subscriptions.yaml` names under `delivery:` (default `smtp_default` and
`slack_api_default`). The delivery ledger is keyed on
(message, recipient, channel), so a retry or a re-run never sends a message twice.
Runs when processing queues messages, and every 10 minutes to retry transient failures.
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from coalition_watch import jobs
from coalition_watch.assets import OUTBOX_URI
from coalition_watch.incidents import dag_defaults

OUTBOX = Asset(name="coalition_watch_outbox", uri=OUTBOX_URI)


@dag(
    dag_id="coalition_watch_deliver",
    description="Send queued alerts by email and Slack, each message to each recipient once",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("*/10 * * * *", timezone="UTC"), assets=[OUTBOX]
    ),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=dag_defaults(),
    tags=["coalition-watch", "delivery"],
    doc_md=__doc__,
)
def coalition_watch_deliver():
    @task(task_id="send_queued_messages")
    def send_queued_messages() -> dict:
        return jobs.deliver_messages().to_json()

    send_queued_messages()


coalition_watch_deliver()
