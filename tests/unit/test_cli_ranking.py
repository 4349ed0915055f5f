"""`coalition-watch diff`: the JSON carries score, reasons and tone; the text is ranked."""

from __future__ import annotations

import json
import re

from tests.conftest import SEED_2020, SEED_2021


def test_diff_json_gives_each_substantive_change_its_score_and_reasons(run_cli) -> None:
    code, out, err = run_cli("diff", SEED_2020, SEED_2021, "--json")
    assert code == 0, err
    changes = json.loads(out)["changes"]
    substantive = [c for c in changes if c["significance"] == "substantive"]
    assert substantive and all(c["score"] > 0 and c["reasons"] for c in substantive)
    assert all({"score", "reasons", "tone", "label"} <= set(c) for c in changes)
    assert {c["tone"]["shift"] for c in substantive if c["tone"]} == {"softened", "strengthened"}


def test_diff_text_lists_the_most_significant_first_with_why(run_cli) -> None:
    code, out, _ = run_cli("diff", SEED_2020, SEED_2021, "--color", "never")
    assert code == 0
    scores = [float(s) for s in re.findall(r"\(substantive\)  score ([\d.]+)", out)]
    assert len(scores) == 28 and scores == sorted(scores, reverse=True)
    assert out.index("double suicide attacks in Baghdad") < out.index("Together [+they+] remain")
    assert "  why: whole sentence added" in out and "tone: softened" in out
