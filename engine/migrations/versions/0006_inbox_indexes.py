"""inbox indexes: open tasks by scope in due-date order, provider-name prefix search, stage and kind filters

Measured with bench/inbox.py (200,000 cases): the bandeja's page is read in index order instead of
sorting every open task of the region, counting reads the partial index only, a provider search no
longer scans every case, and a stage or kind filter no longer scans every case either.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 23:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    # Partial (open tasks only: completed ones are most of the table and never in a bandeja), keyed like
    # the bandeja's ORDER BY so a page is the first rows of a range; INCLUDE lets counting skip the heap.
    op.create_index(
        "ix_human_tasks_inbox_region",
        "human_tasks",
        ["region_code", "due_on", "created_at", "id"],
        postgresql_include=["role", "assignee", "platform_code", "case_id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index(
        "ix_human_tasks_inbox_platform",
        "human_tasks",
        ["platform_code", "due_on", "created_at", "id"],
        postgresql_include=["role", "assignee", "case_id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    # lower(provider_name) LIKE 'prefix%': text_pattern_ops because the database collation is not C.
    op.create_index(
        "ix_cases_provider_name_prefix",
        "cases",
        [sa.func.lower(sa.column("provider_name")).label("provider_name_lower")],
        postgresql_ops={"provider_name_lower": "text_pattern_ops"},
    )
    op.create_index("ix_cases_stage", "cases", ["stage"])
    op.create_index("ix_cases_kind", "cases", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_cases_kind", table_name="cases")
    op.drop_index("ix_cases_stage", table_name="cases")
    op.drop_index("ix_cases_provider_name_prefix", table_name="cases")
    op.drop_index("ix_human_tasks_inbox_platform", table_name="human_tasks")
    op.drop_index("ix_human_tasks_inbox_region", table_name="human_tasks")
