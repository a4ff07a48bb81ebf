"""``ventanilla user add`` and ``ventanilla token create|list|revoke``: staff accounts and API tokens."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from engine.clock import CHILE
from engine.errors import EngineError
from engine.services import users

from . import common


@click.group()
def user() -> None:
    """Cuentas del personal."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True)
@click.option("--platform", default=None)
@click.option("--region", default=None)
@click.option("--provider", default=None, help="RUT de la empresa (solo rol proveedor)")
@click.option("--name", "full_name", default="")
def user_add(
    username: str, role: str, platform: str | None, region: str | None, provider: str | None, full_name: str
) -> None:
    """Crea una cuenta; la contraseña se lee de la entrada estándar."""
    password = sys.stdin.readline().rstrip("\n")
    try:
        with common.system().db.writing() as s:
            users.add_user(s, username, password, role, common.now(), platform, region, full_name, provider)
    except EngineError as err:
        common.fail(err)
    click.echo(f"Usuario {username} creado ({role}).")


@click.group()
def token() -> None:
    """Tokens de la API."""


@token.command("create")
@click.argument("username")
@click.option("--days", default=users.TOKEN_DAYS, show_default=True, help="días de vigencia")
def token_create(username: str, days: int) -> None:
    """Crea un token para USERNAME y lo imprime (se muestra una sola vez)."""
    try:
        with common.system().db.writing() as s:
            click.echo(users.create_token(s, username, common.now(), days))
    except EngineError as err:
        common.fail(err)


def _when(value: datetime | None) -> str:
    return value.astimezone(CHILE).strftime("%d-%m-%Y %H:%M") if value else "nunca"


@token.command("list")
@click.argument("username")
def token_list(username: str) -> None:
    """Lista los tokens de USERNAME: número, estado, vencimiento y último uso (nunca el token)."""
    try:
        with common.system().db.reading() as s:
            rows = users.list_tokens(s, username)
    except EngineError as err:
        common.fail(err)
    now = common.now()
    for t in rows:
        click.echo(f"{t.id}\t{t.state(now)}\tvence {_when(t.expires_at)}\túltimo uso {_when(t.last_used_at)}")


@token.command("revoke")
@click.argument("token_id", required=False, type=int)
@click.option("--user", "username", default=None, help="revoca todos los tokens vigentes de esta cuenta")
def token_revoke(token_id: int | None, username: str | None) -> None:
    """Revoca el token N° TOKEN_ID (ver ``token list``), o todos los de --user; rige de inmediato."""
    if (token_id is None) == (username is None):
        raise click.UsageError("indique el número del token o --user CUENTA (uno de los dos)")
    try:
        with common.system().db.writing() as s:
            if token_id is not None:
                users.revoke_token(s, token_id, common.now())
                message = f"Token {token_id} revocado."
            else:
                count = users.revoke_user_tokens(s, str(username), common.now())
                message = f"{count} token(s) de {username} revocado(s)."
    except EngineError as err:
        common.fail(err)
    click.echo(message)
