"""Add the full-text index of versions (store/search.py): FTS5 on SQLite, a tsvector
with a GIN index on PostgreSQL. It starts empty; the first search fills it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # rowid = versions.id; `stems` holds the English and German stems of every word.
        op.execute(
            "CREATE VIRTUAL TABLE version_search USING fts5("
            "stems, tokenize = 'unicode61 remove_diacritics 2')"
        )
        return
    op.create_table(
        "version_search",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("versions.id"), primary_key=True),
        sa.Column("document", sa.dialects.postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index(
        "ix_version_search_document", "version_search", ["document"], postgresql_using="gin"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE version_search")
        return
    op.drop_index("ix_version_search_document", table_name="version_search")
    op.drop_table("version_search")
