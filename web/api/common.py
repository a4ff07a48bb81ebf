"""What every API v1 area shares: the ``api`` blueprint, JSON out, the staff's bearer token, small types."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from engine import inputs
from engine.access import Actor
from engine.errors import EngineError, InputRefused, Unauthenticated
from engine.labels import CHANNELS, KINDS
from engine.services import users

from .. import context
from .contract import Auth, Labels

bp = Blueprint("api", __name__, url_prefix="/api")

TRUTHY = ("1", "true", "sí", "si")
NOT_FOUND = "No existe o fuera de su alcance"


class TooManyRequests(EngineError):
    status = 429
    type = "/problems/rate-limited"
    title = "Demasiadas consultas"


def plain(value: Any) -> Any:
    """A dataclass, mapping or list as JSON values (dates in ISO 8601)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def json_response(value: Any, status: int = 200) -> Response:
    resp = jsonify(plain(value))
    resp.status_code = status
    return resp


def staff_actor() -> Actor:
    """The token's owner; 401 problem+json without a valid bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("falta el encabezado Authorization: Bearer <token>")
    channel = _channel()
    user = users.authenticate_token(context.system().db, token.strip(), context.now())
    return users.actor_of(user, channel=channel)


def _channel() -> str | None:
    """The X-Channel header (how the case reached the caller, for the bitácora): one of the channels."""
    channel = request.headers.get("X-Channel") or None
    if channel is not None and channel not in CHANNELS:
        raise InputRefused(f"X-Channel debe ser uno de: {', '.join(CHANNELS)}")
    return channel


class ChannelHeader(BaseModel):
    """The header ``staff_actor`` reads (documented from the same list of channels it checks)."""

    channel: Annotated[str | None, WithJsonSchema({"type": "string", "enum": list(CHANNELS)})] = Field(
        None,
        alias="X-Channel",
        description="canal por el que llegó la gestión, para la bitácora (por defecto, el de la cuenta)",
    )


STAFF = Auth(staff_actor, {401: "Sin token o token inválido"}, headers=ChannelHeader)


def _flag(value: Any) -> bool:
    return value in TRUTHY


def _digits(value: Any) -> Any:
    """Query integers are plain decimal digits: no sign, spaces or underscores."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("no es un entero")
    return int(value) if isinstance(value, str) else value


def _whole(value: Any) -> Any:
    """JSON's 3.0 is the integer 3 (as JSON Schema says)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Kind = Annotated[str, Labels("Kind", KINDS)]  # inquiry = consulta, complaint = reclamo …
Channel = Annotated[str, Labels("Channel", CHANNELS)]
# A query flag: 1, true, sí or si turn it on; any other value leaves it off.
Flag = Annotated[bool, BeforeValidator(_flag), Field(description="1, true, sí o si la activan")]
# Bounds go before the conversion in Annotated[...], so that the JSON Schema shows them.
DIGITS = BeforeValidator(_digits)
RowId = Annotated[int, Field(ge=1, le=inputs.MAX_ID), BeforeValidator(_whole)]
# Text the endpoint trims before using it: at least one character that is not white space.
Text = Annotated[str, Field(pattern=r"\S")]
