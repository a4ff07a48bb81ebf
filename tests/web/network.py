"""Shared by the network tests: platform administrators of regions 13 and 05 and a CSRF token helper."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services import users

PASSWORD = "clave-segura-1"
ADMINS = {"admin13": "13", "admin05": "05"}


def add_admins(app: Flask) -> dict[str, str]:
    """API tokens of admin13 and admin05, the test staff's platform administrators (tests/conftest.py)."""
    with app.extensions["ventanilla"].db.writing() as s:
        return {username: users.create_token(s, username, utcnow()) for username in ADMINS}


def csrf(client: FlaskClient, page: str = "/estado") -> str:
    body = client.get(page).get_data(as_text=True)
    return body.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
