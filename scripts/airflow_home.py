"""Prepare the local Airflow home (./airflow-home): metadata DB, project store, host pools.

Idempotent and quick on a second run. The Makefile exports AIRFLOW_HOME and friends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
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
    store = open_store()
    store.migrate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
