"""Benchmark the idle poll: requests and body bytes per source when nothing changed.

Every packaged source is polled against the recorded archive (replay/, scenario
all-sources), first as it was (everything new), then for a simulated day of polls every
15 minutes in the `idle` state, where nothing changed. Each source gets a client of its own
on every poll, as each Airflow mapped task is a process of its own. Measured side by side
in one run, each on a store of its own:

    now     robots.txt rules kept in the store with their expiry; stored publications
            re-read at most once every `recheck_hours`, `recheck_budget` per poll
    before  robots.txt kept by the client only (so asked for by every task), and the
            newest `recheck_limit` publications re-read on every poll

    .venv/bin/python scripts/bench_poll.py [--hours 24] [--every 15]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from coalition_watch.fetch import PoliteClient, Politeness
from coalition_watch.poll import poll_source
from coalition_watch.sources import SourceConfig, load_sources
from coalition_watch.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "replay"
# The archive answers at once: no pause between requests, so a day of polls takes seconds.
UNHURRIED = Politeness(requests_per_minute=1e6, backoff_base=0.01, total_deadline=10.0)


@dataclasses.dataclass
class Tally:
    """Requests and body bytes per source over the idle polls."""

    polls: int = 0
    requests: Counter = dataclasses.field(default_factory=Counter)
    body_bytes: Counter = dataclasses.field(default_factory=Counter)
    first_poll: Counter = dataclasses.field(default_factory=Counter)


def as_before(source: SourceConfig) -> SourceConfig:
    """The source as polls read it before the recheck budget: all watched, every poll."""
    return dataclasses.replace(source, recheck_budget=source.recheck_limit, recheck_hours=1e-9)


def poll_once(
    store: Store, sources, server, clock, shared_robots: bool
) -> dict[str, tuple[int, int]]:
    """One poll of every source, each with a fresh client: (requests, body bytes) each."""
    spent = {}
    for source in sources:
        client = PoliteClient(
            store,
            robots=store if shared_robots else None,
            politeness=UNHURRIED,
            replay_url=server.url,
            sleep=lambda seconds: None,
            wall_clock=clock,
        )
        outcome = poll_source(store, source, client, clock=clock)
        if outcome.errors:
            raise SystemExit(f"bench: {source.id} failed: {outcome.error}")
        spent[source.id] = (client.stats.requests, client.stats.body_bytes)
    return spent


def idle_day(sources, *, before: bool, hours: float, every: float) -> Tally:
    sys.path.insert(0, str(ROOT))  # the test kit lives in the checkout, not the package
    from tests.kit.clock import FakeClock
    from tests.kit.replay_server import ReplayServer

    sources = [as_before(s) for s in sources] if before else sources
    clock = FakeClock(datetime.now(UTC))
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="cw-bench-poll-") as tmp:
        store = open_store(f"sqlite:///{tmp}/store.db")
        store.migrate()
        with ReplayServer(REPLAY, "all-sources", "initial") as server:
            poll_once(store, sources, server, clock, shared_robots=not before)
            server.set_state("idle")
            for n in range(int(hours * 60 / every)):
                clock.advance(minutes=every)
                spent = poll_once(store, sources, server, clock, shared_robots=not before)
                tally.polls += 1
                for source_id, (requests, body) in spent.items():
                    tally.requests[source_id] += requests
                    tally.body_bytes[source_id] += body
                    if n == 0:
                        tally.first_poll[source_id] = requests
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0, help="simulated idle time")
    parser.add_argument("--every", type=float, default=15.0, help="minutes between polls")
    args = parser.parse_args()
    sources = [dataclasses.replace(s, politeness=None) for s in load_sources()]
    now = idle_day(sources, before=False, hours=args.hours, every=args.every)
    before = idle_day(sources, before=True, hours=args.hours, every=args.every)
    print(
        f"Idle polls every {args.every:g} min for {args.hours:g} h ({now.polls} polls), "
        f"{len(sources)} sources, a fresh client per source and poll (one task each)\n"
    )
    print(
        f"  {'source':<20} {'listings':>8}  {'requests, 1st idle poll':>23}  "
        f"{'requests per poll':>17}  {'body bytes per poll':>19}"
    )
    print(f"  {'':<20} {'':>8}  {'now':>11} {'before':>11}  {'now':>8} {'before':>8}  "
          f"{'now':>9} {'before':>9}")  # fmt: skip
    for source in sources:
        sid = source.id
        print(
            f"  {sid:<20} {len(source.urls):>8}  {now.first_poll[sid]:>11} "
            f"{before.first_poll[sid]:>11}  {now.requests[sid] / now.polls:>8.2f} "
            f"{before.requests[sid] / before.polls:>8.2f}  "
            f"{now.body_bytes[sid] / now.polls:>9.0f} {before.body_bytes[sid] / before.polls:>9.0f}"
        )
    listings = sum(len(s.urls) for s in sources)
    print(
        f"\n  all {len(sources)} sources, {listings} listing URLs: first idle poll "
        f"{sum(now.first_poll.values())} requests now, {sum(before.first_poll.values())} "
        f"before; per poll over the day {sum(now.requests.values()) / now.polls:.2f} now, "
        f"{sum(before.requests.values()) / before.polls:.2f} before; body bytes per poll "
        f"{sum(now.body_bytes.values()) / now.polls:.0f} now, "
        f"{sum(before.body_bytes.values()) / before.polls:.0f} before"
    )


if __name__ == "__main__":
    main()
