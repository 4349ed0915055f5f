"""Add comparisons.baseline: why a series comparison's old version was chosen.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 00:45:00

Comparisons stored before this revision keep NULL: their baseline was chosen by the old
"highest id on the date" query, and no reason was recorded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comparisons") as batch:
        batch.add_column(sa.Column("baseline", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comparisons") as batch:
        batch.drop_column("baseline")
