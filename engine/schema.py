"""Schema management through Alembic migrations (``ventanilla init``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from .db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    url = db.engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
    return cfg


def upgrade(db: Database) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    cfg = alembic_config(db)
    with db.engine.connect() as conn, _foreign_keys_off(conn):
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def downgrade(db: Database, revision: str) -> None:
    """Take the schema back to ``revision`` (tests and operators undoing the newest migrations)."""
    cfg = alembic_config(db)
    with db.engine.connect() as conn, _foreign_keys_off(conn):
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)


@contextmanager
def _foreign_keys_off(conn: Connection) -> Iterator[None]:
    """SQLite: a migration that rebuilds a table (Alembic's batch mode) drops it while other tables' rows
    reference it, which enforced foreign keys refuse; SQLite's documented procedure switches them off for
    the change (outside any transaction) and back on after. PostgreSQL alters in place: nothing to do."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    if raw is None:
        raise RuntimeError("la conexión a SQLite se cerró antes de migrar")
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")
