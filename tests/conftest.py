"""Fixture chain: database (SQLite and PostgreSQL) → system with the real content published → app/client."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from engine import catalog, schema, store, system
from engine.access import Actor
from engine.services import reference, users
from tests import postgres
from tests.smtp import smtp  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
# Tests hash a few passwords per database: a cheap argon2 profile keeps them fast (production: default).
users.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PG_URL = os.environ.get("VENTANILLA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PUBLISHED_AT = datetime(2024, 1, 2, 12, 0, tzinfo=UTC)
_skipped_parts: set[str] = set()


def require(part: str, problem: str | None) -> None:
    """A system part the test needs: fail in CI, skip loudly elsewhere."""
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"{part} no está disponible en CI: {problem}")
    _skipped_parts.add(f"{part}: {problem}")
    pytest.skip(f"OMITIDA: {part} no disponible ({problem})")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in sorted(_skipped_parts):
        terminalreporter.write_line(f"!!! PRUEBAS OMITIDAS — {line}", red=True, bold=True)


def _pg_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            query = "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            row = conn.execute(query).fetchone()
            return None if row and row[0] else "el rol no puede crear bases de datos (falta CREATEDB)"
    except Exception as err:
        return str(err).strip().splitlines()[0]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres.Server]:
    """The PostgreSQL server of this test process; drops what crashed runs left there, and at the end the
    template this process prepared."""
    require("PostgreSQL", _pg_problem())
    server = postgres.Server(PG_URL)
    server.drop_stale()
    yield server
    server.close()


@pytest.fixture
def pg_url(pg_server: postgres.Server) -> Iterator[str]:
    """A PostgreSQL database of its own per test (parallel-safe), dropped afterwards.

    Made when first needed: ``prepare`` with the shipped content makes it a copy of the process's prepared
    template; otherwise it is empty when the test starts. A fixture that uses it before that and without
    ``prepare`` calls ``create_database(url)`` first."""
    name = postgres.new_name(postgres.TEST_PREFIX)
    url = pg_server.url_of(name)
    _pg_pending[url] = (pg_server, name)
    yield url
    if _pg_pending.pop(url, None) is None:
        pg_server.drop(name)


# pg_url's databases not made yet: URL → (server, database name).
_pg_pending: dict[str, tuple[postgres.Server, str]] = {}


def create_database(database_url: str) -> None:
    """pg_url's database, created empty now unless it exists already (any other URL: nothing to do)."""
    if database_url in _pg_pending:
        server, name = _pg_pending.pop(database_url)
        server.create(name)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """The test body gets its database even when no fixture prepared it: an empty one."""
    for url in list(_pg_pending):
        create_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ventanilla.db"
    return str(request.getfixturevalue("pg_url"))


def prepare(database_url: str, content: Path = ROOT) -> system.System:
    """Schema, reference data, the content under ``content`` published, and the test staff.

    A new database with the shipped content is a copy of one prepared once per test process (a file for
    SQLite, a template database for PostgreSQL): the same migrations, reference data and publication,
    without paying for them in every test."""
    if content == ROOT and _copy_of_template(database_url):
        return system.build(database_url)
    create_database(database_url)
    return _prepare_fresh(database_url, content)


def _copy_of_template(database_url: str) -> bool:
    """Make ``database_url`` a copy of this process's prepared database when it does not exist yet: a new
    SQLite file, or pg_url's database before the test starts. False otherwise."""
    if database_url.startswith("sqlite:///"):
        target = Path(database_url.removeprefix("sqlite:///"))
        if target.exists():
            return False
        shutil.copyfile(_sqlite_template(), target)
        return True
    if database_url not in _pg_pending:
        return False
    server, name = _pg_pending.pop(database_url)
    server.copy_template(name, lambda url: _prepare_fresh(url, ROOT).db.engine.dispose())
    return True


_templates: dict[str, Path] = {}


def _sqlite_template() -> Path:
    """The prepared SQLite database of this test process, made on first use (WAL folded into the file)."""
    if "sqlite" not in _templates:
        folder = Path(tempfile.mkdtemp(prefix="ventanilla-plantilla-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "plantilla.db"
        _prepare_fresh(f"sqlite:///{path}", ROOT).db.engine.dispose()
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        _templates["sqlite"] = path
    return _templates["sqlite"]


def _prepare_fresh(database_url: str, content: Path) -> system.System:
    sys_ = system.build(database_url)
    schema.upgrade(sys_.db)
    with sys_.db.writing() as s:
        reference.load_reference(s)
        store.publish(s, catalog.read_dir(content), by="tests", note="", now=PUBLISHED_AT)
        for username, role, platform, region in STAFF:
            users.add_user(s, username, "clave-segura-1", role, PUBLISHED_AT, platform, region)
    return sys_


STAFF = [
    ("eje13", "ejecutivo", "DR13", None),
    ("eje13b", "ejecutivo", "DR13", None),
    ("eje05", "ejecutivo", "DR05", None),
    ("sup13", "supervisor", None, "13"),
    ("abo13", "abogado", None, "13"),
    ("sup05", "supervisor", None, "05"),
    ("central", "nivel_central", None, None),
    ("analista", "analista", None, None),
    ("integ", "integrador", None, None),
    ("admin13", "admin_plataformas", None, "13"),
    ("admin05", "admin_plataformas", None, "05"),
]
ACTORS = {
    "eje13": Actor("eje13", "ejecutivo", "DR13", "13", "in_person"),
    "eje13b": Actor("eje13b", "ejecutivo", "DR13", "13", "in_person"),
    "abo13": Actor("abo13", "abogado", None, "13", "in_person"),
    "eje05": Actor("eje05", "ejecutivo", "DR05", "05", "in_person"),
    "sup13": Actor("sup13", "supervisor", None, "13", "in_person"),
    "sup05": Actor("sup05", "supervisor", None, "05", "in_person"),
    "central": Actor("central", "nivel_central", None, None, None),
}


@pytest.fixture
def sys_(database_url: str) -> Iterator[system.System]:
    built = prepare(database_url)
    yield built
    built.db.engine.dispose()


@dataclass
class Clock:
    """An injectable clock the test moves by hand (no sleeping)."""

    now: datetime

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 9, 13, 15, 0, tzinfo=UTC))  # Friday 13-09-2024, 12:00 in Santiago


def complaint(**overrides: Any) -> dict[str, Any]:
    """A valid reclamo intake at the Santiago regional office."""
    data: dict[str, Any] = {
        "kind": "complaint",
        "channel": "in_person",
        "platform": "DR13",
        "consumer": {
            "rut": "12.345.678-5",
            "name": "Ana Prueba Ejemplo",
            "comuna": "13101",
            "email": "ana@ejemplo.cl",
            "phone": "+56 9 1234 5678",
        },
        "provider": {"rut": "76.086.428-5", "name": "Tienda Demo Ltda."},
        "market": "comercio",
        "motive": "cobro_indebido",
        "category": "doble_cobro",
        "subject": "Cobro duplicado",
        "description": "Me cobraron dos veces la misma compra en la tienda.",
    }
    data.update(overrides)
    return data
