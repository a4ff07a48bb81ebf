"""Throwaway PostgreSQL databases for tests: one per test, copied from a template prepared once per process.

Every name carries its creation time: ``vtt_<epoch>_<worker>_<hex>`` is a test's database,
``vtpl_<epoch>_<worker>_<hex>`` a test process's template. So a run can drop what a crashed run left behind
hours ago, and nothing else: no database of a run still going on, none that is not ours."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

TEST_PREFIX = "vtt"
TEMPLATE_PREFIX = "vtpl"
OURS = re.compile(rf"^(?:{TEST_PREFIX}|{TEMPLATE_PREFIX})_(\d{{10}})_")
STALE_AFTER_S = 6 * 3600  # far longer than any run; what is older was left by a run that died


def new_name(prefix: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{int(time.time())}_{worker}_{uuid.uuid4().hex[:8]}"


def url_of(server_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server_url``: same user, password, host and options."""
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


class Server:
    """A PostgreSQL server, reached through the URL of one of its databases, with one admin connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.template: str | None = None
        self._admin = psycopg.connect(url, autocommit=True, connect_timeout=3)

    def url_of(self, name: str) -> str:
        return url_of(self.url, name)

    def create(self, name: str, template: str | None = None) -> None:
        """An empty database (the server's default template) or a copy of ``template``.

        No STRATEGY clause: PostgreSQL 15's default, WAL_LOG, copies our ~10 MB template in about 25 ms on
        a quiet server; FILE_COPY took 35 ms (two checkpoints per copy), and 4 times longer on a busy one."""
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._admin.execute(query)

    def copy_template(self, name: str, prepare_template: Callable[[str], None]) -> None:
        """Create ``name`` as a copy of this process's template, made on first use: an empty database that
        ``prepare_template(url)`` fills, closing its connections (a template in use cannot be copied)."""
        self.create(name, self.template or self._make_template(prepare_template))

    def _make_template(self, prepare_template: Callable[[str], None]) -> str:
        name = new_name(TEMPLATE_PREFIX)
        self.create(name)
        try:
            prepare_template(self.url_of(name))
        except BaseException:
            self.drop(name)
            raise
        self._wait_unused(name, 1.0)
        self.template = name
        return name

    def drop(self, name: str) -> None:
        """Drop ``name``, ending any connection still open (the test's processes are done with it).

        PostgreSQL 15 makes a checkpoint for every DROP DATABASE, after forgetting the dropped database's
        own pages: done here, between tests, this process has no other database with pages to write."""
        self._wait_unused(name, 0.1)
        self._admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _wait_unused(self, name: str, seconds: float) -> None:
        """Wait a moment for closed connections' server processes to end.

        Otherwise CREATE ... TEMPLATE and DROP DATABASE find them still there and sleep 100 ms."""
        deadline = time.monotonic() + seconds
        query = "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = %s)"
        while (
            (row := self._admin.execute(query, (name,)).fetchone()) and row[0] and time.monotonic() < deadline
        ):
            time.sleep(0.002)

    def drop_stale(self, now: float | None = None) -> list[str]:
        """Drop our databases older than STALE_AFTER_S that nobody is connected to; their names."""
        cutoff = (time.time() if now is None else now) - STALE_AFTER_S
        unused = """SELECT datname FROM pg_database d
            WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)"""
        rows = self._admin.execute(unused).fetchall()
        dropped = []
        for (name,) in rows:
            match = OURS.match(name)
            if not match or int(match.group(1)) >= cutoff:
                continue
            try:
                self._admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            except psycopg.Error:
                continue  # in use after all, or another test process is dropping it right now
            dropped.append(name)
        return dropped

    def close(self) -> None:
        """Drop the template and close the admin connection."""
        if self.template is not None:
            self.drop(self.template)
            self.template = None
        self._admin.close()
