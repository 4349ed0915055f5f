"""The environment is read in one place, and every YAML file the same way."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coalition_watch import jobs, settings
from coalition_watch.config_files import PACKAGED_CONFIG, config_path, read_yaml
from coalition_watch.errors import ConfigError, SettingError


def test_unset_variables_give_the_documented_defaults(monkeypatch, tmp_path):
    monkeypatch.delenv(settings.DB_URL_ENV)
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    current = settings.current()
    assert current.db_url == f"sqlite:///{tmp_path.resolve() / 'coalition_watch.db'}"
    assert current.config_dir is None and current.replay_url is None
    assert current.alert_horizon_days == 30
    assert current.poll_schedule == "*/15 * * * *"
    assert current.timezone == "Europe/Berlin"
    assert (current.raw_retention_days, current.ledger_retention_days) == (365, 400)


def test_values_are_typed(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.CONFIG_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(settings.LINK_BASE_ENV, "https://watch.example.org/ui/")
    monkeypatch.setenv(settings.RAW_RETENTION_ENV, "90")
    monkeypatch.setenv(settings.POLL_SCHEDULE_ENV, "@hourly")
    current = settings.current()
    assert current.config_dir == tmp_path
    assert current.link_base == "https://watch.example.org/ui"
    assert current.raw_retention_days == 90
    assert current.poll_schedule == "@hourly"


def test_a_blank_optional_value_counts_as_unset(monkeypatch):
    monkeypatch.setenv(settings.LINK_BASE_ENV, "")
    monkeypatch.setenv(settings.REPLAY_URL_ENV, "  ")
    assert settings.current().link_base is None
    assert settings.current().replay_url is None


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        (settings.DB_URL_ENV, "store.db", "expected a database URL"),
        (settings.CONFIG_DIR_ENV, "/nowhere/at/all", "no such directory: /nowhere/at/all"),
        (settings.REPLAY_URL_ENV, "localhost:8765", "expected an http(s) URL"),
        (settings.LINK_BASE_ENV, "ftp://x.example", "expected an http(s) URL"),
        (settings.HORIZON_ENV, "a month", "expected a number of days"),
        (settings.POLL_SCHEDULE_ENV, "every 15 minutes", "expected a cron expression"),
        (settings.TIMEZONE_ENV, "Europe/Bonn", "unknown time zone 'Europe/Bonn'"),
        (settings.RAW_RETENTION_ENV, "0", "expected at least 1 day"),
        (settings.LEDGER_RETENTION_ENV, "-3", "expected a number of days"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, name, value, problem):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError) as error:
        settings.current()
    message = str(error.value)
    assert message.startswith(f"{name}: ") and problem in message
    assert "\n" not in message and isinstance(error.value, ConfigError)


def test_a_retired_variable_is_refused_with_what_replaces_it(monkeypatch):
    monkeypatch.setenv("COALITION_WATCH_THEMES", "/etc/themes.yaml")
    with pytest.raises(SettingError, match="COALITION_WATCH_THEMES: no longer read: put"):
        settings.current()


def test_a_bad_setting_is_exit_2_on_the_command_line(monkeypatch, run_cli):
    monkeypatch.setenv(settings.HORIZON_ENV, "soon")
    code, out, err = run_cli("process")
    assert code == 2 and not out
    assert err.strip().endswith(
        "COALITION_WATCH_ALERT_HORIZON_DAYS: expected a number of days, got 'soon'"
    )


def test_no_package_module_reads_the_environment_but_settings():
    package = Path(settings.__file__).parent
    readers = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8") or "getenv(" in path.read_text()
    ]
    assert readers == ["settings.py"]


def test_the_config_directory_overrides_each_file_it_holds(monkeypatch, tmp_path):
    (tmp_path / "themes.yaml").write_text("themes: []\n")
    monkeypatch.setenv(settings.CONFIG_DIR_ENV, str(tmp_path))
    assert config_path("themes.yaml") == tmp_path / "themes.yaml"
    assert config_path("sources.yaml") == PACKAGED_CONFIG / "sources.yaml"


def test_selectors_are_overridable_and_read_when_first_needed_not_at_import(tmp_path):
    """A broken deployment selectors.yaml lets the package import, then names itself."""
    (tmp_path / "selectors.yaml").write_text("kinds: {}\ngeneric: {}\ncolours: 1\n")
    script = (
        "from coalition_watch.extract import extract_html\n"
        "from coalition_watch.errors import ConfigError\n"
        "try:\n"
        "    extract_html('<html><body><p>Text</p></body></html>')\n"
        "except ConfigError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"COALITION_WATCH_CONFIG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        done.stdout.strip()
        == f"{tmp_path / 'selectors.yaml'}: colours: unknown key; known: "
        + ("block_pages, defaults, generic, kinds, text_capture")
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("a: 1\na: 2\n", "not valid YAML: duplicate key 'a' (line 2)"),
        ("a: [\n", "not valid YAML"),
        (b"\xff\xfe", "not UTF-8 text"),
    ],
)
def test_every_yaml_file_fails_the_same_way(tmp_path, content, problem):
    path = tmp_path / "any.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ConfigError) as error:
        read_yaml(path)
    assert str(error.value).startswith(f"{path}: {problem}")
    with pytest.raises(ConfigError) as error:
        read_yaml(tmp_path / "none.yaml")
    assert str(error.value) == f"{tmp_path / 'none.yaml'}: file not found"


@pytest.mark.parametrize("enabled", ["false", "no", 0])
def test_the_dag_source_list_is_the_validated_one(monkeypatch, tmp_path, enabled):
    """`enabled: "false"` is a mistake to report, not a truthy string that enables."""
    sources = yaml.safe_load((PACKAGED_CONFIG / "sources.yaml").read_text())
    sources["sources"][0]["enabled"] = enabled
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(sources))
    monkeypatch.setenv(settings.CONFIG_DIR_ENV, str(tmp_path))
    first = sources["sources"][0]["id"]
    with pytest.raises(ConfigError, match=rf"sources\[{first}\]\.enabled: expected true or false"):
        jobs.source_ids()
    with pytest.raises(ConfigError, match="enabled: expected true or false"):
        jobs.source_groups()


def test_a_disabled_source_leaves_the_dag_source_list(monkeypatch, tmp_path):
    sources = yaml.safe_load((PACKAGED_CONFIG / "sources.yaml").read_text())
    sources["sources"][0]["enabled"] = False
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(sources))
    monkeypatch.setenv(settings.CONFIG_DIR_ENV, str(tmp_path))
    assert sources["sources"][0]["id"] not in jobs.source_ids()
    assert all(sources["sources"][0]["id"] not in g.source_ids for g in jobs.source_groups())


def test_the_light_kind_list_names_every_adapter():
    from coalition_watch.source_entries import KINDS
    from coalition_watch.sources import ADAPTERS

    assert tuple(sorted(ADAPTERS)) == KINDS


def test_the_readme_documents_every_setting_and_no_other():
    readme = (Path(settings.__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(COALITION_WATCH_\w+)` \|", readme, re.M))
    assert documented == {variable.name for variable in settings.VARIABLES}
