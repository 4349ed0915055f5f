"""The archive as a tool, end to end on a fresh store, as issue 14's "done when" says:
`db upgrade` twice, `ingest` of the two seeds (one series comparison, again none),
`search`, `export` as CSV and Atom, and `reprocess` that queues nothing."""

from __future__ import annotations

import csv
import io
import json

from lxml import etree

from tests.conftest import SEED_2020, SEED_2021

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def cli_json(run_cli, *args):
    code, out, err = run_cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_archive_as_a_tool_on_a_fresh_store(fresh_store_url, run_cli):
    for _ in range(2):
        code, _, err = run_cli("db", "upgrade")
        assert code == 0, err

    first = cli_json(run_cli, "ingest", SEED_2020, SEED_2021)
    assert [c["kind"] for c in first["comparisons"]] == ["series"]
    again = cli_json(run_cli, "ingest", SEED_2020, SEED_2021)
    assert again["versions"] == [] and again["comparisons"] == []

    by_date = {v["published"]: v["statement_id"] for v in first["versions"]}
    kadhimi = cli_json(run_cli, "search", "Kadhimi")["hits"]
    assert [h["statement_id"] for h in kadhimi] == [by_date["2020-06-04"]]
    erbil = cli_json(run_cli, "search", "Erbil")["hits"]
    assert [h["statement_id"] for h in erbil] == [by_date["2021-03-30"]]

    code, out, _ = run_cli("export", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == first["comparisons"][0]["substantive"]
    assert all(r["comparison_id"] == str(first["comparisons"][0]["id"]) for r in rows)
    assert any(r["themes"] for r in rows)

    code, out, _ = run_cli("export", "--format", "atom", "--theme", "africa")
    assert code == 0
    feed = etree.fromstring(out.encode())
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findall("a:entry", ATOM)

    report = cli_json(run_cli, "reprocess")
    assert report["queued_messages"] == 0
    assert report["versions_checked"] == 2 and report["comparisons_checked"] == 1
