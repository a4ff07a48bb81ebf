"""Every table the Cuadro de Monitoreo and the search show, as typed rows for the XLSX and CSV exports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...access import Actor
from ...clock import CHILE
from ...labels import CHANNELS, KINDS, STAGES, STATUSES
from ...models import Case
from .filters import CaseFilter, scoped
from .indicators import Dashboard

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Table:
    """A titled table: its header and its rows (real types: numbers, dates; never numbers as text)."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: Iterable[tuple[Cell, ...]]


def dashboard_tables(board: Dashboard) -> list[Table]:
    """The dashboard's tables, in the order of the page."""
    out = [
        Table("total", "Casos ingresados", ("Indicador", "Casos"), [(board.intake.label, board.intake.count)])
    ]
    for b in board.breakdowns:
        out.append(Table(b.name, b.title, ("Categoría", "Casos"), [(f.label, f.count) for f in b.figures]))
    out.append(
        Table(
            "close_times",
            "Días hábiles para cerrar, por tipo",
            ("Tipo", "Cerrados", "Promedio", "Percentil 90"),
            [(t.label, t.closed, t.average, t.p90) for t in board.close_times],
        )
    )
    out.append(
        Table(
            "derivations",
            "Derivaciones por institución",
            (
                "Institución",
                "Derivados",
                "Con acuse",
                "Acuse en plazo",
                "Respondidos",
                "Respuesta en plazo",
                "Días hábiles promedio de respuesta",
            ),
            [
                (
                    d.name,
                    d.derived,
                    d.acknowledged,
                    d.acknowledged_on_time,
                    d.answered,
                    d.answered_on_time,
                    d.average_answer_days,
                )
                for d in board.derivations
            ],
        )
    )
    out.append(
        Table(
            "returns",
            "Cierres devueltos en visación",
            ("Ejecutivo/a", "Devoluciones"),
            [(r.label, r.count) for r in board.returns],
        )
    )
    rows = [(b.title, f.label, f.count) for b in board.subjects_by_region for f in b.figures]
    out.append(
        Table(
            "subjects_by_region", "Materias más frecuentes por región", ("Región", "Materia", "Casos"), rows
        )
    )
    return out


CASE_COLUMNS: dict[str, str] = {
    "folio": "Folio",
    "kind": "Tipo",
    "stage": "Etapa",
    "status": "Estado",
    "channel": "Canal",
    "platform_code": "Plataforma",
    "region_code": "Región",
    "comuna_code": "Comuna",
    "consumer_rut": "RUT consumidor",
    "consumer_name": "Nombre consumidor",
    "consumer_email": "Correo consumidor",
    "consumer_phone": "Teléfono consumidor",
    "provider_rut": "RUT empresa",
    "provider_name": "Empresa",
    "subject": "Materia",
    "opened_at": "Ingreso",
    "due_on": "Vence",
    "closed_at": "Cierre",
    "closed_business_days": "Días hábiles al cierre",
    "outcome": "Resultado",
}
LABELS = {"kind": KINDS, "stage": STAGES, "status": STATUSES, "channel": CHANNELS}
PERSONAL = frozenset({"consumer_rut", "consumer_name", "consumer_email", "consumer_phone"})


def _cell(column: str, value: Any) -> Cell:
    if isinstance(value, datetime):
        return value.astimezone(CHILE).replace(tzinfo=None)  # spreadsheets have no time zones: Chile time
    if column in LABELS and isinstance(value, str):
        return LABELS[column].get(value, value)
    return value  # type: ignore[no-any-return]


def mask(column: str, value: Cell) -> Cell:
    """Personal data hidden for roles that may not see it: the RUT's last digits, the rest blanked."""
    if value is None or column not in PERSONAL:
        return value
    if column == "consumer_rut":
        text = str(value)
        return "•" * max(0, len(text) - 5) + text[-5:]
    return "•••"


def case_rows(
    s: Session, actor: Actor, f: CaseFilter, today: date, columns: list[str], masked: bool = False
) -> Iterator[tuple[Cell, ...]]:
    """The cases matching ``f`` in the actor's scope, oldest first, read in batches (memory stays flat)."""
    chosen = [getattr(Case, c) for c in columns]
    query = select(*chosen).where(*scoped(s, actor, f, today)).order_by(Case.opened_at, Case.id)
    for row in s.execute(query.execution_options(yield_per=2000)):
        cells = tuple(_cell(c, v) for c, v in zip(columns, row, strict=True))
        yield tuple(mask(c, v) for c, v in zip(columns, cells, strict=True)) if masked else cells


def case_table(
    s: Session,
    actor: Actor,
    f: CaseFilter,
    today: date,
    columns: list[str] | None = None,
    masked: bool = False,
) -> Table:
    """The search's results as a table (every column unless chosen)."""
    chosen = columns or [c for c in CASE_COLUMNS if c not in ("consumer_email", "consumer_phone")]
    header = tuple(CASE_COLUMNS[c] for c in chosen)
    return Table("casos", "Casos", header, case_rows(s, actor, f, today, chosen, masked))
