"""Rate limits live in the database: two app instances (two processes' worth) on one database share one
allowance, a restart does not reset it, and concurrent hits are counted exactly (atomic upsert). The staff
/estado page is limited per account. SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask

from engine.services import ratelimits
from tests.conftest import Clock, prepare
from tests.web.test_auth__login import sign_in
from web import create_app
from web.ratelimit import RateLimiter

PASSWORD = "clave-segura-1"
STATUS = "/api/v1/status?folio=2024-0000001&rut=11.111.111-1"


def _app(database_url: str, clock: Clock, **config: object) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock, **config})


def test_two_instances_share_one_allowance_and_a_restart_keeps_it(database_url: str, clock: Clock) -> None:
    prepare(database_url).db.engine.dispose()
    one = _app(database_url, clock, STATUS_LOOKUPS_PER_MINUTE=4)
    two = _app(database_url, clock, STATUS_LOOKUPS_PER_MINUTE=4)
    clock.now = ratelimits.window_of(clock.now, timedelta(minutes=1)) + timedelta(seconds=5)
    got = [app.test_client().get(STATUS).status_code for app in (one, two, one, two, one, two)]
    assert got == [404, 404, 404, 404, 429, 429]  # 4 lookups in all, whichever process answered
    refused = two.test_client().get(STATUS)
    assert refused.content_type == "application/problem+json"
    one.extensions["ventanilla"].db.engine.dispose()
    restarted = _app(database_url, clock, STATUS_LOOKUPS_PER_MINUTE=4)
    assert restarted.test_client().get(STATUS).status_code == 429
    clock.advance(minutes=1)  # the next window
    assert restarted.test_client().get(STATUS).status_code == 404
    for app in (two, restarted):
        app.extensions["ventanilla"].db.engine.dispose()


def test_concurrent_hits_are_counted_exactly(database_url: str, clock: Clock) -> None:
    prepare(database_url).db.engine.dispose()
    app = _app(database_url, clock)
    clock.now = ratelimits.window_of(clock.now, timedelta(hours=1)) + timedelta(minutes=1)
    limiter = RateLimiter("prueba", 7, timedelta(hours=1))

    def knock(_: int) -> bool:
        with app.app_context():
            return limiter.allow("10.0.0.9")

    with ThreadPoolExecutor(8) as pool:
        allowed = list(pool.map(knock, range(24)))
    assert allowed.count(True) == 7
    with app.app_context():
        assert limiter.allow("10.0.0.10")  # another key has its own allowance
    app.extensions["ventanilla"].db.engine.dispose()


def test_the_staff_status_page_is_limited_per_account(database_url: str, clock: Clock) -> None:
    prepare(database_url).db.engine.dispose()
    app = _app(database_url, clock, STAFF_STATUS_LOOKUPS_PER_MINUTE=3)
    clock.now = ratelimits.window_of(clock.now, timedelta(minutes=1)) + timedelta(seconds=1)
    eje, sup = app.test_client(), app.test_client()
    sign_in(eje, "eje13", PASSWORD)
    sign_in(sup, "sup13", PASSWORD)
    path = "/estado?folio=2024-0000001&rut=11.111.111-1"
    assert [eje.get(path).status_code for _ in range(4)] == [404, 404, 404, 429]
    page = eje.get(path)
    assert "demasiadas consultas" in page.get_data(as_text=True) and page.headers["Retry-After"]
    assert eje.get("/estado").status_code == 200  # the empty form is not a lookup
    assert sup.get(path).status_code == 404  # another account keeps its own allowance
    app.extensions["ventanilla"].db.engine.dispose()
