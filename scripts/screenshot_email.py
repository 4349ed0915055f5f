"""Render the HTML part of a delivered email in headless Chromium, to see it as a reader.

    python scripts/screenshot_email.py [EML] [--out docs/img] [--widths 400,1200]

Default EML: the newest `demo-output/email/*.eml` that compares two meetings (run
`make demo` first); `coalition-watch render DIFF.json --channel email --themes a,b > x.eml`
previews any reader. Writes email-<width>.png per width, as a phone and a desktop mail
client would show it. Uses the same Chromium settings as scripts/screenshot_ui.py.
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
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="PNG directory")
    parser.add_argument("--widths", default="400,1200", help="viewport widths in px")
    parser.add_argument("--height", type=int, default=2600, help="viewport height in px")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    eml = args.eml or pick_email(ROOT / "demo-output" / "email")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    html = message.get_body(("html",))
    if html is None:
        raise SystemExit(f"error: {eml} has no HTML part")
    try:
        widths = [int(w) for w in args.widths.split(",")]
    except ValueError:
        print(
            f"error: --widths: expected numbers like 400,1200, not {args.widths!r}", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "email.html"
        page.write_text(html.get_content(), encoding="utf-8")
        args.out.mkdir(parents=True, exist_ok=True)
        for width in widths:
            out = args.out / f"email-{width}.png"
            size = screenshot(
                args.chromium, page.as_uri(), out, f"{width},{args.height}", Path(tmp) / "p"
            )
            print(f"{eml.name} ({message['Subject']}) -> {out} {size[0]}x{size[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
