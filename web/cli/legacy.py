"""``ventanilla import-legacy FILE.csv``: the old system's cases, in batches, with a progress bar and a report
per row (CSV) beside the file; running it again imports nothing twice."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import click

from engine.services.network import legacy
from engine.services.network.sheets import column_key

from . import common

BATCH = 5000
REPORT_COLUMNS = ("linea", "caso_numero", "resultado", "folio", "detalle")
STATUS = {
    "history": "histórico",
    "started": "en trámite",
    "already": "ya importado",
    "invalid": "con errores",
}


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        keys = [column_key(h) for h in next(reader, [])]
        for line, cells in enumerate(reader, start=2):
            if any(cells):
                yield line, dict(zip(keys, cells, strict=False))


def _total(path: Path) -> int:
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


@click.command("import-legacy")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="informe por fila (CSV); por defecto FILE.informe.csv",
)
def import_legacy(file: Path, report_path: Path | None) -> None:
    """Importa los casos del sistema anterior (CSV): los cerrados como historia, los abiertos en trámite."""
    system, counts = common.system(), Counter[str]()
    report_path = report_path or file.with_suffix(".informe.csv")
    rows = _rows(file)
    with (
        report_path.open("w", encoding="utf-8", newline="") as out,
        click.progressbar(length=_total(file), label="Importando", file=sys.stderr) as bar,
    ):
        writer = csv.writer(out)
        writer.writerow(REPORT_COLUMNS)
        while batch := list(islice(rows, BATCH)):
            with system.db.writing() as s:
                results = legacy.import_rows(s, system.store, batch, common.now())
            for r in results:
                writer.writerow((r.line, r.number, STATUS[r.status], r.folio or "", "; ".join(r.messages)))
            counts.update(r.status for r in results)
            bar.update(len(batch))
    summary = ", ".join(f"{STATUS[k]}: {counts[k]}" for k in STATUS)
    click.echo(f"{sum(counts.values())} fila(s): {summary}. Informe: {report_path}")
    if counts["invalid"]:
        sys.exit(1)
