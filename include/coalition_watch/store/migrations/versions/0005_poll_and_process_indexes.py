"""Index what the poll and process queries filter on, and keep robots.txt in the store.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:10:00

With 100k stored versions, EXPLAIN on PostgreSQL showed sequential scans for the versions
not yet processed (`processed_at IS NULL`) and for a source's newest publications (the
poll's rechecks); the last and next meeting of a series is found through (series,
published). `robots_txt` lets every poll task reuse a host's rules until they expire,
instead of fetching robots.txt again in each task process.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_versions_processed_at", "versions", ["processed_at"])
    op.create_index("ix_publications_source_first_seen", "publications", ["source", "first_seen"])
    op.create_index("ix_statements_series_published", "statements", ["series", "published"])
    op.create_table(
        "robots_txt",
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=512), nullable=True),
        sa.Column("last_modified", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("origin"),
    )


def downgrade() -> None:
    op.drop_table("robots_txt")
    op.drop_index("ix_statements_series_published", table_name="statements")
    op.drop_index("ix_publications_source_first_seen", table_name="publications")
    op.drop_index("ix_versions_processed_at", table_name="versions")
