"""Where the database modes run: a temporary SQLite file, a throwaway PostgreSQL schema (always dropped)."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


class PostgresMissing(SystemExit):
    """PostgreSQL was required (`make bench-pg`) but is unreachable."""


def first_line(err: BaseException) -> str:
    """The first line of an error's message (psycopg's are multi-line)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def shout(text: str) -> None:
    """A warning nobody scrolling past the output can miss."""
    bar = "!" * min(100, len(text) + 8)
    print(f"\n{bar}\n!!! {text}\n{bar}\n", file=sys.stderr, flush=True)


@contextmanager
def postgres_schema(base_url: str, required: bool) -> Iterator[str | None]:
    """A URL on a fresh `bench_<hex>` schema, dropped at the end whatever happens; None (loudly) when the
    server is unreachable, or PostgresMissing when ``required``."""
    try:
        conn = psycopg.connect(base_url, autocommit=True, connect_timeout=5)
    except psycopg.Error as err:
        text = f"PostgreSQL UNREACHABLE at {base_url} ({first_line(err)})"
        if required:
            raise PostgresMissing(f"{text}: bench-pg needs it.") from err
        shout(f"{text}: the PostgreSQL figures are SKIPPED.")
        yield None
        return
    name = f"bench_{secrets.token_hex(6)}"
    try:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        glue = "&" if "?" in base_url else "?"
        yield f"{base_url}{glue}options=-csearch_path%3D{name}"
    finally:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
        conn.close()
