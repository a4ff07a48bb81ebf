"""workbench drafts: each analyst's working copy of processes, forms and letter templates

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-30 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_version_id"], ["content_versions.id"], name=op.f("fk_drafts_base_version_id_content_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("owner", name=op.f("uq_drafts_owner")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "draft_files",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_draft_files_draft_id_drafts")),
        sa.PrimaryKeyConstraint("draft_id", "path", name=op.f("pk_draft_files")),
    )


def downgrade() -> None:
    op.drop_table("draft_files")
    op.drop_table("drafts")
