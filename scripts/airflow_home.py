"""Prepare the local Airflow home (./airflow-home): metadata DB, project store, host pools,
and, for `make airflow`, connections to the local SMTP and Slack stand-ins and the
project's DAGs unpaused.

    python scripts/airflow_home.py                        # `make demo`: DB, store, pools
    python scripts/airflow_home.py --standins 8025 8026   # `make airflow`: + connections, unpause

Idempotent and quick on a second run. The Makefile exports AIRFLOW_HOME and friends.
A connection that exists and is not one of these stand-ins (an operator's real relay or
workspace) is left as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STANDIN = "coalition-watch local stand-in (make airflow)"


def prepare_home() -> None:
    home = Path(os.environ["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    marker = home / ".migrated"
    if not marker.exists():
        print(f"initialising Airflow in {home} (one-off, takes a few seconds)")
        subprocess.run(["airflow", "db", "migrate"], check=True, stdout=subprocess.DEVNULL)
        marker.touch()

    from airflow.models.pool import Pool

    from coalition_watch import jobs
    from coalition_watch.store import open_store

    for group in jobs.source_groups():
        Pool.create_or_update_pool(
            name=group.pool,
            slots=1,
            description=f"one request at a time to {group.host}",
            include_deferred=False,
        )
    open_store().migrate()


def connect_standins(smtp_port: int, slack_port: int) -> list[str]:
    """Point the delivery connections (ids from subscriptions.yaml) at the stand-ins."""
    from airflow.models.connection import Connection
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from coalition_watch.subscriptions import load_delivery_settings
    from tests.kit.standins import connections

    settings = load_delivery_settings()
    specs = connections(smtp_port, slack_port)
    wanted = {settings.email_conn_id: specs["email"], settings.slack_conn_id: specs["slack"]}
    report = []
    with create_session() as session:
        for conn_id, spec in wanted.items():
            conn = session.scalar(select(Connection).where(Connection.conn_id == conn_id))
            if conn is not None and conn.description != STANDIN:
                report.append(f"connection {conn_id}: kept (not a local stand-in)")
                continue
            conn = conn or Connection(conn_id=conn_id)
            conn.conn_type = spec["conn_type"]
            conn.description = STANDIN
            conn.host, conn.port = spec.get("host"), spec.get("port")
            conn.password = spec.get("password")
            conn.extra = json.dumps(spec.get("extra") or {})
            session.add(conn)
            report.append(f"connection {conn_id}: {spec['conn_type']} stand-in")
    return report


def project_dag_ids() -> list[str]:
    """Each DAG file in dags/ defines the DAG of its name."""
    return sorted(p.stem for p in (ROOT / "dags").glob("coalition_watch_*.py"))


def unpause_project_dags() -> int:
    """Unpause the project's DAGs already known to Airflow (new ones are created unpaused:
    the Makefile sets AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False)."""
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        return session.execute(
            update(DagModel)
            .where(DagModel.dag_id.in_(project_dag_ids()), DagModel.is_paused.is_(True))
            .values(is_paused=False)
        ).rowcount


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--standins",
        nargs=2,
        type=int,
        metavar=("SMTP_PORT", "SLACK_PORT"),
        help="connect delivery to the local stand-ins on these ports and unpause the DAGs",
    )
    args = parser.parse_args(argv)
    prepare_home()
    if args.standins:
        sys.path.insert(0, str(ROOT))  # tests.kit lives in the checkout, not the package
        for line in connect_standins(*args.standins):
            print(line)
        unpaused = unpause_project_dags()
        print(f"project DAGs unpaused ({unpaused} were paused; new ones start unpaused)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
