"""flaskr-style fixtures: app → client, plus bearer tokens for the test staff."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services import users
from tests.conftest import STAFF, complaint, prepare
from web import create_app, security


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    prepared = prepare(database_url)
    prepared.db.engine.dispose()
    flask_app = create_app({"TESTING": True, "DATABASE_URL": database_url, "STATUS_LOOKUPS_PER_MINUTE": 5})
    yield flask_app
    flask_app.extensions["ventanilla"].db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def tokens(app: Flask) -> dict[str, str]:
    with app.extensions["ventanilla"].db.writing() as s:
        return {username: users.create_token(s, username, utcnow()) for username, *_ in STAFF}


def intake(**overrides: object) -> dict[str, object]:
    """A reclamo on the one-task process (caso_simple): for the API's mechanics, not the lifecycle."""
    return {**complaint(**overrides), "process": "caso_simple"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on a real HTTP server (waitress) on a loopback port, for concurrency over the wire."""
    from waitress.server import create_server

    server: Any = create_server(app, host="127.0.0.1", port=0, threads=12, ident=security.SERVER_IDENT)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
