"""
### Poll the official sources

Every 15 minutes (`COALITION_WATCH_POLL_SCHEDULE`), each enabled source in `sources.yaml`
is polled once: its feed or listing is read with a conditional GET, coalition statements
are picked out, new or changed articles are fetched, extracted and stored as versions.

* One mapped task instance per source, grouped by web host; each host group runs in its
  own pool (`cw_host_<host>`, 1 slot) so two runs never hit one host at once.
* A source that fails is recorded as down (one operator alert, and one when it recovers);
  the other sources carry on.
* New versions are published on the **coalition-watch://store/versions** asset, which
  schedules `coalition_watch_process`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import Asset, dag, get_current_context, task

from coalition_watch import jobs
from coalition_watch.assets import NEW_VERSIONS_URI
from coalition_watch.incidents import dag_defaults
from coalition_watch.settings import current

SCHEDULE = current().poll_schedule
NEW_VERSIONS = Asset(name="coalition_watch_new_versions", uri=NEW_VERSIONS_URI)


@dag(
    dag_id="coalition_watch_poll",
    description="Poll the official sources for new or changed statements and store every version",
    schedule=SCHEDULE,
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=30),
    default_args=dag_defaults(),
    tags=["coalition-watch", "polling"],
    doc_md=__doc__,
)
def coalition_watch_poll():
    for group in jobs.source_groups():

        @task(
            task_id=f"poll_{group.task_suffix}",
            pool=group.pool,
            outlets=[NEW_VERSIONS],
            execution_timeout=timedelta(minutes=10),
            map_index_template="{{ source_id }}",
        )
        def poll(source_id: str) -> dict:
            context = get_current_context()
            context["source_id"] = source_id  # names the mapped instance in the UI
            outcome = jobs.poll_sources([source_id])[0].to_json()
            context["outlet_events"][NEW_VERSIONS].extra = outcome
            return outcome

        poll.expand(source_id=group.source_ids)


coalition_watch_poll()
