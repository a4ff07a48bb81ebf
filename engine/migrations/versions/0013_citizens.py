"""citizens: public intakes (consent, library kiosk), the mail outbox, SONI feedback, consumer verdicts

Revision ID: 0013_citizens
Revises: 0013_network
Create Date: 2026-12-02 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0013_citizens"
down_revision = "0013_network"
branch_labels = None
depends_on = None

UTC_DT = engine.models.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}"))


def upgrade() -> None:
    op.create_table(
        "citizen_intakes",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("library_code", sa.String(length=20), nullable=True),
        sa.Column("consent_version", sa.String(length=40), nullable=False),
        sa.Column("filed_at", UTC_DT, nullable=False),
        _fk("citizen_intakes", "case_id", "cases.id"),
        _fk("citizen_intakes", "library_code", "platforms.code"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_citizen_intakes")),
    )
    op.create_index("ix_citizen_intakes_library_at", "citizen_intakes", ["library_code", "filed_at"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DT, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("done_at", UTC_DT, nullable=True),
        _fk("mail_outbox", "case_id", "cases.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_mail_outbox_case_id"), "mail_outbox", ["case_id"])
    op.create_table(
        "feedback",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("about_case_id", sa.Integer(), nullable=True),
        sa.Column("about_platform", sa.String(length=20), nullable=True),
        _fk("feedback", "case_id", "cases.id"),
        _fk("feedback", "about_case_id", "cases.id"),
        _fk("feedback", "about_platform", "platforms.code"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_type"), "feedback", ["type"])
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("asked_at", UTC_DT, nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=True),
        sa.Column("answered_at", UTC_DT, nullable=True),
        sa.Column("resolved", sa.String(length=10), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        _fk("verdicts", "case_id", "cases.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdicts")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_verdicts_token_hash")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_verdicts_case_id"), "verdicts", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_verdicts_case_id"), table_name="verdicts")
    op.drop_table("verdicts")
    op.drop_index(op.f("ix_feedback_type"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(op.f("ix_mail_outbox_case_id"), table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_index("ix_citizen_intakes_library_at", table_name="citizen_intakes")
    op.drop_table("citizen_intakes")
