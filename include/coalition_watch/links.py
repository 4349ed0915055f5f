"""Signed links a reader can open without an Airflow login: one comparison, or one feed.

A link is `<link base>/shared/comparisons/<id>?token=<token>`. The token is an
itsdangerous timed signature over {comparison id, reader's themes}, so it opens that
comparison alone, filtered to those themes, and nothing else; it expires after
`COALITION_WATCH_LINK_DAYS` days (30 by default). Anyone holding the link can read that
one comparison, which is what a desk officer forwarding an alert expects.

The signing key is a secret, never in the repository. It is looked up, in order:
  1. the environment variable COALITION_WATCH_LINK_SECRET;
  2. the Airflow Variable `coalition_watch_link_secret` (Airflow's secrets backends,
     its database, or AIRFLOW_VAR_COALITION_WATCH_LINK_SECRET);
  3. the password of the Airflow connection `coalition_watch_links`.
Without one, messages link to the operators' pages (behind the Airflow login) instead.

A feed address is `<link base>/shared/feeds/themes/<theme>.atom?token=<token>` (or
`series/<series>`): a signature over that one feed, without expiry, because a feed reader
keeps polling the address it was given. Its entries link to signed comparison pages.
Rotating the secret revokes every link and feed address at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from itsdangerous import (
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)

from coalition_watch.errors import ConfigError
from coalition_watch.settings import LINK_SECRET_ENV, MIN_LINK_SECRET_LENGTH, current

log = logging.getLogger(__name__)

SECRET_VARIABLE = "coalition_watch_link_secret"
SECRET_CONNECTION = "coalition_watch_links"
DEFAULT_DAYS = 30
SHARED_PREFIX = "/shared"
# The salt separates these tokens from any other use of the same key; v1 allows rotation.
SALT = "coalition-watch.shared-comparison.v1"
FEED_SALT = "coalition-watch.shared-feed.v1"
FEED_KINDS = ("themes", "series")

Clock = Callable[[], float]


@dataclass(frozen=True)
class SharedComparison:
    """What a valid token grants: one comparison, seen through these themes (none: all)."""

    comparison_id: int
    themes: tuple[str, ...]


class LinkRejected(Exception):
    """A token that does not open anything; `expired` tells the two cases apart."""

    def __init__(self, reason: str, *, expired: bool = False):
        super().__init__(reason)
        self.expired = expired


def link_secret() -> str | None:
    """The signing key from the environment or Airflow (see the module docstring)."""
    from coalition_watch.deliver.transports import airflow_secret  # the Airflow adapter

    secret = current().link_secret or airflow_secret(SECRET_VARIABLE, SECRET_CONNECTION)
    if secret and len(secret) < MIN_LINK_SECRET_LENGTH:
        raise ConfigError(
            SECRET_VARIABLE, None, f"the link secret needs {MIN_LINK_SECRET_LENGTH}+ characters"
        )
    return secret or None


def link_days() -> int:
    return current().link_days


def _serializer(secret: str, now: Clock) -> URLSafeTimedSerializer:
    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now())

    return URLSafeTimedSerializer(secret, salt=SALT, signer=ClockedSigner)


def issue_token(
    comparison_id: int, themes: Iterable[str], *, secret: str, now: Clock = time.time
) -> str:
    payload = {"c": int(comparison_id), "t": sorted(set(themes))}
    return _serializer(secret, now).dumps(payload)


def read_token(
    token: str,
    comparison_id: int,
    *,
    secret: str,
    max_age_days: int = DEFAULT_DAYS,
    now: Clock = time.time,
) -> SharedComparison:
    """What `token` grants on `comparison_id`; LinkRejected when forged, altered or expired."""
    try:
        payload = _serializer(secret, now).loads(token, max_age=max_age_days * 86_400)
    except SignatureExpired:
        raise LinkRejected("this link has expired", expired=True) from None
    except BadSignature:
        raise LinkRejected("this link is not valid (it was altered or cut short)") from None
    if not isinstance(payload, dict) or payload.get("c") != comparison_id:
        raise LinkRejected("this link is for another comparison")
    themes = payload.get("t") or []
    return SharedComparison(comparison_id, tuple(str(t) for t in themes))


def shared_path(comparison_id: int, token: str) -> str:
    return f"{SHARED_PREFIX}/comparisons/{comparison_id}?{urlencode({'token': token})}"


def issue_feed_token(kind: str, key: str, *, secret: str) -> str:
    return URLSafeSerializer(secret, salt=FEED_SALT).dumps({"f": f"{kind}/{key}"})


def read_feed_token(token: str, kind: str, key: str, *, secret: str) -> None:
    """Pass when `token` opens the feed `kind/key`; LinkRejected otherwise."""
    try:
        payload = URLSafeSerializer(secret, salt=FEED_SALT).loads(token)
    except BadSignature:
        raise LinkRejected("this feed address is not valid (it was altered or cut short)") from None
    if payload != {"f": f"{kind}/{key}"}:
        raise LinkRejected("this feed address is for another feed")


def feed_path(kind: str, key: str, token: str) -> str:
    return f"{SHARED_PREFIX}/feeds/{kind}/{key}.atom?{urlencode({'token': token})}"


def _signing_base() -> tuple[str, str] | None:
    """The link base and the secret, or None when this deployment cannot sign links."""
    base = current().link_base
    if not base:
        return None
    secret = link_secret()
    if secret is None:
        log.info("no %s configured: messages link to the operators' pages", LINK_SECRET_ENV)
        return None
    return base.rstrip("/"), secret


def reader_links(comparison_ids: Iterable[int], themes: Iterable[str]) -> dict[int, str]:
    """Signed links for a reader of `themes` to each comparison, with the secret looked up
    once; empty when links cannot be signed here."""
    signing = _signing_base()
    if signing is None:
        return {}
    base, secret = signing
    themes = sorted(set(themes))
    return {
        cid: base + shared_path(cid, issue_token(cid, themes, secret=secret))
        for cid in set(comparison_ids)
    }


def reader_link(comparison_id: int | None, themes: Iterable[str]) -> str | None:
    """The signed link for a reader of `themes`, or None when links cannot be signed here."""
    if comparison_id is None:
        return None
    return reader_links([comparison_id], themes).get(comparison_id)


def reader_feed_link(kind: str, key: str) -> str | None:
    """The signed address of the Atom feed of one theme or series, or None (see above)."""
    if kind not in FEED_KINDS:
        raise ValueError(f"feed kind {kind!r} is not one of {FEED_KINDS}")
    signing = _signing_base()
    if signing is None:
        return None
    base, secret = signing
    return base + feed_path(kind, key, issue_feed_token(kind, key, secret=secret))
