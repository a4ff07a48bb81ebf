"""monitoring: case search (full text), the monitoring cohort's covering index, días hábiles to close, exports

PostgreSQL: full-text search in Spanish, accent-insensitive (the unaccent extension in a text search
configuration `es_unaccent`; names through `simple_unaccent`, without stemming), as expression GIN indexes.
SQLite: an FTS5 table `cases_fts` (unicode61, remove_diacritics 2) kept by triggers.

Revision ID: 0013_monitoring
Revises: 0013_security
Create Date: 2026-12-02 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models
from engine import deadlines

revision = "0013_monitoring"
down_revision = "0013_security"
branch_labels = None
depends_on = None

UTC_DT = engine.models.UTCDateTime(timezone=True)
COVER = [
    *("region_code", "comuna_code", "platform_code", "channel", "kind", "stage", "status"),
    *("due_on", "warn_on", "closed_at", "closed_business_days", "outcome", "provider_rut", "market", "motive"),
]
# engine/services/monitoring/fulltext.py builds the same expressions: the planner matches them to these indexes.
PG_TEXT = "to_tsvector('es_unaccent'::regconfig, coalesce(subject, '') || ' ' || coalesce(description, ''))"
PG_NAME = "to_tsvector('simple_unaccent'::regconfig, coalesce(consumer_name, ''))"
PG_COMPANY = "to_tsvector('simple_unaccent'::regconfig, coalesce(provider_name, ''))"
SQLITE_ROW = "new.id, new.consumer_name, coalesce(new.provider_name, ''), new.subject || ' ' || new.description"


def upgrade() -> None:
    # A plain ADD COLUMN: a batch would rebuild `cases`, which other tables' rows reference.
    op.add_column("cases", sa.Column("closed_business_days", sa.Integer(), nullable=True))
    op.create_index("ix_cases_opened", "cases", ["opened_at", "id"])
    op.create_index("ix_cases_region_opened", "cases", ["region_code", "opened_at", "id"])
    op.create_index("ix_cases_platform_opened", "cases", ["platform_code", "opened_at", "id"])
    op.create_index("ix_cases_opened_on", "cases", ["opened_on"], postgresql_include=COVER)
    _backfill_business_days()
    if op.get_bind().dialect.name == "postgresql":
        _postgres_fulltext()
    else:
        _sqlite_fulltext()
    _export_tables()


def _backfill_business_days() -> None:
    """Cases closed before this migration: días hábiles from opening to closing (the region's holidays)."""
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("opened_on", sa.Date),
        sa.column("closed_at", UTC_DT),
        sa.column("region_code", sa.String),
        sa.column("closed_business_days", sa.Integer),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(cases.c.id, cases.c.opened_on, cases.c.closed_at, cases.c.region_code).where(
            cases.c.closed_at.is_not(None)
        )
    ).fetchall()
    for case_id, opened_on, closed_at, region in rows:
        days = deadlines.business_days_between(opened_on, deadlines.local_date(closed_at), region)
        conn.execute(cases.update().where(cases.c.id == case_id).values(closed_business_days=days))


def _postgres_fulltext() -> None:
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    op.execute(f'CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA "{schema}"')
    where = op.get_bind().execute(
        sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname = 'unaccent'")
    ).scalar_one()
    for name, stem in (("es_unaccent", "spanish_stem"), ("simple_unaccent", "simple")):
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = spanish)")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR hword, hword_part, word "
            f'WITH "{where}".unaccent, {stem}'
        )
    op.execute(f"CREATE INDEX ix_cases_fts_text ON cases USING gin ({PG_TEXT})")
    op.execute(f"CREATE INDEX ix_cases_fts_name ON cases USING gin ({PG_NAME})")
    op.execute(f"CREATE INDEX ix_cases_fts_company ON cases USING gin ({PG_COMPANY})")


def _sqlite_fulltext() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE cases_fts USING fts5(name, company, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "INSERT INTO cases_fts (rowid, name, company, body) SELECT id, consumer_name, coalesce(provider_name, ''), "
        "subject || ' ' || description FROM cases"
    )
    op.execute(
        f"CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN "
        f"INSERT INTO cases_fts (rowid, name, company, body) VALUES ({SQLITE_ROW}); END"
    )
    op.execute(
        "CREATE TRIGGER cases_fts_update AFTER UPDATE OF consumer_name, provider_name, subject, description "
        f"ON cases BEGIN DELETE FROM cases_fts WHERE rowid = old.id; "
        f"INSERT INTO cases_fts (rowid, name, company, body) VALUES ({SQLITE_ROW}); END"
    )
    op.execute("CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN DELETE FROM cases_fts WHERE rowid = old.id; END")


def _export_tables() -> None:
    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_DT, nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("what", sa.String(length=80), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_log")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_export_log_at", "export_log", ["at"])
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=True),
        sa.Column("requested_at", UTC_DT, nullable=False),
        sa.Column("fmt", sa.String(length=10), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("written", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", UTC_DT, nullable=True),
        sa.Column("expires_at", UTC_DT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_export_jobs_status", "export_jobs", ["status", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_export_jobs_status", table_name="export_jobs")
    op.drop_table("export_jobs")
    op.drop_index("ix_export_log_at", table_name="export_log")
    op.drop_table("export_log")
    if op.get_bind().dialect.name == "postgresql":
        for name in ("ix_cases_fts_text", "ix_cases_fts_name", "ix_cases_fts_company"):
            op.execute(f"DROP INDEX {name}")
        op.execute("DROP TEXT SEARCH CONFIGURATION es_unaccent")
        op.execute("DROP TEXT SEARCH CONFIGURATION simple_unaccent")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER cases_fts_{name}")
        op.execute("DROP TABLE cases_fts")
    for name in ("ix_cases_opened_on", "ix_cases_platform_opened", "ix_cases_region_opened", "ix_cases_opened"):
        op.drop_index(name, table_name="cases")
    with op.batch_alter_table("cases", recreate="never") as batch:
        batch.drop_column("closed_business_days")
