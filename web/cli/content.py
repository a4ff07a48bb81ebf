"""``ventanilla init|validate|publish|demo``: the database schema and the published content."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine import catalog, schema, store, system
from engine.errors import InvalidContent
from engine.services import demo, reference
from engine.services.knowledge import csvio

from . import common

KNOWLEDGE_CSV = Path("knowledge") / "conocimiento.csv"


def init_database(sys_: system.System) -> int:
    """Migrate the schema and load reference data (idempotent); returns reference rows added."""
    schema.upgrade(sys_.db)
    with sys_.db.writing() as s:
        return reference.load_reference(s)


def publish_dir(sys_: system.System, root: Path, by: str, note: str) -> store.VersionInfo:
    """Publish a content folder as a new version (or return the identical one)."""
    with sys_.db.writing() as s:
        return store.publish(s, catalog.read_dir(root), by=by, note=note, now=common.now())


def seed_knowledge(sys_: system.System, path: Path) -> None:
    """Load the shipped knowledge base into an empty one (what an editor changed is never overwritten)."""
    if not path.is_file():
        click.echo(f"Base de conocimiento: no se encontró {path}", err=True)
        return
    with sys_.db.writing() as s:
        report = csvio.seed(s, path.read_text(encoding="utf-8"), common.now())
    if report:
        click.echo(f"Base de conocimiento: {report.created} artículos cargados desde {path}.")


@click.command()
def init() -> None:
    """Crea o actualiza el esquema y carga los datos de referencia (idempotente)."""
    added = init_database(common.system())
    click.echo(f"Base de datos al día; {added} registros de referencia agregados.")


@click.command()
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


@click.command()
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--note", default="", help="Nota de la versión")
@click.option("--by", "by", default="cli", help="Quién publica")
def publish(directory: Path, note: str, by: str) -> None:
    """Publica processes/, forms/, letter_templates/ y lists/ de DIRECTORY como versión nueva; imprime su
    número."""
    sys_ = common.system()
    schema.upgrade(sys_.db)
    try:
        info = publish_dir(sys_, directory, by, note)
    except InvalidContent as err:
        for p in err.problems:
            click.echo(str(p), err=True)
        sys.exit(1)
    click.echo(str(info.id))
    click.echo("versión nueva" if info.created else "sin cambios: ya estaba publicada", err=True)


@click.command("demo")
@click.option("--content", default=".", type=click.Path(path_type=Path, file_okay=False))
def demo_cmd(content: Path) -> None:
    """init + publish + datos de demostración (idempotente); imprime los usuarios de prueba."""
    sys_ = common.system()
    init_database(sys_)
    info = publish_dir(sys_, content, "demo", "contenido incluido")
    created = demo.load_demo(sys_, common.now())
    click.echo(f"Versión publicada: {info.id}. Casos de demostración creados: {created}.")
    seed_knowledge(sys_, content / KNOWLEDGE_CSV)
    accounts = demo.accounts()
    click.echo(f"Usuarios de prueba: {len(accounts)} (contraseña para todos: {demo.PASSWORD}):")
    for username, role, where in accounts:
        click.echo(f"  {username:<20} {role:<18} {where}")
