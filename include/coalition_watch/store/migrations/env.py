"""Alembic environment of the project store. Runs only inside `Store.upgrade()`, which
hands over an open connection; there is no alembic.ini (see docs/operations.md)."""

from __future__ import annotations

from alembic import context

from coalition_watch.store.migrate import include_name
from coalition_watch.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by table copy
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
