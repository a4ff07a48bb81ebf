"""derivations: the agency registry, derivations, their outbox (deliveries) and received callbacks

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC_DT = engine.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("markets", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("endpoint_url", sa.String(length=500), nullable=True),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=160), nullable=True),
        sa.Column("ack_days", sa.Integer(), nullable=False),
        sa.Column("answer_days", sa.Integer(), nullable=False),
        sa.Column("process", sa.String(length=120), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agencies")),
    )
    op.create_table(
        "derivations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("acknowledged_at", UTC_DT, nullable=True),
        sa.Column("closed_at", UTC_DT, nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_derivations_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_derivations_agency_code_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_derivations")),
    )
    op.create_index(op.f("ix_derivations_case_id"), "derivations", ["case_id"])
    op.create_index(op.f("ix_derivations_agency_code"), "derivations", ["agency_code"])
    op.create_table(
        "derivation_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("derivation_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DT, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("sent_at", UTC_DT, nullable=True),
        sa.Column("failed_at", UTC_DT, nullable=True),
        sa.ForeignKeyConstraint(
            ["derivation_id"],
            ["derivations.id"],
            name=op.f("fk_derivation_deliveries_derivation_id_derivations"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_derivation_deliveries_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_derivation_deliveries")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_derivation_deliveries_due", "derivation_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(
        op.f("ix_derivation_deliveries_derivation_id"), "derivation_deliveries", ["derivation_id"]
    )
    op.create_table(
        "derivation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("derivation_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=120), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("received_at", UTC_DT, nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["derivation_id"], ["derivations.id"], name=op.f("fk_derivation_events_derivation_id_derivations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_derivation_events")),
        sa.UniqueConstraint("derivation_id", "event_id", name=op.f("uq_derivation_events_derivation_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_derivation_events_derivation_id"), "derivation_events", ["derivation_id"])


def downgrade() -> None:
    op.drop_table("derivation_events")
    op.drop_table("derivation_deliveries")
    op.drop_table("derivations")
    op.drop_table("agencies")
