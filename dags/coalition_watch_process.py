"""
### Diff, classify and queue alerts

Runs whenever polling (or a backfill) publishes new versions on the
**coalition-watch://store/versions** asset. Each new version is compared with the previous
version of its page (a revision) or with the previous statement of its series (the last
meeting); reposts of a known statement are recorded as variants and never alert. Changed
passages are classified by theme, and one alert per subscriber goes to the outbox, which
schedules `coalition_watch_deliver` through the **coalition-watch://store/outbox** asset.
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.sdk import Asset, dag, task

from coalition_watch import jobs
from coalition_watch.assets import NEW_VERSIONS_URI, OUTBOX_URI
from coalition_watch.incidents import dag_defaults

NEW_VERSIONS = Asset(name="coalition_watch_new_versions", uri=NEW_VERSIONS_URI)
OUTBOX = Asset(name="coalition_watch_outbox", uri=OUTBOX_URI)


@dag(
    dag_id="coalition_watch_process",
    description="Diff new versions with the last version and meeting, tag themes, queue alerts",
    schedule=[NEW_VERSIONS],
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    max_active_runs=1,
    default_args=dag_defaults(),
    tags=["coalition-watch", "processing"],
    doc_md=__doc__,
)
def coalition_watch_process():
    @task(task_id="diff_classify_and_queue_alerts", outlets=[OUTBOX])
    def diff_classify_and_queue_alerts() -> dict:
        return jobs.process_versions().to_json()

    diff_classify_and_queue_alerts()


coalition_watch_process()
