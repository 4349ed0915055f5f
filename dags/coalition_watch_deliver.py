"""
### Deliver queued messages

Sends what the outbox holds by email (SMTP connection `smtp_default`) and Slack (connection
`slack_api_default`), through Airflow's provider hooks. The delivery ledger is keyed on
(message, recipient, channel), so a retry or a re-run never sends a message twice.
Runs when processing queues messages, and every 10 minutes to retry transient failures.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from coalition_watch import jobs
from coalition_watch.assets import OUTBOX_URI
from coalition_watch.incidents import dag_defaults

OUTBOX = Asset(name="coalition_watch_outbox", uri=OUTBOX_URI)
EMAIL_CONN_ID = "smtp_default"
SLACK_CONN_ID = "slack_api_default"


@dag(
    dag_id="coalition_watch_deliver",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("*/10 * * * *", timezone="UTC"), assets=[OUTBOX]
    ),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=dag_defaults(),
    tags=["coalition-watch", "delivery"],
    doc_md=__doc__,
)
def coalition_watch_deliver():
    @task(task_id="send_queued_messages")
    def send_queued_messages() -> dict:
        report = jobs.deliver_messages(email_conn_id=EMAIL_CONN_ID, slack_conn_id=SLACK_CONN_ID)
        return report.to_json()

    send_queued_messages()


coalition_watch_deliver()
