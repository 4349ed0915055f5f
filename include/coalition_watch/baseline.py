"""Which previous meeting a new statement is compared with, and why, as a rule.

Several publications can stand for the meetings of one date: the co-hosts' texts,
another ministry's summary, a translation. The series comparison takes the statements of
the series published on the nearest earlier (or, when re-linking a backfill, later) date
and chooses among their latest good versions, in order:

1. a text in the statement's own language (required: a diff across languages reports
   every sentence as changed);
2. the same publisher (host of the address);
3. a full text (communiqué, joint statement) over a summary or press note;
4. the longest body;
5. the address, so that ties never fall to the order of arrival.

`choose_baseline` returns the choice and a sentence saying why, which is stored with the
comparison and shown in the UI, the JSON and messages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from coalition_watch.config_files import load_config, read_mapping
from coalition_watch.errors import ConfigError
from coalition_watch.store import StoredVersion


@dataclass(frozen=True)
class BaselineRules:
    full_text: tuple[re.Pattern[str], ...]
    summary: tuple[re.Pattern[str], ...]
    publishers: dict[str, str]

    def is_full_text(self, title: str) -> bool:
        return any(p.search(title) for p in self.full_text) and not any(
            p.search(title) for p in self.summary
        )

    def publisher(self, url: str) -> str:
        host = host_of(url)
        return self.publishers.get(host, host)


@dataclass(frozen=True)
class Baseline:
    version: StoredVersion
    reason: str


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _language(version: StoredVersion) -> str:
    return (version.document.language or "").split("-")[0].lower()


def _length(version: StoredVersion) -> int:
    return sum(len(p) for p in version.document.paragraphs)


def choose_baseline(
    version: StoredVersion,
    candidates: Sequence[StoredVersion],
    rules: BaselineRules | None = None,
) -> Baseline | None:
    """The candidate the rule names for `version`, with the reason; None if none fits."""
    rules = rules or load_baseline_rules()
    language = _language(version)
    fitting = [c for c in candidates if _language(c) == language]
    if not fitting:
        return None
    host = host_of(version.url)

    def key(c: StoredVersion) -> tuple:
        return (
            host_of(c.url) != host,
            not rules.is_full_text(c.document.title),
            -_length(c),
            c.url,
        )

    ranked = sorted(fitting, key=key)
    chosen = ranked[0]
    return Baseline(chosen, _reason(version, chosen, candidates, fitting, rules))


def _reason(
    version: StoredVersion,
    chosen: StoredVersion,
    candidates: Sequence[StoredVersion],
    fitting: Sequence[StoredVersion],
    rules: BaselineRules,
) -> str:
    host = host_of(version.url)
    why: list[str] = []
    if len(fitting) < len(candidates):
        others = sorted({c.document.language or "unknown" for c in candidates if c not in fitting})
        why.append(f"same language, not the text(s) in {', '.join(others)}")
    same_host = [c for c in fitting if host_of(c.url) == host]
    if same_host and len(same_host) < len(fitting):
        why.append("same publisher")
    pool = same_host or list(fitting)
    full = rules.is_full_text(chosen.document.title)
    if full and any(not rules.is_full_text(c.document.title) for c in pool):
        why.append("full text rather than a summary")
    pool = [c for c in pool if rules.is_full_text(c.document.title) == full]
    if len(pool) > 1:
        longest = max(_length(c) for c in pool)
        ties = [c for c in pool if _length(c) == longest]
        why.append(
            f"longest of {len(pool)} texts" if len(ties) == 1 else "first by address of equals"
        )
    kind = "text" if full else "summary"
    when = _long_date(chosen.published)
    head = f"compared with {rules.publisher(chosen.url)}'s {kind}{' of ' + when if when else ''}"
    return head + (f" ({'; '.join(why)})" if why else "")


def _long_date(iso: str | None) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


# -- loading ------------------------------------------------------------------------------


def load_baseline_rules(path: str | Path | None = None) -> BaselineRules:
    """The rules from config/baseline.yaml (the deployment's, else the packaged one)."""
    return load_config("baseline.yaml", path, _read)


def _read(path: Path) -> BaselineRules:
    name = str(path)
    data = read_mapping(path, ("full_text_titles", "summary_titles", "publishers"))
    publishers = data.get("publishers") or {}
    if not isinstance(publishers, dict):
        raise ConfigError(name, "publishers", "expected a mapping of host: name")
    return BaselineRules(
        full_text=_patterns(name, data, "full_text_titles"),
        summary=_patterns(name, data, "summary_titles"),
        publishers={str(k).lower(): str(v) for k, v in publishers.items()},
    )


def _patterns(name: str, data: dict, key: str) -> tuple[re.Pattern[str], ...]:
    items = data.get(key) or []
    if not isinstance(items, list):
        raise ConfigError(name, key, "expected a list of regular expressions")
    out = []
    for i, item in enumerate(items):
        try:
            out.append(re.compile(str(item), re.IGNORECASE))
        except re.error as exc:
            raise ConfigError(name, f"{key}[{i}]", f"not a regular expression: {exc}") from exc
    return tuple(out)
