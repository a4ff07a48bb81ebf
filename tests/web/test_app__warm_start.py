"""Cold start: the app parses the published content when it starts, not on the first request (after a restart
the first intake took 6.7 s on average in the reliability test of issue #12). SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from engine import catalog, store, system
from engine.clock import utcnow
from engine.services import users
from tests.conftest import prepare
from tests.web.conftest import bearer, intake
from web import create_app


def _refuse_parsing(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the content was parsed during a request")


def test_the_first_request_after_a_start_does_not_parse(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(database_url).db.engine.dispose()
    monkeypatch.setattr(store, "_PARSED", {})  # a new process: nothing parsed yet
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        token = users.create_token(s, "eje13", utcnow())
    monkeypatch.setattr(catalog, "build", _refuse_parsing)
    resp = app.test_client().post("/api/v1/cases", json=intake(), headers=bearer(token))
    assert resp.status_code == 201, resp.get_json()
    sys_.db.engine.dispose()


def test_a_database_without_schema_or_content_starts_all_the_same(tmp_path: Any) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/vacia.db"})  # no schema yet
    assert system.warm(app.extensions["ventanilla"]) == []
