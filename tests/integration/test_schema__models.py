"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL: a model changed
without its migration (or the other way round) fails here, not in production."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine import schema, system
from engine.models import Base


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
            opts = {"compare_type": True, "include_name": _not_full_text}
            context = MigrationContext.configure(conn, opts=opts)
            differences = compare_metadata(context, Base.metadata)
    finally:
        db.engine.dispose()
    assert differences == []
