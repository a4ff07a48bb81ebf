"""The tests' throwaway PostgreSQL databases: copies of a template, and only our stale ones dropped."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest

from tests import postgres


def databases(server: postgres.Server) -> set[str]:
    with psycopg.connect(server.url, autocommit=True) as conn:
        return {name for (name,) in conn.execute("SELECT datname FROM pg_database")}


def test_a_database_url_keeps_user_password_host_and_options() -> None:
    server_url = "postgresql://ana:cl%40ve@db.example:6543/test?sslmode=require"
    assert (
        postgres.url_of(server_url, "vtt_1")
        == "postgresql://ana:cl%40ve@db.example:6543/vtt_1?sslmode=require"
    )


def test_copies_of_the_template_and_the_template_gone_at_the_end(pg_server: postgres.Server) -> None:
    server = postgres.Server(pg_server.url)
    made: list[str] = []

    def fill(url: str) -> None:
        made.append(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE marca (texto text)")
            conn.execute("INSERT INTO marca VALUES ('de la plantilla')")

    copies = [postgres.new_name(postgres.TEST_PREFIX) for _ in range(2)]
    try:
        for name in copies:
            server.copy_template(name, fill)
        for name in copies:
            with psycopg.connect(server.url_of(name)) as conn:
                assert conn.execute("SELECT texto FROM marca").fetchall() == [("de la plantilla",)]
    finally:
        for name in copies:
            server.drop(name)
        template = server.template
        server.close()
    assert len(made) == 1 and template is not None and made[0].endswith(f"/{template}")
    assert not {template, *copies} & databases(pg_server)


def test_only_our_databases_older_than_the_limit_are_dropped(pg_server: postgres.Server) -> None:
    now = time.time()
    old = int(now) - postgres.STALE_AFTER_S - 60
    tag = uuid.uuid4().hex[:8]
    stale = f"vtt_{old}_gw9_{tag}"
    stale_in_use = f"vtpl_{old}_gw9_{tag}"
    recent = f"vtt_{int(now) - 60}_gw9_{tag}"
    not_ours = f"vttx_{old}_gw9_{tag}"
    names = [stale, stale_in_use, recent, not_ours]
    for name in names:
        pg_server.create(name)
    try:
        with psycopg.connect(pg_server.url_of(stale_in_use)):
            dropped = pg_server.drop_stale(now)
        assert stale in dropped
        assert databases(pg_server) >= {stale_in_use, recent, not_ours}
        assert stale not in databases(pg_server)
    finally:
        for name in names:
            pg_server.drop(name)


@pytest.mark.parametrize("prefix", [postgres.TEST_PREFIX, postgres.TEMPLATE_PREFIX])
def test_names_carry_their_creation_time(prefix: str) -> None:
    name = postgres.new_name(prefix)
    match = postgres.OURS.match(name)
    assert match and abs(int(match.group(1)) - time.time()) < 5 and len(name) < 64
