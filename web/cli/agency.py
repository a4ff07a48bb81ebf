"""``ventanilla agency list|add|set``: the partner-agency registry from the command line."""

from __future__ import annotations

from typing import Any

import click

from engine.access import Actor
from engine.errors import EngineError
from engine.services import agencies

from . import common

CLI = Actor("cli", "sistema")


def _fields(**options: Any) -> dict[str, Any]:
    return {k: v for k, v in options.items() if v is not None}


def _saved(saved: agencies.SavedAgency, verb: str) -> None:
    click.echo(f"Institución {saved.agency.code} {verb}.")
    if saved.new_secret:
        click.echo(f"Secreto compartido (se muestra una sola vez): {saved.new_secret}")


_OPTIONS = [
    click.option("--name", default=None, help="Nombre de la institución"),
    click.option("--channel", default=None, type=click.Choice(sorted(agencies.CHANNELS))),
    click.option("--endpoint", "endpoint_url", default=None, help="URL del servicio web (POST)"),
    click.option("--email", "contact_email", default=None, help="Correo de contacto (oficios)"),
    click.option("--markets", default=None, help="Mercados, separados por comas"),
    click.option(
        "--keywords", default=None, help="Palabras que sugieren la institución, separadas por comas"
    ),
    click.option("--ack-days", "ack_days", default=None, type=int, help="Plazo de acuse (días hábiles)"),
    click.option(
        "--answer-days", "answer_days", default=None, type=int, help="Plazo de respuesta (días hábiles)"
    ),
    click.option("--process", default=None, help="Proceso BPMN de la derivación (por defecto: derivacion)"),
    click.option("--account", default=None, help="Usuario integrador cuyo token puede responder"),
]


def _with_options(command: Any) -> Any:
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


@click.group("agency")
def agency() -> None:
    """Registro de instituciones a las que se derivan casos."""


@agency.command("list")
def agency_list() -> None:
    """Lista el registro (el secreto solo como pista)."""
    with common.system().db.reading() as s:
        rows = agencies.list_agencies(s)
    for a in rows:
        target = a.endpoint_url if a.channel == "webservice" else a.contact_email
        state = "" if a.active else "  (inactiva)"
        click.echo(
            f"{a.code:<8} {a.channel:<10} {a.process:<20} "
            f"acuse {a.ack_days} / respuesta {a.answer_days} días  "
            f"{target or '-'}  secreto {a.secret_hint}  {a.name}{state}"
        )


@agency.command("add")
@click.argument("code")
@_with_options
def agency_add(code: str, **options: Any) -> None:
    """Agrega una institución; genera y muestra su secreto compartido una vez."""
    sys_ = common.system()
    try:
        with sys_.db.writing() as s:
            processes = agencies.published_processes(s, sys_.store)
            saved = agencies.add_agency(s, {"code": code, **_fields(**options)}, processes, CLI, common.now())
    except EngineError as err:
        common.fail(err)
    _saved(saved, "agregada")


@agency.command("set")
@click.argument("code")
@_with_options
@click.option("--active/--inactive", default=None, help="Ofrecerla (o no) al derivar")
@click.option("--rotate-secret", is_flag=True, help="Genera un secreto nuevo y lo muestra una vez")
def agency_set(code: str, rotate_secret: bool, **options: Any) -> None:
    """Cambia campos de una institución."""
    sys_ = common.system()
    try:
        with sys_.db.writing() as s:
            processes = agencies.published_processes(s, sys_.store)
            saved = agencies.update_agency(
                s, code.upper(), _fields(**options), processes, CLI, common.now(), rotate_secret=rotate_secret
            )
    except EngineError as err:
        common.fail(err)
    _saved(saved, "actualizada")
