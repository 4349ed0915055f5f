"""`coalition-watch`: the command line. Thin: parse, call the package, print.

Exit codes: 0 success, 2 bad input (one line on stderr naming the input), 1 unexpected
failure. A user's mistake never prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from coalition_watch.errors import BadInput, CoalitionWatchError, ExtractionError, FetchError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `producer | head`
CHANNELS = ("email", "slack")
EMAIL_PARTS = ("text", "html", "mime")  # as coalition_watch.render, without importing it


PROG = "coalition-watch"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other bad input
        command = self.prog.removeprefix(PROG).strip()  # "diff", or "" for the top level
        raise BadInput(f"{command}: {message}" if command else message)


def _print_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _document(path: str):
    from coalition_watch.extract import extract_path

    return extract_path(Path(path))


def cmd_extract(args) -> int:
    doc = _document(args.path)
    if args.json:
        _print_json(doc.to_json())
        return EXIT_OK
    print(doc.title)
    print(f"published: {doc.published or 'unknown'}   language: {doc.language or 'unknown'}")
    print()
    for paragraph in doc.paragraphs:
        print(paragraph, end="\n\n")
    return EXIT_OK


def _classifier():
    from coalition_watch.classify import Classifier
    from coalition_watch.themes import load_themes

    return Classifier(load_themes())


def cmd_diff(args) -> int:
    from coalition_watch.console import format_diff
    from coalition_watch.diff import diff_documents
    from coalition_watch.process import classify_diff

    old, new = _document(args.old), _document(args.new)
    diff = diff_documents(old, new)
    classify_diff(diff, _classifier())
    if args.json:
        _print_json(diff.to_json())
    else:
        color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
        sys.stdout.write(format_diff(diff, color=color))
    return EXIT_OK


def cmd_classify(args) -> int:
    doc = _document(args.path)
    classifier = _classifier()
    paragraphs = []
    for text in doc.paragraphs:
        matches = classifier.classify(text, doc.language)
        paragraphs.append({"text": text, "themes": [m.to_json() for m in matches]})
    if args.json:
        _print_json({"paragraphs": paragraphs})
        return EXIT_OK
    for i, item in enumerate(paragraphs, 1):
        tags = (
            "; ".join(f"{t['id']} ({', '.join(t['evidence'])})" for t in item["themes"])
            or "(no theme)"
        )
        print(f"[{i}] {tags}\n    {item['text'][:160]}{'…' if len(item['text']) > 160 else ''}")
    return EXIT_OK


def cmd_themes(args) -> int:
    from coalition_watch.themes import load_themes

    taxonomy = load_themes()
    rows = taxonomy.to_json()
    if args.json:
        _print_json(rows)
        return EXIT_OK
    for row in rows:
        # Descriptions often open with the label ("Syria: the political process..."):
        # show each once, the description on its own line.
        description = " ".join((row.get("description") or "").split())
        description = description.removeprefix(f"{row['label']}:").strip()
        print(f"{row['id']:<16} {row['label']}")
        if description:
            print(f"{'':<16} {description}")
    return EXIT_OK


def cmd_render(args) -> int:
    from coalition_watch.json_input import JsonInputError, parse_json
    from coalition_watch.render import render_diff_json

    path = Path(args.diff_json)
    text = _read_text(path)
    try:
        data = parse_json(text)
    except JsonInputError as exc:
        raise BadInput(f"{path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("changes"), list):
        raise BadInput(f"{path}: not a diff (expected an object with a 'changes' list)")
    sys.stdout.write(
        render_diff_json(
            data, args.channel, args.template, _reader_themes(args.themes), part=args.part
        )
    )
    return EXIT_OK


def _reader_themes(raw: str | None) -> tuple[str, ...]:
    """`--themes a,b` checked against the taxonomy; none given: every theme."""
    from coalition_watch.themes import load_themes

    if raw is None:
        return ()
    ids = tuple(t.strip() for t in raw.split(",") if t.strip())
    if not ids:
        raise BadInput("--themes: give theme ids separated by commas, e.g. military,africa")
    known = load_themes().ids
    if unknown := [t for t in ids if t not in known]:
        raise BadInput(
            f"--themes: unknown theme {', '.join(map(repr, unknown))}; known: {', '.join(known)}"
        )
    return ids


def _read_text(path: Path) -> str:
    from coalition_watch.input_files import read_input_file

    raw = read_input_file(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None


def cmd_fetch(args) -> int:
    from coalition_watch.poll import fetch_one

    doc = fetch_one(args.url)
    if args.json:
        _print_json(doc.to_json())
    else:
        print(doc.title, doc.published or "", sep="\n")
        print(*doc.paragraphs, sep="\n\n")
    return EXIT_OK


def cmd_db(args) -> int:
    from coalition_watch.store import open_store

    store = open_store(args.db)
    before, after = store.migrate()
    url = store.engine.url.render_as_string(hide_password=True)
    if before == after:
        print(f"store {url} is at revision {after}, the newest: nothing to do")
    else:
        print(f"store {url} upgraded from revision {before or '(empty)'} to {after}")
    return EXIT_OK


def cmd_ingest(args) -> int:
    from coalition_watch import jobs

    result = jobs.ingest_files(
        args.paths,
        source=args.source,
        url=args.url,
        series=args.series,
        mode=args.mode,
        db_url=args.db,
    )
    if args.json:
        _print_json(result)
        return EXIT_OK
    versions, comparisons = result["versions"], result["comparisons"]
    print(f"{len(args.paths)} file(s): {len(versions)} new version(s)")
    for v in versions:
        print(f"  version {v['id']}  {v['published'] or '????-??-??'}  {v['series']}  {v['title']}")
    print(f"{len(comparisons)} new comparison(s)")
    for c in comparisons:
        print(
            f"  comparison {c['id']} ({c['kind']}): version {c['old']} -> {c['new']}, "
            f"{c['substantive']} substantive change(s)"
        )
    print(f"{result['queued_messages']} message(s) queued")
    return EXIT_OK


def _iso_date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def cmd_reprocess(args) -> int:
    from coalition_watch import jobs

    report = jobs.reprocess(
        since=args.since, statement_id=args.statement, alert=args.alert, db_url=args.db
    )
    if args.json:
        _print_json(report)
        return EXIT_OK
    print(
        f"{report['versions_checked']} version(s) read again, "
        f"{len(report['versions_changed'])} with a different text"
    )
    for v in report["versions_changed"]:
        note = f" ({v['left_alone']})" if "left_alone" in v else ""
        print(
            f"  version {v['id']}: {v['paragraphs_before']} -> {v['paragraphs_after']} "
            f"paragraph(s){note}  {v['url']}"
        )
    for v in report["versions_skipped"]:
        print(f"  version {v['id']} skipped: {v['reason']}")
    print(
        f"{report['comparisons_checked']} comparison(s) diffed again, "
        f"{len(report['comparisons_changed'])} changed"
    )
    for c in report["comparisons_changed"]:
        print(
            f"  comparison {c['id']} ({c['kind']}): {c['substantive_before']} -> "
            f"{c['substantive_after']} substantive change(s), {c['new_substantive']} new, "
            f"{c['gone_substantive']} gone"
        )
    print(f"{report['queued_messages']} message(s) queued")
    return EXIT_OK


def cmd_search(args) -> int:
    import html
    import re

    from coalition_watch import jobs

    if not args.query.strip():
        raise BadInput("search: QUERY is empty")
    hits = jobs.search(
        args.query,
        theme=args.theme,
        series=args.series,
        since=args.since,
        limit=args.limit,
        db_url=args.db,
    )
    if args.json:
        _print_json({"hits": hits})
        return EXIT_OK
    bold = sys.stdout.isatty()
    for hit in hits:
        marked = re.sub(
            r"<mark>(.*?)</mark>",
            (lambda m: f"\033[1m{m.group(1)}\033[0m") if bold else (lambda m: f"*{m.group(1)}*"),
            hit["snippet"],
        )
        print(f"{hit['published'] or '????-??-??'}  {hit['title']}  [{hit['source']}]")
        print(f"    statement {hit['statement_id']}: {html.unescape(marked)}")
    if not hits:
        print(f"no statement matches {args.query!r}")
    return EXIT_OK


def cmd_export(args) -> int:
    from coalition_watch import jobs

    output = jobs.export_changes(
        args.format, theme=args.theme, series=args.series, since=args.since, db_url=args.db
    )
    if isinstance(output, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(output)
    else:
        sys.stdout.write(output)
    return EXIT_OK


def cmd_feed_link(args) -> int:
    """Print the signed address of a theme's or a series' Atom feed, for a feed reader."""
    from coalition_watch.links import reader_feed_link
    from coalition_watch.series import SERIES
    from coalition_watch.settings import LINK_SECRET_ENV
    from coalition_watch.themes import load_themes

    if args.theme:
        if args.theme not in load_themes().ids:
            raise BadInput(f"feed-link: --theme: unknown theme {args.theme!r}")
        kind, key = "themes", args.theme
    else:
        if args.series not in SERIES:
            raise BadInput(f"feed-link: --series: unknown series {args.series!r}")
        kind, key = "series", args.series
    link = reader_feed_link(kind, key)
    if link is None:
        raise BadInput(
            "feed-link: feeds cannot be signed here: set COALITION_WATCH_LINK_BASE and "
            f"{LINK_SECRET_ENV} (or the Airflow variable or connection, see docs/alerts.md)"
        )
    print(link)
    return EXIT_OK


def cmd_poll(args) -> int:
    from coalition_watch import jobs

    outcomes = jobs.poll_sources(args.source or None, db_url=args.db)
    _print_json([o.to_json() for o in outcomes]) if args.json else print(
        *(o.summary() for o in outcomes), sep="\n"
    )
    return EXIT_OK if all(o.status != "error" for o in outcomes) else EXIT_FAILURE


def cmd_process(args) -> int:
    from coalition_watch import jobs

    report = jobs.process_versions(mode=args.mode, db_url=args.db)
    _print_json(report.to_json())
    return EXIT_OK


def cmd_deliver(args) -> int:
    from coalition_watch import jobs

    report = jobs.deliver_messages(db_url=args.db)
    _print_json(report.to_json())
    return EXIT_OK if not report.failed else EXIT_FAILURE


def cmd_sources_check(args) -> int:
    from coalition_watch import jobs
    from coalition_watch.settings import REPLAY_URL_ENV, current
    from coalition_watch.sources.check import check_client, check_sources

    sources = jobs.enabled_sources(args.source or None)
    replay_url = None if args.live else current().replay_url
    if not args.live and not replay_url:
        # The replay server is a development tool (tests/kit), not part of the package.
        raise BadInput(
            f"sources check: no replay server: set {REPLAY_URL_ENV} to one (start it with "
            "`python -m tests.kit.replay_server --scenario all-sources` in a checkout) "
            "or pass --live"
        )
    results = check_sources(sources, check_client(replay_url=replay_url))
    if args.json:
        _print_json([r.to_json() for r in results])
    else:
        where = "the live sites" if args.live else f"the replay at {replay_url}"
        print(f"checking {len(results)} source(s) against {where}\n")
        for result in results:
            print(*result.lines(), sep="\n", end="\n\n")
        failed = [r.source for r in results if not r.ok]
        print(
            f"{len(results) - len(failed)} ok, {len(failed)} failed"
            + (f": {', '.join(failed)}" if failed else "")
        )
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILURE


def cmd_record(args) -> int:
    from coalition_watch.poll import make_client
    from coalition_watch.recorder import record

    recordings = record(args.urls, Path(args.into), make_client(), state=args.state)
    for recording in recordings:
        print(recording.line())
    print(
        f"{len(recordings)} response(s) recorded into {args.into}; replay them with the "
        f"`recorded` scenario"
    )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from coalition_watch import __version__

    parser = _Parser(
        prog=PROG,
        description="Watch Global Coalition against Daesh/ISIS statements change.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, func: Callable, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    p = add("extract", cmd_extract, "Extract the statement body from a saved page or text capture.")
    p.add_argument("path", help="a .html/.htm page, a .txt text capture or a gov.uk .json item")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("diff", cmd_diff, "Compare two statements (files as for extract).")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--json", action="store_true", help="print the JSON contract")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    p = add("classify", cmd_classify, "Tag each paragraph of a statement with themes.")
    p.add_argument("path")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("themes", cmd_themes, "List the theme taxonomy.")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("render", cmd_render, "Print the message that would be sent for a diff.")
    p.add_argument("diff_json", help="a file holding `coalition-watch diff --json` output")
    p.add_argument("--channel", required=True, choices=CHANNELS)
    p.add_argument(
        "--template",
        default="auto",
        choices=("auto", "new_statement", "revised_statement", "daily_digest", "operator_alert"),
        help="which message to preview (default: new or revised statement, from the dates)",
    )
    p.add_argument(
        "--themes",
        help="the reader's theme ids, comma-separated (default: a reader of every theme)",
    )
    p.add_argument(
        "--part",
        choices=EMAIL_PARTS,
        default="text",
        help="email only: the text part under its headers (default), the HTML part, or the "
        "whole MIME message as sent",
    )

    p = add("fetch", cmd_fetch, "Fetch and extract one URL through the polling code path.")
    p.add_argument("url")
    p.add_argument("--json", action="store_true", help="print JSON")

    db_help = "store URL (default: $COALITION_WATCH_DB_URL or a SQLite file)"
    p = add("db", cmd_db, "Create or upgrade the project store (schema migrations).")
    p.add_argument("action", choices=("upgrade", "init"), help="init is an alias of upgrade")
    p.add_argument("--db", help=db_help)

    p = add("ingest", cmd_ingest, "Load saved pages or text captures as a backfill would.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a .html/.htm, .txt or .json file")
    p.add_argument("--source", help="source id to file them under (default: from the URL)")
    p.add_argument("--url", help="the page's real address (one PATH only)")
    p.add_argument("--series", help="series id (default: inferred from each statement)")
    p.add_argument(
        "--mode",
        choices=("quiet", "digest", "normal"),
        default="quiet",
        help="who hears about them (default: quiet, nobody)",
    )
    p.add_argument("--db", help=db_help)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add(
        "reprocess",
        cmd_reprocess,
        "Re-extract, re-diff and re-classify stored statements with today's code and rules.",
    )
    p.add_argument("--since", type=_iso_date, help="statements published on or after DATE")
    p.add_argument("--statement", type=int, metavar="ID", help="one statement")
    p.add_argument(
        "--alert",
        action="store_true",
        help="queue messages for comparisons with new substantive changes (default: none)",
    )
    p.add_argument("--db", help=db_help)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("search", cmd_search, "Search every stored statement (English and German stems).")
    p.add_argument("query", help="words that must all appear (any inflection)")
    p.add_argument("--theme", help="only where a matching paragraph is about this theme")
    p.add_argument("--series", help="only statements of this series")
    p.add_argument("--since", type=_iso_date, help="statements published on or after DATE")
    p.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    p.add_argument("--db", help=db_help)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("export", cmd_export, "Print one row per substantive change (CSV, JSON or Atom).")
    p.add_argument("--format", required=True, choices=("csv", "json", "atom"))
    p.add_argument("--theme", help="only changes about this theme")
    p.add_argument("--series", help="only statements of this series")
    p.add_argument("--since", type=_iso_date, help="statements published on or after DATE")
    p.add_argument("--db", help=db_help)

    p = add("feed-link", cmd_feed_link, "Print the signed address of an Atom feed.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--theme", help="the feed of one theme")
    which.add_argument("--series", help="the feed of one series")

    p = add("poll", cmd_poll, "Poll sources once and store new versions (no Airflow needed).")
    p.add_argument("--source", action="append", help="source id (repeatable; default: all)")
    p.add_argument("--db", help=db_help)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("process", cmd_process, "Diff and classify new versions, queue alerts.")
    p.add_argument("--mode", choices=("normal", "digest", "quiet"), default="normal")
    p.add_argument("--db", help=db_help)

    p = add("deliver", cmd_deliver, "Send queued messages through the Airflow connections.")
    p.add_argument("--db", help=db_help)

    p = add("sources", cmd_sources_check, "Check that each source still reads as expected.")
    p.add_argument("action", choices=("check",))
    p.add_argument("--source", action="append", help="source id (repeatable; default: all)")
    p.add_argument("--live", action="store_true", help="read the live sites, not the replay")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("record", cmd_record, "Record live responses into the replay archive.")
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument("--into", required=True, help="the replay archive's root, e.g. replay/")
    p.add_argument("--state", help="scenario state to add them to (default: today's date)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            format="%(levelname)s %(name)s: %(message)s",
        )
        return args.func(args)
    except (BadInput, FetchError, ExtractionError) as exc:
        # A page that cannot be read, or holds no statement, is the input's fault here.
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CoalitionWatchError as exc:
        print(f"{PROG}: failed: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        return _reader_went_away()
    except KeyboardInterrupt:
        return 130


def _reader_went_away() -> int:
    """The output was piped into a reader that stopped (`| head`): end quietly, as other
    tools do, with the shell's status for a pipe closed under a writer (128 + SIGPIPE)."""
    import os

    # Python flushes stdout again at exit; point it at /dev/null so that flush is silent.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
