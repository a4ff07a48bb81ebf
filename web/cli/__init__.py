"""The ``ventanilla`` command: schema, validation, publishing, users, tokens, the server and the worker."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from engine import catalog, scheduler, schema, store, system
from engine.clock import utcnow
from engine.errors import EngineError, FormInvalid, InvalidContent
from engine.services import demo, providers, reference, users
from engine.services.derivation_outbox import send_due
from engine.services.timers import fire_due_timers

from .agency import agency


def _system() -> system.System:
    return system.build(os.environ.get("DATABASE_URL"))


def _fail(err: EngineError) -> None:
    click.echo(f"error: {err.detail}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """Ventanilla: atención de casos de consumidores sobre procesos BPMN."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def init_database(sys_: system.System) -> int:
    """Migrate the schema and load reference data (idempotent); returns reference rows added."""
    schema.upgrade(sys_.db)
    with sys_.db.writing() as s:
        return reference.load_reference(s)


@main.command()
def init() -> None:
    """Crea o actualiza el esquema y carga los datos de referencia (idempotente)."""
    added = init_database(_system())
    click.echo(f"Base de datos al día; {added} registros de referencia agregados.")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Valida procesos, formularios y plantillas: una línea por problema (ARCHIVO: ELEMENTO: mensaje)."""
    try:
        files, wanted = catalog.read_paths(paths)
        problems = catalog.validate(files, wanted)
    except InvalidContent as err:
        problems = err.problems
    for p in problems:
        click.echo(str(p))
    if problems:
        sys.exit(1)
    click.echo(f"{len(wanted)} archivos válidos.", err=True)


def publish_dir(sys_: system.System, root: Path, by: str, note: str) -> store.VersionInfo:
    """Publish a content folder as a new version (or return the identical one)."""
    with sys_.db.writing() as s:
        return store.publish(s, catalog.read_dir(root), by=by, note=note, now=utcnow())


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--note", default="", help="Nota de la versión")
@click.option("--by", "by", default="cli", help="Quién publica")
def publish(directory: Path, note: str, by: str) -> None:
    """Publica processes/, forms/ y letter_templates/ de DIRECTORY como versión nueva; imprime su número."""
    sys_ = _system()
    schema.upgrade(sys_.db)
    try:
        info = publish_dir(sys_, directory, by, note)
    except InvalidContent as err:
        for p in err.problems:
            click.echo(str(p), err=True)
        sys.exit(1)
    click.echo(str(info.id))
    click.echo("versión nueva" if info.created else "sin cambios: ya estaba publicada", err=True)


@main.group()
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
        with _system().db.writing() as s:
            users.add_user(s, username, password, role, utcnow(), platform, region, full_name, provider)
    except EngineError as err:
        _fail(err)
    click.echo(f"Usuario {username} creado ({role}).")


@main.group()
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
        with _system().db.writing() as s:
            view = providers.add_provider(
                s, rut, legal_name, utcnow(), trade_name, market, email, digital=digital
            )
    except FormInvalid as err:
        for problem in err.errors:
            click.echo(f"error: {problem.field}: {problem.message}", err=True)
        sys.exit(1)
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
        with _system().db.writing() as s:
            view = providers.update_provider(s, rut, changes, "ventanilla provider edit", utcnow())
            accounts = providers.portal_accounts(s, view.rut)
    except FormInvalid as err:
        for problem in err.errors:
            click.echo(f"error: {problem.field}: {problem.message}", err=True)
        sys.exit(1)
    except EngineError as err:
        _fail(err)
    click.echo(f"Proveedor {view.display_rut} {view.legal_name} actualizado ({view.medium_label}).")
    if accounts and not view.digital:
        click.echo("aviso: " + providers.LETTER_WITH_ACCOUNTS.format(accounts=accounts), err=True)


@provider.command("list")
def provider_list() -> None:
    """Lista las empresas registradas: RUT, razón social, mercado, cómo responde y correo."""
    with _system().db.reading() as s:
        rows = providers.list_providers(s)
    for p in rows:
        mode = "digital" if p.digital else "carta"
        click.echo(f"{p.display_rut:>12}  {p.legal_name:<32} {p.market:<20} {mode:<7} {p.email or ''}")


@main.group()
def token() -> None:
    """Tokens de la API."""


@token.command("create")
@click.argument("username")
def token_create(username: str) -> None:
    """Crea un token para USERNAME y lo imprime (se muestra una sola vez)."""
    try:
        with _system().db.writing() as s:
            click.echo(users.create_token(s, username, utcnow()))
    except EngineError as err:
        _fail(err)


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--threads", default=8, type=int)
def run(host: str, port: int, threads: int) -> None:
    """Sirve la aplicación web y la API, con el programador de temporizadores."""
    from waitress import serve

    from .. import create_app

    app = create_app()
    scheduler.start_background(app.extensions["ventanilla"])
    click.echo(f"Ventanilla en http://{host}:{port}/  (Ctrl+C para detener)")
    serve(app, host=host, port=port, threads=threads)


@main.command()
def worker() -> None:
    """Solo el programador de temporizadores (sin servidor web)."""
    scheduler.run_blocking(_system())


@main.command("fire-timers")
def fire_timers() -> None:
    """Dispara una vez los temporizadores vencidos y muestra el resultado."""
    sys_ = _system()
    report = fire_due_timers(sys_.db, sys_.store, utcnow())
    click.echo(
        f"{report.fired} disparados, {report.failed} con error, {report.skipped} tomados por otro proceso"
    )
    sent = send_due(sys_.db, utcnow())
    click.echo(
        f"derivaciones: {sent.sent} enviadas, {sent.failed} con error, {sent.incidents} incidentes abiertos"
    )


@main.command("demo")
@click.option("--content", default=".", type=click.Path(path_type=Path, file_okay=False))
def demo_cmd(content: Path) -> None:
    """init + publish + datos de demostración (idempotente); imprime los usuarios de prueba."""
    sys_ = _system()
    init_database(sys_)
    info = publish_dir(sys_, content, "demo", "contenido incluido")
    created = demo.load_demo(sys_, utcnow())
    click.echo(f"Versión publicada: {info.id}. Casos de demostración creados: {created}.")
    click.echo("Usuarios de prueba (contraseña para todos: " + demo.PASSWORD + "):")
    for username, role, where in demo.USERS:
        click.echo(f"  {username:<16} {role:<18} {where or ''}")


main.add_command(agency)
