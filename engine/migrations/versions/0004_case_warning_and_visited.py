"""case warning date (por vencer) and the elements each case has visited (diagram highlighting)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warn_on", sa.Date(), nullable=True))
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visited", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.drop_column("visited")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("warn_on")
