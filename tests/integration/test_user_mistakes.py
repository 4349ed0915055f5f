"""A user's mistake ends in one line naming the input and what is wrong, and exit 2.

One parametrised test per family of mistakes: configuration files, database URLs, files
given to the CLI, URLs given to `fetch`, output cut off by the reader, and concurrent runs.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coalition_watch.model import Document
from coalition_watch.store import open_store
from tests.conftest import SEED_2020, SEED_2021

CLI = [sys.executable, "-c", "import sys; from coalition_watch.cli import main; sys.exit(main())"]
LATIN1 = "Kurdistan: région autonome\n".encode("latin-1")


def assert_one_clear_line(code: int, err: str, named: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert named in err, err
    assert err.count("error:") == 1


# -- configuration files ------------------------------------------------------------------
CONFIG_MISTAKES = {
    "sources.yaml not UTF-8": ("sources.yaml", ["poll"], "not UTF-8"),
    "subscriptions.yaml not UTF-8": ("subscriptions.yaml", ["deliver"], "not UTF-8"),
    "themes.yaml not UTF-8": ("themes.yaml", ["themes"], "not UTF-8"),
    "subscriptions.yaml is a directory": ("subscriptions.yaml", ["deliver"], "directory"),
    "themes.yaml is a directory": ("themes.yaml", ["themes"], "directory"),
}


@pytest.mark.parametrize("case", list(CONFIG_MISTAKES))
def test_a_broken_configuration_file_is_named(run_cli, tmp_path, monkeypatch, case):
    name, command, problem = CONFIG_MISTAKES[case]
    config = tmp_path / "config"
    config.mkdir()
    if "directory" in case:
        (config / name).mkdir()  # never a silent fall back to the packaged file
    else:
        (config / name).write_bytes(b"# " + LATIN1)
    monkeypatch.setenv("COALITION_WATCH_CONFIG_DIR", str(config))
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    open_store(db).migrate()
    args = [*command, "--db", db] if command[0] in ("poll", "deliver") else command
    code, _, err = run_cli(*args)
    assert_one_clear_line(code, err, str(config / name))
    assert problem in err


# -- database URLs ------------------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DATABASE_MISTAKES = {
    "unknown kind": (lambda tmp: "garbage://x", "unknown kind of database 'garbage'"),
    "not a URL": (lambda tmp: "not a url", "is not a URL"),
    "a text file": (lambda tmp: _write(tmp / "notes.db", b"hello\n" * 100), "not a database"),
    "random bytes": (
        lambda tmp: _write(tmp / "noise.db", random.Random(7).randbytes(8192)),
        "not a database",
    ),
    "PostgreSQL refusing": (
        lambda tmp: f"postgresql://watch:secret@127.0.0.1:{_closed_port()}/watch",
        "Connection refused",
    ),
    "driver not installed": (lambda tmp: "mysql://u@127.0.0.1/x", "driver is not installed"),
}


def _write(path, data: bytes) -> str:
    path.write_bytes(data)
    return f"sqlite:///{path}"


@pytest.mark.parametrize("command", ["db init", "process", "deliver"])
@pytest.mark.parametrize("case", list(DATABASE_MISTAKES))
def test_a_database_url_that_names_no_store_is_one_line(run_cli, tmp_path, case, command):
    make_url, problem = DATABASE_MISTAKES[case]
    url = make_url(tmp_path)
    code, _, err = run_cli(*command.split(), "--db", url)
    assert_one_clear_line(code, err, problem)
    assert "secret" not in err  # a password never reaches the terminal


# -- files given to the CLI ---------------------------------------------------------------
def _random_text_like_bytes(size: int) -> bytes:
    """Random bytes without a single NUL: what a binary sniffed by NULs alone lets through."""
    rng = random.Random(3)
    return bytes(rng.randrange(1, 256) for _ in range(size))


FILE_MISTAKES = {
    "missing, no suffix": (["extract", "{tmp}/statement"], None, "no such file"),
    "a directory": (["extract", "{tmp}"], None, "is a directory"),
    "binary without NUL (.html)": (["extract", "{tmp}/blob.html"], "binary", "binary file"),
    "binary without NUL (.txt)": (["classify", "{tmp}/blob.txt"], "binary", "binary file"),
    "50 MB page": (["extract", "{tmp}/huge.txt"], "huge", "larger than the 5 MB"),
    "deeply nested JSON to render": (
        ["render", "{tmp}/deep.json", "--channel", "email"],
        "deep",
        "nested too deeply",
    ),
    "deeply nested JSON to extract": (["extract", "{tmp}/deep.json"], "deep", "nested too deeply"),
    "a diff side that is binary": (["diff", str(SEED_2020), "{tmp}/blob.txt"], "binary", "binary"),
}


@pytest.mark.parametrize("case", list(FILE_MISTAKES))
def test_a_file_that_cannot_be_a_statement_is_refused_before_any_work(run_cli, tmp_path, case):
    args, content, problem = FILE_MISTAKES[case]
    args = [a.format(tmp=tmp_path) for a in args]
    named = next(a for a in args if str(tmp_path) in a)
    if content == "binary":
        _random = _random_text_like_bytes(20_000)
        (tmp_path / "blob.html").write_bytes(_random)
        (tmp_path / "blob.txt").write_bytes(_random)
    elif content == "huge":
        with open(tmp_path / "huge.txt", "wb") as f:  # sparse: no 50 MB written to disk
            f.truncate(50 * 1024 * 1024)
            f.seek(0)
            f.write(b"Statement\n")
    elif content == "deep":
        (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run_cli(*args)
    assert_one_clear_line(code, err, named)
    assert problem in err


def test_a_real_statement_still_passes_the_file_checks(run_cli):
    code, out, err = run_cli("extract", SEED_2021)
    assert code == 0, err and "Coalition" in out


# -- URLs given to fetch ------------------------------------------------------------------
class _Redirecting(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(302)
        self.send_header("Location", "http://elsewhere.example/statement")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def redirecting_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


URL_MISTAKES = {
    "unclosed IPv6 address": ("http://[::1", "not a valid URL"),
    "port out of range": ("http://example.org:99999/x", "not a valid URL"),
    "not http": ("ftp://example.org/x", "only http(s)"),
    "redirect to another host": ("{server}/statement", "elsewhere.example is outside"),
}


@pytest.mark.parametrize("case", list(URL_MISTAKES))
def test_fetch_refuses_what_poll_refuses(run_cli, redirecting_server, case):
    url, problem = URL_MISTAKES[case]
    url = url.format(server=redirecting_server)
    code, _, err = run_cli("fetch", url)
    assert_one_clear_line(code, err, url)
    assert problem in err


# -- the command line itself --------------------------------------------------------------
USAGE_MISTAKES = {
    "missing arguments": (["diff"], "error: diff: the following arguments are required"),
    "no command": ([], "error: the following arguments are required: command"),
}


@pytest.mark.parametrize("case", list(USAGE_MISTAKES))
def test_usage_errors_have_one_prefix(run_cli, case):
    args, expected = USAGE_MISTAKES[case]
    code, _, err = run_cli(*args)
    assert_one_clear_line(code, err, expected)
    assert err.startswith("coalition-watch: error: ")


def test_version_and_themes_read_as_a_user_expects(run_cli):
    from coalition_watch import __version__

    with pytest.raises(SystemExit) as done:
        run_cli("--version")
    assert done.value.code == 0
    code, out, _ = run_cli("themes")
    assert code == 0
    assert "Syria: Syria" not in out and "Iraq: Iraq" not in out
    lines = out.splitlines()
    assert lines[lines.index(next(x for x in lines if x.startswith("syria"))) + 1].strip()
    assert __version__


@pytest.mark.parametrize(
    "args",
    [["themes", "--json"], ["diff", str(SEED_2020), str(SEED_2021)], ["extract", str(SEED_2021)]],
    ids=["themes", "diff", "extract"],
)
def test_output_cut_off_by_the_reader_ends_quietly(args):
    """`coalition-watch ... | head -1`: the reader closes the pipe; no BrokenPipeError."""
    child = subprocess.Popen(
        [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    child.stdout.read(1)  # one byte, as `head -c 1` would, then hang up
    child.stdout.close()
    err = child.stderr.read().decode()
    child.wait(120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert child.returncode in (0, 141)  # done before the pipe closed, or cut off


# -- concurrent runs ----------------------------------------------------------------------
def _store_with_unprocessed_versions(url: str, count: int):
    store = open_store(url)
    store.migrate()
    for i in range(count):
        paragraphs = [f"The Ministers met in round {i} and reaffirmed their resolve."] * 3
        store.record_version(
            source="state",
            url=f"https://example.org/statement-{i}",
            document=Document(
                f"Communique {i}", tuple(paragraphs), published=f"2021-03-{i + 1:02d}"
            ),
            series="small-group",
        )
    return store


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_process_runs_at_once_do_the_work_once(tmp_path, request, backend):
    url = (
        f"sqlite:///{tmp_path / 'cw.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    store = _store_with_unprocessed_versions(url, 6)
    env = dict(os.environ, AIRFLOW_HOME=str(tmp_path / "airflow"))
    with store.run_lock("process", wait=0) as held:  # a run at work while both start
        assert held
        runs = [
            subprocess.Popen([*CLI, "process", "--db", url], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]  # fmt: skip
        with pytest.raises(subprocess.TimeoutExpired):
            runs[0].wait(3)  # both wait for the holder rather than starting on the work
        assert len(store.unprocessed_versions()) == 6
    reports = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        reports.append(json.loads(out))
    assert sorted(r["processed"] for r in reports) == [0, 6]
    idle, worker = sorted(reports, key=lambda r: r["processed"])
    assert idle["comparisons"] == 0 and idle["alerts"] == [] and not idle["busy"]
    assert sorted(worker["comparison_ids"]) == store.comparison_ids()  # all of them, once
    assert store.unprocessed_versions() == []
