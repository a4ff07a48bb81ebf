"""the ejecutivo's desk: ORD. numbers per regional office and year, letter audience, urgent notifications
and the staff's e-mail and daily digest preference

Revision ID: 0013_desk
Revises: 0013_publish_lineage
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_desk"
down_revision = "0013_publish_lineage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_counters",
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region_code", "year", name=op.f("pk_letter_counters")),
    )
    with op.batch_alter_table("documents", recreate="never") as batch:
        batch.add_column(sa.Column("number", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("audience", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("closing", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("notifications", recreate="never") as batch:
        batch.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.add_column(sa.Column("email", sa.String(length=160), nullable=True))
        batch.add_column(sa.Column("daily_digest", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("digest_sent_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.drop_column("digest_sent_on")
        batch.drop_column("daily_digest")
        batch.drop_column("email")
    with op.batch_alter_table("notifications", recreate="never") as batch:
        batch.drop_column("urgent")
    with op.batch_alter_table("documents", recreate="never") as batch:
        batch.drop_column("closing")
        batch.drop_column("audience")
        batch.drop_column("number")
    op.drop_table("letter_counters")
