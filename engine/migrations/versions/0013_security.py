"""web security: server-side sessions, shared rate counters, idempotency keys, API token expiry and last use

Revision ID: 0013_security
Revises: 0013_citizens
Create Date: 2026-12-02 11:40:00
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0013_security"
down_revision = "0013_citizens"
branch_labels = None
depends_on = None

UTC_DT = engine.models.UTCDateTime(timezone=True)
LEGACY_TOKEN_DAYS = 90  # tokens issued before expiry existed: valid this long from the upgrade


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("last_seen_at", UTC_DT, nullable=False),
        sa.Column("idle_seconds", sa.Integer(), nullable=False),
        sa.Column("idle_until", UTC_DT, nullable=False),
        sa.Column("expires_at", UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    op.create_index("ix_web_sessions_idle_until", "web_sessions", ["idle_until"])
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", UTC_DT, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_counters")),
    )
    op.create_index(op.f("ix_rate_counters_expires_at"), "rate_counters", ["expires_at"])
    op.create_table(
        "idempotency_keys",
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("expires_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("owner", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(op.f("ix_idempotency_keys_expires_at"), "idempotency_keys", ["expires_at"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", UTC_DT, nullable=True))
        batch.add_column(sa.Column("revoked_at", UTC_DT, nullable=True))
        batch.add_column(sa.Column("last_used_at", UTC_DT, nullable=True))
    tokens = sa.table("api_tokens", sa.column("expires_at", UTC_DT))
    until = datetime.now(UTC) + timedelta(days=LEGACY_TOKEN_DAYS)
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=until))
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=UTC_DT, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
    op.drop_index(op.f("ix_idempotency_keys_expires_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_rate_counters_expires_at"), table_name="rate_counters")
    op.drop_table("rate_counters")
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_index("ix_web_sessions_idle_until", table_name="web_sessions")
    op.drop_table("web_sessions")
