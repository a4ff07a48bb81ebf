"""knowledge base: articles with every version, uses on cases, searches; full-text index per dialect

Revision ID: 0013_knowledge
Revises: 0013_desk
Create Date: 2026-12-02 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0013_knowledge"
down_revision = "0013_desk"
branch_labels = None
depends_on = None

UTC_DT = engine.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("market", sa.String(length=60), nullable=False),
        sa.Column("motive", sa.String(length=120), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_knowledge_articles_market"), "knowledge_articles", ["market"])
    op.create_table(
        "knowledge_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("market", sa.String(length=60), nullable=False),
        sa.Column("motive", sa.String(length=120), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("saved_at", UTC_DT, nullable=False),
        sa.Column("saved_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["knowledge_articles.id"], name=op.f("fk_knowledge_versions_article_id_knowledge_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_versions")),
        sa.UniqueConstraint("article_id", "version", name=op.f("uq_knowledge_versions_article_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_knowledge_versions_article_id"), "knowledge_versions", ["article_id"])
    op.create_table(
        "knowledge_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("used_by", sa.String(length=80), nullable=False),
        sa.Column("used_at", UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["knowledge_articles.id"], name=op.f("fk_knowledge_uses_article_id_knowledge_articles")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_knowledge_uses_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_uses")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_knowledge_uses_article_id"), "knowledge_uses", ["article_id"])
    op.create_index(op.f("ix_knowledge_uses_case_id"), "knowledge_uses", ["case_id"])
    op.create_table(
        "knowledge_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("normalized", sa.String(length=200), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("searched_by", sa.String(length=80), nullable=False),
        sa.Column("searched_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_searches")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_knowledge_searches_found", "knowledge_searches", ["found", "searched_at"])
    if op.get_bind().dialect.name == "postgresql":
        # The text is stored folded (no accents), so the 'spanish' stemmer sees the same word whether the
        # article or the query had the accent: no unaccent extension needed (ADR 0012).
        op.execute(
            "CREATE INDEX ix_knowledge_articles_fts ON knowledge_articles "
            "USING gin (to_tsvector('spanish', search_text))"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE knowledge_fts USING fts5(stems, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_knowledge_articles_fts")
    else:
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
    op.drop_index("ix_knowledge_searches_found", table_name="knowledge_searches")
    op.drop_table("knowledge_searches")
    op.drop_index(op.f("ix_knowledge_uses_case_id"), table_name="knowledge_uses")
    op.drop_index(op.f("ix_knowledge_uses_article_id"), table_name="knowledge_uses")
    op.drop_table("knowledge_uses")
    op.drop_index(op.f("ix_knowledge_versions_article_id"), table_name="knowledge_versions")
    op.drop_table("knowledge_versions")
    op.drop_index(op.f("ix_knowledge_articles_market"), table_name="knowledge_articles")
    op.drop_table("knowledge_articles")
