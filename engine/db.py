"""Database engines and sessions: SQLite (embedded default) and PostgreSQL, with one writer per case."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .errors import Conflict

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///instance/ventanilla.db"
AFTER_COMMIT = "ventanilla.after_commit"  # Session.info key: work a transaction recorded for after its commit

AfterCommit = Callable[[list[object]], None]
DatabaseError = SQLAlchemyError  # what a caller may catch when the database fails, without naming SQLAlchemy


def after_commit(s: Session, item: object) -> None:
    """Hand ``item`` to the after-commit hook once this transaction commits (dropped on rollback)."""
    s.info.setdefault(AFTER_COMMIT, []).append(item)


def _sqlite_setup(engine: Engine) -> None:
    """WAL + busy timeout, and BEGIN IMMEDIATE for write sessions: SQLite writers queue, never fail."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (SQLAlchemy's documented pysqlite recipe)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@dataclass
class Database:
    """The engine plus two session factories: reads, and writes (which take SQLite's write lock up front)."""

    engine: Engine
    read: sessionmaker[Session]
    write: sessionmaker[Session]
    # Called with what a committed write transaction recorded through ``after_commit`` (the effects outbox's
    # immediate kick); None leaves that work to the scheduler's poll. Never raises into the caller.
    on_commit: AfterCommit | None = field(default=None)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction: commit on success, roll back on any error. Lock contention the database
        resolves by aborting us (deadlock, busy, serialization) is a Conflict: nothing was applied."""
        try:
            with self.write() as s:
                with s.begin():
                    yield s
                recorded = s.info.pop(AFTER_COMMIT, [])
        except OperationalError as err:
            if _is_contention(err):
                raise Conflict("el caso está siendo modificado por otra acción; intente nuevamente") from err
            raise
        if recorded and self.on_commit is not None:
            try:
                self.on_commit(recorded)
            except Exception:  # committed already: what failed is retried by the scheduler's poll
                log.exception("trabajo posterior al commit")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One read transaction, rolled back at the end."""
        with self.read() as s, s.begin():
            yield s


def _is_contention(err: OperationalError) -> bool:
    code = getattr(err.orig, "sqlstate", None) or getattr(getattr(err.orig, "diag", None), "sqlstate", None)
    return code in {"40P01", "40001", "55P03"} or "database is locked" in str(err.orig)


def connect(url: str | None = None, **engine_kw: Any) -> Database:
    """Create the engine for ``url`` (default: SQLite under instance/, folder created if needed)."""
    url = url or DEFAULT_URL
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kw: dict[str, Any] = {"future": True}
    if url.startswith("postgresql"):
        kw.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
    kw.update(engine_kw)
    engine = create_engine(url, **kw)
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine)
    writer = engine.execution_options(sqlite_immediate=True)
    return Database(
        engine=engine,
        read=sessionmaker(engine, expire_on_commit=False),
        write=sessionmaker(writer, expire_on_commit=False),
    )
