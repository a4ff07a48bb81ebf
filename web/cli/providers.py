"""``ventanilla provider add|edit|list``: the provider (company) registry from the command line."""

from __future__ import annotations

import sys

import click

from engine.errors import EngineError
from engine.services import providers

from . import common


@click.group()
def provider() -> None:
    """Registro de proveedores (empresas)."""


@provider.command("add")
@click.argument("rut")
@click.argument("legal_name")
@click.option("--trade-name", default="", help="Nombre de fantasía")
@click.option("--market", default="", help="Mercado, p. ej. telecomunicaciones")
@click.option("--email", default=None, help="Correo de contacto para los traslados")
@click.option("--digital/--carta", default=False, help="Responde por el portal/API (mediación digital)")
def provider_add(
    rut: str, legal_name: str, trade_name: str, market: str, email: str | None, digital: bool
) -> None:
    """Registra una empresa con su RUT (se valida el dígito verificador)."""
    try:
        with common.system().db.writing() as s:
            view = providers.add_provider(
                s, rut, legal_name, common.now(), trade_name, market, email, digital=digital
            )
    except EngineError as err:
        common.fail(err)
    click.echo(f"Proveedor {view.display_rut} {view.legal_name} registrado ({view.medium_label}).")


@provider.command("edit")
@click.argument("rut")
@click.option("--legal-name", default=None, help="Razón social")
@click.option("--trade-name", default=None, help="Nombre de fantasía ('' lo borra)")
@click.option("--market", default=None, help="Mercado ('' lo borra)")
@click.option("--email", default=None, help="Correo de contacto ('' lo borra)")
@click.option("--digital/--carta", default=None, help="Responde por el portal/API o por carta")
def provider_edit(
    rut: str,
    legal_name: str | None,
    trade_name: str | None,
    market: str | None,
    email: str | None,
    digital: bool | None,
) -> None:
    """Cambia los datos de una empresa registrada; lo que no se indica queda igual. El RUT no cambia."""
    given = {
        "legal_name": legal_name,
        "trade_name": trade_name,
        "market": market,
        "email": email,
        "digital": digital,
    }
    changes = {field: value for field, value in given.items() if value is not None}
    if not changes:
        click.echo("error: indique al menos un dato a cambiar (vea --help)", err=True)
        sys.exit(2)
    try:
        with common.system().db.writing() as s:
            view = providers.update_provider(s, rut, changes, "ventanilla provider edit", common.now())
            accounts = providers.portal_accounts(s, view.rut)
    except EngineError as err:
        common.fail(err)
    click.echo(f"Proveedor {view.display_rut} {view.legal_name} actualizado ({view.medium_label}).")
    if accounts and not view.digital:
        click.echo("aviso: " + providers.LETTER_WITH_ACCOUNTS.format(accounts=accounts), err=True)


@provider.command("list")
def provider_list() -> None:
    """Lista las empresas registradas: RUT, razón social, mercado, cómo responde y correo."""
    with common.system().db.reading() as s:
        rows = providers.list_providers(s)
    for p in rows:
        mode = "digital" if p.digital else "carta"
        click.echo(f"{p.display_rut:>12}  {p.legal_name:<32} {p.market:<20} {mode:<7} {p.email or ''}")
