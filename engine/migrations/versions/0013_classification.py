"""classification and records at intake: mercado/motivo/categoría on cases (and the bandeja's copies on open
tasks), one consumer record per RUT, and the flag of a company the registry does not have yet

Revision ID: 0013_classification
Revises: 0012
Create Date: 2026-12-02 11:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0013_classification"
down_revision = "0012"
branch_labels = None
depends_on = None

UTC_DT = engine.models.UTCDateTime(timezone=True)
OPEN = sa.text("status = 'open'")
COVER = (
    *("role", "assignee", "case_id", "kind", "stage", "channel", "due_on", "warn_on", "created_at", "id"),
    *("region_code", "platform_code", "market", "motive"),
)
TASK_KEYS = {"_market": "market", "_motive": "motive"}


def _task_indexes() -> None:
    for scope in ("region", "platform"):
        for suffix, key in TASK_KEYS.items():
            keys = [f"{scope}_code", key, "due_on", "created_at", "id"]
            op.create_index(
                f"ix_human_tasks_inbox_{scope}{suffix}",
                "human_tasks",
                keys,
                postgresql_include=[c for c in COVER if c not in keys],
                postgresql_where=OPEN,
                sqlite_where=OPEN,
            )


def upgrade() -> None:
    # Plain ADD COLUMN: a batch would recreate `cases` on SQLite, which the rows of other tables reference.
    op.add_column("cases", sa.Column("market", sa.String(40), nullable=True))
    op.add_column("cases", sa.Column("motive", sa.String(40), nullable=True))
    op.add_column("cases", sa.Column("category", sa.String(40), nullable=True))
    op.add_column(
        "cases",
        sa.Column("provider_unregistered", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.create_index("ix_cases_market", "cases", ["market"])
    op.create_index("ix_cases_motive", "cases", ["motive"])
    unregistered = sa.text("provider_unregistered")
    op.create_index(
        "ix_cases_unregistered_provider",
        "cases",
        ["provider_name"],
        postgresql_where=unregistered,
        sqlite_where=unregistered,
    )
    op.add_column("human_tasks", sa.Column("market", sa.String(40), nullable=True))
    op.add_column("human_tasks", sa.Column("motive", sa.String(40), nullable=True))
    _task_indexes()
    op.create_table(
        "consumers",
        sa.Column("rut", sa.String(12), nullable=False),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("email", sa.String(160), nullable=True),
        sa.Column("phone", sa.String(30), nullable=True),
        sa.Column("comuna_code", sa.String(5), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(["comuna_code"], ["comunas.code"], name=op.f("fk_consumers_comuna_code_comunas")),
        sa.PrimaryKeyConstraint("rut", name=op.f("pk_consumers")),
    )


def downgrade() -> None:
    op.drop_table("consumers")
    for scope in ("region", "platform"):
        for suffix in TASK_KEYS:
            op.drop_index(f"ix_human_tasks_inbox_{scope}{suffix}", table_name="human_tasks")
    op.drop_index("ix_cases_unregistered_provider", table_name="cases")
    op.drop_index("ix_cases_motive", table_name="cases")
    op.drop_index("ix_cases_market", table_name="cases")
    # Plain DROP COLUMN (SQLite 3.35+): a batch would recreate `cases`, which other tables reference.
    for table, columns in (
        ("human_tasks", ("motive", "market")),
        ("cases", ("provider_unregistered", "category", "motive", "market")),
    ):
        for column in columns:
            op.drop_column(table, column)
