"""providers: who changed a company last, and when

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("providers", sa.Column("updated_at", engine.models.UTCDateTime(timezone=True), nullable=True))
    op.add_column("providers", sa.Column("updated_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.drop_column("updated_by")
        batch.drop_column("updated_at")
