"""providers: the company registry, provider accounts bound to a company, and what a company may answer

A message subscription now records the form its payload must satisfy (the message event's ``form``
property) and the deadline of the timer racing it, so a company sees its complaints with their due dates
without reading the engine's state.

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-30 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("rut", sa.String(length=12), nullable=False),
        sa.Column("legal_name", sa.String(length=160), nullable=False),
        sa.Column("trade_name", sa.String(length=160), nullable=False),
        sa.Column("market", sa.String(length=60), nullable=False),
        sa.Column("email", sa.String(length=160), nullable=True),
        sa.Column("digital", sa.Boolean(), nullable=False),
        sa.Column("created_at", engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("rut", name=op.f("pk_providers")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_rut", sa.String(length=12), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_provider_rut_providers"), "providers", ["provider_rut"], ["rut"]
        )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_id", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("due_at", engine.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("due_at")
        batch_op.drop_column("form_id")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_provider_rut_providers"), type_="foreignkey")
        batch_op.drop_column("provider_rut")
    op.drop_table("providers")
