"""docker-compose.yaml, the Dockerfile and .env.example agree with each other and the project.

There is no container engine here, so the stack is checked as data: the YAML is parsed (with
compose's ${VAR:-default} interpolation against .env.example) and cross-checked.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from coalition_watch.deliver.transports import SlackTransport, SmtpTransport
from coalition_watch.settings import CONFIG_DIR_ENV, DB_URL_ENV

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yaml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
INIT_SCRIPT = ROOT / "docker" / "postgres-init" / "10-coalition-watch.sh"
AIRFLOW_COMPONENTS = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-worker": "celery worker",
    "airflow-triggerer": "triggerer",
}
ONE_OFF = ("airflow-init", "coalition-watch-init")
VAR = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's substitution: ${V}, ${V:-default}, ${V-default}, ${V:?error}; $$ is a $."""

    def sub(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        current = env.get(name)
        if op == ":-" and not current or op == "-" and current is None:
            return arg
        if op in (":?", "?") and not current:
            raise KeyError(f"{name} is required: {arg}")
        return current or ""

    parts = value.split("$$")
    return "$".join(VAR.sub(sub, part) for part in parts)


def resolved_env(service: str, env: dict[str, str]) -> dict[str, str]:
    return {k: interpolate(str(v), env) for k, v in SERVICES[service]["environment"].items()}


@pytest.fixture
def filled_env() -> dict[str, str]:
    """.env.example with the blanks a deployer must fill filled in."""
    return {k: v or f"filled-{k.lower()}" for k, v in env_example().items()}


def compose_variables() -> set[tuple[str, str | None]]:
    text = (ROOT / "docker-compose.yaml").read_text().replace("$$", "")
    return {(m.group(1), m.group(2)) for m in VAR.finditer(text)}


def test_the_official_celery_layout_is_there_with_pinned_images():
    assert {"postgres", "redis", *AIRFLOW_COMPONENTS, "airflow-init"} <= set(SERVICES)
    assert SERVICES["postgres"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7.2-bookworm"
    for name, command in AIRFLOW_COMPONENTS.items():
        assert SERVICES[name]["command"] == command, name


def test_airflow_services_run_the_image_built_from_the_dockerfile():
    for name in [*AIRFLOW_COMPONENTS, *ONE_OFF]:
        svc = SERVICES[name]
        assert svc["build"]["context"] == ".", name
        assert svc["image"] == SERVICES["airflow-apiserver"]["image"], name
    assert (ROOT / "Dockerfile").is_file()


def airflow_pin() -> str:
    (pin,) = re.findall(r"^apache-airflow==(\S+)", (ROOT / "requirements.txt").read_text(), re.M)
    return pin


def test_one_airflow_version_everywhere():
    (arg,) = re.findall(r"^ARG AIRFLOW_VERSION=(\S+)", DOCKERFILE, re.M)
    assert arg == airflow_pin()
    assert SERVICES["airflow-init"]["build"]["args"]["AIRFLOW_VERSION"] == arg
    assert SERVICES["airflow-init"]["image"].endswith(f":{arg}}}")  # default image tag
    assert env_example()["AIRFLOW_IMAGE_NAME"].endswith(f":{arg}")
    assert re.search(r"^FROM apache/airflow:slim-\$\{AIRFLOW_VERSION\}-python", DOCKERFILE, re.M)
    assert '"apache-airflow[celery]==${AIRFLOW_VERSION}"' in DOCKERFILE


def test_the_image_python_matches_the_project_and_the_lock():
    (python,) = re.findall(r"^ARG PYTHON_VERSION=(\S+)", DOCKERFILE, re.M)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["requires-python"] == f">={python}"
    assert f"--python-version {python}" in (ROOT / "requirements.txt").read_text()


def test_the_dockerfile_installs_the_lock_and_the_package_with_what_it_needs():
    assert re.search(r"pip install --no-cache-dir .*\n?.*-r /opt/coalition-watch/requirements.txt",
                     DOCKERFILE)  # fmt: skip
    copied = [src for line in re.findall(r"^COPY (?:--\S+ )*(.+) \S+$", DOCKERFILE, re.M)
              for src in line.split()]  # fmt: skip
    for src in copied:
        assert (ROOT / src).exists(), f"Dockerfile copies missing {src}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = {"requirements.txt", "pyproject.toml", project["project"]["readme"]}
    needed |= set(project["tool"]["setuptools"]["packages"]["find"]["where"])
    assert needed <= set(copied)
    assert "pip install --no-cache-dir --no-deps /opt/coalition-watch" in DOCKERFILE


def test_the_image_carries_the_replay_archive_a_backfill_can_load():
    (root,) = re.findall(r"^ENV COALITION_WATCH_REPLAY_ROOT=(\S+)$", DOCKERFILE, re.M)
    assert re.search(rf"^COPY (?:--\S+ )*replay {re.escape(root)}$", DOCKERFILE, re.M)
    assert (ROOT / "replay" / "history" / "INDEX.yaml").is_file()


def test_the_package_ships_the_ui_templates():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "ui/templates/*" in project["tool"]["setuptools"]["package-data"]["coalition_watch"]


def test_healthchecks_probe_each_service_the_official_way():
    def probe(name: str) -> str:
        return " ".join(SERVICES[name]["healthcheck"]["test"])

    assert "http://localhost:8080/api/v2/version" in probe("airflow-apiserver")
    assert "8080:8080" in SERVICES["airflow-apiserver"]["ports"]
    assert "http://localhost:8974/health" in probe("airflow-scheduler")
    assert "DagProcessorJob" in probe("airflow-dag-processor")
    assert "TriggererJob" in probe("airflow-triggerer")
    assert "inspect ping" in probe("airflow-worker")
    assert "pg_isready" in probe("postgres") and "redis-cli ping" in probe("redis")
    assert "readyz" in probe("mailpit")
    scheduler = resolved_env("airflow-scheduler", {k: "x" for k, _ in compose_variables()})
    assert scheduler["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"


def test_components_start_after_their_dependencies_are_healthy_or_done():
    for name in AIRFLOW_COMPONENTS:
        deps = SERVICES[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
        for init in ONE_OFF:
            assert deps[init]["condition"] == "service_completed_successfully", name
    worker = SERVICES["airflow-worker"]["depends_on"]
    assert worker["airflow-apiserver"]["condition"] == "service_healthy"
    project_init = SERVICES["coalition-watch-init"]["depends_on"]
    assert project_init["airflow-init"]["condition"] == "service_completed_successfully"
    for name, svc in SERVICES.items():
        for dep in svc.get("depends_on", {}):
            assert dep in SERVICES, f"{name} depends on unknown {dep}"
            assert healthchecked_or_one_off(dep, svc["depends_on"][dep]["condition"])


def healthchecked_or_one_off(service: str, condition: str) -> bool:
    if condition == "service_healthy":
        return "healthcheck" in SERVICES[service]
    return condition == "service_completed_successfully" and service in ONE_OFF


def test_dags_plugins_config_and_logs_are_mounted_and_exist():
    mounts = dict(v.rsplit(":", 1) for v in SERVICES["airflow-scheduler"]["volumes"])
    for folder in ("dags", "logs", "config", "plugins"):
        assert mounts[f"${{AIRFLOW_PROJ_DIR:-.}}/{folder}"] == f"/opt/airflow/{folder}"
    assert (ROOT / "plugins" / "coalition_watch_plugin.py").is_file()
    assert any((ROOT / "dags").glob("*.py"))
    pg_mounts = dict(v.split(":", 1) for v in SERVICES["postgres"]["volumes"])
    assert pg_mounts["./docker/postgres-init"] == "/docker-entrypoint-initdb.d:ro"
    assert INIT_SCRIPT.is_file() and os.access(INIT_SCRIPT, os.X_OK)
    assert "postgres-db-volume" in COMPOSE["volumes"]


def test_executor_broker_and_databases_point_at_the_stack(filled_env):
    env = resolved_env("airflow-scheduler", filled_env)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://:@redis:6379/")
    assert 6379 in SERVICES["redis"]["expose"]
    assert "@postgres/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
    assert (
        env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    )


def test_the_project_store_has_its_own_database_and_role(filled_env):
    url = resolved_env("airflow-worker", filled_env)[DB_URL_ENV]
    m = re.fullmatch(r"postgresql\+psycopg2://(\w+):(.+)@postgres/(\w+)", url)
    assert m and m.group(1) == m.group(3) == "coalition_watch"
    assert m.group(2) == filled_env["COALITION_WATCH_DB_PASSWORD"]
    script = INIT_SCRIPT.read_text()
    assert "CREATE ROLE coalition_watch LOGIN" in script
    assert "CREATE DATABASE coalition_watch OWNER coalition_watch" in script
    pg_env = resolved_env("postgres", filled_env)
    assert pg_env["COALITION_WATCH_DB_PASSWORD"] == m.group(2)
    assert "${COALITION_WATCH_DB_PASSWORD" in script  # read from the container env, not inlined


def test_project_config_directory_lives_in_the_mounted_config_folder(filled_env):
    config_dir = resolved_env("airflow-scheduler", filled_env)[CONFIG_DIR_ENV]
    assert config_dir.startswith("/opt/airflow/config/")


def test_smtp_connection_points_at_mailpit_by_default(filled_env):
    env = resolved_env("airflow-worker", filled_env)
    smtp_id = inspect.signature(SmtpTransport).parameters["conn_id"].default
    conn = json.loads(env[f"AIRFLOW_CONN_{smtp_id.upper()}"])
    assert conn["conn_type"] == "smtp" and conn["host"] == "mailpit"
    assert conn["port"] == 1025 and 1025 in SERVICES["mailpit"]["expose"]
    assert conn["extra"]["disable_tls"] is True and conn["extra"]["from_email"]
    assert "8025:8025" in SERVICES["mailpit"]["ports"]


def test_smtp_connection_follows_a_real_relay_from_env(filled_env):
    relay = {**filled_env, "SMTP_HOST": "smtp.example.org", "SMTP_PORT": "587"}
    relay["SMTP_DISABLE_TLS"] = "false"
    conn = json.loads(resolved_env("airflow-worker", relay)["AIRFLOW_CONN_SMTP_DEFAULT"])
    assert (conn["host"], conn["port"], conn["extra"]["disable_tls"]) == (
        "smtp.example.org",
        587,
        False,
    )


def test_slack_connection_takes_its_token_from_env(filled_env):
    env = resolved_env("airflow-worker", filled_env)
    slack_id = inspect.signature(SlackTransport).parameters["conn_id"].default
    conn = json.loads(env[f"AIRFLOW_CONN_{slack_id.upper()}"])
    assert conn == {"conn_type": "slack", "password": filled_env["SLACK_BOT_TOKEN"]}


def test_no_secret_is_written_in_the_repository():
    """Passwords, keys and tokens are ${...} references to .env, which ships blank."""
    for key, value in SERVICES["airflow-scheduler"]["environment"].items():
        value = str(value)
        if re.search(r"PASSWORD|SECRET|FERNET|TOKEN|_KEY$", key) and not key.endswith("_FILE"):
            assert value.startswith("${"), f"{key} must come from .env"
        for password in re.findall(r"://[^/@:]+:([^@]+)@", value):  # credentials in a URL
            assert password.startswith("${"), f"{key} has a literal password"
        if key.startswith("AIRFLOW_CONN_"):
            for field, literal in re.findall(r'"(password|login)": "([^"]*)"', value):
                assert literal.startswith("${"), f"{key} {field} must come from .env"
    for key, value in env_example().items():
        if re.search(r"PASSWORD|SECRET|FERNET|TOKEN", key):
            assert value == "", f".env.example must leave {key} blank"


def test_every_required_variable_is_in_the_env_example():
    example = env_example()
    for name, op in compose_variables():
        if op in (None, ":?", "?"):
            assert name in example or name == "AIRFLOW_UID", f"{name} missing from .env.example"


def test_compose_refuses_to_start_without_the_secrets():
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD is required"):
        resolved_env("postgres", {})
