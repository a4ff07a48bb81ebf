"""``ventanilla user add`` and ``ventanilla token create``: staff accounts and API tokens."""

from __future__ import annotations

import sys

import click

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
def token_create(username: str) -> None:
    """Crea un token para USERNAME y lo imprime (se muestra una sola vez)."""
    try:
        with common.system().db.writing() as s:
            click.echo(users.create_token(s, username, common.now()))
    except EngineError as err:
        common.fail(err)
