"""
### Backfill past meetings

Trigger by hand to load history without spamming anyone. Fill **one** of:

* `url`: one statement page;
* `source` with `start_date` and `end_date`: every coalition statement that source lists
  in that range;
* `replay_file`: a page of the bundled replay archive (e.g. for rehearsals).

`series` forces the series (default: inferred). `alert_mode`:
`quiet` stores and diffs only; `digest` sends one summary per subscriber for the whole
backfill; `normal` alerts as for new statements. Re-ingesting a statement is a no-op, and
meetings may be loaded in any order: the "previous meeting" links follow publication dates.
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.sdk import Asset, Param, dag, get_current_context, task

from coalition_watch import jobs
from coalition_watch.assets import OUTBOX_URI
from coalition_watch.incidents import dag_defaults

OUTBOX = Asset(name="coalition_watch_outbox", uri=OUTBOX_URI)
_TEXT = ["null", "string"]


@dag(
    dag_id="coalition_watch_backfill",
    description="Load past meetings by URL, by source and date range, or from the replay archive",
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    max_active_runs=1,
    default_args=dag_defaults(retries=1),
    tags=["coalition-watch", "backfill"],
    doc_md=__doc__,
    params={
        "url": Param(None, type=_TEXT, description="A statement page URL"),
        "source": Param(None, type=_TEXT, enum=[None, *jobs.source_ids()]),
        "start_date": Param(None, type=_TEXT, format="date"),
        "end_date": Param(None, type=_TEXT, format="date"),
        "replay_file": Param(None, type=_TEXT, description="Path inside replay/"),
        "series": Param("auto", type="string", enum=["auto", *jobs.series_ids()]),
        "alert_mode": Param("quiet", type="string", enum=["quiet", "digest", "normal"]),
    },
)
def coalition_watch_backfill():
    @task(task_id="check_request")
    def check_request() -> dict:
        return jobs.backfill_request(get_current_context()["params"])

    @task(task_id="ingest_statements")
    def ingest_statements(request: dict) -> list[int]:
        return jobs.backfill_ingest(request)

    @task(task_id="diff_classify_and_queue", outlets=[OUTBOX])
    def diff_classify_and_queue(request: dict, version_ids: list[int]) -> dict:
        run_id = get_current_context()["run_id"]
        return jobs.backfill_process(request, run_id=run_id)

    request = check_request()
    diff_classify_and_queue(request, ingest_statements(request))


coalition_watch_backfill()
