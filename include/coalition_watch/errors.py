"""One error tree for the whole package.

CoalitionWatchError
├── BadInput                 a user's mistake: CLI exit 2, one line, no traceback
│   ├── ConfigError          a YAML file, the key and what is wrong with it
│   │   └── SettingError     an environment variable and what is wrong with it
│   └── StoreUnavailable     the database URL names no store this code can open (also a StoreError)
├── FetchError               a source could not be read (carries the URL)
│   ├── TransientFetchError  worth retrying later (timeouts, 429, 5xx)
│   └── PermanentFetchError  retrying will not help (404, bot wall, bad body)
├── ExtractionError          a page was read but no statement body came out
├── StoreError               the project store could not be read or written (carries the URL)
│   ├── StoreUnavailable     (see above)
│   └── MissingBlob          a raw body the store should hold is not there
└── DeliveryError            a message could not be delivered
    ├── TransientDeliveryError
    └── PermanentDeliveryError
"""

from __future__ import annotations


class CoalitionWatchError(Exception):
    """Root of every error this package raises on purpose."""


class BadInput(CoalitionWatchError):
    """The input a user gave is wrong; the message names it and says why."""


class ConfigError(BadInput):
    """A configuration file is invalid."""

    def __init__(self, file: str, key: str | None, problem: str):
        self.file, self.key, self.problem = file, key, problem
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")


class SettingError(ConfigError):
    """An environment variable the package reads has a value it cannot use."""

    def __init__(self, variable: str, problem: str):
        super().__init__(variable, None, problem)
        self.variable = variable


class FetchError(CoalitionWatchError):
    def __init__(self, url: str, reason: str):
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")


class TransientFetchError(FetchError):
    def __init__(self, url: str, reason: str, retry_after: float | None = None):
        super().__init__(url, reason)
        self.retry_after = retry_after


class PermanentFetchError(FetchError):
    pass


class ExtractionError(CoalitionWatchError):
    def __init__(self, where: str, reason: str):
        self.where, self.reason = where, reason
        super().__init__(f"{where}: {reason}")


class StoreError(CoalitionWatchError):
    """The database failed: unreachable, not a store, locked too long, out of space..."""

    def __init__(self, where: str, reason: str):
        self.where, self.reason = where, reason
        super().__init__(f"store {where}: {reason}")


class StoreUnavailable(BadInput, StoreError):
    """The database URL is malformed, names an unknown kind of database or a driver not
    installed, a file that is not a database, or a server that refuses the connection:
    the URL a user gave is wrong (exit 2), and the store cannot be used (a StoreError)."""


class MissingBlob(StoreError):
    def __init__(self, sha256: str):
        super().__init__("blobs", f"no raw body with sha256 {sha256}")
        self.sha256 = sha256


class DeliveryError(CoalitionWatchError):
    def __init__(self, recipient: str, reason: str):
        self.recipient, self.reason = recipient, reason
        super().__init__(f"{recipient}: {reason}")


class TransientDeliveryError(DeliveryError):
    """`maybe_delivered`: the failure came after the message left (a connection lost while
    waiting for the server's answer), so a retry may deliver it a second time."""

    def __init__(
        self,
        recipient: str,
        reason: str,
        retry_after: float | None = None,
        *,
        maybe_delivered: bool = False,
    ):
        super().__init__(recipient, reason)
        self.retry_after = retry_after
        self.maybe_delivered = maybe_delivered


class PermanentDeliveryError(DeliveryError):
    pass
