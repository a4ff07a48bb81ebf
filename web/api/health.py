"""API v1 health, and the OpenAPI document of the whole API."""

from __future__ import annotations

from flask import Response, current_app, jsonify
from typing_extensions import TypedDict

from engine.errors import EngineError

from .. import context
from . import openapi
from .common import bp, json_response
from .contract import operation


class Health(TypedDict):
    status: str
    content_version: int | None


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.document(current_app))


@bp.get("/v1/health")
@operation("Estado del servicio", {200: Health}, security=())
def health() -> Response:
    system = context.system()
    with system.db.reading() as s:
        try:
            version: int | None = system.store.latest(s).version_id
        except EngineError:
            version = None
    return json_response(Health(status="ok", content_version=version))
