"""Persistence: every version of every statement, comparisons, and the delivery outbox.

SQLite by default, PostgreSQL by changing the URL: everything goes through SQLAlchemy Core.
"""

from coalition_watch.store.repository import Store, StoredVersion, open_store
from coalition_watch.store.schema import metadata

__all__ = ["Store", "StoredVersion", "metadata", "open_store"]
