"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL: a model changed
without its migration (or the other way round) fails here, not in production."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine import schema, system
from engine.models import Base, managed_by_migration


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    db = system.build(database_url).db
    try:
        schema.upgrade(db)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": _modelled})
            differences = compare_metadata(context, Base.metadata)
    finally:
        db.engine.dispose()
    assert differences == []


def _modelled(name: str | None, kind: str, parents: object) -> bool:
    """The full-text search objects (an FTS5 table, expression GIN indexes) exist in the migration only."""
    return not managed_by_migration(name)
