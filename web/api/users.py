"""API v1 staff accounts: a platform administrator's region's accounts (nivel central reads all): create one
with a temporary password (returned once), reset it, deactivate an account."""

from __future__ import annotations

from typing import Annotated

from flask import Response, url_for
from pydantic import Field
from typing_extensions import TypedDict

from engine.access import Actor
from engine.roles import ROLES
from engine.services.network import accounts

from .. import context
from .common import NOT_FOUND, STAFF, bp, json_response
from .contract import INVALID, Input, Labels, operation
from .idempotency import KeyHeader, idempotent

FORBIDDEN = "Fuera de su región, rol que no puede otorgar o perfil sin permiso"


class AccountList(TypedDict):
    users: list[accounts.AccountView]


@bp.get("/v1/users")
@operation("Cuentas del personal a su alcance", {200: AccountList, 403: FORBIDDEN}, auth=STAFF)
def list_users(actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(AccountList(users=accounts.list_accounts(s, actor)))


class AccountCreate(Input):
    refusal = 'indique {"username", "full_name", "role", "email", "platform"} como textos'
    username: Annotated[str, Field(max_length=80)]
    full_name: Annotated[str, Field(max_length=120)]
    role: Annotated[str, Labels("Role", ROLES)]
    email: Annotated[str, Field(max_length=160)] = ""
    platform: Annotated[str, Field(max_length=20, description="código de plataforma (ejecutivos/as)")] = ""


@bp.post("/v1/users")
@operation(
    "Crear una cuenta (devuelve su contraseña temporal una sola vez)",
    {201: accounts.Created, 403: FORBIDDEN, 422: INVALID},
    auth=STAFF,
    body=AccountCreate,
    headers=KeyHeader,
)
@idempotent
def create_user(actor: Actor, body: AccountCreate) -> Response:
    with context.system().db.writing() as s:
        created = accounts.create_account(s, body.model_dump(), actor, context.now())
    resp = json_response(created, 201)
    resp.headers["Location"] = url_for("api.get_user", username=created.account.username)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/v1/users/<username>")
@operation("Una cuenta", {200: accounts.AccountView, 403: FORBIDDEN, 404: NOT_FOUND}, auth=STAFF)
def get_user(username: str, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(accounts.get_account(s, username, actor))


@bp.post("/v1/users/<username>/password-reset")
@operation(
    "Contraseña temporal nueva (devuelta una sola vez; se cambia al ingresar)",
    {200: accounts.Created, 403: FORBIDDEN, 404: NOT_FOUND},
    auth=STAFF,
)
def reset_user_password(username: str, actor: Actor) -> Response:
    with context.system().db.writing() as s:
        resp = json_response(accounts.reset_password(s, username, actor, context.now()))
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/v1/users/<username>/deactivate")
@operation(
    "Desactivar una cuenta (sus tareas vuelven a la bandeja de su plataforma; sus tokens se revocan)",
    {200: accounts.AccountView, 403: FORBIDDEN, 404: NOT_FOUND, 422: INVALID},
    auth=STAFF,
)
def deactivate_user(username: str, actor: Actor) -> Response:
    with context.system().db.writing() as s:
        return json_response(accounts.deactivate_account(s, username, actor, context.now()))
