"""the territorial network: platform registry fields, agreements, audit log, imported rows, account e-mail

Revision ID: 0013_network
Revises: 0013_knowledge
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0013_network"
down_revision = "0013_knowledge"
branch_labels = None
depends_on = None

UTC_DT = engine.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("platforms", recreate="never") as batch:
        batch.add_column(sa.Column("address", sa.String(length=200), server_default="", nullable=False))
        batch.add_column(sa.Column("manager_name", sa.String(length=120), server_default="", nullable=False))
        batch.add_column(sa.Column("email", sa.String(length=160), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("active_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("active_to", sa.Date(), nullable=True))
    with op.batch_alter_table("users", recreate="never") as batch:  # users.email comes with 0013_desk
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # A plain column and a unique index: a batch would recreate `cases`, which other tables' rows reference.
    op.add_column("cases", sa.Column("legacy_ref", sa.String(length=40), nullable=True))
    op.create_index("uq_cases_legacy_ref", "cases", ["legacy_ref"], unique=True)
    op.create_table(
        "platform_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_code", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("uploaded_at", UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_code"], ["platforms.code"], name=op.f("fk_platform_agreements_platform_code_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_agreements")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_platform_agreements_platform_code"), "platform_agreements", ["platform_code"])
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_DT, nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_entries_region_at", "audit_entries", ["region_code", "at"])
    op.create_table(
        "imported_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTC_DT, nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_imported_rows_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_rows")),
        sa.UniqueConstraint("source", "key", name=op.f("uq_imported_rows_source")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_imported_rows_case_id"), "imported_rows", ["case_id"])
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_code", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("accept_partial", sa.Boolean(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_code"], ["platforms.code"], name=op.f("fk_import_jobs_platform_code_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_import_jobs_region_code"), "import_jobs", ["region_code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_jobs_region_code"), table_name="import_jobs")
    op.drop_table("import_jobs")
    op.drop_index(op.f("ix_imported_rows_case_id"), table_name="imported_rows")
    op.drop_table("imported_rows")
    op.drop_index("ix_audit_entries_region_at", table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_index(op.f("ix_platform_agreements_platform_code"), table_name="platform_agreements")
    op.drop_table("platform_agreements")
    op.drop_index("uq_cases_legacy_ref", table_name="cases")
    with op.batch_alter_table("cases", recreate="never") as batch:
        batch.drop_column("legacy_ref")
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.drop_column("must_change_password")
    with op.batch_alter_table("platforms", recreate="never") as batch:
        for column in ("active_to", "active_from", "phone", "email", "manager_name", "address"):
            batch.drop_column(column)
