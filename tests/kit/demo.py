"""The offline demo: the real DAGs, end to end, against local stand-ins for the world.

A replay server plays the German Federal Foreign Office's English site as it was after the
June 2020 Small Group meeting, then after the March 2021 one. A real SMTP server and a
local Slack Web API stand in for the mail relay and Slack. Each state of the site is
polled, processed and delivered by running the project's DAGs with `dag.test()`.
Everything delivered lands in `demo-output/` as .eml and .json files.

A development tool beside the kit it runs on (`make demo`); Airflow is imported inside
`run_demo` only.
"""

from __future__ import annotations

import os
import sys
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPLAY_ROOT = ROOT / "replay"
DEMO_CONFIG = REPLAY_ROOT / "demo-config"  # sources.yaml with the recorded feed only
DAG_IDS = ("coalition_watch_poll", "coalition_watch_process", "coalition_watch_deliver")
# After the meetings, the morning's digest: queued by its DAG, sent by the deliver DAG.
DIGEST_DAG_IDS = ("coalition_watch_digest", "coalition_watch_deliver")
STATES = ("2020", "2021")
BASIS_WORDS = {"series": "the last meeting", "revision": "a revision", "variant": "a repost"}


@dataclass
class DemoResult:
    emails: list[Path] = field(default_factory=list)
    slack: list[Path] = field(default_factory=list)  # top-level messages
    slack_replies: list[Path] = field(default_factory=list)  # their threads
    routes: list[str] = field(default_factory=list)  # where each message went, and why

    @property
    def delivered(self) -> int:
        return len(self.emails) + len(self.slack)


@contextmanager
def _environment(values: dict[str, str]):
    """Set environment variables for the demo's duration, then put the old ones back."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_demo(output_dir: Path, *, progress=print) -> DemoResult:
    """Play both states of the site through the DAGs; return what was delivered."""
    from coalition_watch import jobs
    from coalition_watch.settings import CONFIG_DIR_ENV, HORIZON_ENV, REPLAY_URL_ENV
    from coalition_watch.store.repository import now
    from tests.kit.fake_slack import FakeSlack
    from tests.kit.replay_server import ReplayServer
    from tests.kit.smtp_server import LocalSmtpServer

    result = DemoResult()
    jobs.store_for()  # fail early, before any server starts, if the store is missing
    with ExitStack() as stack:
        replay = stack.enter_context(ReplayServer(REPLAY_ROOT, "demo", STATES[0]))
        smtp = stack.enter_context(LocalSmtpServer(out_dir=output_dir / "email"))
        slack = stack.enter_context(FakeSlack(out_dir=output_dir / "slack"))
        stack.enter_context(
            _environment(
                {
                    REPLAY_URL_ENV: replay.url,
                    CONFIG_DIR_ENV: str(DEMO_CONFIG),
                    # The recorded meetings are years old: replay them as if they were news.
                    HORIZON_ENV: "none",
                    "AIRFLOW_CONN_SMTP_DEFAULT": smtp.connection_json("watch@demo.invalid"),
                    "AIRFLOW_CONN_SLACK_API_DEFAULT": slack.connection_json(),
                }
            )
        )
        for channel in _slack_channels():  # the workspace has the channels subscribed to
            slack.add_channel(channel)
        # dag.test() runs tasks through Airflow's in-process API, whose test client warns
        # about its HTTP library on every run: noise for someone watching the demo.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        dags = _load_dags()  # parsed now, so the DAGs see the demo's sources.yaml
        before = _files(output_dir)
        started = now()
        last_comparison = max(jobs.store_for().comparison_ids(), default=0)
        for state in STATES:
            replay.set_state(state)
            progress(f"== the Foreign Office's site after the {state} meeting ==")
            _run(dags, DAG_IDS, state, progress)
            store = jobs.store_for()
            progress(_summary(store))
            new_comparisons = store.comparison_ids(after=last_comparison)
            for line in _what_changed(store, new_comparisons):
                progress(line)
            last_comparison = max(new_comparisons, default=last_comparison)
        progress("== the next morning: daily digests ==")
        _run(dags, DIGEST_DAG_IDS, "digest", progress)
        result.routes = _routes(jobs.store_for(), started)
        new_files = sorted(_files(output_dir) - before)
    result.emails = [p for p in new_files if p.suffix == ".eml"]
    replies = [p for p in new_files if p.suffix == ".json" and "-reply-" in p.name]
    result.slack = [p for p in new_files if p.suffix == ".json" and p not in replies]
    result.slack_replies = replies
    return result


def _run(dags: dict, dag_ids: tuple[str, ...], stage: str, progress) -> None:
    for dag_id in dag_ids:
        run = dags[dag_id].test()
        if run.state != "success":
            raise RuntimeError(f"{dag_id} ended {run.state} in {stage}")
        progress(f"   {dag_id}: {run.state}")


def _routes(store, since) -> list[str]:
    """One line per message sent since `since`: channel, recipient, and why they got it."""
    from coalition_watch import jobs
    from coalition_watch.labels import theme_label
    from coalition_watch.store import history

    by_address = {}
    for subscriber in jobs.subscribers():
        for _, address in subscriber.addresses:
            by_address[address] = subscriber
    lines = []
    for entry in history.deliveries_sent_since(store, since):
        who = by_address.get(entry.recipient)
        if entry.template == "operator_alert" or who is None:
            why = "operators hear of incidents"
        elif entry.template == "daily_digest":
            why = f"{who.id} asked for one message a day (delivery: digest)"
        elif not who.themes:
            why = f"{who.id} follows every theme"
        else:
            changed = _event_themes(store, entry.event)
            mine = sorted(map(theme_label, who.themes & changed)) if changed else []
            follows = ", ".join(sorted(map(theme_label, who.themes)))
            why = f"{who.id} follows {follows}" + (
                f"; this statement changed on {', '.join(mine)}" if mine else ""
            )
        lines.append(
            f"   {entry.channel:<5} -> {entry.recipient}: {entry.subject}\n      why: {why}"
        )
    return lines


def _event_themes(store, event: str) -> set[str]:
    kind, _, number = event.partition(":")
    if kind != "comparison" or not number.isdigit():
        return set()
    diff = store.comparison(int(number))["diff"]
    return {t for c in diff["changes"] if c["significance"] == "substantive" for t in c["themes"]}


def _slack_channels() -> set[str]:
    from coalition_watch.subscriptions import load_config

    config = load_config(known_themes=None)
    named = [s.slack for s in config.subscribers] + [config.operators.slack]
    return {name for name in named if name and name.startswith("#")}


def _load_dags() -> dict:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return {dag_id: bag.get_dag(dag_id) for dag_id in (*DAG_IDS, *DIGEST_DAG_IDS)}


def _files(directory: Path) -> set[Path]:
    return set(directory.rglob("*.*")) if directory.exists() else set()


def _summary(store) -> str:
    counts = store.counts()
    return (
        f"   store: {counts['statements']} statement(s), {counts['versions']} version(s), "
        f"{counts['comparisons']} comparison(s); outbox: {counts['messages']} message(s)"
    )


def _what_changed(store, comparison_ids: list[int]) -> list[str]:
    """Two lines per new comparison: the counts a reader wants first."""
    from collections import Counter

    from coalition_watch.labels import theme_label
    from coalition_watch.render.view import long_date

    lines = []
    for comparison_id in comparison_ids:
        row = store.comparison(comparison_id)
        diff = row["diff"]
        substantive = [c for c in diff["changes"] if c["significance"] == "substantive"]
        kinds = Counter(c["kind"] for c in substantive)
        themes = Counter(t for c in substantive for t in c["themes"])
        lines.append(
            f"   {long_date(diff['new']['published'])} vs {long_date(diff['old']['published'])} "
            f"({BASIS_WORDS.get(row['basis'], row['basis'])}): "
            f"{len(substantive)} substantive change(s): "
            + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
        )
        lines.append(
            "      by theme: " + ", ".join(f"{theme_label(t)} {n}" for t, n in themes.most_common())
        )
    return lines


def main() -> int:
    from coalition_watch.store import open_store

    output = ROOT / "demo-output"
    store = open_store()
    store.migrate()
    result = run_demo(output, progress=lambda line: print(line, flush=True))
    if result.delivered:
        print(
            f"\nDelivered {len(result.emails)} email(s) and {len(result.slack)} Slack "
            f"message(s) (with {len(result.slack_replies)} thread replies), written to "
            f"{output.relative_to(ROOT)}/. Where each went, and why:"
        )
        for line in result.routes:
            print(line)
    else:
        print(
            "\nNothing new to deliver: every alert went out on an earlier run "
            f"(see {output.relative_to(ROOT)}/). `make clean` starts afresh."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
