"""content versions: each names the version it followed (unique), a rollback may repeat an old hash;
drafts keep the files left in conflict by a merge

Revision ID: 0013_publish_lineage
Revises: 0013_classification
Create Date: 2026-12-02 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_publish_lineage"
down_revision = "0013_classification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("content_versions", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE content_versions SET parent_id = COALESCE((SELECT MAX(v.id) FROM content_versions v "
        "WHERE v.id < content_versions.id), 0)"
    )
    with op.batch_alter_table("content_versions") as batch:
        batch.alter_column("parent_id", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_content_versions_parent_id", ["parent_id"])
        batch.drop_constraint("uq_content_versions_content_hash", type_="unique")
        batch.create_index("ix_content_versions_content_hash", ["content_hash"])
    op.add_column("drafts", sa.Column("conflicts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("conflicts")
    with op.batch_alter_table("content_versions") as batch:
        batch.drop_index("ix_content_versions_content_hash")
        batch.create_unique_constraint("uq_content_versions_content_hash", ["content_hash"])
        batch.drop_constraint("uq_content_versions_parent_id", type_="unique")
        batch.drop_column("parent_id")
