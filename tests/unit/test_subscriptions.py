from pathlib import Path

import pytest
import yaml

from coalition_watch.deliver.routing import route
from coalition_watch.errors import ConfigError
from coalition_watch.subscriptions import DEFAULT_PATH, load_config, load_subscriptions
from tests.kit.samples import seed_alert

THEMES = {"iraq", "syria", "africa", "military", "detention", "financing"}


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "subscriptions.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def one(**fields) -> dict:
    return {"subscribers": [{"id": "desk", "email": "desk@example.org", **fields}]}


def test_the_packaged_file_loads_with_its_operators_and_settings():
    config = load_config(DEFAULT_PATH, known_themes=THEMES)
    assert {s.id for s in config.subscribers} == {"iraq-desk", "africa-desk", "coalition-watch-all"}
    assert config.operators.email and config.operators.slack
    assert config.delivery.email_conn_id == "smtp_default"


def test_the_config_directory_chooses_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COALITION_WATCH_CONFIG_DIR", str(write(tmp_path, one()).parent))
    assert [s.id for s in load_subscriptions(known_themes=THEMES)] == ["desk"]


@pytest.mark.parametrize(
    ("fields", "key", "problem"),
    [
        ({"themes": ["iraq", "atlantis"]}, "subscriber 'desk'.themes", "unknown theme 'atlantis'"),
        ({"email": "not-an-address"}, "subscriber 'desk'.email", "not an email address"),
        ({"slack": "iraq desk"}, "subscriber 'desk'.slack", "not a Slack channel"),
        ({"delivery": "hourly"}, "subscriber 'desk'.delivery", "immediate"),
        ({"backfill": "loud"}, "subscriber 'desk'.backfill", "quiet"),
        ({"language": "english"}, "subscriber 'desk'.language", "two-letter"),
        ({"theme": ["iraq"]}, "subscriber 'desk'.theme", "unknown key"),
        ({"sources": ["nowhere"]}, "subscriber 'desk'.sources", "unknown source"),
    ],
)
def test_validation_errors_name_the_file_the_subscriber_and_the_field(
    tmp_path, fields, key, problem
):
    path = write(tmp_path, one(**fields))
    with pytest.raises(ConfigError) as err:
        load_subscriptions(path, known_themes=THEMES, known_sources={"state_gov"})
    assert err.value.file == str(path)
    assert err.value.key == key
    assert problem in err.value.problem
    assert str(path) in str(err.value)


def test_a_subscriber_without_any_address_is_rejected(tmp_path):
    path = write(tmp_path, {"subscribers": [{"id": "nobody", "themes": ["iraq"]}]})
    with pytest.raises(ConfigError, match="subscriber 'nobody'.email: a subscriber needs"):
        load_subscriptions(path, known_themes=THEMES)


def test_duplicate_ids_and_bad_yaml_are_errors(tmp_path):
    dup = {"subscribers": [one()["subscribers"][0], one()["subscribers"][0]]}
    with pytest.raises(ConfigError, match="duplicate subscriber 'desk'"):
        load_subscriptions(write(tmp_path, dup), known_themes=THEMES)
    bad = tmp_path / "bad.yaml"
    bad.write_text("subscribers: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_subscriptions(bad, known_themes=THEMES)
    with pytest.raises(ConfigError, match="file not found"):
        load_subscriptions(tmp_path / "missing.yaml", known_themes=THEMES)


def test_operator_and_delivery_sections_are_validated(tmp_path):
    path = write(tmp_path, {"operators": {"email": "nope"}, "subscribers": []})
    with pytest.raises(ConfigError, match="operators.email"):
        load_config(path, known_themes=THEMES)
    path = write(tmp_path, {"delivery": {"email_passages": 0}, "subscribers": []})
    with pytest.raises(ConfigError, match="delivery.email_passages"):
        load_config(path, known_themes=THEMES)


def test_a_change_on_two_themes_reaches_each_subscriber_once(tmp_path):
    path = write(
        tmp_path,
        {
            "subscribers": [
                {"id": "both", "email": "both@example.org", "themes": ["iraq", "military"]},
                {"id": "iraq", "email": "iraq@example.org", "themes": ["iraq"]},
                {"id": "military", "slack": "#military", "themes": ["military"]},
                {"id": "africa", "email": "africa@example.org", "themes": ["africa"]},
                {"id": "finance", "email": "fin@example.org", "themes": ["financing"]},
                {"id": "all", "email": "all@example.org"},
                {"id": "german", "email": "de@example.org", "language": "de"},
                {"id": "other-source", "email": "x@example.org", "sources": ["auswaertiges_amt"]},
            ]
        },
    )
    subscribers = load_subscriptions(path, known_themes=THEMES)
    alert = seed_alert()  # themes: africa, iraq, military
    chosen = [s.id for s in route(alert, subscribers + subscribers)]
    assert chosen == ["both", "iraq", "military", "africa", "all"]
