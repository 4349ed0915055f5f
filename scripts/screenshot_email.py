"""Render the HTML part of a delivered email in headless Chromium, to see it as a reader.

    python scripts/screenshot_email.py [EML] [--out docs/img/email.png]

Default EML: the newest `demo-output/email/*.eml` that compares two meetings (run
`make demo` first). Uses the same Chromium settings as scripts/screenshot_ui.py.
"""

from __future__ import annotations

import argparse
import email
import shutil
import sys
import tempfile
from email import policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from screenshot_ui import screenshot  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def pick_email(folder: Path) -> Path:
    candidates = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime)
    compared = [p for p in candidates if b"since" in p.read_bytes()[:4000]]
    if not (compared or candidates):
        raise SystemExit(f"error: no .eml in {folder}; run `make demo` first")
    return (compared or candidates)[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eml", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "email.png")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    eml = args.eml or pick_email(ROOT / "demo-output" / "email")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    html = message.get_body(("html",))
    if html is None:
        raise SystemExit(f"error: {eml} has no HTML part")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "email.html"
        page.write_text(html.get_content(), encoding="utf-8")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        size = screenshot(args.chromium, page.as_uri(), args.out, "900,1400", Path(tmp) / "p")
    print(f"{eml.name} ({message['Subject']}) -> {args.out} {size[0]}x{size[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
