"""bandeja without joins: the case fields it filters, counts and searches on, copied onto human_tasks

The bandeja filtered, sorted and counted open tasks joined to their cases, and counted every open task of
the actor's scope, so its cost grew with the backlog (bench/inbox.py: p95 growth 6.85x from 10,000 to
200,000 cases). The case's kind, stage, channel, warning date and provider now live on each task (kept in
step by persistence); partial open-task indexes per scope lead with the bandeja's order, with kind /
stage / channel, with the provider-name prefix and with the provider RUT, each covering the filtered
columns; warn_days (due_on - warn_on) bounds the "por vencer" range. The cases' provider-prefix index
(0006) is no longer read by anything and is dropped.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 21:30:00
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")
ORDER = ("due_on", "created_at", "id")
KEYS = {
    "": ORDER,
    "_kind": ("kind", *ORDER),
    "_stage": ("stage", *ORDER),
    "_channel": ("channel", *ORDER),
    "_assignee": ("assignee", *ORDER),
    "_provider": ("provider_key", *ORDER),
    "_provider_rut": ("provider_rut", *ORDER),
}
COVER = (
    *("role", "assignee", "case_id", "kind", "stage", "channel", "due_on", "warn_on", "created_at", "id"),
    *("region_code", "platform_code"),
)
# The status-led indexes of 0001 are superseded by the partial ones (and mislead the planner).
STATUS_LED = {
    "ix_human_tasks_open_region": ["status", "region_code", "role", "due_on"],
    "ix_human_tasks_open_platform": ["status", "platform_code", "role", "due_on"],
}


def _new_columns() -> tuple[sa.Column[object], ...]:
    """Fresh Column objects (a Column joins the table it is added to: one set per migration run)."""
    return (
        sa.Column("kind", sa.String(30), nullable=False, server_default=""),
        sa.Column("stage", sa.String(30), nullable=False, server_default=""),
        sa.Column("channel", sa.String(20), nullable=False, server_default=""),
        sa.Column("warn_on", sa.Date(), nullable=True),
        sa.Column("warn_days", sa.Integer(), nullable=True),
        sa.Column("provider_rut", sa.String(12), nullable=True),
        sa.Column("provider_key", sa.String(160), nullable=True),
    )


def _provider_index() -> None:
    op.create_index(
        "ix_cases_provider_name_prefix",
        "cases",
        [sa.func.lower(sa.column("provider_name")).label("provider_name_lower")],
        postgresql_ops={"provider_name_lower": "text_pattern_ops"},
    )


def _old_inbox_indexes() -> None:
    for scope, include in (("region", ["role", "assignee", "platform_code", "case_id"]), ("platform", None)):
        op.create_index(
            f"ix_human_tasks_inbox_{scope}",
            "human_tasks",
            [f"{scope}_code", "due_on", "created_at", "id"],
            postgresql_include=include or ["role", "assignee", "case_id"],
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )


def _open_task_index(name: str, *keys: str) -> None:
    op.create_index(
        name,
        "human_tasks",
        list(keys),
        postgresql_include=[c for c in COVER if c not in keys],
        postgresql_ops={"provider_key": "text_pattern_ops"},
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def _new_index_names() -> list[str]:
    names = [f"ix_human_tasks_inbox_{scope}{suffix}" for scope in ("region", "platform") for suffix in KEYS]
    return [*names, "ix_human_tasks_open_warn_days"]


def _new_inbox_indexes() -> None:
    for scope in ("region", "platform"):
        for suffix, keys in KEYS.items():
            _open_task_index(f"ix_human_tasks_inbox_{scope}{suffix}", f"{scope}_code", *keys)
    op.create_index(
        "ix_human_tasks_open_warn_days",
        "human_tasks",
        ["warn_days"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def _backfill() -> None:
    """Every task (closed ones too) takes its case's values; lower() and date arithmetic in Python on
    SQLite (its lower() is ASCII-only, its dates are text), in one UPDATE on PostgreSQL."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "UPDATE human_tasks SET kind = c.kind, stage = c.stage, channel = c.channel, warn_on = c.warn_on,"
            " warn_days = c.due_on - c.warn_on, provider_rut = c.provider_rut,"
            " provider_key = lower(c.provider_name) FROM cases AS c WHERE c.id = human_tasks.case_id"
        )
        return
    cases = bind.execute(
        sa.text("SELECT id, kind, stage, channel, due_on, warn_on, provider_rut, provider_name FROM cases")
    ).all()
    for cid, kind, stage, channel, due_on, warn_on, provider_rut, provider_name in cases:
        due, warn = (date.fromisoformat(str(d)) if d else None for d in (due_on, warn_on))
        bind.execute(
            sa.text(
                "UPDATE human_tasks SET kind = :kind, stage = :stage, channel = :channel, warn_on = :warn,"
                " warn_days = :days, provider_rut = :rut, provider_key = :key WHERE case_id = :id"
            ),
            {
                "kind": kind,
                "stage": stage,
                "channel": channel,
                "warn": warn,
                "days": (due - warn).days if due and warn else None,
                "rut": provider_rut,
                "key": provider_name.lower() if provider_name else None,
                "id": cid,
            },
        )


def upgrade() -> None:
    op.drop_index("ix_human_tasks_inbox_platform", table_name="human_tasks")
    op.drop_index("ix_human_tasks_inbox_region", table_name="human_tasks")
    op.drop_index("ix_cases_provider_name_prefix", table_name="cases")
    for name in STATUS_LED:
        op.drop_index(name, table_name="human_tasks")
    for column in _new_columns():
        op.add_column("human_tasks", column)
    _backfill()
    _new_inbox_indexes()


def downgrade() -> None:
    for name in _new_index_names():
        op.drop_index(name, table_name="human_tasks")
    with op.batch_alter_table("human_tasks") as batch_op:
        for column in reversed(_new_columns()):
            batch_op.drop_column(column.name)
    _old_inbox_indexes()
    _provider_index()
    for name, columns in STATUS_LED.items():
        op.create_index(name, "human_tasks", columns)
