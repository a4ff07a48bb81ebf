"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL: a model changed
without its migration (or the other way round) fails here, not in production."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine import schema, system
from engine.models import Base, managed_by_migration


def _not_full_text(name: str | None, type_: str, _parent: object) -> bool:
    """The knowledge base's full-text indexes have no model: SQLite's FTS5 table (and its shadow tables) and
    PostgreSQL's expression index (migration 0013_knowledge)."""
    if type_ == "index":
        return name != "ix_knowledge_articles_fts"
    return not (type_ == "table" and (name or "").startswith("knowledge_fts"))


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    db = system.build(database_url).db
    try:
        schema.upgrade(db)
        with db.engine.connect() as conn:
            opts = {"compare_type": True, "include_name": _modelled}
            context = MigrationContext.configure(conn, opts=opts)
            differences = compare_metadata(context, Base.metadata)
    finally:
        db.engine.dispose()
    assert differences == []


def _modelled(name: str | None, kind: str, parents: object) -> bool:
    """The full-text search objects (an FTS5 table, expression GIN indexes) exist in the migrations only:
    the case search's (0013_monitoring) and the knowledge base's (0013_knowledge)."""
    return not managed_by_migration(name) and _not_full_text(name, kind, parents)
