"""Who is told about what: subscribers, the operators, and the delivery settings.

`subscriptions.yaml` (the deployment's, in COALITION_WATCH_CONFIG_DIR, else the packaged one)::

    delivery:                       # optional
      email_conn_id: smtp_default   # Airflow connection ids
      slack_conn_id: slack_api_default
      email_passages: 12            # a reader of every theme: passages before "N more"
      slack_passages: 4             # inline in a Slack message; more go to a thread
    operators:                      # who hears about failures (email and/or slack)
      email: ops@example.org
      slack: "#coalition-watch-ops"
    subscribers:
      - id: iraq-desk
        email: iraq-desk@example.org  # and/or slack: "#iraq-desk"
        themes: [iraq, military]      # empty or absent: every theme
        sources: [state_gov]          # empty or absent: every source
        delivery: immediate           # immediate | digest
        language: en                  # only statements in this language; absent: any
        backfill: quiet               # quiet | digest | immediate: what backfills send

Unknown keys are errors: a typo must not silently subscribe someone to everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from coalition_watch.config_files import PACKAGED_CONFIG, config_path, read_yaml
from coalition_watch.errors import ConfigError

DEFAULT_PATH = PACKAGED_CONFIG / "subscriptions.yaml"

DeliveryMode = Literal["immediate", "digest"]
BackfillMode = Literal["quiet", "digest", "immediate"]

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# "#name" (public channel name) or a channel/user id such as C0123ABCD.
_SLACK_CHANNEL = re.compile(r"^(#[a-z0-9][a-z0-9_-]{0,79}|[CGDU][A-Z0-9]{6,20})$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")

_SUBSCRIBER_KEYS = {"id", "email", "slack", "themes", "sources", "delivery", "language", "backfill"}
_TOP_KEYS = {"delivery", "operators", "subscribers"}
_OPERATOR_KEYS = {"email", "slack"}
_DELIVERY_KEYS = {"email_conn_id", "slack_conn_id", "email_passages", "slack_passages"}


@dataclass(frozen=True)
class Subscriber:
    id: str
    email: str | None = None
    slack: str | None = None
    themes: frozenset[str] = frozenset()  # empty: every theme
    sources: frozenset[str] = frozenset()  # empty: every source
    delivery: DeliveryMode = "immediate"
    language: str | None = None  # None: any language
    backfill: BackfillMode = "quiet"

    @property
    def addresses(self) -> list[tuple[str, str]]:
        """(channel, recipient) pairs this subscriber is reached on."""
        pairs = []
        if self.email:
            pairs.append(("email", self.email))
        if self.slack:
            pairs.append(("slack", self.slack))
        return pairs


@dataclass(frozen=True)
class Operators:
    email: str | None = None
    slack: str | None = None

    @property
    def addresses(self) -> list[tuple[str, str]]:
        return Subscriber(id="operators", email=self.email, slack=self.slack).addresses


@dataclass(frozen=True)
class DeliverySettings:
    email_conn_id: str = "smtp_default"
    slack_conn_id: str = "slack_api_default"
    email_passages: int = 12
    slack_passages: int = 4


@dataclass(frozen=True)
class SubscriptionConfig:
    subscribers: list[Subscriber]
    operators: Operators = field(default_factory=Operators)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)


def subscriptions_path(path: Path | None = None) -> Path:
    if path is not None:
        return Path(path)
    return config_path("subscriptions.yaml")  # the deployment's config dir, else packaged


def load_subscriptions(
    path: Path | None = None,
    *,
    known_themes: Iterable[str],
    known_sources: Iterable[str] | None = None,
) -> list[Subscriber]:
    """The subscribers of `path` (or the configured file), validated.

    Raises ConfigError naming the file, the subscriber and the field on any mistake.
    """
    return load_config(path, known_themes=known_themes, known_sources=known_sources).subscribers


def load_operators(path: Path | None = None) -> Operators:
    return load_config(path, known_themes=None).operators


def load_delivery_settings(path: Path | None = None) -> DeliverySettings:
    return load_config(path, known_themes=None).delivery


def load_config(
    path: Path | None = None,
    *,
    known_themes: Iterable[str] | None,
    known_sources: Iterable[str] | None = None,
) -> SubscriptionConfig:
    """The whole file. `known_themes=None` skips theme checks (for operators/settings only)."""
    file = subscriptions_path(path)
    return parse_config(
        read_yaml(file), str(file), known_themes=known_themes, known_sources=known_sources
    )


def parse_config(
    raw: Any,
    file: str,
    *,
    known_themes: Iterable[str] | None,
    known_sources: Iterable[str] | None = None,
) -> SubscriptionConfig:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError(file, None, "expected a mapping with a 'subscribers' list")
    _reject_unknown(raw, _TOP_KEYS, file, None)
    themes = None if known_themes is None else frozenset(known_themes)
    sources = None if known_sources is None else frozenset(known_sources)

    entries = raw.get("subscribers") or []
    if not isinstance(entries, list):
        raise ConfigError(file, "subscribers", "must be a list")
    subscribers: list[Subscriber] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        sub = _parse_subscriber(entry, file, index, themes, sources)
        if sub.id in seen:
            raise ConfigError(file, f"subscribers[{index}].id", f"duplicate subscriber {sub.id!r}")
        seen.add(sub.id)
        subscribers.append(sub)
    return SubscriptionConfig(
        subscribers=subscribers,
        operators=_parse_operators(raw.get("operators"), file),
        delivery=_parse_delivery(raw.get("delivery"), file),
    )


def _reject_unknown(entry: Mapping, allowed: set[str], file: str, where: str | None) -> None:
    unknown = sorted(set(map(str, entry)) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise ConfigError(
            file, f"{prefix}{unknown[0]}", f"unknown key (allowed: {', '.join(sorted(allowed))})"
        )


def _parse_subscriber(
    entry: Any,
    file: str,
    index: int,
    known_themes: frozenset[str] | None,
    known_sources: frozenset[str] | None,
) -> Subscriber:
    if not isinstance(entry, Mapping):
        raise ConfigError(file, f"subscribers[{index}]", "each subscriber must be a mapping")
    sub_id = entry.get("id")
    if not isinstance(sub_id, str) or not _ID.match(sub_id):
        raise ConfigError(
            file, f"subscribers[{index}].id", "required: letters, digits, '.', '_' or '-'"
        )
    where = f"subscriber {sub_id!r}"

    def bad(key: str, problem: str) -> ConfigError:
        return ConfigError(file, f"{where}.{key}", problem)

    _reject_unknown(entry, _SUBSCRIBER_KEYS, file, where)
    email = entry.get("email")
    if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
        raise bad("email", f"not an email address: {email!r}")
    slack = entry.get("slack")
    if slack is not None and (not isinstance(slack, str) or not _SLACK_CHANNEL.match(slack)):
        raise bad("slack", f"not a Slack channel ('#name' or an id like C0123ABCD): {slack!r}")
    if email is None and slack is None:
        raise bad("email", "a subscriber needs an email address or a Slack channel")

    themes = _string_set(entry.get("themes"), bad, "themes")
    if known_themes is not None and (unknown := sorted(themes - known_themes)):
        raise bad(
            "themes", f"unknown theme {unknown[0]!r} (known: {', '.join(sorted(known_themes))})"
        )
    sources = _string_set(entry.get("sources"), bad, "sources")
    if known_sources is not None and (unknown := sorted(sources - known_sources)):
        raise bad("sources", f"unknown source {unknown[0]!r}")

    delivery = entry.get("delivery", "immediate")
    if delivery not in ("immediate", "digest"):
        raise bad("delivery", f"must be 'immediate' or 'digest', not {delivery!r}")
    backfill = entry.get("backfill", "quiet")
    if backfill not in ("quiet", "digest", "immediate"):
        raise bad("backfill", f"must be 'quiet', 'digest' or 'immediate', not {backfill!r}")
    language = entry.get("language")
    if language is not None and (not isinstance(language, str) or not _LANGUAGE.match(language)):
        raise bad("language", f"must be a two-letter code such as 'en', not {language!r}")
    return Subscriber(
        id=sub_id,
        email=email,
        slack=slack,
        themes=themes,
        sources=sources,
        delivery=delivery,
        language=language,
        backfill=backfill,
    )


def _string_set(value: Any, bad, key: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise bad(key, "must be a list of names")
    return frozenset(value)


def _parse_operators(raw: Any, file: str) -> Operators:
    if raw is None:
        return Operators()
    if not isinstance(raw, Mapping):
        raise ConfigError(file, "operators", "must be a mapping with 'email' and/or 'slack'")
    _reject_unknown(raw, _OPERATOR_KEYS, file, "operators")
    email, slack = raw.get("email"), raw.get("slack")
    if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
        raise ConfigError(file, "operators.email", f"not an email address: {email!r}")
    if slack is not None and (not isinstance(slack, str) or not _SLACK_CHANNEL.match(slack)):
        raise ConfigError(file, "operators.slack", f"not a Slack channel: {slack!r}")
    return Operators(email=email, slack=slack)


def _parse_delivery(raw: Any, file: str) -> DeliverySettings:
    if raw is None:
        return DeliverySettings()
    if not isinstance(raw, Mapping):
        raise ConfigError(file, "delivery", "must be a mapping")
    _reject_unknown(raw, _DELIVERY_KEYS, file, "delivery")
    values: dict[str, Any] = {}
    for key in ("email_conn_id", "slack_conn_id"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key]:
                raise ConfigError(file, f"delivery.{key}", "must be a connection id")
            values[key] = raw[key]
    for key in ("email_passages", "slack_passages"):
        if key in raw:
            if not isinstance(raw[key], int) or not 1 <= raw[key] <= 40:
                raise ConfigError(file, f"delivery.{key}", "must be a whole number from 1 to 40")
            values[key] = raw[key]
    return DeliverySettings(**values)
