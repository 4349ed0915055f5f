"""Schema migrations of the project store, with Alembic.

    upgrade(engine) -> (revision before, revision after)

The revisions ship inside the package (`store/migrations/versions/`). A store made by a
release before migrations existed (tables from `create_all`, a `schema_info` table, no
`alembic_version`) holds exactly the first revision's schema: it is stamped with that
revision, never recreated, then upgraded like any other.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"  # the schema of the last release made with create_all
VERSION_TABLE = "alembic_version"
# Tables a revision made per database that schema.py cannot declare (store/search.py).
DIALECT_SPECIFIC_TABLES = ("version_search",)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """What autogenerate compares: not the full-text index, nor FTS5's shadow tables."""
    if type_ == "table" and name:
        return not name.startswith(DIALECT_SPECIFIC_TABLES)
    return True


def alembic_config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no revisions under {MIGRATIONS}"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def made_before_migrations(engine: Engine) -> bool:
    """Tables from a release that created them with `create_all`, and no revision."""
    tables = set(inspect(engine).get_table_names())
    return "versions" in tables and VERSION_TABLE not in tables


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the store to the newest revision; safe to run repeatedly."""
    before = current_revision(engine)
    stamp = before is None and made_before_migrations(engine)
    with engine.begin() as conn:
        config = alembic_config(conn)
        if stamp:
            command.stamp(config, BASELINE)
            before = BASELINE
        command.upgrade(config, "head")
    return before, head_revision()
