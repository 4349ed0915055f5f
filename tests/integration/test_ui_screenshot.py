"""End to end: a real headless Chromium renders the seed diff served by the statements app."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshot_ui.py"


def load_script():
    spec = importlib.util.spec_from_file_location("screenshot_ui", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_chromium_screenshots_the_seed_diff_and_the_series_chart(tmp_path, capsys):
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI requires Chromium (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    script = load_script()
    assert script.main(["--out", str(tmp_path), "--chromium", chromium]) == 0
    diff_png, series_png = tmp_path / "ui-diff.png", tmp_path / "ui-series.png"
    assert script.png_size(diff_png) == (1400, 1000)
    assert script.png_size(series_png) == (1400, 900)
    # A blank or error page compresses to a few kilobytes; rendered text and a chart do not.
    assert diff_png.stat().st_size > 50_000 and series_png.stat().st_size > 30_000
    assert "ui-diff.png: 1400x1000 px" in capsys.readouterr().out
    # The page a signed link opens, for a reader of Military and Africa, phone and desktop.
    assert script.png_size(tmp_path / "shared-400.png") == (400, 2400)
    assert script.png_size(tmp_path / "shared-1200.png") == (1200, 1700)
    assert (tmp_path / "shared-400.png").stat().st_size > 100_000  # the page, not a refusal


def test_the_script_rejects_a_file_that_is_not_a_seed_pair(tmp_path, capsys):
    bad = tmp_path / "pair.yaml"
    bad.write_text("old: [1, 2]\n")
    chromium = shutil.which("chromium") or "/bin/sh"  # any existing file passes the first check
    assert load_script().main(["--pair", str(bad), "--chromium", chromium]) == 2
    assert "not a seed pair file" in capsys.readouterr().err
