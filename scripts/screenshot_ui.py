"""Screenshot the statements UI with a real headless Chromium: the seed pair's diff page.

    python scripts/screenshot_ui.py [--pair tests/data/diff/seed_pair.yaml] [--out docs/img]

Builds a throwaway SQLite store holding the two seed communiques (2020 and 2021 meetings),
diffs and classifies them with the project's engines, serves the app on a free local port
and lets Chromium (Debian package `chromium`) save PNGs of the operators' diff, the series
chart, and the public page a message's signed link opens for a reader of Military and
Africa, at 400 and 1200 px wide. Prints the files written and their pixel sizes.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
import yaml

from coalition_watch import jobs
from coalition_watch.classify import Classifier
from coalition_watch.diff import diff_documents
from coalition_watch.errors import BadInput
from coalition_watch.links import issue_token, shared_path
from coalition_watch.model import Document
from coalition_watch.process import classify_diff
from coalition_watch.settings import LINK_SECRET_ENV as SECRET_ENV
from coalition_watch.store import Store, open_store
from coalition_watch.themes import load_themes
from coalition_watch.ui import create_app

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.kit lives in the checkout, not the package
from tests.kit.scale import SERIES as SCALE_SERIES  # noqa: E402
from tests.kit.scale import fill_meetings  # noqa: E402

DEFAULT_PAIR = ROOT / "tests" / "data" / "diff" / "seed_pair.yaml"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
)  # fmt: skip
SERIES = "small_group_ministerial"  # as coalition_watch.series infers it for the seeds
READER_THEMES = ("military", "africa")  # whose signed link the public page is shown for


def load_pair(path: Path) -> tuple[Document, Document]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return tuple(  # type: ignore[return-value]
            Document(
                title=data[side]["title"],
                paragraphs=tuple(data[side]["paragraphs"]),
                published=str(data[side]["published"]),
                language="en",
            )
            for side in ("old", "new")
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise BadInput(f"{path}: not a seed pair file with old/new documents ({exc})") from exc


def fill_store(store: Store, old: Document, new: Document) -> int:
    """Store both meetings and their series comparison; return the comparison id."""
    versions = [
        store.record_version(
            source="aa-en", url=f"urn:coalition-watch:seed:{doc.published}", document=doc,
            series=SERIES,
        )[0]
        for doc in (old, new)
    ]  # fmt: skip
    diff = diff_documents(versions[0].document, versions[1].document)
    classify_diff(diff, Classifier(load_themes()))  # as the pipeline does, evidence included
    comparison_id, _ = store.save_comparison(versions[0], versions[1], "series", diff)
    return comparison_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(store: Store, port: int) -> uvicorn.Server:
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the UI did not start on port {port}")
        time.sleep(0.05)
    return server


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def screenshot(chromium: str, url: str, out: Path, size: str, profile: Path) -> tuple[int, int]:
    out.unlink(missing_ok=True)
    cmd = [
        chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={out}",
        f"--window-size={size}", url,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if not out.exists():
        raise RuntimeError(f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr}")
    return png_size(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", type=Path, default=DEFAULT_PAIR, help="seed pair YAML")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="PNG directory")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        print(f"error: no Chromium at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        old, new = load_pair(args.pair)
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cw-shot-") as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'store.db'}")
        store.migrate()
        comparison_id = fill_store(store, old, new)
        if not os.environ.get(SECRET_ENV):  # `make screenshot` passes one; else this run's own
            os.environ[SECRET_ENV] = secrets.token_urlsafe(32)
        token = issue_token(comparison_id, READER_THEMES, secret=os.environ[SECRET_ENV])
        shared = shared_path(comparison_id, token)
        # the UI at a real scale: thirty meetings of another series-sized store
        scale = open_store(f"sqlite:///{Path(tmp) / 'scale.db'}")
        scale.migrate()
        fill_meetings(scale)
        # diffed and classified as the pipeline would, quietly: the index links comparisons
        jobs.processor(f"sqlite:///{Path(tmp) / 'scale.db'}").run("quiet")
        port = free_port()
        server = serve(store, port)
        scale_port = free_port()
        scale_server = serve(scale, scale_port)
        base = f"http://127.0.0.1:{port}"
        shots = {
            "ui-diff.png": (f"{base}/comparisons/{comparison_id}?significance=substantive",
                            "1400,1000"),
            "ui-series.png": (f"{base}/series/{SERIES}", "1400,900"),
            "shared-400.png": (base + shared, "400,2400"),
            "shared-1200.png": (base + shared, "1200,1700"),
            "ui-series-30.png": (f"http://127.0.0.1:{scale_port}/series/{SCALE_SERIES}",
                                 "1400,1300"),
            "ui-index-30.png": (f"http://127.0.0.1:{scale_port}/", "1400,1000"),
        }  # fmt: skip
        try:
            for name, (url, size) in shots.items():
                width, height = screenshot(args.chromium, url, args.out / name, size, Path(tmp))
                print(f"{args.out / name}: {width}x{height} px from {url.removeprefix(base)}")
        finally:
            server.should_exit = True
            scale_server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
