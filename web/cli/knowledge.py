"""``ventanilla knowledge import|export``: the call center's knowledge base as CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.access import Actor
from engine.errors import EngineError
from engine.services.knowledge import csvio

from . import common


@click.group()
def knowledge() -> None:
    """Base de conocimiento del centro de llamadas (preguntas y respuestas) en CSV."""


@knowledge.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--by", "by", default="analista", help="Quién importa (queda en el historial)")
def import_cmd(path: Path, by: str) -> None:
    """Crea o actualiza artículos desde un CSV (todo o nada); las ediciones quedan como versiones nuevas."""
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        click.echo("error: el archivo debe estar en UTF-8", err=True)
        sys.exit(1)
    sys_ = common.system()
    try:
        with sys_.db.writing() as s:
            report = csvio.import_csv(s, content, Actor(by, "analista"), common.now())
    except EngineError as err:
        common.fail(err)
    click.echo(f"{report.created} creados, {report.updated} actualizados, {report.unchanged} sin cambios.")


@knowledge.command("export")
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
def export_cmd(path: Path | None) -> None:
    """Escribe todos los artículos en CSV (a PATH, o a la salida estándar)."""
    with common.system().db.reading() as s:
        content = csvio.export_csv(s)
    if path is None:
        click.echo(content, nl=False)
    else:
        path.write_text(content, encoding="utf-8")
        click.echo(f"Base de conocimiento exportada a {path}", err=True)
