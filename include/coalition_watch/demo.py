"""The offline demo: the real DAGs, end to end, against local stand-ins for the world.

A replay server plays the German Federal Foreign Office's English site as it was after the
June 2020 Small Group meeting, then after the March 2021 one. A real SMTP server and a
local Slack Web API stand in for the mail relay and Slack. Each state of the site is
polled, processed and delivered by running the project's DAGs with `dag.test()`.
Everything delivered lands in `demo-output/` as .eml and .json files.

Airflow is imported inside `run_demo` only: the package stays importable without it.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPLAY_ROOT = ROOT / "replay"
DAG_IDS = ("coalition_watch_poll", "coalition_watch_process", "coalition_watch_deliver")
STATES = ("2020", "2021")


@dataclass
class DemoResult:
    emails: list[Path] = field(default_factory=list)
    slack: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        return len(self.emails) + len(self.slack)


def run_demo(output_dir: Path, *, dag_folder: Path | None = None) -> DemoResult:
    """Play both states of the site through the DAGs; return what was delivered."""
    from airflow.dag_processing.dagbag import DagBag

    from coalition_watch import jobs
    from coalition_watch.settings import REPLAY_URL_ENV
    from coalition_watch.testing.fake_slack import FakeSlack
    from coalition_watch.testing.replay_server import ReplayServer
    from coalition_watch.testing.smtp_server import LocalSmtpServer

    result = DemoResult()
    email_dir, slack_dir = output_dir / "email", output_dir / "slack"
    jobs.store_for()  # fail early, before any server starts, if the store is missing
    bag = DagBag(dag_folder=str(dag_folder or ROOT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    with ExitStack() as stack:
        replay = stack.enter_context(ReplayServer(REPLAY_ROOT, "demo", STATES[0]))
        smtp = stack.enter_context(LocalSmtpServer(out_dir=email_dir))
        slack = stack.enter_context(FakeSlack(out_dir=slack_dir))
        before = _files(output_dir)
        os.environ[REPLAY_URL_ENV] = replay.url
        os.environ["AIRFLOW_CONN_SMTP_DEFAULT"] = smtp.connection_json(
            "coalition-watch@demo.invalid"
        )
        os.environ["AIRFLOW_CONN_SLACK_API_DEFAULT"] = slack.connection_json()
        for state in STATES:
            replay.set_state(state)
            result.lines.append(f"== the site after the {state} meeting ==")
            for dag_id in DAG_IDS:
                run = bag.get_dag(dag_id).test()
                if run.state != "success":
                    raise RuntimeError(f"{dag_id} ended {run.state} in state {state}")
            result.lines.extend(_summary(jobs.store_for()))
        new_files = sorted(_files(output_dir) - before)
        result.emails = [p for p in new_files if p.suffix == ".eml"]
        result.slack = [p for p in new_files if p.suffix == ".json"]
    return result


def _files(directory: Path) -> set[Path]:
    return set(directory.rglob("*.*")) if directory.exists() else set()


def _summary(store) -> list[str]:
    counts = store.counts()
    return [
        f"   stored: {counts['statements']} statement(s), {counts['versions']} version(s), "
        f"{counts['comparisons']} comparison(s); outbox: {counts['messages']} message(s)"
    ]


def main() -> int:
    from coalition_watch.store import open_store

    output = ROOT / "demo-output"
    store = open_store()
    store.migrate()
    result = run_demo(output)
    print(*result.lines, sep="\n")
    if result.delivered:
        print(
            f"\nDelivered {len(result.emails)} email(s) and {len(result.slack)} Slack "
            f"message(s), written to {output.relative_to(ROOT)}/:"
        )
        for path in result.emails + result.slack:
            print(f"   {path.relative_to(ROOT)}")
    else:
        print(
            "\nNothing new to deliver: every alert went out on an earlier run "
            f"(see {output.relative_to(ROOT)}/). `make clean` starts afresh."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
