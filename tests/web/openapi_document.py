"""The OpenAPI document of a freshly made app (no database needed to serve it)."""

from __future__ import annotations

from typing import Any

from web import create_app
from web.api import openapi


def document() -> dict[str, Any]:
    return openapi.document(create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}))
