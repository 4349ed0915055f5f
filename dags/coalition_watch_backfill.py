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
WHAT = "What to load: fill exactly one of URL, source with dates, or replay page"
HOW = "How to treat it"
SOURCES = jobs.source_choices()
SERIES = jobs.series_choices()


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
        "url": Param(
            "",
            type="string",
            title="Statement URL",
            description="One statement page, fetched politely (https://...)",
            section=WHAT,
        ),
        "source": Param(
            "",
            type="string",
            enum=["", *SOURCES],
            values_display={"": "(not a date range)", **SOURCES},
            title="Source, for a date range",
            description="Every Coalition statement this source lists between the two dates; "
            "its listing pages are followed back until the range is covered",
            section=WHAT,
        ),
        "start_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="From (published on or after)",
            description="With a source: the first day of the range",
            section=WHAT,
        ),
        "end_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="To (published on or before)",
            description="With a source: the last day of the range",
            section=WHAT,
        ),
        "replay_file": Param(
            "",
            type="string",
            title="Replay archive page or folder",
            description="For rehearsals: a path inside the replay archive, a page "
            "(history/www.auswaertiges-amt.de/en/newsroom/news/...html) or a folder (history)",
            section=WHAT,
        ),
        "series": Param(
            "auto",
            type="string",
            enum=["auto", *SERIES],
            values_display={"auto": "Infer it from each statement", **SERIES},
            title="Meeting series",
            description="Which meetings these statements belong to; each is compared with "
            "the previous meeting of its series",
            section=HOW,
        ),
        "alert_mode": Param(
            "quiet",
            type="string",
            enum=["quiet", "digest", "normal"],
            values_display={
                "quiet": "Quiet: store and diff, tell nobody",
                "digest": "Digest: one summary per subscriber for the whole backfill",
                "normal": "Normal: alert as for new statements (as each subscriber allows)",
            },
            title="Who hears about it",
            description="Past meetings are history: quiet unless someone needs to read them",
            section=HOW,
        ),
    },
)
def coalition_watch_backfill():
    # A bad form is the user's mistake, not an incident: it fails the run at once with the
    # reason, without retries and without paging the operators.
    @task(task_id="check_request", retries=0, on_failure_callback=None)
    def check_request() -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from coalition_watch.errors import BadInput

        try:
            return jobs.backfill_request(get_current_context()["params"])
        except BadInput as exc:
            raise AirflowFailException(str(exc)) from None

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
