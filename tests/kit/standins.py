"""The local SMTP server and Slack Web API that `make airflow` starts beside Airflow.

    python -m tests.kit.standins --out airflow-home/outbox --smtp-port 8025 --slack-port 8026

Every message Airflow delivers lands in `<out>/email/*.eml` and `<out>/slack/*.json`. The
Slack workspace has every channel subscriptions.yaml names, so posts to them succeed.
`connections()` gives the Airflow connections that point at them (scripts/airflow_home.py
registers them).
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.kit.fake_slack import FakeSlack
from tests.kit.smtp_server import LocalSmtpServer

DEFAULT_SMTP_PORT = 8025
DEFAULT_SLACK_PORT = 8026
FROM_EMAIL = "coalition-watch@localhost"


def slack_channels() -> list[str]:
    """Every Slack channel subscriptions.yaml names (operators and subscribers)."""
    from coalition_watch.subscriptions import load_config

    config = load_config(known_themes=None)
    named = [config.operators.slack, *(s.slack for s in config.subscribers)]
    return sorted({name.lstrip("#") for name in named if name})


def connections(smtp_port: int, slack_port: int) -> dict[str, dict]:
    """conn_type/host/port/extra of the SMTP and Slack connections, by role."""
    smtp = LocalSmtpServer(port=smtp_port).connection_json(FROM_EMAIL)
    slack = {
        "conn_type": "slack",
        "password": "xoxb-test",
        "extra": {"base_url": f"http://127.0.0.1:{slack_port}/api/"},
    }
    return {"email": json.loads(smtp), "slack": slack}


@contextmanager
def serving(out: Path, smtp_port: int, slack_port: int) -> Iterator[tuple]:
    channels = slack_channels()
    with (
        LocalSmtpServer(out_dir=out / "email", port=smtp_port) as smtp,
        FakeSlack(out_dir=out / "slack", channels=channels, port=slack_port) as slack,
    ):
        yield smtp, slack


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--smtp-port", type=int, default=DEFAULT_SMTP_PORT)
    parser.add_argument("--slack-port", type=int, default=DEFAULT_SLACK_PORT)
    args = parser.parse_args(argv)
    with serving(args.out, args.smtp_port, args.slack_port):
        print(
            f"local SMTP on 127.0.0.1:{args.smtp_port}, Slack Web API on "
            f"127.0.0.1:{args.slack_port}; messages land in {args.out}/",
            flush=True,
        )
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
